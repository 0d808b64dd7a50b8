using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Export;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Curation;

/// <summary>
/// What gold spans say (issue 19): a curator who takes a lane takes its values; a merge keeps what every source agrees
/// on and nothing they disagree on; a curator sets the values, checked like an annotator's; undo brings the old ones
/// back; the gold layer exports them and an import reads them back, with what annotators said about whole documents.
/// </summary>
public sealed class GoldValuesTests(AppServer server) : IClassFixture<AppServer>
{
    //                        0         1         2         3         4         5
    //                        0123456789012345678901234567890123456789012345678901234567
    private const string Text = "Officials said at least ten US soldiers were injured there.";

    private sealed record Team(int ProjectId, int DocumentId, string AnaId, string BenId, string CuratorId, int FigureId, int ActorId);

    private static Dictionary<string, string?> Figure(string count, string status = "injured", string qualifier = "at least") =>
        new() { ["count"] = count, ["status"] = status, ["who"] = "US soldiers", ["qualifier"] = qualifier };

    private async Task<Team> TeamAsync(string anaCount, string benCount)
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await server.CreateProjectAsync("Gold values " + suffix);
        var documentId = await server.ImportDocumentAsync(projectId, Text + " " + suffix);
        var ana = await server.CreateUserAsync("ana-" + suffix);
        var ben = await server.CreateUserAsync("ben-" + suffix);
        var curator = await server.CreateUserAsync("cur-" + suffix);
        await server.AddMemberAsync(ana, projectId);
        await server.AddMemberAsync(ben, projectId);
        await server.AddMemberAsync(curator, projectId, ProjectRole.Curator);
        var labels = (await server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        var spans = server.Get<AnnotationService>();
        // Both mark the same figure (15..52) and the same actor (0..9); they disagree on the count only.
        foreach (var (who, count) in new[] { (ana, anaCount), (ben, benCount) })
        {
            Assert.Equal(AnnotationOutcome.Ok, (await spans.CreateAsync(documentId, who, 15, 52, labels["casualty figure"], null, Figure(count))).Outcome);
            Assert.Equal(AnnotationOutcome.Ok, (await spans.CreateAsync(documentId, who, 0, 9, labels["actor"], null)).Outcome);
            Assert.True((await server.Get<TeamService>().SetDoneAsync(documentId, who, true)).Succeeded);
        }
        return new Team(projectId, documentId, ana, ben, curator, labels["casualty figure"], labels["actor"]);
    }

    private CurationService Curation => server.Get<CurationService>();

    private async Task<GoldAnnotation> GoldAsync(int documentId, int start)
    {
        await using var db = server.CreateDbContext();
        return await db.GoldAnnotations.AsNoTracking().SingleAsync(g => g.DocumentId == documentId && g.Start == start);
    }

    [Fact]
    public async Task A_merge_keeps_what_every_source_says_alike_and_leaves_out_what_they_dispute()
    {
        var t = await TeamAsync("10", "12");

        var merged = await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree());

