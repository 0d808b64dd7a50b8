using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnnotateHub.Tests.Web;

/// <summary>The live state of an open document without a renderer: order, duplicates, gaps filled from the log, changes
/// that arrive before the snapshot, bursts rendered once, the blind filter.</summary>
public sealed class DocumentStreamTests : IDisposable
{
    private const int DocumentId = 7;

    private readonly EventBus _bus = new(NullLogger<EventBus>.Instance);
    private readonly List<DocumentChangeEvent> _log = [];
    private readonly List<long> _applied = [];
    private readonly SemaphoreSlim _dispatcher = new(1, 1);
    private int _renders;
    private int _logReads;
    private readonly DocumentStream _stream;

    public DocumentStreamTests()
    {
        _stream = new DocumentStream(DocumentId, _bus, ReadLogAsync, DispatchAsync, NullLogger.Instance);
    }

    public void Dispose() => _stream.Dispose();

    private DocumentStreamTarget Target(Func<string, bool>? canSee = null) =>
        new(canSee ?? (_ => true), c => { lock (_applied) _applied.Add(c.Sequence); }, () => Interlocked.Increment(ref _renders));

    // One work item at a time, as a circuit's dispatcher runs them.
    private async Task DispatchAsync(Func<Task> work)
    {
        await _dispatcher.WaitAsync();
        try
        {
            await work();
        }
        finally
        {
            _dispatcher.Release();
        }
    }

    private Task<IReadOnlyList<DocumentChangeEvent>> ReadLogAsync(long after, int max)
    {
        Interlocked.Increment(ref _logReads);
        lock (_log) return Task.FromResult<IReadOnlyList<DocumentChangeEvent>>(_log.Where(c => c.Sequence > after).Take(max).ToList());
    }

    /// <summary>Commits a change: in the log first, then on the bus (save first, notify after), unless it is lost on the way.</summary>
    private DocumentChangeEvent Commit(long sequence, string annotatorId = "ana", bool announce = true)
    {
        var change = new DocumentChangeEvent(DocumentId, sequence, ChangeKind.AnnotationCreated,
            new AnnotationView(sequence, DocumentId, annotatorId, annotatorId, 0, 1, 1, "claim", null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1),
            annotatorId, DateTime.UnixEpoch);
        lock (_log) _log.Add(change);
        if (announce) _bus.Publish(change);
        return change;
    }

    private async Task OpenAsync(long sequence, Func<string, bool>? canSee = null) =>
        await DispatchAsync(() => _stream.ResetAsync(sequence, Target(canSee)));

    private long[] Applied()
    {
        lock (_applied) return [.. _applied];
    }

    private async Task SettledAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (Applied().Length < count) await Task.Delay(5, timeout.Token);
        await DispatchAsync(() => Task.CompletedTask); // and whatever was on the dispatcher finished
    }

    [Fact]
    public async Task Live_changes_apply_in_order_and_the_views_own_answer_is_not_applied_twice()
    {
        await OpenAsync(0);
        Commit(1);
        Commit(2);
        await SettledAsync(2);

        // The view's own change: the service's answer first, then the same change as the event.
        var own = Commit(3, announce: false);
        await DispatchAsync(() => _stream.ApplyAsync(own));
        _bus.Publish(own);
        await DispatchAsync(() => Task.CompletedTask);

        Assert.Equal([1L, 2L, 3L], Applied());
        Assert.Equal(3, _stream.Sequence);
        Assert.Equal(0, _logReads);
    }

    [Fact]
    public async Task A_missed_event_is_read_from_the_log_and_everything_applies_in_order()
    {
        await OpenAsync(0);
        Commit(1);
        Commit(2, announce: false); // lost on the way (another instance, Redis away)
        Commit(3);
        await SettledAsync(3);

        Assert.Equal([1L, 2L, 3L], Applied());
        Assert.Equal(1, _logReads);
    }

    [Fact]
    public async Task Changes_committed_before_the_snapshot_was_set_wait_and_apply_after_it_once()
    {
        // Subscribed, then the snapshot is read (it has 1 and 2), and 2 and 3 arrive meanwhile.
        Commit(1, announce: false);
        Commit(2);
        Commit(3);
        Assert.Empty(Applied());
        Assert.False(_stream.IsOpen);

        await OpenAsync(2);
        await SettledAsync(1);

        Assert.Equal([3L], Applied());
        Assert.Equal(3, _stream.Sequence);
    }

    [Fact]
    public async Task A_burst_that_arrives_while_the_dispatcher_is_busy_is_applied_in_order_and_rendered_once()
    {
        await OpenAsync(0);
        await _dispatcher.WaitAsync(); // the circuit is busy (rendering, a click)
        for (var i = 1; i <= 100; i++) Commit(i);
        var rendersBefore = _renders;
        _dispatcher.Release();
        await SettledAsync(100);

        Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), Applied());
        Assert.Equal(1, _renders - rendersBefore);
    }

    [Fact]
    public async Task In_a_blind_project_another_annotators_change_moves_the_sequence_but_is_not_shown()
    {
        await OpenAsync(0, canSee: annotator => annotator == "ana");
        Commit(1, "ana");
        Commit(2, "bo");
        Commit(3, "ana");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (_stream.Sequence < 3) await Task.Delay(5, timeout.Token);

        Assert.Equal([1L, 3L], Applied());
        Assert.Equal(0, _logReads); // 2 was seen, not missed
    }

    [Fact]
    public async Task A_catch_up_request_reads_what_the_bus_lost_and_a_closed_stream_takes_nothing_more()
    {
        await OpenAsync(0);
        Commit(1, announce: false);
        Commit(2, announce: false);
        _bus.Publish(new CatchUpRequestedEvent());
        await SettledAsync(2);
        Assert.Equal([1L, 2L], Applied());

        _stream.Dispose();
        Commit(3);
        _bus.Publish(new CatchUpRequestedEvent());
        await DispatchAsync(() => Task.CompletedTask);
        Assert.Equal([1L, 2L], Applied());
    }
}
