using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>What a <see cref="DocumentStream"/> does with the changes it lets through, on the view's dispatcher.</summary>
/// <param name="CanSee">Whether the viewer may see a change by this annotator (in a blind project only their own); asked at
/// each change, so a mode switch applies from the next one.</param>
/// <param name="Apply">Shows one committed change the viewer may see.</param>
/// <param name="Changed">Called once after the changes that arrived together were applied: render now.</param>
public sealed record DocumentStreamTarget(Func<string, bool> CanSee, Action<DocumentChangeEvent> Apply, Action Changed);

/// <summary>
/// The live state of one open document for one viewer, without a renderer: the sequence number of the last change the
/// view shows, the bus subscriptions, catch-up from the change log, and the blind filter. Committed changes apply strictly
/// in sequence order: one already shown is skipped (the viewer's own change arrives as the service's answer and as the
/// event), a gap (an event missed: another instance, Redis away) is filled from the log. Events reach the view through
/// one queue: those that arrive while the view's dispatcher is busy are applied together and rendered once. Events that
/// arrive before the snapshot (<see cref="ResetAsync"/>) wait for it, so nothing committed between subscribing and reading is lost.
/// </summary>
public sealed class DocumentStream : IDisposable
{
    private const int CatchUpPage = 1000;

    private readonly int _documentId;
    private readonly Func<long, int, Task<IReadOnlyList<DocumentChangeEvent>>> _readLog;
    private readonly Func<Func<Task>, Task> _dispatch;
    private readonly ILogger _logger;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly Queue<DocumentChangeEvent> _inbox = new();
    private readonly SemaphoreSlim _catchUp = new(1, 1);
    private DocumentStreamTarget? _target;
    private bool _drainScheduled;
    private bool _catchUpAsked;
    private bool _disposed;

    /// <param name="readLog">The committed changes after a sequence number, in order, at most so many (the change log).</param>
    /// <param name="dispatch">Runs work on the view's dispatcher (a component's InvokeAsync), one item at a time.</param>
    public DocumentStream(int documentId, EventBus bus, Func<long, int, Task<IReadOnlyList<DocumentChangeEvent>>> readLog,
        Func<Func<Task>, Task> dispatch, ILogger logger)
    {
        _documentId = documentId;
        _readLog = readLog;
        _dispatch = dispatch;
        _logger = logger;
        // Subscribed before the snapshot is read: what is committed meanwhile waits in the inbox.
        _subscriptions.Add(bus.Subscribe<DocumentChangeEvent>(documentId, Receive));
        // The bus between instances was away for a while: read the log for what it may have missed.
        _subscriptions.Add(bus.Subscribe<CatchUpRequestedEvent>(CatchUpRequestedEvent.AllKey, _ => AskCatchUp()));
    }

    /// <summary>The sequence number of the last change the view shows (its own or one it may not see included).</summary>
    public long Sequence { get; private set; }

    /// <summary>Whether the snapshot was set: before it, changes wait.</summary>
    public bool IsOpen => _target is not null;

    /// <summary>The view shows the document as of <paramref name="sequence"/> (a snapshot just read): changes after it
    /// apply from now on, those waiting first. On the view's dispatcher.</summary>
    public Task ResetAsync(long sequence, DocumentStreamTarget target)
    {
        Sequence = sequence;
        _target = target;
        return DrainAsync();
    }

    /// <summary>The view's own committed change (the service's answer), on the view's dispatcher: applied at once when it is
    /// the next, skipped when shown already, and a gap before it is read from the log.</summary>
    public async Task ApplyAsync(DocumentChangeEvent change)
    {
        if (_target is not { } target || change.Sequence <= Sequence) return;
        if (change.Sequence == Sequence + 1)
        {
            Show(target, change);
            target.Changed();
            return;
        }
        await CatchUpAsync();
    }