        Assert.True(merged.Succeeded, merged.Error);
        var figure = await GoldAsync(t.DocumentId, 15);
        Assert.Equal(GoldOrigin.Unanimous, figure.Origin);
        // Both said injured, at least, US soldiers; one said 10 and one 12: the count is the curator's to decide.
        Assert.Equal("""{"qualifier":"at least","status":"injured","who":"US soldiers"}""", figure.Attributes);
        Assert.Null((await GoldAsync(t.DocumentId, 0)).Attributes); // an actor says nothing
        var (state, _) = await Curation.LoadAsync(t.DocumentId, t.CuratorId);
        Assert.Equal(["10", "12"], state!.Lanes.Select(l => l.Spans.Single(s => s.Start == 15).Values!["count"]).Order());
        Assert.Equal("injured", state.Gold.Single(g => g.Start == 15).Values!["status"]);
    }

    [Fact]
    public async Task A_whole_project_merge_writes_the_agreed_values_too()
    {
        var t = await TeamAsync("10", "10");

        var merged = await Curation.MergeProjectAsync(t.ProjectId, t.CuratorId, new MergeRule.AllAgree());

        Assert.True(merged.Succeeded, merged.Error);
        Assert.Equal("""{"count":"10","qualifier":"at least","status":"injured","who":"US soldiers"}""", (await GoldAsync(t.DocumentId, 15)).Attributes);
    }

    [Fact]
    public async Task Taking_a_lane_takes_its_values_and_undo_takes_them_back()
    {
        var t = await TeamAsync("10", "12");
        var (state, _) = await Curation.LoadAsync(t.DocumentId, t.CuratorId);
        var benLane = state!.Lanes.Single(l => l.AnnotatorId == t.BenId);

        var accepted = await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 15, 52);

        Assert.True(accepted.Succeeded, accepted.Error);
        Assert.Equal("""{"count":"12","qualifier":"at least","status":"injured","who":"US soldiers"}""", (await GoldAsync(t.DocumentId, 15)).Attributes);
        Assert.Equal(2, benLane.Number);
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        await using var db = server.CreateDbContext();
        Assert.False(await db.GoldAnnotations.AnyAsync(g => g.DocumentId == t.DocumentId));
    }

    [Fact]
    public async Task A_curator_sets_the_count_checked_like_an_annotators_and_undo_restores_the_old_values()
    {
        var t = await TeamAsync("10", "12");
        Assert.True((await Curation.MergeAsync(t.DocumentId, t.CuratorId, new MergeRule.AllAgree())).Succeeded);
        var gold = await GoldAsync(t.DocumentId, 15);
        var before = gold.Attributes;

        var bad = await Curation.UpdateGoldAsync(gold.Id, t.CuratorId, gold.Version, t.FigureId, null, null, null, Figure("ten", status: "wounded"));
        Assert.False(bad.Succeeded);
        Assert.Contains("count: \"ten\" is not a number", bad.Error, StringComparison.Ordinal);
        Assert.Contains("status: \"wounded\" is not one of killed, injured, missing, none, unknown", bad.Error, StringComparison.Ordinal);
        Assert.Equal(before, (await GoldAsync(t.DocumentId, 15)).Attributes); // nothing changed

        var set = await Curation.UpdateGoldAsync(gold.Id, t.CuratorId, gold.Version, t.FigureId, null, null, null, Figure("12"));
        Assert.True(set.Succeeded, set.Error);
        var now = await GoldAsync(t.DocumentId, 15);
        Assert.Equal("""{"count":"12","qualifier":"at least","status":"injured","who":"US soldiers"}""", now.Attributes);
        Assert.Equal(GoldOrigin.Adjudicated, now.Origin);
        var history = await Curation.HistoryAsync(t.DocumentId, gold.Id, t.CuratorId);
        Assert.Contains(history, h => h.After is { } after && after.Contains("count 12", StringComparison.Ordinal));

        var relabelled = await Curation.UpdateGoldAsync(gold.Id, t.CuratorId, now.Version, t.ActorId);
        Assert.True(relabelled.Succeeded, relabelled.Error);
        Assert.Null((await GoldAsync(t.DocumentId, 15)).Attributes); // an actor holds none of a figure's values

        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        Assert.Equal(now.Attributes, (await GoldAsync(t.DocumentId, 15)).Attributes);
        Assert.True((await Curation.UndoAsync(t.DocumentId, t.CuratorId)).Succeeded);
        Assert.Equal(before, (await GoldAsync(t.DocumentId, 15)).Attributes);
    }

    [Fact]
    public async Task Drawn_gold_takes_what_the_annotators_of_exactly_that_span_agree_on_or_the_labels_defaults()
    {
        var t = await TeamAsync("10", "10");

        Assert.True((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 15, 52, t.FigureId)).Succeeded);
        Assert.True((await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 53, 58, t.FigureId)).Succeeded);
        var refused = await Curation.CreateGoldAsync(t.DocumentId, t.CuratorId, 10, 14, t.FigureId, null, Figure("-3"));

        Assert.Equal("""{"count":"10","qualifier":"at least","status":"injured","who":"US soldiers"}""", (await GoldAsync(t.DocumentId, 15)).Attributes);
        Assert.Equal("""{"qualifier":"exact"}""", (await GoldAsync(t.DocumentId, 53)).Attributes);
        Assert.False(refused.Succeeded);
        await using var db = server.CreateDbContext();
        Assert.False(await db.GoldAnnotations.AnyAsync(g => g.DocumentId == t.DocumentId && g.Start == 10));
    }

    [Fact]
    public async Task The_gold_layer_exports_its_values_and_document_labels_and_an_import_into_a_new_project_reads_them_back()
    {
        var t = await TeamAsync("10", "12");
        var (state, _) = await Curation.LoadAsync(t.DocumentId, t.CuratorId);
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.BenId, 15, 52)).Succeeded);
        Assert.True((await Curation.AcceptAsync(t.DocumentId, t.CuratorId, t.AnaId, 0, 9)).Succeeded);
        Assert.NotNull(state);
        await using (var db = server.CreateDbContext())
        {
            db.DocumentLabels.Add(new DocumentLabel
            {
                DocumentId = t.DocumentId, AnnotatorId = t.AnaId, Values = """{"event date":"2024-08-05","outlet stance":"neutral"}""", UpdatedAt = DateTime.UtcNow, Version = 1,
            });
            await db.SaveChangesAsync();
        }
        var export = server.Get<ExportService>();
        var documents = new List<InterchangeDocument>();
        await foreach (var d in export.DocumentsAsync(t.ProjectId, null)) documents.Add(d);
        var document = Assert.Single(documents);
        Assert.Equal("12", document.Gold.Single(g => g.Start == 15).Attributes!["count"]);
        Assert.Equal("neutral", Assert.Single(document.DocumentLabels!).Values["outlet stance"]);

        using var file = new MemoryStream();
        InterchangeJsonl.WriteLine(file, document);
        var line = System.Text.Encoding.UTF8.GetString(file.ToArray());
        Assert.Contains("\"gold_attributes\":[null,{\"count\":\"12\",\"qualifier\":\"at least\",\"status\":\"injured\",\"who\":\"US soldiers\"}]", line, StringComparison.Ordinal);
        Assert.Contains("\"document_labels\":[{\"annotator\":\"ana-", line, StringComparison.Ordinal);

        file.Position = 0;
        var report = await server.Get<ImportService>().ImportAsync(file, "gold.jsonl",
            new ImportOptions(await server.AdminIdAsync(), ProjectName: "Gold values back " + Guid.NewGuid().ToString("N")[..6]));

        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal(0, report.ValuesNotKept);
        Assert.Equal(1, report.DocumentLabels);
        await using var check = server.CreateDbContext();
        var gold = await check.GoldAnnotations.AsNoTracking().Where(g => check.Documents.Any(d => d.Id == g.DocumentId && d.ProjectId == report.ProjectId)).ToListAsync();
        Assert.Equal("""{"count":"12","qualifier":"at least","status":"injured","who":"US soldiers"}""", gold.Single(g => g.Start == 15).Attributes);
        var spans = await check.Annotations.AsNoTracking().Where(a => check.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == report.ProjectId) && a.Start == 15)
            .Select(a => a.Attributes).ToListAsync();
        Assert.Equal(2, spans.Count);
        Assert.All(spans, v => Assert.Contains("\"status\":\"injured\"", v, StringComparison.Ordinal));
        var label = await check.DocumentLabels.AsNoTracking().SingleAsync(l => check.Documents.Any(d => d.Id == l.DocumentId && d.ProjectId == report.ProjectId));
        Assert.Equal("""{"event date":"2024-08-05","outlet stance":"neutral"}""", label.Values);
        // The new project learnt the attributes: the figure's as the demo defines them, the document's too.
        var figure = await check.Labels.AsNoTracking().SingleAsync(l => l.ProjectId == report.ProjectId && l.Name == "casualty figure");
        Assert.Contains("\"count\"", figure.Attributes, StringComparison.Ordinal);
        var project = await check.Projects.AsNoTracking().SingleAsync(p => p.Id == report.ProjectId);
        Assert.Contains("outlet stance", project.DocumentAttributes, StringComparison.Ordinal);
    }
}
