using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// Relays the bus's committed changes, label sets and presence to the programs on the hub (<see cref="IHubFanOut"/>),
/// in the order published: one ordered queue per partition of documents and projects, sent by the publisher itself
/// when the partition is idle and otherwise by the send under way when it finishes (docs/decisions/0020). Circuits
/// subscribe to the bus themselves; they are not the relay's business.
/// </summary>
public sealed class HubRelay(EventBus bus, IHubFanOut hub, ILogger<HubRelay> logger) : IHostedService, IDisposable
{
    private const int Partitions = 8;
    private const int MaxBatch = 500;

    // With several instances, how long a change whose predecessor another instance committed waits for that one to be
    // sent (normally a millisecond or two); past it, it goes anyway and clients fill the gap from the log.
    internal static readonly TimeSpan MaxWaitForPredecessor = TimeSpan.FromMilliseconds(500);
    private const int MaxTrackedDocuments = 50_000;

    private readonly OutboundQueue[] _outbound = Enumerable.Range(0, Partitions).Select(_ => new OutboundQueue()).ToArray();
    private readonly List<IDisposable> _subscriptions = [];
    // Per document, the latest change sent to the hub's groups by this instance or (as its notice said) another one.
    private readonly Dictionary<int, Relayed> _relayed = [];

    private sealed class Relayed
    {
        public long Sequence;
        /// <summary>Completed when <see cref="Sequence"/> moves; made by the first waiter.</summary>
        public TaskCompletionSource? Moved;
    }

