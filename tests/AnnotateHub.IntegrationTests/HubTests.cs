using AnnotateHub.Web.Features.Annotations;
using static AnnotateHub.IntegrationTests.Infrastructure.Eventually;
using System.Collections.Concurrent;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>Real SignalR clients against the real app on Kestrel (127.0.0.1) and a real SQLite file.</summary>
public sealed class HubTests(AppServer server) : IClassFixture<AppServer>
{
    private const string Text = "Officials said at least ten US soldiers were injured at the base 🇮🇶 on Monday; قاعدة عين الأسد was hit.";
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Anonymous_clients_are_refused()
    {
        await using var anonymous = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AnnotationHub.Path), o => o.Transports = HttpTransportType.WebSockets)
            .Build();
        var error = await Assert.ThrowsAnyAsync<Exception>(() => anonymous.StartAsync());
        Assert.NotEqual(HubConnectionState.Connected, anonymous.State);
        Assert.DoesNotContain("Connected", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_created_span_reaches_every_other_client_in_order_with_its_sequence()
    {
        var documentId = await NewDocumentAsync();
        await using var writer = await ConnectAsync();
        await using var reader = await ConnectAsync();
        var received = Collect(reader);
        var joined = await reader.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        Assert.True(joined.Snapshot);
        Assert.Empty(joined.Annotations);
        await writer.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

        var results = new List<MutationResult>();
        for (var i = 0; i < 20; i++)
        {
            results.Add(await writer.InvokeAsync<MutationResult>("CreateAnnotation",
                new CreateAnnotationRequest(documentId, i, i + 5, i % 2 == 0 ? "claim" : "Actor", null, $"n{i}")));
        }

        Assert.All(results, r => Assert.True(r.Ok, r.Error));
        var sequences = results.Select(r => r.Change!.Sequence).ToList();
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), sequences);
        var events = await received.TakeAsync(20);
        Assert.Equal(sequences, events.Select(e => e.Sequence));
        Assert.Equal(results.Select(r => r.Change!.Annotation.Id), events.Select(e => e.Annotation.Id));
        Assert.All(events, e => Assert.Equal("created", e.Kind));
        Assert.Equal("actor", events[1].Annotation.Label);
        Assert.Equal(20, await CountAsync(documentId));
    }

    [Fact]
    public async Task A_client_that_reconnects_gets_what_it_missed_in_order_without_duplicates()
    {
        var documentId = await NewDocumentAsync();
        await using var writer = await ConnectAsync();
        await writer.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var first = await writer.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 9, "claim", null, null));
        var seen = first.Change!.Sequence;

        // The reader was away (a new connection, as after a network loss or a server restart) while three changes happened.
        var second = await writer.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 10, 14, "actor", null, null));
        var relabel = await writer.InvokeAsync<MutationResult>("UpdateAnnotation",
            new UpdateAnnotationRequest(second.Change!.Annotation.Id, second.Change.Annotation.Version, "casualty figure", null, "checked"));
        var delete = await writer.InvokeAsync<MutationResult>("DeleteAnnotation", first.Change.Annotation.Id, first.Change.Annotation.Version);
        Assert.True(relabel.Ok, relabel.Error);
        Assert.True(delete.Ok, delete.Error);

        await using var reader = await ConnectAsync();
        var caughtUp = await reader.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)seen);

        Assert.False(caughtUp.Snapshot);
        Assert.Equal(["created", "updated", "deleted"], caughtUp.Changes.Select(c => c.Kind));
        Assert.Equal([seen + 1, seen + 2, seen + 3], caughtUp.Changes.Select(c => c.Sequence));
        Assert.Equal(seen + 3, caughtUp.Sequence);
        Assert.Equal("casualty figure", caughtUp.Changes[1].Annotation.Label);
        Assert.Equal("checked", caughtUp.Changes[1].Annotation.Note);
        Assert.Equal(first.Change.Annotation.Id, caughtUp.Changes[2].Annotation.Id);

        var nothingNew = await reader.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)caughtUp.Sequence);
        Assert.Empty(nothingNew.Changes);
        Assert.Equal(caughtUp.Sequence, nothingNew.Sequence);
    }

    [Fact]
    public async Task The_later_of_two_concurrent_edits_is_told_of_the_conflict_and_sees_the_current_state()
    {
        var documentId = await NewDocumentAsync();
        await using var tab1 = await ConnectAsync();
        await using var tab2 = await ConnectAsync();
        var created = await tab1.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 9, "claim", null, null));
        var annotation = created.Change!.Annotation;

        // Both edit version 1 at once; exactly one wins.
        var edits = await Task.WhenAll(
            tab1.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(annotation.Id, annotation.Version, "actor", null, "from tab 1")),
            tab2.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(annotation.Id, annotation.Version, "casualty figure", null, "from tab 2")));

        var winner = Assert.Single(edits, e => e.Ok);
        var loser = Assert.Single(edits, e => !e.Ok);
        Assert.Equal("conflict", loser.Code);
        Assert.Contains("changed this annotation first", loser.Error);
        Assert.NotNull(loser.Current);
        Assert.Equal(2, loser.Current!.Version);
        Assert.Equal(winner.Change!.Annotation.Note, loser.Current.Note);
        await using var db = server.CreateDbContext();
        var stored = await db.Annotations.SingleAsync(a => a.Id == annotation.Id);
        Assert.Equal(winner.Change.Annotation.Note, stored.Note);
        Assert.Equal(2, stored.Version);

        var staleDelete = await tab2.InvokeAsync<MutationResult>("DeleteAnnotation", annotation.Id, annotation.Version);
        Assert.Equal("conflict", staleDelete.Code);
        Assert.True(await db.Annotations.AnyAsync(a => a.Id == annotation.Id));
    }

    [Theory]
    [InlineData(-1, 5, "claim", "start -1 is negative")]
    [InlineData(5, 5, "claim", "must be before end")]
    [InlineData(9, 3, "claim", "must be before end")]
    [InlineData(0, 100_000, "claim", "past the end of the text")]
    [InlineData(0, 5, "weather", "Unknown label \"weather\"")]
    [InlineData(0, 5, "", "Give the label")]
    public async Task Bad_input_is_refused_with_a_clear_error_and_nothing_is_written(int start, int end, string label, string expected)
    {
        var documentId = await NewDocumentAsync();
        await using var client = await ConnectAsync();

        var result = await client.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, start, end, label, null, null));

        Assert.False(result.Ok);
        Assert.Equal("invalid", result.Code);
        Assert.Contains(expected, result.Error);
        Assert.Equal(0, await CountAsync(documentId));
        Assert.Equal(0, await ChangeCountAsync(documentId));
    }

    [Fact]
    public async Task An_unknown_document_is_refused_and_nothing_is_written()
    {
        await using var client = await ConnectAsync();

        var create = await client.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(987_654, 0, 5, "claim", null, null));
        var join = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync<JoinResult>("JoinDocument", 987_654, (long?)null));

        Assert.Equal("not_found", create.Code);
        Assert.Contains("Document 987654 does not exist", create.Error);
        Assert.Contains("Document 987654 does not exist", join.Message);
    }

    [Fact]
    public async Task A_note_longer_than_allowed_is_refused()
    {
        var documentId = await NewDocumentAsync();
        await using var client = await ConnectAsync();

        var result = await client.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 5, "claim", null, new string('x', 4001)));

        Assert.Equal("invalid", result.Code);
        Assert.Contains("at most 4000 characters", result.Error);
        Assert.Equal(0, await CountAsync(documentId));
    }

    [Fact]
    public async Task An_oversized_message_closes_the_connection_and_writes_nothing()
    {
        var documentId = await NewDocumentAsync();
        await using var client = await ConnectAsync();
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.Closed += e => { closed.TrySetResult(e); return Task.CompletedTask; };

        var huge = new string('x', AnnotationHub.MaxMessageBytes + 1024);
        await Assert.ThrowsAnyAsync<Exception>(() => client.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 5, "claim", null, huge)));

        await closed.Task.WaitAsync(Wait);
        Assert.Equal(HubConnectionState.Disconnected, client.State);
        Assert.Equal(0, await CountAsync(documentId));
    }

    [Fact]
    public async Task Only_the_annotator_may_change_or_delete_a_span()
    {
        var documentId = await NewDocumentAsync();
        await server.AddMemberAsync(await server.CreateUserAsync("hub-other"), await server.ProjectOfAsync(documentId));
        await using var owner = await ConnectAsync();
        await using var other = await ConnectAsync("hub-other", "Annotator-pw-1234");
        var created = await owner.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 9, "claim", null, null));
        var a = created.Change!.Annotation;

        var update = await other.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(a.Id, a.Version, "actor", null, null));
        var delete = await other.InvokeAsync<MutationResult>("DeleteAnnotation", a.Id, a.Version);

        Assert.Equal("forbidden", update.Code);
        Assert.Equal("forbidden", delete.Code);
        await using var db = server.CreateDbContext();
        var stored = await db.Annotations.SingleAsync(x => x.Id == a.Id);
        Assert.Equal(1, stored.Version);
        Assert.Equal(1, await ChangeCountAsync(documentId));
    }

    [Fact]
    public async Task Presence_lists_the_users_on_a_document_and_drops_those_who_leave()
    {
        var documentId = await NewDocumentAsync();
        await server.AddMemberAsync(await server.CreateUserAsync("hub-viewer"), await server.ProjectOfAsync(documentId));
        await using var admin = await ConnectAsync();
        var presence = new ConcurrentQueue<PresenceDto>();
        admin.On<PresenceDto>("Presence", p => presence.Enqueue(p));
        await admin.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

        await using (var viewer = await ConnectAsync("hub-viewer", "Annotator-pw-1234"))
        {
            var joined = await viewer.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
            Assert.Equal(["Administrator", "hub-viewer"], joined.Viewers.Select(v => v.Name).Order());
            await Until(() => presence.Any(p => p.Viewers.Count == 2));
        }

        await Until(() => presence.LastOrDefault() is { Viewers.Count: 1 } last && last.Viewers[0].Name == "Administrator");
    }

    [Fact]
    public async Task Creates_sent_at_once_by_many_clients_on_two_documents_are_committed_with_consecutive_sequences_and_delivered_in_order()
    {
        // Each writer sends all its creates without waiting for answers (parallel invocations), so changes reach a
        // document's writer while it is idle (committed on the caller) and while it is busy (queued, grouped).
        const int writersPerDocument = 6, createsPerWriter = 25, total = writersPerDocument * createsPerWriter;
        int[] documents = [await NewDocumentAsync(), await NewDocumentAsync()];
        var readers = new List<(int DocumentId, HubConnection Connection, EventCollector Events)>();
        var writers = new List<(int DocumentId, HubConnection Connection)>();
        try
        {
            foreach (var documentId in documents)
            {
                var reader = await ConnectAsync();
                var events = Collect(reader);
                readers.Add((documentId, reader, events));
                await reader.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
                for (var w = 0; w < writersPerDocument; w++)
                {
                    var writer = await ConnectAsync();
                    await writer.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
                    writers.Add((documentId, writer));
                }
            }

            var sends = writers.SelectMany((w, wi) => Enumerable.Range(0, createsPerWriter).Select(i =>
                w.Connection.InvokeAsync<MutationResult>("CreateAnnotation",
                    new CreateAnnotationRequest(w.DocumentId, i, i + 3, "claim", null, $"w{wi}-{i}")))).ToList();
            var results = await Task.WhenAll(sends);

            Assert.All(results, r => Assert.True(r.Ok, r.Error));
            foreach (var (documentId, _, events) in readers)
            {
                var acked = results.Where(r => r.Change!.DocumentId == documentId).ToList();
                Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), acked.Select(r => r.Change!.Sequence).Order());
                var received = await events.TakeAsync(total);
                Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received.Select(e => e.Sequence));
                var idsBySequence = acked.ToDictionary(r => r.Change!.Sequence, r => r.Change!.Annotation.Id);
                Assert.All(received, e => Assert.Equal(idsBySequence[e.Sequence], e.Annotation.Id));
                Assert.Equal(total, await CountAsync(documentId));
                await using var db = server.CreateDbContext();
                var log = await db.DocumentChanges.Where(c => c.DocumentId == documentId).OrderBy(c => c.Sequence)
                    .Select(c => new { c.Sequence, AnnotationId = c.AnnotationId ?? 0 }).ToListAsync();
                Assert.Equal(received.Select(e => (e.Sequence, e.Annotation.Id)), log.Select(c => (c.Sequence, c.AnnotationId)));
            }
        }
        finally
        {
            foreach (var (_, connection, _) in readers) await connection.DisposeAsync();
            foreach (var (_, connection) in writers) await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Echo_returns_its_argument()
    {
        await using var client = await ConnectAsync();
        Assert.Equal("ping 🇮🇶", await client.InvokeAsync<string>("Echo", "ping 🇮🇶"));
    }

    private async Task<int> NewDocumentAsync()
    {
        var projectId = await server.CreateProjectAsync("hub " + Guid.NewGuid().ToString("N")[..8]);
        return await server.ImportDocumentAsync(projectId, Text);
    }

    private Task<HubConnection> ConnectAsync(string user = AppServer.AdminUserName, string password = AppServer.AdminPassword) =>
        server.ConnectToHubAsync(user, password);

    private static EventCollector Collect(HubConnection connection)
    {
        var collector = new EventCollector();
        connection.On<ChangeDto>("Change", collector.Add);
        connection.On<ChangeDto[]>("Changes", batch => { foreach (var change in batch) collector.Add(change); });
        return collector;
    }

    private async Task<int> CountAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.CountAsync(a => a.DocumentId == documentId);
    }

    private async Task<int> ChangeCountAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId);
    }

    private sealed class EventCollector
    {
        private readonly List<ChangeDto> _items = [];
        private readonly Lock _gate = new();

        public void Add(ChangeDto change)
        {
            lock (_gate) _items.Add(change);
        }

        public async Task<IReadOnlyList<ChangeDto>> TakeAsync(int count)
        {
            await Until(() => { lock (_gate) return _items.Count >= count; });
            lock (_gate) return _items.ToList();
        }
    }
}
