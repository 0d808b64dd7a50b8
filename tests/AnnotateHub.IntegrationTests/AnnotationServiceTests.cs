using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>AnnotationService against the real app's SQLite file, with users made through Identity.</summary>
public sealed class AnnotationServiceTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    // 58 code points, all in the BMP, so code-point and UTF-16 offsets agree here.
    private const string Text = "Rockets hit the base. At least ten soldiers were injured.\n";

    private AnnotationService Annotations => server.Get<AnnotationService>();

    private int _projectId;
    private int _documentId;
    private string _alice = "";
    private IReadOnlyList<LabelView> _labels = [];

    private LabelView Claim => _labels.Single(l => l.Name == "claim");
    private LabelView Casualty => _labels.Single(l => l.Name == "casualty figure");

    public async Task InitializeAsync()
    {
        _projectId = await server.CreateProjectAsync("Annotation tests " + Guid.NewGuid().ToString("N"));
        _documentId = await server.ImportDocumentAsync(_projectId, Text + Guid.NewGuid().ToString("N"));
        _alice = await server.CreateUserAsync("alice-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(_alice, _projectId);
        _labels = await server.Get<LabelService>().ListAsync(_projectId);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Created_span_reads_back_with_its_code_point_offsets_label_and_annotator()
    {
        var created = await Annotations.CreateAsync(_documentId, _alice, 22, 56, Casualty.Id, "  reported by CNN  ");

        Assert.Equal(AnnotationOutcome.Ok, created.Outcome);
        var found = await Annotations.FindAsync(created.Annotation!.Id);
        Assert.NotNull(found);
        Assert.Equal((_documentId, _alice, 22, 56, Casualty.Id, "reported by CNN", 1),
            (found.DocumentId, found.AnnotatorId, found.Start, found.End, found.LabelId, found.Note, found.Version));
        Assert.Equal("At least ten soldiers were injured", Text[found.Start..found.End]);
        var listed = Assert.Single(await Annotations.ListAsync(_documentId));
        Assert.Equal(found, listed);
    }

    [Fact]
    public async Task Update_changes_label_and_note_and_bumps_the_version()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;

        var updated = await Annotations.UpdateAsync(created.Id, _alice, created.Version, Casualty.Id, "relabelled");

        Assert.Equal(AnnotationOutcome.Ok, updated.Outcome);
        var stored = await Annotations.FindAsync(created.Id);
        Assert.Equal((Casualty.Id, "relabelled", 2, 0, 7), (stored!.LabelId, stored.Note, stored.Version, stored.Start, stored.End));
        Assert.Equal(2, updated.Annotation!.Version);
    }

    [Fact]
    public async Task Update_with_a_stale_version_is_a_conflict_and_changes_nothing()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, "first")).Annotation!;
        var newer = (await Annotations.UpdateAsync(created.Id, _alice, 1, Casualty.Id, "second")).Annotation!;

        var stale = await Annotations.UpdateAsync(created.Id, _alice, 1, Claim.Id, "stale");

        Assert.Equal(AnnotationOutcome.Conflict, stale.Outcome);
        Assert.Equal(newer, stale.Annotation); // the conflict hands back what is stored now
        var stored = await Annotations.FindAsync(created.Id);
        Assert.Equal((Casualty.Id, "second", 2), (stored!.LabelId, stored.Note, stored.Version));
        Assert.Equal(2, await ChangeCountAsync());
    }

    [Fact]
    public async Task Delete_with_a_stale_version_is_a_conflict_and_keeps_the_span()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;
        await Annotations.UpdateAsync(created.Id, _alice, 1, Casualty.Id, null);

        var stale = await Annotations.DeleteAsync(created.Id, _alice, expectedVersion: 1);

        Assert.Equal(AnnotationOutcome.Conflict, stale.Outcome);
        Assert.Equal(2, (await Annotations.FindAsync(created.Id))!.Version);
    }

    [Fact]
    public async Task Deleted_span_is_gone_and_deleting_it_again_is_not_found()
    {
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;

        var deleted = await Annotations.DeleteAsync(created.Id, _alice, created.Version);
        var again = await Annotations.DeleteAsync(created.Id, _alice, created.Version);

        Assert.Equal(AnnotationOutcome.Ok, deleted.Outcome);
        Assert.Null(await Annotations.FindAsync(created.Id));
        Assert.Empty(await Annotations.ListAsync(_documentId));
        Assert.Equal(AnnotationOutcome.NotFound, again.Outcome);
    }

    [Fact]
    public async Task Another_user_can_neither_update_nor_delete_a_span()
    {
        var bob = await server.CreateUserAsync("bob-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(bob, _projectId);
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, "alice's")).Annotation!;

        var update = await Annotations.UpdateAsync(created.Id, bob, created.Version, Casualty.Id, "bob's");
        var delete = await Annotations.DeleteAsync(created.Id, bob, created.Version);

        Assert.Equal(AnnotationOutcome.Forbidden, update.Outcome);
        Assert.Equal(AnnotationOutcome.Forbidden, delete.Outcome);
        var stored = await Annotations.FindAsync(created.Id);
        Assert.Equal((_alice, Claim.Id, "alice's", 1), (stored!.AnnotatorId, stored.LabelId, stored.Note, stored.Version));
        Assert.Equal(1, await ChangeCountAsync());
    }

    [Fact]
    public async Task Span_ending_past_the_text_is_invalid_and_not_saved()
    {
        var length = await DocumentLengthAsync();
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, length - 3, length + 1, Claim.Id, null));
    }

    [Fact]
    public async Task Span_ending_exactly_at_the_end_of_the_text_is_accepted()
    {
        var length = await DocumentLengthAsync();
        var result = await Annotations.CreateAsync(_documentId, _alice, length - 3, length, Claim.Id, null);
        Assert.Equal(AnnotationOutcome.Ok, result.Outcome);
    }

    [Fact]
    public async Task Span_with_a_negative_start_is_invalid_and_not_saved() =>
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, -1, 7, Claim.Id, null));

    [Fact]
    public async Task Empty_span_is_invalid_and_not_saved() =>
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, 7, 7, Claim.Id, null));

    [Fact]
    public async Task Span_with_start_after_end_is_invalid_and_not_saved() =>
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, 8, 3, Claim.Id, null));

    [Fact]
    public async Task Label_of_another_project_is_invalid_and_not_saved()
    {
        var demoLabel = (await server.Get<LabelService>().ListAsync(await server.DemoProjectIdAsync()))[0];
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, 0, 7, demoLabel.Id, null));
    }

    [Fact]
    public async Task Unknown_label_is_invalid_and_not_saved() =>
        await AssertRejectedAsync(AnnotationOutcome.Invalid, () => Annotations.CreateAsync(_documentId, _alice, 0, 7, int.MaxValue, null));

    [Fact]
    public async Task Relabelling_to_a_label_of_another_project_is_invalid_and_changes_nothing()
    {
        var demoLabel = (await server.Get<LabelService>().ListAsync(await server.DemoProjectIdAsync()))[0];
        var created = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;

        var result = await Annotations.UpdateAsync(created.Id, _alice, created.Version, demoLabel.Id, null);

        Assert.Equal(AnnotationOutcome.Invalid, result.Outcome);
        Assert.Equal(created, await Annotations.FindAsync(created.Id));
    }

    [Fact]
    public async Task Span_on_an_unknown_document_is_not_found()
    {
        var result = await Annotations.CreateAsync(int.MaxValue, _alice, 0, 1, Claim.Id, null);

        Assert.Equal(AnnotationOutcome.NotFound, result.Outcome);
        await using var db = server.CreateDbContext();
        Assert.False(await db.Annotations.AnyAsync(a => a.DocumentId == int.MaxValue));
    }

    [Fact]
    public async Task Change_log_numbers_a_documents_changes_from_one_without_gaps()
    {
        var a = (await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null)).Annotation!;
        var b = (await Annotations.CreateAsync(_documentId, _alice, 8, 11, Claim.Id, null)).Annotation!;
        await Annotations.UpdateAsync(a.Id, _alice, a.Version, Casualty.Id, null);
        await Annotations.CreateAsync(_documentId, _alice, 22, 56, Casualty.Id, null);
        await Annotations.DeleteAsync(b.Id, _alice, b.Version);
        await Annotations.CreateAsync(_documentId, _alice, -5, 2, Claim.Id, null); // refused: must not take a number

        await using var db = server.CreateDbContext();
        var log = await db.DocumentChanges.Where(c => c.DocumentId == _documentId).OrderBy(c => c.Sequence)
            .Select(c => new { c.Sequence, c.Kind, c.AnnotationId }).ToListAsync();
        Assert.Equal([1L, 2, 3, 4, 5], log.Select(c => c.Sequence));
        Assert.Equal(
            [ChangeKind.AnnotationCreated, ChangeKind.AnnotationCreated, ChangeKind.AnnotationUpdated, ChangeKind.AnnotationCreated, ChangeKind.AnnotationDeleted],
            log.Select(c => c.Kind));
        Assert.Equal(b.Id, log[4].AnnotationId);
    }

    [Fact]
    public async Task Concurrent_creates_get_distinct_consecutive_sequence_numbers()
    {
        const int writers = 20;
        var results = await Task.WhenAll(Enumerable.Range(0, writers)
            .Select(i => Task.Run(() => Annotations.CreateAsync(_documentId, _alice, i, i + 1, Claim.Id, null))));

        Assert.All(results, r => Assert.Equal(AnnotationOutcome.Ok, r.Outcome));
        await using var db = server.CreateDbContext();
        var sequences = await db.DocumentChanges.Where(c => c.DocumentId == _documentId).Select(c => c.Sequence).OrderBy(s => s).ToListAsync();
        Assert.Equal(Enumerable.Range(1, writers).Select(i => (long)i), sequences);
    }

    [Fact]
    public async Task A_sequence_number_taken_by_another_process_is_skipped_and_the_log_stays_without_gaps()
    {
        var first = await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null);
        // Another instance of the app commits sequence 2 behind this process's back.
        await using (var db = server.CreateDbContext())
        {
            db.DocumentChanges.Add(new DocumentChange
            {
                DocumentId = _documentId, Sequence = 2, Kind = ChangeKind.AnnotationCreated, UserId = _alice, At = DateTime.UtcNow, Payload = "{}",
            });
            await db.SaveChangesAsync();
        }

        var second = await Annotations.CreateAsync(_documentId, _alice, 8, 11, Claim.Id, null);

        Assert.Equal(1, first.Sequence);
        Assert.Equal(AnnotationOutcome.Ok, second.Outcome);
        Assert.Equal(3, second.Sequence);
        await using var check = server.CreateDbContext();
        Assert.Equal([1L, 2L, 3L], await check.DocumentChanges.Where(c => c.DocumentId == _documentId).OrderBy(c => c.Sequence).Select(c => c.Sequence).ToListAsync());
    }

    [Fact]
    public async Task Change_log_is_counted_per_document()
    {
        var otherDocument = await server.ImportDocumentAsync(_projectId, "Another text " + Guid.NewGuid().ToString("N"));
        await server.AssignAsync(_alice, otherDocument);
        await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null);
        await Annotations.CreateAsync(_documentId, _alice, 8, 11, Claim.Id, null);

        var first = await Annotations.CreateAsync(otherDocument, _alice, 0, 7, Claim.Id, null);

        Assert.Equal(AnnotationOutcome.Ok, first.Outcome);
        await using var db = server.CreateDbContext();
        Assert.Equal(1, await db.DocumentChanges.Where(c => c.DocumentId == otherDocument).Select(c => c.Sequence).SingleAsync());
    }

    private async Task AssertRejectedAsync(AnnotationOutcome expected, Func<Task<AnnotationResult>> attempt)
    {
        var result = await attempt();

        Assert.Equal(expected, result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        await using var db = server.CreateDbContext();
        Assert.Equal(0, await db.Annotations.CountAsync(a => a.DocumentId == _documentId));
        Assert.Equal(0, await ChangeCountAsync());
    }

    [Fact]
    public async Task A_writer_whose_sequence_was_taken_by_another_process_retries_with_the_next_numbers_and_keeps_every_span()
    {
        // A second writer on the same database file stands for another process (the import command, a second instance).
        var other = new DocumentWriter(server.Get<IDbContextFactory<AnnotateHubDbContext>>(),
            new Web.Realtime.EventBus(Microsoft.Extensions.Logging.Abstractions.NullLogger<Web.Realtime.EventBus>.Instance),
            TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<DocumentWriter>.Instance);

        var first = await Annotations.CreateAsync(_documentId, _alice, 0, 7, Claim.Id, null);
        var elsewhere = await other.SubmitAsync(_documentId, new CreateChange(_alice, 8, 12, Claim.Id, null));
        // This process remembers sequence 1 as the last; 2 is taken, so its first try is refused by the unique index.
        var second = await Annotations.CreateAsync(_documentId, _alice, 13, 20, Casualty.Id, "after the other");

        Assert.Equal((AnnotationOutcome.Ok, AnnotationOutcome.Ok, AnnotationOutcome.Ok), (first.Outcome, elsewhere.Outcome, second.Outcome));
        Assert.Equal((1L, 2L, 3L), (first.Sequence, elsewhere.Sequence, second.Sequence));
        await using var db = server.CreateDbContext();
        var log = await db.DocumentChanges.Where(c => c.DocumentId == _documentId).OrderBy(c => c.Sequence)
            .Select(c => new { c.Sequence, c.AnnotationId, c.Kind }).ToListAsync();
        Assert.Equal([1L, 2L, 3L], log.Select(c => c.Sequence));
        Assert.Equal([first.Annotation!.Id, elsewhere.Annotation!.Id, second.Annotation!.Id], log.Select(c => c.AnnotationId!.Value));
        Assert.All(log, c => Assert.Equal(ChangeKind.AnnotationCreated, c.Kind));
        // The refused try undid only its log row: the span was written once.
        Assert.Equal(3, await db.Annotations.CountAsync(a => a.DocumentId == _documentId));
        var stored = await Annotations.FindAsync(second.Annotation.Id);
        Assert.Equal(second.Annotation, stored);
    }

    [Fact]
    public async Task The_change_log_payload_of_a_create_reads_back_as_the_span_with_its_names()
    {
        var created = await Annotations.CreateAsync(_documentId, _alice, 22, 56, Casualty.Id, "per CNN");

        var change = Assert.Single(await Annotations.ChangesAfterAsync(_documentId, 0, 10));
        Assert.Equal((created.Sequence, ChangeKind.AnnotationCreated, _alice), (change.Sequence, change.Kind, change.UserId));
        Assert.Equal(created.Annotation, change.Annotation);
        Assert.Equal(("casualty figure", "per CNN", 1), (change.Annotation.LabelName, change.Annotation.Note, change.Annotation.Version));
        Assert.False(string.IsNullOrEmpty(change.Annotation.AnnotatorName));
        Assert.Equal(await Annotations.FindAsync(created.Annotation!.Id), change.Annotation);
    }

    private async Task<int> ChangeCountAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.DocumentChanges.CountAsync(c => c.DocumentId == _documentId);
    }

    private async Task<int> DocumentLengthAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.Documents.Where(d => d.Id == _documentId).Select(d => d.Length).SingleAsync();
    }
}
