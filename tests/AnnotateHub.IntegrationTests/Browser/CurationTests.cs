using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Curation through the browser: two annotators' work on a seed article (imported into a project of the test's own, so
/// its gold stays out of the demo project) is decided with the keyboard alone by a supervisor, while a curator's page
/// follows live; then the gold in the database, the annotator's feedback and the gold exports.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CurationTests(BrowserFixture fixture)
{
    private const string Agreed = "Ivan Kesic";                               // both: actor
    private const string Relabelled = "US media";                            // ana actor, ben claim: ben's label wins
    private const string OnlyAna = "at least ten US soldiers were injured";   // ana only: rejected

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task A_supervisor_decides_every_unit_by_keyboard_and_the_gold_feedback_and_exports_follow()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (ana, ben, sam, cleo) = ($"ana-{suffix}", $"ben-{suffix}", $"sam-{suffix}", $"cleo-{suffix}");
        var projectId = await Server.CreateProjectAsync("Curation " + suffix);
        var seed = await SeedArticle.LoadAsync(Server, SeedArticle.ExplainerSource);
        var documentId = await Server.ImportDocumentAsync(projectId, seed.Text);
        string text;
        await using (var db = Server.CreateDbContext()) text = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Text).SingleAsync();
        var anaId = await Server.CreateUserAsync(ana);
        var benId = await Server.CreateUserAsync(ben);
        var samId = await Server.CreateUserAsync(sam);
        var cleoId = await Server.CreateUserAsync(cleo);
        await Server.AddMemberAsync(anaId, projectId);
        await Server.AddMemberAsync(benId, projectId);
        await Server.AddMemberAsync(samId, projectId, ProjectRole.Supervisor);
        await Server.AddMemberAsync(cleoId, projectId, ProjectRole.Curator);
        var labels = (await Server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        var (actor, claim, casualty) = (labels["actor"], labels["claim"], labels["casualty figure"]);
        var (agreed, relabelled, onlyAna) = (Find(text, Agreed), Find(text, Relabelled), Find(text, OnlyAna));

        var annotations = Server.Get<AnnotationService>();
        foreach (var (user, start, end, label) in new[]
        {
            (anaId, agreed.Start, agreed.End, actor), (benId, agreed.Start, agreed.End, actor),
            (anaId, relabelled.Start, relabelled.End, actor), (benId, relabelled.Start, relabelled.End, claim),
            (anaId, onlyAna.Start, onlyAna.End, casualty),
        })
        {
            var created = await annotations.CreateAsync(documentId, user, start, end, label, note: null);
            Assert.True(created.Succeeded, created.Error);
        }
        foreach (var user in new[] { anaId, benId })
        {
            var done = await Server.Get<TeamService>().SetDoneAsync(documentId, user, done: true);
            Assert.True(done.Succeeded, done.Error);
        }

        // The supervisor and a curator open the curation view; lane 1 is ana, lane 2 ben (by name).
        var page = await fixture.SignedInPageAsync(sam, AppServer.AnnotatorPassword);
        var watcher = await fixture.SignedInPageAsync(cleo, AppServer.AnnotatorPassword);
        await OpenCurationAsync(watcher, documentId);
        await page.GotoAsync($"/documents/{documentId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator("[data-testid=curate-link]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/documents/{documentId}/curate$"));
        await page.WaitForSelectorAsync("html[data-curation-keys=on]");
        await Expect(page.Locator("[data-testid=curation-status]")).ToHaveTextAsync("Ready");
        await Expect(page.Locator("[data-testid=curation-counts]")).ToHaveTextAsync("3 of 3 units undecided · 2 disagreements");
        await Expect(page.Locator(".unit-card [data-testid=unit-kind]")).ToHaveTextAsync(["agree", "wrong label", "extra"]);
        await Expect(page.Locator(".unit-card").First.Locator("[data-testid=lane] .lane-name")).ToHaveTextAsync([$"1 · {ana}", $"2 · {ben}"]);
        await Expect(page.Locator("[data-testid=finish]")).ToBeDisabledAsync();
        await Expect(page.Locator("[data-testid=finish-reason]")).ToHaveTextAsync("Decide the 3 undecided units first.");
        var current = page.Locator("[data-testid=unit-current]");
        await Expect(current).ToHaveAttributeAsync("data-unit", "0");

        // 1: the agreed unit from ana's lane; the cursor moves on, and the curator's page shows the decision live.
        await page.Keyboard.PressAsync("1");
        await Expect(current).ToHaveAttributeAsync("data-unit", "1");
        await Expect(Unit(page, 0)).ToHaveAttributeAsync("data-decided", "true");
        await Expect(Unit(watcher, 0)).ToHaveAttributeAsync("data-decided", "true");
        await Expect(Unit(watcher, 0).Locator("[data-testid=gold-provenance]")).ToHaveTextAsync($"adjudicated by {sam}");
        await Expect(watcher.Locator("[data-testid=curation-counts]")).ToHaveTextAsync("2 of 3 units undecided · 2 disagreements");

        // n and p walk the units that need a look (the decided agreement does not).
        await page.Keyboard.PressAsync("n");
        await Expect(current).ToHaveAttributeAsync("data-unit", "2");
        await page.Keyboard.PressAsync("p");
        await Expect(current).ToHaveAttributeAsync("data-unit", "1");
        await page.Keyboard.PressAsync("k");
        await Expect(page.Locator("[data-testid=cursor-hint]")).ToHaveTextAsync("No unit before this one needs a look.");
        await Expect(current).ToHaveAttributeAsync("data-unit", "1");

        // 2: ben's label for the relabelled unit; x rejects ana's extra span; Ctrl+Z takes the rejection back, x again.
        await page.Keyboard.PressAsync("2");
        await Expect(current).ToHaveAttributeAsync("data-unit", "2");
        await Expect(Unit(page, 1).Locator("[data-testid=gold-label]")).ToHaveTextAsync("claim");
        await page.Keyboard.PressAsync("x");
        await Expect(Unit(page, 2)).ToHaveAttributeAsync("data-decided", "true");
        await Expect(page.Locator("[data-testid=curation-counts]")).ToHaveTextAsync("0 of 3 units undecided · 2 disagreements");
        await page.Keyboard.PressAsync("Control+z");
        await Expect(Unit(page, 2)).ToHaveAttributeAsync("data-decided", "false");
        await Expect(current).ToHaveAttributeAsync("data-unit", "2");
        await Expect(Unit(watcher, 2)).ToHaveAttributeAsync("data-decided", "false");
        // This time with a note for ana, which her feedback shows.
        await Unit(page, 2).Locator("[data-testid=decision-note]").FillAsync("No count in the source");
        await Unit(page, 2).Locator("[data-testid=reject]").ClickAsync();
        await Expect(Unit(page, 2)).ToHaveAttributeAsync("data-decided", "true");
        await Expect(Unit(page, 2).Locator("[data-testid=rejection]")).ToContainTextAsync($"rejected by {sam}");
        await Expect(Unit(page, 2).Locator("[data-testid=rejection]")).ToContainTextAsync("No count in the source");
        await Expect(page.Locator("[data-testid=finish]")).ToBeEnabledAsync();
        var shot = Path.Combine(Path.GetTempPath(), $"curation-{suffix}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = shot, FullPage = true });

        await page.Locator("[data-testid=finish]").ClickAsync();
        await Expect(page.Locator("[data-testid=curation-status]")).ToHaveTextAsync("Curated");
        await Expect(watcher.Locator("[data-testid=curation-status]")).ToHaveTextAsync("Curated");
        await Expect(page.Locator("[data-testid=reopen-curation]")).ToBeVisibleAsync();

        // The gold is the decisions, each with its provenance; the rejection covers ana's extra span.
        await using (var db = Server.CreateDbContext())
        {
            var gold = await db.GoldAnnotations.Where(g => g.DocumentId == documentId).OrderBy(g => g.Start).ToListAsync();
            Assert.Equal(
                [(agreed.Start, agreed.End, actor, $"{ana},{ben}"), (relabelled.Start, relabelled.End, claim, ben)],
                gold.Select(g => (g.Start, g.End, g.LabelId, g.Sources)).ToList());
            Assert.All(gold, g => Assert.Equal((GoldOrigin.Adjudicated, samId), (g.Origin, g.CuratorId)));
            var rejection = Assert.Single(await db.GoldRejections.Where(r => r.DocumentId == documentId).ToListAsync());
            Assert.Equal((onlyAna.Start, onlyAna.End, samId, "No count in the source"), (rejection.Start, rejection.End, rejection.CuratorId, rejection.Note));
            var doc = await db.Documents.SingleAsync(d => d.Id == documentId);
            Assert.Equal(samId, doc.CuratedById);
            Assert.NotNull(doc.CuratedAt);
        }

        // Ana sees how each of her spans fared.
        var anaPage = await fixture.SignedInPageAsync(ana, AppServer.AnnotatorPassword);
        await DocumentView.OpenAsync(anaPage, documentId, text);
        await Expect(anaPage.Locator("[data-testid=feedback-row] [data-testid=feedback-verdict]"))
            .ToHaveTextAsync(["accepted", $"corrected to claim '{Relabelled}'", "rejected"]);
        await Expect(anaPage.Locator("[data-testid=feedback-row]").Nth(2)).ToContainTextAsync("No count in the source");
        await Expect(anaPage.Locator("[data-testid=curate-link]")).ToHaveCountAsync(0);
        await anaPage.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"curation-feedback-{suffix}.png") });

        // The project's Curation tab counts it curated.
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Curation$") }).ClickAsync();
        await Expect(page.Locator("[data-testid=curation-progress]")).ToHaveTextAsync("1 of 1 curated");
        await Expect(page.Locator("[data-testid=queue-row] [data-testid=queue-row-status]")).ToHaveTextAsync(["Curated"]);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetTempPath(), $"curation-queue-{suffix}.png") });
        await page.Locator("#queue-annotator").FillAsync("nobody-" + suffix);
        await Expect(page.Locator("[data-testid=queue-empty]")).ToBeVisibleAsync();
        await page.Locator("#queue-annotator").FillAsync(ben);
        await Expect(page.Locator("[data-testid=queue-row]")).ToHaveCountAsync(1);

        // The gold layer exports as decided: JSONL's label list, CoNLL's tags.
        using var http = Server.CreateHttpClient(allowAutoRedirect: false);
        http.DefaultRequestHeaders.Add("Cookie", await Server.SignInCookieAsync(sam, AppServer.AnnotatorPassword));
        var jsonl = await http.GetStringAsync($"/api/projects/{projectId}/export?format=jsonl&layer=gold");
        var line = JsonDocument.Parse(jsonl.Split('\n', StringSplitOptions.RemoveEmptyEntries).Single()).RootElement;
        Assert.Equal(
            [$"{agreed.Start},{agreed.End},actor", $"{relabelled.Start},{relabelled.End},claim"],
            line.GetProperty("label").EnumerateArray().Select(l => $"{l[0].GetInt32()},{l[1].GetInt32()},{l[2].GetString()}").ToList());
        var conll = await ConllAsync(http, projectId);
        Assert.Contains("Ivan -X- -X- B-actor\nKesic -X- -X- I-actor\n", conll, StringComparison.Ordinal);
        Assert.Contains("US -X- -X- B-claim\nmedia -X- -X- I-claim\n", conll, StringComparison.Ordinal);
        Assert.DoesNotContain("casualty", conll, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_curator_merges_by_a_chosen_rule_draws_gold_in_the_text_and_filters_the_queue()
    {
        const string Drawn = "the Haditha district"; // nobody's span: the curator draws it
        const string OnlyBen = "Israeli media";       // ben's alone: all who annotated it agree
        const string Other = "The militia denied the attack on the base.\n";
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (ana, ben, cleo) = ($"ana-{suffix}", $"ben-{suffix}", $"cleo-{suffix}");
        var projectId = await Server.CreateProjectAsync("Curation draw " + suffix);
        var seed = await SeedArticle.LoadAsync(Server, SeedArticle.ExplainerSource);
        var documentId = await Server.ImportDocumentAsync(projectId, seed.Text);
        var otherId = await Server.ImportDocumentAsync(projectId, Other);
        string text;
        await using (var db = Server.CreateDbContext()) text = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Text).SingleAsync();
        var anaId = await Server.CreateUserAsync(ana);
        var benId = await Server.CreateUserAsync(ben);
        var cleoId = await Server.CreateUserAsync(cleo);
        await Server.AddMemberAsync(anaId, projectId);
        await Server.AddMemberAsync(benId, projectId);
        await Server.AddMemberAsync(cleoId, projectId, ProjectRole.Curator);
        var labels = (await Server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
        var (agreed, relabelled, onlyBen) = (Find(text, Agreed), Find(text, Relabelled), Find(text, OnlyBen));
        var annotations = Server.Get<AnnotationService>();
        foreach (var (doc, user, start, end, label) in new[]
        {
            (documentId, anaId, agreed.Start, agreed.End, labels["actor"]), (documentId, benId, agreed.Start, agreed.End, labels["actor"]),
            (documentId, anaId, relabelled.Start, relabelled.End, labels["actor"]), (documentId, benId, relabelled.Start, relabelled.End, labels["claim"]),
            (documentId, benId, onlyBen.Start, onlyBen.End, labels["actor"]), (otherId, anaId, 0, 11, labels["claim"]),
        })
        {
            var created = await annotations.CreateAsync(doc, user, start, end, label, note: null);
            Assert.True(created.Succeeded, created.Error);
        }
        // The article is ready (both done); the other document is still being annotated (ben is not done).
        var team = Server.Get<TeamService>();
        foreach (var (doc, user) in new[] { (documentId, anaId), (documentId, benId), (otherId, anaId) })
            Assert.True((await team.SetDoneAsync(doc, user, done: true)).Succeeded);

        var page = await fixture.SignedInPageAsync(cleo, AppServer.AnnotatorPassword);
        await OpenCurationAsync(page, documentId);
        await Expect(page.Locator("[data-testid=curation-counts]")).ToHaveTextAsync("3 of 3 units undecided · 2 disagreements");

        // Merge with a rule chosen from the list: the agreed unit's gold is unanimous, ben's lone span is taken by the rule,
        // the disagreement stays open.
        await page.Locator("[data-testid=merge-rule]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasText = "all who annotated agree" }).ClickAsync();
        await page.Locator("[data-testid=merge]").ClickAsync();
        await Expect(Unit(page, 0)).ToHaveAttributeAsync("data-decided", "true");
        await Expect(Unit(page, 0).Locator("[data-testid=gold-provenance]")).ToHaveTextAsync("unanimous");
        await Expect(Unit(page, 1)).ToHaveAttributeAsync("data-decided", "false");
        await Expect(Unit(page, 2).Locator("[data-testid=gold-provenance]")).ToHaveTextAsync("merged: all who annotated agree");
        await Expect(page.Locator("[data-testid=curation-counts]")).ToHaveTextAsync("1 of 3 units undecided · 2 disagreements");
        // The merged gold is shaded in the text panel.
        await Expect(page.Locator("[data-testid=gold-text] .gt-gold")).ToHaveTextAsync([Agreed, OnlyBen]);

        // Draw gold by selecting text no annotator marked, then pick its label.
        var view = new DocumentView(page, text);
        await view.DragSelectAsync(Drawn, "[data-testid=gold-text] span[data-s]");
        await Expect(page.Locator("[data-testid=draw-text]")).ToHaveTextAsync($"“{Drawn}”");
        await page.Locator("[data-testid=draw-label][data-label=actor]").ClickAsync();
        await Expect(page.Locator("[data-testid=draw-bar]")).ToHaveCountAsync(0);
        var outside = page.Locator("[data-testid=gold-outside] [data-testid=gold-span]");
        await Expect(outside).ToHaveCountAsync(1);
        await Expect(outside.Locator("[data-testid=gold-label]")).ToHaveTextAsync("actor");
        await Expect(outside.Locator("[data-testid=gold-provenance]")).ToHaveTextAsync($"adjudicated by {cleo}");
        await Expect(page.Locator("[data-testid=gold-text] .gt-gold")).ToHaveTextAsync([Agreed, OnlyBen, Drawn]);
        await page.Locator("[data-testid=gold-text-panel]").ScrollIntoViewIfNeededAsync();
        await fixture.ScreenshotAsync(page, "curation-draw-gold");
        var drawn = Find(text, Drawn);
        await using (var db = Server.CreateDbContext())
        {
            var gold = await db.GoldAnnotations.Where(g => g.DocumentId == documentId).OrderBy(g => g.Start).ToListAsync();
            Assert.Equal(
                [(agreed.Start, agreed.End, labels["actor"], GoldOrigin.Unanimous, $"{ana},{ben}", (string?)null),
                 (onlyBen.Start, onlyBen.End, labels["actor"], GoldOrigin.Merged, ben, null),
                 (drawn.Start, drawn.End, labels["actor"], GoldOrigin.Adjudicated, "", cleoId)],
                gold.Select(g => (g.Start, g.End, g.LabelId, g.Origin, g.Sources ?? "", g.CuratorId)).ToList());
            Assert.Equal("all-who-annotated", gold[1].Rule);
        }
        // Deleting the drawn span from its row under the text takes it out again.
        await outside.Locator("[data-testid=gold-delete]").ClickAsync();
        await Expect(page.Locator("[data-testid=gold-outside]")).ToHaveCountAsync(0);

        // The queue: filter by status and by label.
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Curation$") }).ClickAsync();
        var rows = page.Locator("[data-testid=queue-row]");
        await Expect(rows).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=curation-status-counts]")).ToHaveTextAsync("1 annotating · 1 ready · 0 curated");
        await ChooseAsync(page, "queue-status", "Ready");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-document", documentId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ChooseAsync(page, "queue-status", "Annotating");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-document", otherId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await ChooseAsync(page, "queue-label", "casualty figure");
        await Expect(page.Locator("[data-testid=queue-empty]")).ToBeVisibleAsync();
        await ChooseAsync(page, "queue-label", "claim");
        await Expect(rows).ToHaveCountAsync(1);
    }

    private static async Task ChooseAsync(IPage page, string select, string item)
    {
        await page.Locator($"[data-testid={select}]").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex("^" + Regex.Escape(item) + "$") }).ClickAsync();
    }

    [Fact]
    public async Task A_curator_sees_what_each_lane_says_takes_one_and_corrects_the_gold_count_in_the_browser()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var (ana, ben, cleo) = ($"ana-{suffix}", $"ben-{suffix}", $"cleo-{suffix}");
        var projectId = await Server.CreateProjectAsync("Gold values " + suffix);
        var seed = await SeedArticle.LoadAsync(Server, SeedArticle.ExplainerSource);
        var documentId = await Server.ImportDocumentAsync(projectId, seed.Text);
        string text;
        await using (var db = Server.CreateDbContext()) text = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Text).SingleAsync();
        var anaId = await Server.CreateUserAsync(ana);
        var benId = await Server.CreateUserAsync(ben);
        var cleoId = await Server.CreateUserAsync(cleo);
        await Server.AddMemberAsync(anaId, projectId);
        await Server.AddMemberAsync(benId, projectId);
        await Server.AddMemberAsync(cleoId, projectId, ProjectRole.Curator);
        var figure = (await Server.Get<LabelService>().ListAsync(projectId)).Single(l => l.Name == "casualty figure").Id;
        var (start, end) = Find(text, OnlyAna);
        foreach (var (user, said) in new[] { (anaId, "10"), (benId, "12") })
        {
            var created = await Server.Get<AnnotationService>().CreateAsync(documentId, user, start, end, figure, null,
                new Dictionary<string, string?> { ["count"] = said, ["status"] = "injured", ["who"] = "US soldiers", ["qualifier"] = "at least" });
            Assert.True(created.Succeeded, created.Error);
            Assert.True((await Server.Get<TeamService>().SetDoneAsync(documentId, user, done: true)).Succeeded);
        }

        var page = await fixture.SignedInPageAsync(cleo, AppServer.AnnotatorPassword);
        await OpenCurationAsync(page, documentId);
        var unit = Unit(page, 0);
        await Expect(unit.Locator("[data-testid=lane][data-lane='1'] [data-testid=lane-values]")).ToHaveTextAsync("count 10, status injured, who US soldiers, qualifier at least");
        await Expect(unit.Locator("[data-testid=lane][data-lane='2'] [data-testid=lane-values]")).ToHaveTextAsync("count 12, status injured, who US soldiers, qualifier at least");

        await Expect(unit.Locator("[data-testid=unit-kind]")).ToHaveTextAsync("agree");
        await Expect(unit.Locator("[data-testid=unit-values-differ]")).ToHaveTextAsync("values differ");
        await unit.Locator("[data-testid=accept-1]").ClickAsync();
        var gold = unit.Locator("[data-testid=gold-span]");
        await Expect(gold.Locator("[data-testid=gold-values]")).ToHaveTextAsync("count 10, status injured, who US soldiers, qualifier at least");

        // A bad count is refused with its reason, and the editor keeps what was typed.
        await gold.Locator("[data-testid=gold-edit-values]").ClickAsync();
        var editor = unit.Locator("[data-testid=gold-values-editor]");
        var count = editor.Locator("input[data-attr=count]");
        await Expect(count).ToHaveValueAsync("10");
        await count.FillAsync("-5");
        await count.PressAsync("Enter");
        await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "below the smallest allowed, 0" })).ToBeVisibleAsync();
        await Expect(count).ToHaveValueAsync("-5");
        await using (var db = Server.CreateDbContext())
            Assert.Contains("\"count\":\"10\"", await db.GoldAnnotations.Where(g => g.DocumentId == documentId).Select(g => g.Attributes).SingleAsync(), StringComparison.Ordinal);

        await count.FillAsync("12");
        await editor.Locator("select[data-attr=qualifier]").SelectOptionAsync("more than");
        await fixture.ScreenshotAsync(page, "curation-gold-values-editor");
        await editor.Locator("[data-testid=gold-save-values]").ClickAsync();

        await Expect(editor).ToHaveCountAsync(0);
        await Expect(gold.Locator("[data-testid=gold-values]")).ToHaveTextAsync("count 12, status injured, who US soldiers, qualifier more than");
        await Expect(gold.Locator("[data-testid=gold-provenance]")).ToHaveTextAsync($"adjudicated by {cleo}");
        await using (var db = Server.CreateDbContext())
            Assert.Equal("""{"count":"12","qualifier":"more than","status":"injured","who":"US soldiers"}""",
                await db.GoldAnnotations.Where(g => g.DocumentId == documentId).Select(g => g.Attributes).SingleAsync());
        await fixture.ScreenshotAsync(page, "curation-gold-values");
    }

    private static async Task OpenCurationAsync(IPage page, int documentId)
    {
        await page.GotoAsync($"/documents/{documentId}/curate");
        await page.WaitForSelectorAsync("html[data-curation-keys=on]");
    }

    private static ILocator Unit(IPage page, int index) => page.Locator($".unit-card[data-unit='{index}']");

    // Code-point offsets of the first occurrence of a phrase.
    private static (int Start, int End) Find(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        Assert.True(at >= 0, $"“{phrase}” is not in the text.");
        var start = text[..at].EnumerateRunes().Count();
        return (start, start + phrase.EnumerateRunes().Count());
    }

    // Without a split the CoNLL export may come as one file or as a zip of one: read either.
    private static async Task<string> ConllAsync(HttpClient http, int projectId)
    {
        var bytes = await http.GetByteArrayAsync($"/api/projects/{projectId}/export?format=conll&layer=gold");
        if (bytes.Length < 2 || bytes[0] != 'P' || bytes[1] != 'K') return Encoding.UTF8.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
        using var zip = new ZipArchive(new MemoryStream(bytes));
        var sb = new StringBuilder();
        foreach (var entry in zip.Entries)
        {
            using var reader = new StreamReader(entry.Open());
            sb.Append(await reader.ReadToEndAsync());
        }
        return sb.ToString().Replace("\r\n", "\n", StringComparison.Ordinal);
    }
}
