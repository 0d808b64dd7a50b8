using System.Collections.Concurrent;
using System.Globalization;

namespace AnnotateHub.Web.Realtime;

/// <summary>An event on the <see cref="EventBus"/>. Its key (a document's or project's id, a user's id) is what
/// subscribers listen to and what orders delivery: events of one key arrive in the order they were published.</summary>
public interface IBusEvent
{
    string Key { get; }

    /// <summary>The key of a numbered thing (a document, a project), as events and subscribers both write it.</summary>
    static string KeyOf(int id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>
/// The app's in-process event bus: a service publishes an event after its commit (save first, then notify), and every
/// subscriber of the event's type and key gets it; subscribers of the whole type (<see cref="SubscribeAll{T}"/>: caches,
/// the hub's relay and guard) get it first. Delivery is synchronous on the publisher's thread, so events of one key
/// reach each subscriber in the order published; a handler that has slow work to do queues it (a circuit's
/// dispatcher, <c>Task.Run</c>) and returns. A failing handler is logged and does not stop the others.
/// Each feature's events live with the feature that publishes them; the bus knows none of them. This is the one place
/// a later change backs with another process's events (Redis); docs/decisions/0059.
/// </summary>
public sealed class EventBus(ILogger<EventBus> logger)
{
    private readonly ConcurrentDictionary<(Type Type, string Key), Handlers> _keyed = new();
    private readonly ConcurrentDictionary<Type, Handlers> _all = new();

    /// <summary>Every event of type <typeparamref name="T"/> with this key.</summary>
    public IDisposable Subscribe<T>(string key, Func<T, Task> handler) where T : IBusEvent =>
        Add(_keyed, (typeof(T), key), handler);

    /// <summary>Every event of type <typeparamref name="T"/> about this document or project.</summary>
    public IDisposable Subscribe<T>(int key, Func<T, Task> handler) where T : IBusEvent => Subscribe(IBusEvent.KeyOf(key), handler);

    /// <summary>Every event of type <typeparamref name="T"/>, whatever its key, as published: one event, or the
    /// consecutive events of one key that a publisher published together. Runs before the keyed subscribers.</summary>
    public IDisposable SubscribeAll<T>(Func<IReadOnlyList<T>, Task> handler) where T : IBusEvent => Add(_all, typeof(T), handler);

    [ThreadStatic] private static bool _deliveringRemote;

    /// <summary>True once a bridge to other instances (Redis) is running: subscribers that order work across instances
    /// (the hub's relay) do so only then.</summary>
    public bool Bridged { get; set; }

    /// <summary>True while the bus delivers, on this thread, events another instance published (<see cref="PublishRemote{T}"/>):
    /// a subscriber that forwards events to other instances itself (the hub's relay, through the SignalR backplane; the
    /// Redis bridge) leaves these alone.</summary>
    public static bool DeliveringRemote => _deliveringRemote;

    /// <summary>Delivers events that another instance published (received through Redis) to this instance's subscribers.</summary>
    public void PublishRemote<T>(IReadOnlyList<T> items) where T : IBusEvent
    {
        _deliveringRemote = true;
        try
        {
            Publish(items);
        }
        finally
        {
            _deliveringRemote = false;
        }
    }

    public void Publish<T>(T item) where T : IBusEvent
    {
        if (_all.TryGetValue(typeof(T), out var all)) Deliver<IReadOnlyList<T>>(all, [item]);
        if (_keyed.TryGetValue((typeof(T), item.Key), out var keyed)) Deliver(keyed, item);
    }

    /// <summary>Consecutive events of one key, in order (a writer's group of changes): subscribers of the whole type get
    /// them as one list, keyed subscribers one by one.</summary>
    public void Publish<T>(IReadOnlyList<T> items) where T : IBusEvent
    {
        if (items.Count == 0) return;
        var key = items[0].Key;
        if (items.Any(i => i.Key != key)) throw new ArgumentException("Events published together share one key.", nameof(items));
        if (_all.TryGetValue(typeof(T), out var all)) Deliver(all, items);
        if (!_keyed.TryGetValue((typeof(T), key), out var keyed)) return;
        foreach (var item in items) Deliver(keyed, item);
    }

    private void Deliver<T>(Handlers handlers, T item)
    {
        foreach (var handler in handlers.Items)
        {
            Task task;
            try
            {
                task = ((Func<T, Task>)handler)(item);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Delivering a {Event} failed", typeof(T).Name);
                continue;
            }
            if (!task.IsCompleted) _ = ObserveAsync(task, typeof(T));
            else if (task.IsFaulted) logger.LogWarning(task.Exception, "Delivering a {Event} failed", typeof(T).Name);
        }
    }

    private async Task ObserveAsync(Task task, Type type)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            // One broken circuit must not stop delivery to the others.
            logger.LogWarning(ex, "Delivering a {Event} failed", type.Name);
        }
    }

    private static IDisposable Add<TKey>(ConcurrentDictionary<TKey, Handlers> map, TKey key, Delegate handler) where TKey : notnull
    {
        map.AddOrUpdate(key, _ => new Handlers([handler]), (_, h) => h.Add(handler));
        return new Subscription(() => map.AddOrUpdate(key, _ => new Handlers([]), (_, h) => h.Remove(handler)));
    }

    /// <summary>An immutable list, replaced on each change, so delivery reads it without a lock.</summary>
    private sealed record Handlers(Delegate[] Items)
    {
        public Handlers Add(Delegate h) => new([.. Items, h]);
        public Handlers Remove(Delegate h) => new(Items.Where(x => x != h).ToArray());
    }

    private sealed class Subscription(Action dispose) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0) dispose();
        }
    }
}
