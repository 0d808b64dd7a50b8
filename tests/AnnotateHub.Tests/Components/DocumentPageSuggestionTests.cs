using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Suggestions;
using Bunit;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Tests.Components;

/// <summary>The document page with suggestions, signed in as Ana (the project's supervisor).</summary>
public sealed class DocumentPageSuggestionTests : DocumentPageContext
{
    [Fact]
    public async Task A_click_selects_the_suggestion_then_the_span_under_it_and_enter_accepts_the_suggestion()
    {
        var bobs = await StoreAnnotation(EmojiDocumentId, Bob, 0, 13, "claim"); // "Rocket attack"
        var suggestion = await StoreSuggestion(EmojiDocumentId, 0, 6, "actor"); // "Rocket"
        var cut = RenderDocument(EmojiDocumentId);
        // Inside Bob's span: drawn as his span, with the suggestion's row and name on top.
        var run = cut.Find("span.ann[title]");
        Assert.Equal(("Rocket", $"s{suggestion} {bobs.Id}", "Suggestion: actor from ner-model-v2"),
            (run.TextContent, run.GetAttribute("data-anns"), run.GetAttribute("title")));

        await cut.InvokeAsync(() => cut.Instance.OnSpanClick($"s{suggestion} {bobs.Id}", 10, 10));
        Assert.Equal("“Rocket”", cut.Find("[data-testid=suggestion-text]").TextContent);
        await cut.InvokeAsync(() => cut.Instance.OnSpanClick($"s{suggestion} {bobs.Id}", 10, 10));
        Assert.Contains("Only Bob can change this span.", cut.Find("[data-testid=span-details]").TextContent);
        await cut.InvokeAsync(() => cut.Instance.OnSpanClick($"s{suggestion} {bobs.Id}", 10, 10));
        await cut.InvokeAsync(() => cut.Instance.OnEnterKey());

        var accepted = (await AnnotationsInDatabase()).Single(a => a.AnnotatorId == Ana.Id);
        Assert.Equal((0, 6, LabelIds["actor"]), (accepted.Start, accepted.End, accepted.LabelId));
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=suggestion-list]")));
        Assert.Empty(cut.FindAll("span.ann[title]"));
        Assert.Equal($"{accepted.Id} {bobs.Id}", cut.Find("span.ann.sel").GetAttribute("data-anns"));
    }

    [Fact]
    public async Task A_suggestion_rejected_elsewhere_leaves_the_open_page_and_stays_for_others()
    {
        var suggestion = await StoreSuggestion(EmojiDocumentId, 0, 6, "actor");
        var cut = RenderDocument(EmojiDocumentId);
        Assert.Single(cut.FindAll("[data-testid=suggestion-list] .sug-row"));

        // Ana rejects it in another tab (or through the API).
        var access = Services.GetRequiredService<ProjectAccess>();
        var result = await Services.GetRequiredService<SuggestionService>().RejectAsync((await access.ForDocumentAsync(EmojiDocumentId, Ana.Id))!, suggestion);

        Assert.True(result.Succeeded, result.Error);
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("span.ann.sug")));
        Assert.Empty(cut.FindAll("[data-testid=suggestion-list]"));
        var forBob = await Services.GetRequiredService<SuggestionService>().PendingAsync((await access.ForDocumentAsync(EmojiDocumentId, Bob.Id))!);
        Assert.Equal([suggestion], forBob.Select(s => s.Id));
    }

    private async Task<long> StoreSuggestion(int documentId, int start, int end, string label)
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        var suggestion = new Suggestion { DocumentId = documentId, Source = "ner-model-v2", Start = start, End = end, LabelId = LabelIds[label], CreatedAt = DateTime.UtcNow };
        db.Suggestions.Add(suggestion);
        await db.SaveChangesAsync();
        return suggestion.Id;
    }
}
