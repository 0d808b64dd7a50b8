using AnnotateHub.Core.Text;
using AnnotateHub.Web.Features.Documents;
using Bunit;

namespace AnnotateHub.Tests.Components;

/// <summary>Which components a change renders, counted per component by bUnit (no counters in the app): a change of one
/// span renders the paragraphs it touches and its row of the span list, nothing else.</summary>
public sealed class ParagraphRenderCountTests : DocumentPageContext
{
    private const string Phrase = "at least ten US soldiers were injured";

    /// <summary>How often each paragraph component rendered so far, by paragraph index.</summary>
    private static Dictionary<int, int> ParagraphRenders(IRenderedComponent<DocumentPage> cut) =>
        cut.FindComponents<AnnotatedParagraph>().ToDictionary(p => p.Instance.Model.Index, p => p.RenderCount);

    /// <summary>The paragraphs rendered since <paramref name="before"/>. A change may render its paragraph more than once
    /// (the live event and the service's answer race), but never a paragraph it does not touch.</summary>
    private static int[] RenderedSince(IRenderedComponent<DocumentPage> cut, Dictionary<int, int> before) =>
        ParagraphRenders(cut).Where(p => p.Value > before.GetValueOrDefault(p.Key)).Select(p => p.Key).Order().ToArray();

    /// <summary>How often each row of the span list rendered so far, by span id.</summary>
    private static Dictionary<long, int> RowRenders(IRenderedComponent<DocumentPage> cut) =>
        cut.FindComponents<SpanListRow>().ToDictionary(r => r.Instance.Annotation.Id, r => r.RenderCount);

    /// <summary>How often each group of the span list rendered so far (its rows' renders included), by label.</summary>
    private static Dictionary<string, int> GroupRenders(IRenderedComponent<DocumentPage> cut) =>
        cut.FindComponents<SpanGroup>().ToDictionary(g => g.Instance.Label.Name, g => g.RenderCount);

    private static int ParagraphOf(string text, string phrase)
    {
        var at = text.IndexOf(phrase, StringComparison.Ordinal);
        var paragraphs = SpanLayout.Paragraphs(text);
        for (var i = 0; i < paragraphs.Count; i++)
        {
            if (paragraphs[i].Start <= at && at < paragraphs[i].End) return i;
        }
        throw new InvalidOperationException($"'{phrase}' is in no paragraph.");
    }

    [Fact]
    public async Task Opening_a_document_renders_a_component_for_each_line_with_spans_once_and_the_other_lines_as_text()
    {
        // A span on one line before the page opens: that line is a component, every other line with text is plain markup.
        var (start, end) = CodePoints(SeedText, Phrase);
        await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, start, end, LabelIds["casualty figure"], null);
        var cut = RenderDocument(SeedDocumentId);

