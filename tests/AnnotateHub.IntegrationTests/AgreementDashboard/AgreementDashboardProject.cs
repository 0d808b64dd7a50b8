using System.Text;
using AnnotateHub.Core.Labels;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.AgreementDashboard;

/// <summary>
/// A project imported from JSONL for the agreement dashboard's tests: three annotators (ana, ben, cy, names suffixed) who
/// all marked both documents done. Cy agrees with ana except on "soldiers" in Report one; ben differs from ana by a
/// boundary ("ten" for "ten soldiers") and a wrong label (Iran a claim) in Report one, and misses "Drones" and adds
/// "governor" in Report two. So ana × ben is the lowest pair, ana × cy the highest.
/// </summary>
public sealed record AgreementDashboardProject(int ProjectId, string Name, string Ana, string Ben, string Cy)
{
    public const string OneTitle = "Report one: rockets on the base";
    public const string TwoTitle = "Report two: drones on the depot";
    public const string OneText = "Rockets struck the base on Monday. Officials said ten soldiers were injured. Iran claimed the strike.";
    public const string TwoText = "Drones hit the depot at night. The governor said three guards were wounded.";

    public static async Task<AgreementDashboardProject> ImportAsync(AppServer server)
    {
        var u = Guid.NewGuid().ToString("N")[..6];
        var (ana, ben, cy) = ($"ana-{u}", $"ben-{u}", $"cy-{u}");
        static string Span(string who, int start, int end, string label) => $$"""{"annotator": "{{who}}", "start": {{start}}, "end": {{end}}, "label": "{{label}}"}""";
        var one = string.Join(", ",
            Span(ana, 0, 7, "actor"), Span(ana, 50, 62, "casualty figure"), Span(ana, 77, 81, "actor"),
            Span(ben, 0, 7, "actor"), Span(ben, 50, 53, "casualty figure"), Span(ben, 77, 81, "claim"),
            Span(cy, 0, 7, "actor"), Span(cy, 50, 53, "casualty figure"), Span(cy, 77, 81, "actor"));
        var two = string.Join(", ",
            Span(ana, 0, 6, "actor"), Span(ana, 49, 61, "casualty figure"),
            Span(ben, 35, 43, "actor"), Span(ben, 49, 61, "casualty figure"),
            Span(cy, 0, 6, "actor"), Span(cy, 49, 61, "casualty figure"));
        var file = $$"""
            {"id": "one-{{u}}", "text": "{{OneText}}", "meta": {"title": "{{OneTitle}}"}, "annotators": ["{{ana}}", "{{ben}}", "{{cy}}"], "annotations": [{{one}}]}
            {"id": "two-{{u}}", "text": "{{TwoText}}", "meta": {"title": "{{TwoTitle}}"}, "annotators": ["{{ana}}", "{{ben}}", "{{cy}}"], "annotations": [{{two}}]}
            """;
        var name = "Agreement dashboard " + u;
        var report = await server.Get<ImportService>().ImportAsync(new MemoryStream(Encoding.UTF8.GetBytes(file)), "team.jsonl",
            new ImportOptions(await server.AdminIdAsync(), ProjectName: name));
        if (!report.Succeeded) throw new InvalidOperationException(string.Join("\n", report.Describe()));
        return new AgreementDashboardProject(report.ProjectId!.Value, name, ana, ben, cy);
    }

    /// <summary>
    /// Gives the labels the default attributes (casualty figure: count, status, who, qualifier; claim: stance, source) and
    /// the casualty figures counts and statuses, written to the database as the span editor stores them. Shared spans
    /// (same start, end, label): ben and cy on "ten" in Report one (10 and 12, both injured), all three on "three guards" in
    /// Report two (3, 3, 3; injured, killed, injured). Ana's "ten soldiers" (10) is hers alone.
    /// Count, interval: units (10, 12), (3, 3, 3), n = 5; D_o = 8 / 5 = 1.6; sum over ordered pairs 2*5*271 - 2*31^2 = 788,
    /// D_e = 788 / 20 = 39.4; alpha = 1 - 1.6 / 39.4 = 189/197. Status, nominal: D_o = (4 / 2) / 5 = 0.4; 4 injured, 1 killed:
    /// D_e = (25 - 17) / 20 = 0.4; alpha = 0.
    /// </summary>
    public async Task GiveValuesAsync(AppServer server)
    {
        await using var db = server.CreateDbContext();
        // A JSONL import names its labels without attributes: give them the default ones, as the span editor's label set does.
        foreach (var label in await db.Labels.Where(l => l.ProjectId == ProjectId).ToListAsync())
            label.Attributes = AttributeJson.Definitions(AttributeRules.Defaults.GetValueOrDefault(label.Name));
        var spans = await db.Annotations.Where(a => a.Label!.ProjectId == ProjectId && a.Label.Name == "casualty figure")
            .Include(a => a.Annotator).ToListAsync();
        var one = await db.Documents.Where(d => d.ProjectId == ProjectId && d.Title == OneTitle).Select(d => d.Id).SingleAsync();
        foreach (var a in spans)
        {
            var who = a.Annotator!.UserName;
            var (count, status) = a.DocumentId == one
                ? (who == Ana ? "10" : who == Ben ? "10" : "12", "injured")
                : ("3", who == Ben ? "killed" : "injured");
            a.Attributes = AttributeJson.Values(new Dictionary<string, string>(StringComparer.Ordinal) { ["count"] = count, ["status"] = status });
        }
        if (spans.Count != 6) throw new InvalidOperationException($"Expected 6 casualty figures, found {spans.Count}.");
        await db.SaveChangesAsync();
    }
}
