using System.Text;
using AnnotateHub.Core.Formats;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>Export then import gives the same documents and spans: JSONL through the real services and database.</summary>
public sealed class RoundTripTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public async Task A_jsonl_export_imported_into_a_new_project_exports_the_same_documents_and_spans()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        // Emoji with skin tone and ZWJ, a combining accent, CJK and Arabic: offsets are code points throughout.
        var file =
            $$$"""
            {"id": "x-1", "text": "👍🏽 Café\u0301 東京 {{{u}}}", "meta": {"outlet": "Wire", "published": "2020-01-08", "story": "a"}, "annotators": ["rt-ana-{{{u}}}", "rt-ben-{{{u}}}"], "annotations": [{"annotator": "rt-ana-{{{u}}}", "start": 3, "end": 8, "label": "actor", "attributes": {"note": "a café"}}, {"annotator": "rt-ben-{{{u}}}", "start": 9, "end": 11, "label": "claim"}], "label": [[9, 11, "claim"]]}
            {"id": "x-2", "text": "قاعدة عين الأسد 👨‍👩‍👧 {{{u}}}", "annotators": ["rt-ana-{{{u}}}"], "annotations": [{"annotator": "rt-ana-{{{u}}}", "start": 6, "end": 15, "label": "actor"}]}
            """;
        var admin = await server.AdminIdAsync();
        var first = await ImportAsync(file, new ImportOptions(admin, ProjectName: "Round trip A " + u));
        var exported = await ExportAsync(first.ProjectId!.Value);
        var second = await ImportAsync(exported, new ImportOptions(admin, ProjectName: "Round trip B " + u));
        var again = await ExportAsync(second.ProjectId!.Value);

        Assert.True(second.Succeeded, string.Join("\n", second.Describe()));
        Assert.Equal(exported, again);
        var original = Read(file);
        var roundTripped = Read(again);
        Assert.Equal(original.Select(d => (d.Id, d.Text)), roundTripped.Select(d => (d.Id, d.Text)));
        Assert.Equal(original.Select(d => Spans(d)), roundTripped.Select(d => Spans(d)));
        Assert.Equal(original.Select(d => string.Join(",", d.Gold.Select(g => (g.Start, g.End, g.Label)))), roundTripped.Select(d => string.Join(",", d.Gold.Select(g => (g.Start, g.End, g.Label)))));
        // Gold read from a file without provenance is imported gold, and says so on the way out.
        Assert.Equal(new GoldProvenance(GoldProvenance.Imported, null, null, [], null), Assert.Single(roundTripped[0].Gold).Provenance);
        Assert.Equal(original.Select(d => string.Join(",", d.Annotators)), roundTripped.Select(d => string.Join(",", d.Annotators)));
        Assert.Equal(("Wire", "2020-01-08", "a"), (roundTripped[0].Meta["outlet"], roundTripped[0].Meta["published"], roundTripped[0].Meta["story"]));
        // The span text is the code-point slice of the text.
        var text = roundTripped[1].Text;
        var span = roundTripped[1].Annotations[0];
        Assert.Equal("عين الأسد", string.Concat(text.EnumerateRunes().Skip(span.Start).Take(span.End - span.Start)));
    }

    private static string Spans(InterchangeDocument d) =>
        string.Join(";", d.Annotations.Select(s => $"{s.Annotator}:{s.Start}-{s.End}:{s.Label}:{s.Attributes?.GetValueOrDefault("note")}"));

    private static List<InterchangeDocument> Read(string jsonl) =>
        InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(jsonl))).Select(l => l.Document ?? throw new InvalidOperationException(string.Join("; ", l.Errors))).ToList();

    private async Task<ImportReport> ImportAsync(string content, ImportOptions options)
    {
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(content)), "file.jsonl", options);
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        return report;
    }

    private async Task<string> ExportAsync(int projectId)
    {
        using var output = new MemoryStream();
        await server.Get<ExportService>().WriteAsync(projectId, ExportFormats.Find("jsonl")!, new ExportOptions(), output);
        return Encoding.UTF8.GetString(output.ToArray());
    }
}
