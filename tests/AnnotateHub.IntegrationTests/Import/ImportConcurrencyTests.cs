using System.Diagnostics;
using System.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>A large import commits in batches (decision 0030), so other users' saves are answered while it runs.</summary>
public sealed class ImportConcurrencyTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    private const int ImportedDocuments = 20_000;

    /// <summary>Reports on the importer's own thread (unlike <see cref="Progress{T}"/>): the latest progress, and when the first batch is committed.</summary>
    private sealed class ImportWatch : IProgress<ImportProgress>
    {
        private int _written;
        public TaskCompletionSource FirstBatchCommitted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int DocumentsWritten => Volatile.Read(ref _written);

        public void Report(ImportProgress value)
        {
            Volatile.Write(ref _written, value.DocumentsWritten);
            if (value.DocumentsWritten > 0) FirstBatchCommitted.TrySetResult();
        }
    }

    private static MemoryStream LargeFile(string u)
    {
        var file = new StringBuilder();
        for (var i = 0; i < ImportedDocuments; i++)
            file.Append($$$"""{"id": "big-{{{i}}}", "text": "Report {{{i}}} {{{u}}}: rockets hit the base overnight and two guards were hurt.", "meta": {"title": "Report {{{i}}}"}}""").Append('\n');
        return new MemoryStream(Encoding.UTF8.GetBytes(file.ToString()));
    }

    [Fact]
    public async Task Another_users_create_is_answered_and_stored_while_a_20000_document_import_runs()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("Busy " + u);
        var documentId = await server.ImportDocumentAsync(projectId, $"Rockets hit the base {u}; two guards were hurt.");
        var alice = await server.CreateUserAsync("alice-" + u);
        await server.AddMemberAsync(alice, projectId);
        var actor = (await server.Get<LabelService>().ListAsync(projectId)).Single(l => l.Name == "actor");
        // Warm the create path first: on a loaded CI machine the server's first create (query compilation, JIT) took
        // longer than the whole import, which is not what this test measures.
        var warm = await server.Get<AnnotationService>().CreateAsync(documentId, alice, 8, 11, actor.Id, null);
        Assert.Equal(AnnotationOutcome.Ok, warm.Outcome);
        Assert.NotNull(await server.Get<AnnotationService>().FindAsync(warm.Annotation!.Id));
        using var file = LargeFile(u);
        var watch = new ImportWatch();
        var admin = await server.AdminIdAsync();

        var import = Task.Run(() => server.Get<ImportService>().ImportAsync(file, "big.jsonl", new ImportOptions(admin, ProjectName: "Big import " + u), watch));
        var first = await Task.WhenAny(watch.FirstBatchCommitted.Task, import).WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(first == watch.FirstBatchCommitted.Task, "the import ended before committing a batch");
        await using (var db = server.CreateDbContext())
        {
            // The first batch is in the database, in a project nobody sees yet.
            var hidden = await db.Projects.IgnoreQueryFilters().SingleAsync(p => p.Name == "Big import " + u);
            Assert.True(hidden.ImportPending);
            Assert.True(await db.Documents.IgnoreQueryFilters().CountAsync(d => d.ProjectId == hidden.Id) >= ImportService.BatchDocuments);
        }

        var clock = Stopwatch.StartNew();
        var created = await server.Get<AnnotationService>().CreateAsync(documentId, alice, 0, 7, actor.Id, null);
        clock.Stop();
        var stored = await server.Get<AnnotationService>().FindAsync(created.Annotation!.Id);
        var writtenMeanwhile = watch.DocumentsWritten;
        var importStillRunning = !import.IsCompleted;

        output.WriteLine($"create answered in {clock.Elapsed.TotalMilliseconds:F1} ms while the import had written {writtenMeanwhile} of {ImportedDocuments} documents");
        Assert.Equal(AnnotationOutcome.Ok, created.Outcome);
        Assert.Equal((documentId, alice, 0, 7), (stored!.DocumentId, stored.AnnotatorId, stored.Start, stored.End));
        Assert.True(importStillRunning, $"the create was answered only after the import finished ({writtenMeanwhile} documents written)");
        Assert.True(writtenMeanwhile < ImportedDocuments);

        var report = await import.WaitAsync(TimeSpan.FromMinutes(10));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal(ImportedDocuments, report.Documents);
        await using var after = server.CreateDbContext();
        Assert.Equal(ImportedDocuments, await after.Documents.CountAsync(d => d.ProjectId == report.ProjectId));
    }
}