    /// <summary>Reads the change log after <see cref="Sequence"/> and applies what is there, in order. On the view's dispatcher.</summary>
    public async Task CatchUpAsync()
    {
        if (_target is null) return;
        await _catchUp.WaitAsync();
        try
        {
            var applied = false;
            while (_target is { } target && !_disposed)
            {
                var missed = await _readLog(Sequence, CatchUpPage);
                foreach (var change in missed)
                {
                    if (change.Sequence <= Sequence) continue;
                    Show(target, change);
                    applied = true;
                }
                if (missed.Count < CatchUpPage) break;
            }
            if (applied) _target?.Changed();
        }
        finally
        {
            _catchUp.Release();
        }
    }

    private void Show(DocumentStreamTarget target, DocumentChangeEvent change)
    {
        Sequence = change.Sequence;
        // Another annotator's change in a blind project: counted (the sequence moves on) but not shown.
        if (target.CanSee(change.Annotation.AnnotatorId)) target.Apply(change);
    }

    private Task Receive(DocumentChangeEvent change)
    {
        lock (_inbox)
        {
            if (_disposed) return Task.CompletedTask;
            _inbox.Enqueue(change);
            if (_drainScheduled) return Task.CompletedTask; // the drain on its way takes it too
            _drainScheduled = true;
        }
        Schedule();
        return Task.CompletedTask;
    }

    private Task AskCatchUp()
    {
        lock (_inbox)
        {
            if (_disposed) return Task.CompletedTask;
            _catchUpAsked = true;
            if (_drainScheduled) return Task.CompletedTask;
            _drainScheduled = true;
        }
        Schedule();
        return Task.CompletedTask;
    }

    // Off the publisher's thread: a view's dispatcher that is idle runs InvokeAsync inline, so the writer that announced the
    // change would render every open view of the document before its next commit and before the hub's send. Queued, the
    // publisher returns at once, and what arrives before the drain runs is rendered with it.
    private void Schedule() => ThreadPool.UnsafeQueueUserWorkItem(static stream => _ = stream.DispatchDrainAsync(), this, preferLocal: false);

    private async Task DispatchDrainAsync()
    {
        try
        {
            await _dispatch(DrainAsync);
        }
        catch (Exception ex) when (ex is ObjectDisposedException or TaskCanceledException)
        {
            // The view went away (its circuit closed) with changes on their way: nobody is left to show them to.
            lock (_inbox) _drainScheduled = false;
            _logger.LogDebug(ex, "Changes of document {DocumentId} reached a view that was closing", _documentId);
        }
        catch (Exception ex)
        {
            // Showing them failed: the next event drains again, and its gap (or a reconnect) reads the log.
            lock (_inbox) _drainScheduled = false;
            _logger.LogWarning(ex, "Showing changes of document {DocumentId} failed", _documentId);
        }
    }

    /// <summary>On the view's dispatcher: everything that arrived since the last drain, applied in order, rendered once.</summary>
    private async Task DrainAsync()
    {
        while (true)
        {
            DocumentChangeEvent[] arrived;
            bool catchUp;
            lock (_inbox)
            {
                if (_target is null || _disposed)
                {
                    // Not open yet: they wait for the snapshot (ResetAsync drains again).
                    _drainScheduled = false;
                    return;
                }
                if (_inbox.Count == 0 && !_catchUpAsked)
                {
                    _drainScheduled = false;
                    return;
                }
                arrived = [.. _inbox];
                _inbox.Clear();
                catchUp = _catchUpAsked;
                _catchUpAsked = false;
            }
            var target = _target;
            var applied = false;
            foreach (var change in arrived)
            {
                if (change.Sequence <= Sequence) continue; // shown already
                if (change.Sequence != Sequence + 1)
                {
                    catchUp = true; // a gap: the log has what is missing, and this one after it
                    break;
                }
                Show(target, change);
                applied = true;
            }
            if (applied) target.Changed();
            if (catchUp) await CatchUpAsync();
        }
    }

    public void Dispose()
    {
        lock (_inbox)
        {
            _disposed = true;
            _inbox.Clear();
        }
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _subscriptions.Clear();
    }
}
