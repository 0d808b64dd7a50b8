using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// A model's pre-annotations, imported with <see cref="ImportedSpans.Suggestions"/>, reviewed by an annotator in the
/// browser: drawn as suggestions, accepted (they become the annotator's spans) or rejected (gone for good, for them).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SuggestionTests(BrowserFixture fixture)
{
    private const string Source = "ner-model-v2";

    private const string Text =
        "Several rockets struck the international airport in Erbil late on Monday, where US-led coalition troops are stationed, " +
        "the Kurdistan Region's interior ministry said.\n\n" +
        "Officials said two contractors were wounded and a civilian aircraft was damaged. A little-known group calling itself " +
        "Saraya Awliya al-Dam claimed responsibility for the attack in a statement on Telegram.\n\n" +
        "Iraqi security forces found the launch site on the edge of the city, according to a police spokesman.\n";

    // The model's spans: a nested pair (the group inside its claim) and a few on their own.
    private static readonly (string Phrase, string Label)[] Suggested =
    [
        ("US-led coalition troops", "actor"),
        ("the Kurdistan Region's interior ministry", "actor"),
        ("two contractors were wounded", "casualty figure"),
        ("A little-known group calling itself Saraya Awliya al-Dam claimed responsibility for the attack", "claim"),
        ("Saraya Awliya al-Dam", "actor"),
        ("Iraqi security forces", "actor"),
    ];

    private AppServer Server => fixture.Server;

    [Fact]
    public async Task An_annotator_accepts_one_suggestion_and_rejects_another_and_the_rejected_one_stays_gone()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Pre-annotated " + suffix);
        var documentId = await ImportSuggestionsAsync(projectId, suffix);
        var annotator = "nadia-" + suffix;
        var annotatorId = await Server.CreateUserAsync(annotator);
        await Server.AddMemberAsync(annotatorId, projectId);
        var labels = await Server.Get<LabelService>().ListAsync(projectId);
        // One span of her own already, to show next to the suggestions.
        var own = await Server.Get<AnnotationService>().CreateAsync(documentId, annotatorId, At("Several rockets struck the international airport in Erbil"),
            End("Several rockets struck the international airport in Erbil"), labels.Single(l => l.Name == "claim").Id, null);
        Assert.True(own.Succeeded, own.Error);

        var page = await fixture.SignedInPageAsync(annotator, AppServer.AnnotatorPassword);
        var view = await DocumentView.OpenAsync(page, documentId, Text);
        var list = page.Locator("[data-testid=suggestion-list]");

        // Every suggestion is drawn, dashed and named for people who cannot see the colours.
        await Expect(list.Locator(".sug-list-head")).ToContainTextAsync($"Suggestions ({Suggested.Length})");
        await Expect(list.Locator(".sug-row")).ToHaveCountAsync(Suggested.Length);
        var contractors = view.SpanRun("two contractors were wounded");
        await Expect(contractors).ToHaveClassAsync("ann sug");
        await Expect(contractors).ToHaveAttributeAsync("title", $"Suggestion: casualty figure from {Source}");
        // The group is inside its claim: its run names both, and each keeps its own dashed underline row.
        var group = view.SpanRun("Saraya Awliya al-Dam");
        await Expect(group).ToHaveAttributeAsync("title", $"Suggestion: actor from {Source}; Suggestion: claim from {Source}");
        Assert.Equal(2, Regex.Count(await group.GetAttributeAsync("style") ?? "", "--g[0-5]:transparent"));
        await Expect(view.SpanRun("Several rockets struck the international airport in Erbil")).ToHaveClassAsync("ann");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await fixture.ScreenshotAsync(page, "suggestions-document");

        // Clicking a suggestion shows it with Accept and Reject.
        await view.ClickSpanAsync("two contractors were wounded");
        var details = page.Locator("[data-testid=suggestion-details]");
        await Expect(details.Locator("[data-testid=suggestion-text]")).ToHaveTextAsync("“two contractors were wounded”");
        await Expect(details.Locator("[data-testid=suggestion-source]")).ToHaveTextAsync(Source);
        await Expect(details).ToContainTextAsync("casualty figure");
        await Expect(contractors).ToHaveClassAsync("ann sel sug");
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await fixture.ScreenshotAsync(page, "suggestion-selected");

        // Accept: it becomes her committed span, in the span list and in the database.
        await details.Locator("[data-testid=accept-suggestion]").ClickAsync();
        await Expect(view.CommittedSpanRun("two contractors were wounded")).ToHaveClassAsync("ann sel");
        await Expect(view.SpanListItem("casualty figure", "two contractors were wounded")).ToHaveCountAsync(1);
        await Expect(view.Details.Locator("[data-testid=span-meta]")).ToContainTextAsync($"by {annotator}");
        await Expect(list.Locator(".sug-row")).ToHaveCountAsync(Suggested.Length - 1);
        var accepted = await SpanAsync(documentId, "two contractors were wounded");
        Assert.Equal((annotatorId, labels.Single(l => l.Name == "casualty figure").Id), (accepted.AnnotatorId, accepted.LabelId));

        // Reject from the list: the suggestion leaves the text and the list.
        var row = list.Locator(".sug-row", new() { HasText = "Iraqi security forces" });
        await row.GetByRole(AriaRole.Button, new() { Name = "Reject “Iraqi security forces” as actor" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(view.SpanRun("Iraqi security forces")).ToHaveCountAsync(0);
        Assert.Equal(SuggestionVerdict.Rejected, await VerdictAsync(documentId, annotatorId, "Iraqi security forces"));

        // Keys: Enter accepts the selected suggestion, Delete rejects one.
        await view.ClickSpanAsync("US-led coalition troops");
        await Expect(page.Locator("[data-testid=suggestion-details]")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Enter");
        await Expect(view.CommittedSpanRun("US-led coalition troops")).ToHaveCountAsync(1);
        await view.ClickSpanAsync("the Kurdistan Region's interior ministry");
        await Expect(page.Locator("[data-testid=suggestion-details]")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(view.SpanRun("the Kurdistan Region's interior ministry")).ToHaveCountAsync(0);
        await Expect(list.Locator(".sug-row")).ToHaveCountAsync(Suggested.Length - 4);

        // After a reload: the rejected ones stay gone, the accepted ones are her spans, the rest still wait.
        await view.ReloadAsync();
        await Expect(list.Locator(".sug-row")).ToHaveCountAsync(2);
        await Expect(view.SpanRun("Iraqi security forces")).ToHaveCountAsync(0);
        await Expect(view.SpanRun("the Kurdistan Region's interior ministry")).ToHaveCountAsync(0);
        await Expect(view.CommittedSpanRun("two contractors were wounded")).ToHaveClassAsync("ann");
        await Expect(view.SpanListItem("actor", "US-led coalition troops")).ToHaveCountAsync(1);
        Assert.Equal(3, await SpanCountAsync(documentId));

        // Accept all takes the last two (the nested pair) at once.
        await list.Locator("[data-testid=accept-all]").ClickAsync();
        await Expect(list).ToHaveCountAsync(0);
        await Expect(view.SpanListItem("actor", "Saraya Awliya al-Dam")).ToHaveCountAsync(1);
        await Expect(view.Article.Locator("span.ann.sug")).ToHaveCountAsync(0);
        Assert.Equal(5, await SpanCountAsync(documentId));
        await fixture.ScreenshotAsync(page, "suggestions-all-decided");
        await page.Context.CloseAsync();
    }

    private static int At(string phrase)
    {
        var at = Text.IndexOf(phrase, StringComparison.Ordinal);
        if (at < 0 || Text.IndexOf(phrase, at + 1, StringComparison.Ordinal) >= 0) throw new InvalidOperationException($"\"{phrase}\" must occur once.");
        return at; // the text is ASCII: UTF-16 and code-point offsets agree
    }

    private static int End(string phrase) => At(phrase) + phrase.Length;

    /// <summary>Imports the article with the model's spans as suggestions, through the real importer.</summary>
    private async Task<int> ImportSuggestionsAsync(int projectId, string suffix)
    {
        var line = JsonSerializer.Serialize(new
        {
            id = "erbil-" + suffix,
            text = Text,
            meta = new { title = "Rocket attack on Erbil airport wounds two contractors", outlet = "Rudaw", published = "2021-02-16" },
            annotations = Suggested.Select(s => new { annotator = Source, start = At(s.Phrase), end = End(s.Phrase), label = s.Label }),
        });
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(line + "\n"));
        var report = await Server.Get<ImportService>().ImportAsync(input, "model-output.jsonl",
            new ImportOptions(await Server.AdminIdAsync(), ProjectId: projectId, Spans: ImportedSpans.Suggestions));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        Assert.Equal(Suggested.Length, report.Suggestions);
        await using var db = Server.CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).SingleAsync();
    }

    private async Task<Annotation> SpanAsync(int documentId, string phrase)
    {
        var (start, end) = (At(phrase), End(phrase));
        await using var db = Server.CreateDbContext();
        return await db.Annotations.AsNoTracking().SingleAsync(a => a.DocumentId == documentId && a.Start == start && a.End == end);
    }

    private async Task<int> SpanCountAsync(int documentId)
    {
        await using var db = Server.CreateDbContext();
        return await db.Annotations.CountAsync(a => a.DocumentId == documentId);
    }

    private async Task<SuggestionVerdict?> VerdictAsync(int documentId, string userId, string phrase)
    {
        var start = At(phrase);
        await using var db = Server.CreateDbContext();
        return await db.SuggestionDecisions
            .Where(d => d.UserId == userId && db.Suggestions.Any(s => s.Id == d.SuggestionId && s.DocumentId == documentId && s.Start == start))
            .Select(d => (SuggestionVerdict?)d.Verdict).SingleOrDefaultAsync();
    }
}