        var renders = ParagraphRenders(cut);
        Assert.Equal([ParagraphOf(SeedText, Phrase)], renders.Keys.ToArray());
        Assert.All(renders.Values, count => Assert.Equal(1, count));
        var lines = SpanLayout.Paragraphs(SeedText);
        Assert.True(lines.Count(p => p.Start == p.End) > 10); // blank lines: nothing at all
        Assert.Equal(lines.Count(p => p.Start < p.End), cut.FindAll("article p.para").Count);
        Assert.Equal(SeedText.Replace("\n", ""), cut.Find("[data-testid=doc-text]").TextContent.Replace("\n", "").Trim());
    }

    [Fact]
    public async Task Selecting_text_renders_no_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        var before = ParagraphRenders(cut);

        await Select(cut, Utf16Range(SeedText, Phrase));

        Assert.Empty(RenderedSince(cut, before));
        Assert.Single(cut.FindAll("[data-testid=label-menu]"));
    }

    [Fact]
    public async Task Adding_a_span_within_one_paragraph_renders_only_that_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        await Select(cut, Utf16Range(SeedText, Phrase));
        var before = ParagraphRenders(cut);

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        Assert.Single(await AnnotationsInDatabase());
        Assert.Equal([ParagraphOf(SeedText, Phrase)], RenderedSince(cut, before));
    }

    [Fact]
    public async Task Adding_a_span_across_a_line_break_renders_only_the_two_paragraphs()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, "the base 🇮🇶\nOfficials said"));
        var before = ParagraphRenders(cut);

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("1"));

        Assert.Single(await AnnotationsInDatabase());
        Assert.Equal(2, cut.FindAll("span.ann").Count);
        var first = ParagraphOf(EmojiText, "the base 🇮🇶");
        Assert.Equal([first, first + 1], RenderedSince(cut, before));
    }

    [Fact]
    public async Task Deleting_a_span_renders_only_its_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        await Select(cut, Utf16Range(SeedText, Phrase));
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));
        var before = ParagraphRenders(cut);

        await cut.InvokeAsync(() => cut.Instance.OnDeleteKey());

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Equal([ParagraphOf(SeedText, Phrase)], RenderedSince(cut, before));
    }

    [Fact]
    public async Task A_span_made_elsewhere_renders_its_paragraph_and_its_row_of_the_span_list_only()
    {
        var cut = RenderDocument(SeedDocumentId);
        // Bob's spans, made through the service as by a program: they reach Ana's page as live changes.
        var adminId = Bob.Id;
        var (firstStart, firstEnd) = CodePoints(SeedText, "Ain al-Assad airbase");
        var first = await AnnotationService.CreateAsync(SeedDocumentId, adminId, firstStart, firstEnd, LabelIds["actor"], null);
        var (secondStart, secondEnd) = CodePoints(SeedText, Phrase);
        cut.WaitForAssertion(() => Assert.Single(cut.FindComponents<SpanListRow>()));
        var paragraphs = ParagraphRenders(cut);
        var rows = RowRenders(cut);
        var groups = GroupRenders(cut);

        var second = await AnnotationService.CreateAsync(SeedDocumentId, adminId, secondStart, secondEnd, LabelIds["casualty figure"], null);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindComponents<SpanListRow>().Count));
        Assert.Equal([ParagraphOf(SeedText, Phrase)], RenderedSince(cut, paragraphs));
        // Only the casualty figure group rendered: the actor group's rows were not walked, the claim group not rendered.
        var groupsAfter = GroupRenders(cut);
        Assert.Equal(groups["actor"], groupsAfter["actor"]);
        Assert.Equal(groups["claim"], groupsAfter["claim"]);
        Assert.True(groupsAfter["casualty figure"] > groups["casualty figure"]);
        Assert.Equal("casualty figure (1)", cut.Find(".span-group[data-label='casualty figure'] .span-group-title").TextContent.Trim());
        var after = RowRenders(cut);
        Assert.Equal(rows[first.Annotation!.Id], after[first.Annotation.Id]); // the other row did not render
        Assert.Equal(1, after[second.Annotation!.Id]);

        // A new note on the second span renders its row again, and not the first's.
        var noted = await AnnotationService.UpdateAsync(second.Annotation.Id, adminId, 1, LabelIds["casualty figure"], "disputed");
        Assert.True(noted.Succeeded, noted.Error);
        cut.WaitForAssertion(() => Assert.Equal(2, RowRenders(cut)[second.Annotation.Id]));
        Assert.Equal(rows[first.Annotation.Id], RowRenders(cut)[first.Annotation.Id]);
    }

    [Fact]
    public async Task A_span_added_below_a_long_groups_first_page_renders_its_count_and_not_its_rows()
    {
        // 30 claims near the start of the article: the claim group shows the first 25 of them.
        for (var k = 0; k < 30; k++)
            await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, 10 * k + 2, 10 * k + 7, LabelIds["claim"], null);
        var cut = RenderDocument(SeedDocumentId);
        var rows = cut.FindComponents<SpanGroupRows>().Single(r => r.Instance.Spans.Count == 30);
        Assert.Equal(25, rows.FindComponents<SpanListRow>().Count);
        var rowsRenders = rows.RenderCount;
        var length = SeedText.EnumerateRunes().Count();

        // One at the end of the article: it is the 31st in list order, below the first page.
        await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, length - 8, length - 3, LabelIds["claim"], null);

        cut.WaitForAssertion(() => Assert.Equal("claim (31)", cut.Find(".span-group[data-label='claim'] .span-group-title").TextContent.Trim()));
        Assert.Equal("Show 6 more", cut.Find(".span-group[data-label='claim'] .span-more").TextContent.Trim());
        Assert.Equal(rowsRenders, rows.RenderCount);

        // One at the very start is first in the list: the first page changed, and its rows render.
        var first = await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, 0, 2, LabelIds["claim"], null);
        cut.WaitForAssertion(() => Assert.Equal("claim (32)", cut.Find(".span-group[data-label='claim'] .span-group-title").TextContent.Trim()));
        cut.WaitForAssertion(() => Assert.True(rows.RenderCount > rowsRenders));
        var shown = rows.FindComponents<SpanListRow>();
        Assert.Equal(25, shown.Count);
        Assert.Equal(first.Annotation!.Id, shown[0].Instance.Annotation.Id);
    }

    [Fact]
    public async Task A_span_made_elsewhere_renders_neither_the_page_nor_its_header_nor_the_whole_article()
    {
        ComponentFactories.Add<LiveRegion, CountingLiveRegion>();
        var cut = RenderDocument(SeedDocumentId);
        // Bob's first span starts his assignment, a team change that renders the page: the second is the one measured.
        // Both on one line: the first makes the line a component, so the second shows through it alone.
        var (firstStart, firstEnd) = CodePoints(SeedText, "American personnel");
        await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, firstStart, firstEnd, LabelIds["actor"], null);
        cut.WaitForAssertion(() => Assert.Single(cut.FindComponents<SpanListRow>()));
        var (start, end) = CodePoints(SeedText, Phrase);
        // The breadcrumbs render with every render of the page (their items are a list): they count the page's renders.
        var breadcrumbs = cut.FindComponent<MudBlazor.MudBreadcrumbs>();
        var crumbRenders = breadcrumbs.RenderCount;
        // The article's region walks every paragraph when it renders: a live change shows its paragraphs without it.
        // (bUnit's RenderCount also counts a child's renders; the region counts its own.)
        var article = cut.FindComponents<LiveRegion>()[0];
        Assert.NotEmpty(article.FindComponents<AnnotatedParagraph>());
        var articleRenders = ((CountingLiveRegion)article.Instance).OwnRenders;
        var spansRenders = ((CountingLiveRegion)cut.FindComponents<LiveRegion>()[1].Instance).OwnRenders;

        var made = await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, start, end, LabelIds["casualty figure"], null);

        cut.WaitForAssertion(() => Assert.Equal(2, cut.FindComponents<SpanListRow>().Count));
        Assert.Equal("Spans (2)", cut.Find("[data-testid=span-count]").TextContent);
        var id = made.Annotation!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains(cut.FindAll("span.ann"), e => (e.GetAttribute("data-anns") ?? "").Split(' ').Contains(id));
        Assert.Equal(crumbRenders, breadcrumbs.RenderCount);
        Assert.Equal(articleRenders, ((CountingLiveRegion)article.Instance).OwnRenders);
        Assert.True(((CountingLiveRegion)cut.FindComponents<LiveRegion>()[1].Instance).OwnRenders > spansRenders); // the span panel did render
    }

    /// <summary>The live region, counting the renders of itself alone.</summary>
    private sealed class CountingLiveRegion : LiveRegion
    {
        // The page sets ChildContent as it renders the region.
        [System.Diagnostics.CodeAnalysis.SetsRequiredMembers]
        public CountingLiveRegion() => ChildContent = _ => { };

        public int OwnRenders { get; private set; }

        protected override void OnAfterRender(bool firstRender) => OwnRenders++;
    }

    [Fact]
    public async Task A_change_elsewhere_to_the_selected_span_renders_its_details()
    {
        var cut = RenderDocument(SeedDocumentId);
        var (start, end) = CodePoints(SeedText, Phrase);
        var made = await AnnotationService.CreateAsync(SeedDocumentId, Bob.Id, start, end, LabelIds["casualty figure"], null);
        cut.WaitForAssertion(() => Assert.Single(cut.FindComponents<SpanListRow>()));
        await cut.InvokeAsync(() => cut.Instance.OnSpanClick(made.Annotation!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), 0, 0));
        var breadcrumbs = cut.FindComponent<MudBlazor.MudBreadcrumbs>();
        var crumbRenders = breadcrumbs.RenderCount;

        var noted = await AnnotationService.UpdateAsync(made.Annotation!.Id, Bob.Id, 1, LabelIds["casualty figure"], "disputed by the ministry");

        Assert.True(noted.Succeeded, noted.Error);
        cut.WaitForAssertion(() => Assert.Equal("2", cut.Find("[data-testid=span-details]").GetAttribute("data-version")));
        Assert.True(breadcrumbs.RenderCount > crumbRenders);
    }

    /// <summary>The code-point range of the first <paramref name="part"/> in <paramref name="text"/>.</summary>
    private static (int Start, int End) CodePoints(string text, string part)
    {
        var at = text.IndexOf(part, StringComparison.Ordinal);
        Assert.True(at >= 0, $"'{part}' is not in the text");
        var start = text[..at].EnumerateRunes().Count();
        return (start, start + part.EnumerateRunes().Count());
    }
}
