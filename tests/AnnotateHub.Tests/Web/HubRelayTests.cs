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

    [Fact]
    public async Task With_two_instances_a_change_that_follows_another_instances_waits_until_that_one_reached_the_backplane()
    {
        // A commits change 5, B change 6 a moment later; A's send to the backplane is slow. Without waiting, 6 reached
        // Redis first and every connection got 6 before 5.
        var backplane = new Backplane();
        var (busA, busB) = (Bridged(), Bridged());
        using var link = Link(busA, busB);
        using var relayA = new HubRelay(busA, backplane.Instance(delay: TimeSpan.FromMilliseconds(150)), NullLogger<HubRelay>.Instance);
        using var relayB = new HubRelay(busB, backplane.Instance(delay: TimeSpan.Zero), NullLogger<HubRelay>.Instance);
        await relayA.StartAsync(CancellationToken.None);
        await relayB.StartAsync(CancellationToken.None);

        await Task.Run(() =>
        {
            busA.Publish(Change(3, 5));
            busB.Publish(Change(3, 6) with { FollowsOtherWriter = true });
            busB.Publish(Change(3, 7));
        });

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (backplane.Order.Count < 3) await Task.Delay(10, timeout.Token);
        Assert.Equal([5L, 6L, 7L], backplane.Order);
    }

    [Fact]
    public async Task A_change_whose_predecessor_no_instance_sends_still_goes_out_and_one_instance_never_waits()
    {
        var backplane = new Backplane();
        var bridged = Bridged();
        using var relay = new HubRelay(bridged, backplane.Instance(delay: TimeSpan.Zero), NullLogger<HubRelay>.Instance);
        await relay.StartAsync(CancellationToken.None);
        // Change 8 was committed on an instance that stopped before it sent it: 9 goes after the wait, and the client
        // reads 8 from the log when it sees the gap.
        await Task.Run(() => bridged.Publish(Change(4, 9) with { FollowsOtherWriter = true }));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (backplane.Order.Count < 1) await Task.Delay(10, timeout.Token);
        Assert.Equal([9L], backplane.Order);

        // Alone (no bridge), the relay sends at once, on the publisher's thread.
        var single = new RecordingFanOut(waitEvery: 0);
        var bus = new EventBus(NullLogger<EventBus>.Instance);
        using var alone = new HubRelay(bus, single, NullLogger<HubRelay>.Instance);
        await alone.StartAsync(CancellationToken.None);
        var sent = await Task.Run(() =>
        {
            bus.Publish(Change(4, 9) with { FollowsOtherWriter = true });
            return single.Sends(4);
        });
        Assert.Equal([[9L]], sent);
    }

    private static EventBus Bridged() => new(NullLogger<EventBus>.Instance) { Bridged = true };

    /// <summary>What the Redis bridge does with the relays' notices: each bus's reach the other as remote events.</summary>
    private static IDisposable Link(EventBus a, EventBus b)
    {
        var one = a.SubscribeAll<ChangesRelayedEvent>(e => { if (!EventBus.DeliveringRemote) b.PublishRemote(e); return Task.CompletedTask; });
        var other = b.SubscribeAll<ChangesRelayedEvent>(e => { if (!EventBus.DeliveringRemote) a.PublishRemote(e); return Task.CompletedTask; });
        return new Both(one, other);
    }

    private sealed class Both(IDisposable one, IDisposable other) : IDisposable
    {
        public void Dispose()
        {
            one.Dispose();
            other.Dispose();
        }
    }

    /// <summary>The SignalR backplane: the order in which the instances' sends reached it.</summary>
    private sealed class Backplane
    {
        private readonly Lock _gate = new();
        private readonly List<long> _order = [];

        public IReadOnlyList<long> Order
        {
            get { lock (_gate) return _order.ToList(); }
        }

        public IHubFanOut Instance(TimeSpan delay) => new Sender(this, delay);

        private sealed class Sender(Backplane backplane, TimeSpan delay) : IHubFanOut
        {
            public async Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes)
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay);
                lock (backplane._gate) backplane._order.AddRange(changes.Select(c => c.Sequence));
            }

            public Task SendLabelsAsync(LabelsChangedEvent labels) => Task.CompletedTask;
            public Task SendPresenceAsync(PresenceChangedEvent presence) => Task.CompletedTask;
        }
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
