using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Realtime;
using Microsoft.Extensions.Logging.Abstractions;

namespace AnnotateHub.Tests.Web;

public sealed class HubRelayTests
{
    [Fact]
    public async Task A_group_published_while_the_hub_is_idle_goes_out_at_once_as_one_message()
    {
        var hub = new RecordingFanOut(waitEvery: 0);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        using var relay = new HubRelay(bus, hub, NullLogger<HubRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);

        // On a thread without a synchronization context, as a hub invocation's writer runs.
        var sentBeforePublishReturned = await Task.Run(() =>
        {
            bus.Publish<DocumentChangeEvent>([Change(3, 1), Change(3, 2), Change(3, 3)]);
            return hub.Sends(3);
        });

        Assert.Equal([[1L, 2L, 3L]], sentBeforePublishReturned);
    }

    [Fact]
    public async Task Changes_of_documents_sharing_a_queue_reach_the_hub_in_sequence_order_when_sends_have_to_wait()
    {
        // Documents 1, 9 and 17 share one of the eight queues; 2 has its own. Every third send completes later, so
        // later publishes queue up behind it. Each document is published by its own thread, as by its writer.
        const int perDocument = 400;
        int[] documents = [1, 9, 17, 2];
        var hub = new RecordingFanOut(waitEvery: 3);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        using var relay = new HubRelay(bus, hub, NullLogger<HubRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);

        await Task.WhenAll(documents.Select(documentId => Task.Run(() =>
        {
            var random = new Random(documentId);
            for (long next = 1; next <= perDocument;)
            {
                var size = (int)Math.Min(random.Next(1, 6), perDocument - next + 1);
                var group = Enumerable.Range(0, size).Select(i => Change(documentId, next + i)).ToList();
                next += size;
                if (group.Count == 1) bus.Publish(group[0]);
                else bus.Publish(group);
                if (next % 50 == 0) bus.Publish(new LabelsChangedEvent(documentId, []));
            }
        })));

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (documents.Any(d => hub.Sends(d).Sum(s => s.Count) < perDocument)) await Task.Delay(10, timeout.Token);
        foreach (var documentId in documents)
        {
            Assert.Equal(Enumerable.Range(1, perDocument).Select(i => (long)i), hub.Sends(documentId).SelectMany(s => s));
        }
        Assert.Equal(1, hub.MaxConcurrentSends);
    }

    private static DocumentChangeEvent Change(int documentId, long sequence) =>
        new(documentId, sequence, ChangeKind.AnnotationCreated,
            new AnnotationView(sequence, documentId, "u1", "Ana", 0, 1, 1, "claim", null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1),
            "u1", DateTime.UnixEpoch);

    /// <summary>Records what would go to the hub's groups; every n-th send completes only later.</summary>
    private sealed class RecordingFanOut(int waitEvery) : IHubFanOut
    {
        private readonly Lock _gate = new();
        private readonly Dictionary<int, List<IReadOnlyList<long>>> _sends = [];
        private int _calls, _inFlight;

        public int MaxConcurrentSends { get; private set; }

        public IReadOnlyList<IReadOnlyList<long>> Sends(int documentId)
        {
            lock (_gate) return _sends.TryGetValue(documentId, out var list) ? list.ToList() : [];
        }

        public Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes)
        {
            var documentId = changes[0].DocumentId;
            Assert.All(changes, c => Assert.Equal(documentId, c.DocumentId));
            int call;
            lock (_gate)
            {
                // Sends of different queues may overlap; of one queue (these four documents' partitions) one at a time
                // is what keeps order, so count overlap among documents 1, 9 and 17 only.
                if (documentId % 8 == 1 && ++_inFlight > MaxConcurrentSends) MaxConcurrentSends = _inFlight;
                if (!_sends.TryGetValue(documentId, out var list)) _sends[documentId] = list = [];
                list.Add(changes.Select(c => c.Sequence).ToList());
                call = ++_calls;
            }
            return waitEvery > 0 && call % waitEvery == 0 ? FinishLaterAsync(documentId) : Finish(documentId);
        }

        private async Task FinishLaterAsync(int documentId)
        {
            await Task.Delay(1);
            await Finish(documentId);
        }

        private Task Finish(int documentId)
        {
            lock (_gate)
            {
                if (documentId % 8 == 1) _inFlight--;
            }
            return Task.CompletedTask;
        }

        public Task SendLabelsAsync(LabelsChangedEvent labels) => Task.CompletedTask;
        public Task SendPresenceAsync(PresenceChangedEvent presence) => Task.CompletedTask;
    }
}
