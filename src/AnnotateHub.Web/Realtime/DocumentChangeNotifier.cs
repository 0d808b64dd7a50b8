using System.Collections.Concurrent;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;

namespace AnnotateHub.Web.Realtime;

/// <summary>A committed change of a document, as delivered to live viewers.</summary>
public sealed record DocumentChangeEvent(int DocumentId, long Sequence, ChangeKind Kind, AnnotationView Annotation, string UserId, DateTime At);

/// <summary>A project's mode, members or assignments changed (committed); open views re-check what they may show.</summary>
public sealed record TeamChangedEvent(int ProjectId);

/// <summary>A user's account or tokens changed (committed): locked, unlocked, removed, signed out everywhere, made or
/// unmade admin, a token revoked. Open connections and circuits of the user check again whether they may go on.</summary>
public sealed record UserAccessChangedEvent(string UserId);

/// <summary>A user accepted or rejected suggestions of a document (committed); that user's open views drop them.</summary>
public sealed record SuggestionsDecidedEvent(int DocumentId, string UserId, IReadOnlyList<long> SuggestionIds);

/// <summary>A project's label set after a committed change.</summary>
public sealed record LabelsChangedEvent(int ProjectId, IReadOnlyList<LabelView> Labels);

/// <summary>
/// Fan-out of committed changes inside this process: to the Blazor circuits that show a document (subscribers) and
/// to the programs on the hub (<see cref="IRemoteFanOut"/>). Services call the Publish methods only after the commit
/// (save first, then notify), in sequence order. Events of one document are delivered in that order: circuits queue
/// them on their dispatcher at once, hub groups get them from one ordered queue per partition, sent by the publisher
/// itself when the partition is idle and otherwise by the send under way when it finishes (docs/decisions/0020).
/// </summary>
public sealed class DocumentChangeNotifier
{
    private const int Partitions = 8;

    private readonly ConcurrentDictionary<int, Handlers<DocumentChangeEvent>> _documents = new();
    private readonly ConcurrentDictionary<int, Handlers<LabelsChangedEvent>> _projects = new();
    private readonly ConcurrentDictionary<int, Handlers<PresenceChangedEvent>> _presence = new();
    private readonly ConcurrentDictionary<int, Handlers<TeamChangedEvent>> _teams = new();
    private readonly ConcurrentDictionary<int, Handlers<SuggestionsDecidedEvent>> _suggestions = new();
    private readonly ConcurrentDictionary<string, Handlers<UserAccessChangedEvent>> _users = new(StringComparer.Ordinal);
    // Listeners to every user's changes (the caches and the hub's guard) under one key.
    private const string AnyUser = "";
    private readonly OutboundQueue[] _outbound;
    private readonly IRemoteFanOut _remote;
    private readonly ILogger<DocumentChangeNotifier> _logger;

    public DocumentChangeNotifier(ILogger<DocumentChangeNotifier> logger, IRemoteFanOut? remote = null)
    {
        _logger = logger;
        _remote = remote ?? IRemoteFanOut.None;
        _outbound = new OutboundQueue[Partitions];
        for (var i = 0; i < Partitions; i++) _outbound[i] = new OutboundQueue();
    }

    /// <summary>Events waiting for the hub's groups, and whether a send of this partition is under way.</summary>
    private sealed class OutboundQueue
    {
        public readonly Queue<object> Waiting = new();
        public bool Sending;
    }

    public IDisposable Subscribe(int documentId, Func<DocumentChangeEvent, Task> handler) => Add(_documents, documentId, handler);

    public IDisposable SubscribeLabels(int projectId, Func<LabelsChangedEvent, Task> handler) => Add(_projects, projectId, handler);

    public IDisposable SubscribePresence(int documentId, Func<PresenceChangedEvent, Task> handler) => Add(_presence, documentId, handler);

    public IDisposable SubscribeTeam(int projectId, Func<TeamChangedEvent, Task> handler) => Add(_teams, projectId, handler);

    public IDisposable SubscribeSuggestions(int documentId, Func<SuggestionsDecidedEvent, Task> handler) => Add(_suggestions, documentId, handler);

    /// <summary>The changes of one user's rights (a circuit of that user).</summary>
    public IDisposable SubscribeUser(string userId, Func<UserAccessChangedEvent, Task> handler) => Add(_users, userId, handler);

    /// <summary>The changes of every user's rights (caches, the hub's guard); these run before the user's own listeners.</summary>
    public IDisposable SubscribeAnyUser(Func<UserAccessChangedEvent, Task> handler) => Add(_users, AnyUser, handler);

    /// <summary>In-process listeners only: hub connections are ended by <see cref="HubAccessGuard"/>, which listens.</summary>
    public void PublishUserAccess(UserAccessChangedEvent user)
    {
        Deliver(_users, AnyUser, user);
        Deliver(_users, user.UserId, user);
    }

    /// <summary>Circuits only: a decision concerns only its user's views; programs ask the REST API for what is pending.</summary>
    public void PublishSuggestionsDecided(SuggestionsDecidedEvent decided) => Deliver(_suggestions, decided.DocumentId, decided);

    /// <summary>Circuits only: hub clients are filtered per change on the server, so they need no message.</summary>
    public void PublishTeam(TeamChangedEvent team) => Deliver(_teams, team.ProjectId, team);

    public void PublishPresence(PresenceChangedEvent presence)
    {
        Deliver(_presence, presence.DocumentId, presence);
        Enqueue(presence.DocumentId, presence);
    }

    public void Publish(DocumentChangeEvent change)
    {
        Deliver(_documents, change.DocumentId, change);
        Enqueue(change.DocumentId, change);
    }

