using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Import;

/// <summary>Span attribute values through import and export (decision 0079): JSONL and brat round trips through the real
/// services and database, and values a label does not define or that fail its check reported, not stored.</summary>
public sealed class AttributeRoundTripTests(AppServer server) : IClassFixture<AppServer>
{
    private const string Text = "Rockets hit the base; 10 US soldiers were injured, an official said.";

    private static (int Start, int End) At(string part) => (Text.IndexOf(part, StringComparison.Ordinal), Text.IndexOf(part, StringComparison.Ordinal) + part.Length);

    private static string File(string u, string text = Text)
    {
        var (fs, fe) = At("10 US soldiers");
        var (cs, ce) = At("an official said");
        return $$$"""
            {"id": "a-{{{u}}}", "text": "{{{text}}}", "annotators": ["at-ana-{{{u}}}"], "annotations": [{"annotator": "at-ana-{{{u}}}", "start": {{{fs}}}, "end": {{{fe}}}, "label": "casualty figure", "attributes": {"count": "10.0", "status": "Injured", "who": "US soldiers", "qualifier": "at least", "note": "check with AP"}}, {"annotator": "at-ana-{{{u}}}", "start": {{{cs}}}, "end": {{{ce}}}, "label": "claim", "attributes": {"stance": "reported", "source": "an official"}}]}
            {"id": "b-{{{u}}}", "text": "{{{text}}} Again.", "annotators": ["at-ben-{{{u}}}"], "annotations": [{"annotator": "at-ben-{{{u}}}", "start": {{{fs}}}, "end": {{{fe}}}, "label": "casualty figure", "attributes": {"count": "ten", "status": "killed", "colour": "red"}}]}
            """;
    }

    [Fact]
    public async Task Jsonl_values_are_checked_and_kept_bad_ones_reported_and_export_then_import_gives_them_back()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var a = await ProjectWithDefaultLabelsAsync("Attributes A " + u);
        var report = await ImportAsync(File(u), "file.jsonl", a);

        // Canonical values stored for the span whose values all fit; the claim's too.
        var stored = await ValuesAsync(a);
        Assert.Equal(
        [
            ("at-ana-" + u, "casualty figure", """{"count":"10","qualifier":"at least","status":"injured","who":"US soldiers"}""", "check with AP"),
            ("at-ana-" + u, "claim", """{"source":"an official","stance":"reported"}""", null),
            ("at-ben-" + u, "casualty figure", """{"status":"killed"}""", null),
        ], stored);
        // The rest are reported with their line, never dropped silently: a bad number and an attribute the label lacks.
        Assert.Equal(2, report.ValuesNotKept);
        Assert.Equal(2, report.ValuesNotKeptDetails.Count);
        Assert.StartsWith("line 2, annotations[0].attributes.count: casualty figure: count:", report.ValuesNotKeptDetails[0]);
        Assert.Equal("line 2, annotations[0].attributes.colour: casualty figure: This label has no attribute \"colour\" (it has \"count\", \"status\", \"who\", \"qualifier\").", report.ValuesNotKeptDetails[1]);
        Assert.Contains(report.Describe(), l => l.StartsWith("Did not keep 2 span attribute values", StringComparison.Ordinal));