    /// <summary>Events waiting for the hub's groups, and whether a send of this partition is under way.</summary>
    private sealed class OutboundQueue
    {
        public readonly Queue<object> Waiting = new();
        public bool Sending;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_subscriptions)
        {
            if (_subscriptions.Count > 0) return Task.CompletedTask;
            // Another instance's changes reached this one's hub clients through the SignalR backplane already.
            _subscriptions.Add(bus.SubscribeAll<DocumentChangeEvent>(changes => EventBus.DeliveringRemote ? Task.CompletedTask : Enqueue(changes[0].DocumentId, changes)));
            // Another instance sent changes: a change of ours that follows them may go now.
            _subscriptions.Add(bus.SubscribeAll<ChangesRelayedEvent>(relayed =>
            {
                if (EventBus.DeliveringRemote) foreach (var r in relayed) MarkRelayed(r.DocumentId, r.Sequence);
                return Task.CompletedTask;
            }));
            _subscriptions.Add(bus.SubscribeAll<LabelsChangedEvent>(labels => EnqueueEach(labels, l => l.ProjectId)));
            // A list merged from another instance's news: that instance sent its own merged list through the backplane.
            _subscriptions.Add(bus.SubscribeAll<PresenceChangedEvent>(presence => EventBus.DeliveringRemote ? Task.CompletedTask : EnqueueEach(presence, p => p.DocumentId)));
        }
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        lock (_subscriptions)
        {
            foreach (var subscription in _subscriptions) subscription.Dispose();
            _subscriptions.Clear();
        }
    }

    private Task EnqueueEach<T>(IReadOnlyList<T> items, Func<T, int> key) where T : notnull
    {
        foreach (var item in items) Enqueue(key(item), item);
        return Task.CompletedTask;
    }

    private Task Enqueue(int key, object item)
    {
        var queue = _outbound[(key & int.MaxValue) % Partitions];
        lock (queue)
        {
            queue.Waiting.Enqueue(item);
            // The send under way takes it next, in the order published.
            if (queue.Sending) return Task.CompletedTask;
            queue.Sending = true;
        }
        // Idle: send on the publisher's thread. A group send only writes into each connection's buffer and normally
        // completes at once; waking a task for it cost more than the send. If a write has to wait, the rest goes on
        // without the publisher. A Blazor circuit's dispatcher (a label edit) is no place for other connections' sends.
        if (SynchronizationContext.Current is null) _ = SendWaitingAsync(queue);
        else _ = Task.Run(() => SendWaitingAsync(queue));
        return Task.CompletedTask;
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
                if (item is IReadOnlyList<DocumentChangeEvent> changes)
                {
                    foreach (var change in changes) await AddToBatchAsync(batch, change);
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
        var waits = change.FollowsOtherWriter && bus.Bridged;
        if (batch.Count > 0 && (waits || batch[0].DocumentId != change.DocumentId || batch.Count >= MaxBatch)) await SendAsync(batch);
        if (waits) await PredecessorRelayedAsync(change.DocumentId, change.Sequence - 1);
        batch.Add(change);
    }

    private async Task SendAsync(List<DocumentChangeEvent> batch)
    {
        try
        {
            await hub.SendChangesAsync(batch.ToArray());
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sending {Count} changes to hub clients failed", batch.Count);
        }
        if (bus.Bridged)
        {
            // Sent, or never will be: either way a change after these must not wait for them.
            var (documentId, last) = (batch[0].DocumentId, batch[^1].Sequence);
            MarkRelayed(documentId, last);
            bus.Publish(new ChangesRelayedEvent(documentId, last));
        }
        batch.Clear();
    }

    /// <summary>Waits (at most <see cref="MaxWaitForPredecessor"/>) until this or another instance sent the document's change
    /// <paramref name="sequence"/> to the hub's groups: the backplane then delivers it before ours on every connection.</summary>
    private async Task PredecessorRelayedAsync(int documentId, long sequence)
    {
        var deadline = Environment.TickCount64 + (long)MaxWaitForPredecessor.TotalMilliseconds;
        while (true)
        {
            Task moved;
            lock (_relayed)
            {
                var relayed = RelayedOf(documentId);
                if (relayed.Sequence >= sequence) return;
                moved = (relayed.Moved ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }
            try
            {
                await moved.WaitAsync(TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64)));
            }
            catch (TimeoutException)
            {
                logger.LogInformation("Change {Sequence} of document {DocumentId} was not sent by another instance within {Wait} ms; sending the next without it",
                    sequence, documentId, MaxWaitForPredecessor.TotalMilliseconds);
                return;
            }
        }
    }

    /// <summary>Under the lock on <see cref="_relayed"/>. Documents nobody wrote lately are forgotten now and then: a change
    /// that then waits for a predecessor sent long ago goes after <see cref="MaxWaitForPredecessor"/>.</summary>
    private Relayed RelayedOf(int documentId)
    {
        if (_relayed.TryGetValue(documentId, out var relayed)) return relayed;
        if (_relayed.Count >= MaxTrackedDocuments) _relayed.Clear();
        return _relayed[documentId] = new Relayed();
    }

    private void MarkRelayed(int documentId, long sequence)
    {
        TaskCompletionSource? moved;
        lock (_relayed)
        {
            var relayed = RelayedOf(documentId);
            if (sequence <= relayed.Sequence) return;
            relayed.Sequence = sequence;
            moved = relayed.Moved;
            relayed.Moved = null;
        }
        moved?.TrySetResult();
    }

    private async Task SendAsync(object item)
    {
        try
        {
            await (item switch
            {
                LabelsChangedEvent labels => hub.SendLabelsAsync(labels),
                PresenceChangedEvent presence => hub.SendPresenceAsync(presence),
                _ => Task.CompletedTask,
            });
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Sending an event to hub clients failed");
        }
    }
}

/// <summary>Sends committed changes to the hub's groups (and, through the SignalR Redis backplane, other instances'
/// hub clients). <see cref="HubFanOut"/> is the app's; tests record instead.</summary>
public interface IHubFanOut
{
    /// <summary>One or more consecutive committed changes of one document, in sequence order.</summary>
    Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes);
    Task SendLabelsAsync(LabelsChangedEvent labels);
    Task SendPresenceAsync(PresenceChangedEvent presence);
}