    /// <summary>Consecutive committed changes of one document, in sequence order (a writer's group): hub clients get
    /// them as one message.</summary>
    public void Publish(IReadOnlyList<DocumentChangeEvent> changes)
    {
        if (changes.Count == 0) return;
        foreach (var change in changes) Deliver(_documents, change.DocumentId, change);
        Enqueue(changes[0].DocumentId, changes);
    }

    public void PublishLabels(LabelsChangedEvent labels)
    {
        Deliver(_projects, labels.ProjectId, labels);
        Enqueue(labels.ProjectId, labels);
    }

    private void Enqueue(int key, object item)
    {
        var queue = _outbound[(key & int.MaxValue) % Partitions];
        lock (queue)
        {
            queue.Waiting.Enqueue(item);
            // The send under way takes it next, in the order published.
            if (queue.Sending) return;
            queue.Sending = true;
        }
        // Idle: send on the publisher's thread. A group send only writes into each connection's buffer and normally
        // completes at once; waking a task for it cost more than the send. If a write has to wait, the rest goes on
        // without the publisher. A Blazor circuit's dispatcher (a label edit) is no place for other connections' sends.
        if (SynchronizationContext.Current is null) _ = SendWaitingAsync(queue);
        else _ = Task.Run(() => SendWaitingAsync(queue));
    }

    // One send at a time per partition, in the order published. Consecutive changes of one document that queued up
    // while the previous send was under way go out as one message: a busy document costs one write per connection
    // per batch instead of per change.
    private async Task SendWaitingAsync(OutboundQueue queue)
    {
        var batch = new List<DocumentChangeEvent>();
        while (true)
        {
            object[] items;
            lock (queue)
            {
                if (queue.Waiting.Count == 0)
                {
                    queue.Sending = false;
                    return;
                }
                items = queue.Waiting.ToArray();
                queue.Waiting.Clear();
            }
            foreach (var item in items)
            {
                if (item is DocumentChangeEvent change)
                {
                    await AddToBatchAsync(batch, change);
                    continue;
                }
                if (item is IReadOnlyList<DocumentChangeEvent> changes)
                {
                    foreach (var c in changes) await AddToBatchAsync(batch, c);
                    continue;
                }
                if (batch.Count > 0) await SendAsync(batch);
                await SendAsync(item);
            }
            if (batch.Count > 0) await SendAsync(batch);
        }
    }

    private async Task AddToBatchAsync(List<DocumentChangeEvent> batch, DocumentChangeEvent change)
    {
        if (batch.Count > 0 && (batch[0].DocumentId != change.DocumentId || batch.Count >= MaxBatch)) await SendAsync(batch);
        batch.Add(change);
    }

    private const int MaxBatch = 500;

    private async Task SendAsync(List<DocumentChangeEvent> batch)
    {
        try
        {
            await _remote.SendChangesAsync(batch.ToArray());
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Sending {Count} changes to hub clients failed", batch.Count);
        }
        batch.Clear();
    }

    private async Task SendAsync(object item)
    {
        try
        {
            await (item switch
            {
                LabelsChangedEvent labels => _remote.SendLabelsAsync(labels),
                PresenceChangedEvent presence => _remote.SendPresenceAsync(presence),
                _ => Task.CompletedTask,
            });
        }
        catch (Exception ex)
        {
            _logger.LogWarning(ex, "Sending an event to hub clients failed");
        }
    }

    private void Deliver<TKey, T>(ConcurrentDictionary<TKey, Handlers<T>> map, TKey key, T item) where TKey : notnull
    {
        if (!map.TryGetValue(key, out var handlers)) return;
        foreach (var handler in handlers.Items)
        {
            // The handler queues the work on its circuit's dispatcher before it returns, so order is kept per circuit.
            Task task;
            try
            {
                task = handler(item);
            }
            catch (Exception ex)
            {
                _logger.LogWarning(ex, "Delivering a change failed");
                continue;
            }
            if (!task.IsCompleted) _ = Observe(task);
            else if (task.IsFaulted) _logger.LogWarning(task.Exception, "Delivering a change failed");
        }
    }

    private async Task Observe(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception ex)
        {
            // One broken circuit must not stop delivery to the others.
            _logger.LogWarning(ex, "Delivering a change failed");
        }
    }

    private static IDisposable Add<TKey, T>(ConcurrentDictionary<TKey, Handlers<T>> map, TKey key, Func<T, Task> handler) where TKey : notnull
    {
        map.AddOrUpdate(key, _ => new Handlers<T>([handler]), (_, h) => h.Add(handler));
        return new Subscription(() => map.AddOrUpdate(key, _ => new Handlers<T>([]), (_, h) => h.Remove(handler)));
    }

    private sealed record Handlers<T>(Func<T, Task>[] Items)
    {
        public Handlers<T> Add(Func<T, Task> h) => new([.. Items, h]);
        public Handlers<T> Remove(Func<T, Task> h) => new(Items.Where(x => x != h).ToArray());
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

/// <summary>Sends committed changes to connections outside this process's circuits: the SignalR hub's groups
/// (and, through the SignalR Redis backplane, other instances' hub clients).</summary>
public interface IRemoteFanOut
{
    /// <summary>One or more consecutive committed changes of one document, in sequence order.</summary>
    Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes);
    Task SendLabelsAsync(LabelsChangedEvent labels);
    Task SendPresenceAsync(PresenceChangedEvent presence);

    public static readonly IRemoteFanOut None = new NoRemote();

    private sealed class NoRemote : IRemoteFanOut
    {
        public Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes) => Task.CompletedTask;
        public Task SendLabelsAsync(LabelsChangedEvent labels) => Task.CompletedTask;
        public Task SendPresenceAsync(PresenceChangedEvent presence) => Task.CompletedTask;
    }
}