        // Export, import into a second project, export again: the same values.
        var exported = await ExportAsync(a, "jsonl");
        var b = await ProjectWithDefaultLabelsAsync("Attributes B " + u);
        var again = await ImportAsync(Encoding.UTF8.GetString(exported), "file.jsonl", b);
        Assert.Equal(0, again.ValuesNotKept);
        Assert.Equal(stored, await ValuesAsync(b));
        Assert.Equal(Spans(exported, u), Spans(await ExportAsync(b, "jsonl"), u));
    }

    [Fact]
    public async Task Brat_export_then_import_gives_the_same_values_and_notes()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var a = await ProjectWithDefaultLabelsAsync("Attributes brat A " + u);
        await ImportAsync(File(u), "file.jsonl", a);
        var zip = await ExportAsync(a, "brat");
        using (var archive = new ZipArchive(new MemoryStream(zip)))
        {
            using var reader = new StreamReader(archive.GetEntry($"a-{u}.ann")!.Open());
            var ann = reader.ReadToEnd();
            Assert.Contains("\tstatus T", ann, StringComparison.Ordinal);
            Assert.Contains("count=10; qualifier=at least; who=US soldiers; note=check with AP", ann, StringComparison.Ordinal);
        }

        var b = await ProjectWithDefaultLabelsAsync("Attributes brat B " + u);
        var report = await ImportAsync(zip, "export.zip", b);
        Assert.Equal(0, report.ValuesNotKept);
        Assert.Equal(await ValuesAsync(a), await ValuesAsync(b));
    }

    [Fact]
    public async Task Spans_attached_to_documents_the_project_has_keep_their_values_and_report_bad_ones()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var a = await ProjectWithDefaultLabelsAsync("Attributes attach " + u);
        await ImportAsync(File(u), "file.jsonl", a);
        var (fs, fe) = At("10 US soldiers");
        var more = $$$"""
            {"id": "a-{{{u}}}", "text": "{{{Text}}}", "annotators": ["at-cat-{{{u}}}"], "annotations": [{"annotator": "at-cat-{{{u}}}", "start": {{{fs}}}, "end": {{{fe}}}, "label": "casualty figure", "attributes": {"count": "3", "status": "missing", "qualifier": "roughly"}}]}
            """;
        var report = await ImportAsync(more, "more.jsonl", a);

        Assert.Equal(1, report.AttachedAnnotations);
        Assert.Equal(1, report.ValuesNotKept);
        Assert.StartsWith("line 1, annotations[0].attributes.qualifier: casualty figure: qualifier:", report.ValuesNotKeptDetails[0]);
        Assert.Contains(("at-cat-" + u, "casualty figure", """{"count":"3","status":"missing"}""", (string?)null), await ValuesAsync(a));
    }

    [Fact]
    public async Task A_label_an_import_creates_learns_the_attributes_its_spans_say_and_keeps_their_values()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var file = $$$"""
            {"id": "w-{{{u}}}", "text": "{{{Text}}}", "annotations": [{"annotator": "at-ana-{{{u}}}", "start": 0, "end": 7, "label": "weapon", "attributes": {"calibre": "122mm", "note": "kept"}}]}
            {"id": "v-{{{u}}}", "text": "{{{Text}}} Again.", "annotations": [{"annotator": "at-ana-{{{u}}}", "start": 0, "end": 7, "label": "weapon", "attributes": {"range": "20 km"}}]}
            """;
        var report = await ImportAsync(file, "file.jsonl", null, "Attributes new labels " + u);

        Assert.Empty(report.ValuesNotKeptDetails);
        Assert.Equal([("at-ana-" + u, "weapon", (string?)"""{"calibre":"122mm"}""", (string?)"kept"), ("at-ana-" + u, "weapon", """{"range":"20 km"}""", null)],
            (await ValuesAsync(report.ProjectId!.Value)).OrderBy(v => v.Values, StringComparer.Ordinal).ToList());
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var weapon = await db.Labels.AsNoTracking().SingleAsync(l => l.ProjectId == report.ProjectId && l.Name == "weapon");
        // Learnt from both lines (the second after the first was written), as text: the file says nothing of types.
        Assert.Equal([("calibre", AttributeKind.Text), ("range", AttributeKind.Text)], AttributeJson.ParseDefinitions(weapon.Attributes).Select(d => (d.Name, d.Kind)));
    }

    [Fact]
    public async Task Pending_suggestions_export_with_their_source_and_values()
    {
        var u = Guid.NewGuid().ToString("N")[..8];
        var a = await ProjectWithDefaultLabelsAsync("Attributes suggestions " + u);
        var (fs, fe) = At("10 US soldiers");
        var file = $$$"""{"id": "s-{{{u}}}", "text": "{{{Text}}}", "annotations": [{"annotator": "ner-{{{u}}}", "start": {{{fs}}}, "end": {{{fe}}}, "label": "casualty figure", "attributes": {"count": "10", "status": "injured"}}]}""";
        var admin = await server.AdminIdAsync();
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "s.jsonl",
            new ImportOptions(admin, ProjectId: a, Spans: ImportedSpans.Suggestions));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));

        using var output = new MemoryStream();
        await server.Get<ExportService>().WriteAsync(a, ExportFormats.Find("jsonl")!, new ExportOptions { Layer = SpanLayer.Suggestions }, output);
        var document = InterchangeReader.Read(new MemoryStream(output.ToArray())).Select(l => l.Document!).Single(d => d.Id == "s-" + u);

        var span = Assert.Single(document.Annotations);
        Assert.Equal(("ner-" + u, fs, fe, "casualty figure", """{"count":"10","status":"injured"}"""), (span.Annotator, span.Start, span.End, span.Label, AttributeJson.Values(span.Attributes)));
        Assert.Empty(document.Annotators);
        Assert.Empty(document.Gold);
    }

    private async Task<int> ProjectWithDefaultLabelsAsync(string name)
    {
        // A project made from plain text starts with the default labels, which define attributes.
        var report = await ImportAsync("A plain document.", "plain.txt", null, name);
        return report.ProjectId!.Value;
    }

    private async Task<List<(string Annotator, string Label, string? Values, string? Note)>> ValuesAsync(int projectId)
    {
        await using var db = await server.Get<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContextAsync();
        var rows = await (from x in db.Annotations
                          join d in db.Documents on x.DocumentId equals d.Id
                          join l in db.Labels on x.LabelId equals l.Id
                          join w in db.Users on x.AnnotatorId equals w.Id
                          where d.ProjectId == projectId
                          select new { w.UserName, l.Name, x.Attributes, x.Note }).ToListAsync();
        return rows.Select(r => (Annotator: r.UserName!, Label: r.Name, Values: (string?)r.Attributes, Note: (string?)r.Note)).OrderBy(r => r.Annotator, StringComparer.Ordinal).ThenBy(r => r.Label, StringComparer.Ordinal).ToList();
    }

    private static string Spans(byte[] jsonl, string u) => string.Join("\n", InterchangeReader.Read(new MemoryStream(jsonl))
        .Select(l => l.Document!).Where(d => d.Id.EndsWith(u, StringComparison.Ordinal)).OrderBy(d => d.Id, StringComparer.Ordinal)
        .Select(d => d.Id + ": " + string.Join("; ", d.Annotations.Select(s => $"{s.Annotator} {s.Start}-{s.End} {s.Label} {AttributeJson.Values(s.Attributes)}"))));

    private Task<ImportReport> ImportAsync(string content, string fileName, int? projectId, string? projectName = null) =>
        ImportAsync(Encoding.UTF8.GetBytes(content), fileName, projectId, projectName);

    private async Task<ImportReport> ImportAsync(byte[] content, string fileName, int? projectId, string? projectName = null)
    {
        var admin = await server.AdminIdAsync();
        var options = projectId is { } id ? new ImportOptions(admin, ProjectId: id) : new ImportOptions(admin, ProjectName: projectName);
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(content), fileName, options);
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        return report;
    }

    private async Task<byte[]> ExportAsync(int projectId, string format)
    {
        using var output = new MemoryStream();
        await server.Get<ExportService>().WriteAsync(projectId, ExportFormats.Find(format)!, new ExportOptions { Layer = SpanLayer.All }, output);
        return output.ToArray();
    }
}
