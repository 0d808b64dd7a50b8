using AnnotateHub.Core.Text;
using AnnotateHub.Web.Features.Documents;
using Bunit;

namespace AnnotateHub.Tests.Components;

/// <summary>AnnotatedParagraph.RenderCount is static: tests that read it must not run beside other renders.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ParagraphRenderCounting
{
    public const string Name = "Paragraph render counting";
}

[Collection(ParagraphRenderCounting.Name)]
public sealed class ParagraphRenderCountTests : DocumentPageContext
{
    private const string Phrase = "at least ten US soldiers were injured";

    private static long Renders => Interlocked.Read(ref AnnotatedParagraph.RenderCount);

    private static void ForgetRenders() => AnnotatedParagraph.RenderedIndices.Clear();

    /// <summary>The distinct paragraphs rendered since <see cref="ForgetRenders"/>. A change may render its paragraph
    /// more than once (the live event and the service's answer race), but never a paragraph it does not touch.</summary>
    private static int[] RenderedParagraphs() => AnnotatedParagraph.RenderedIndices.Distinct().Order().ToArray();

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
    public void Opening_a_document_renders_each_paragraph_once()
    {
        var before = Renders;

        RenderDocument(SeedDocumentId);

        Assert.Equal(SpanLayout.Paragraphs(SeedText).Count, Renders - before);
    }

    [Fact]
    public async Task Selecting_text_renders_no_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        var before = Renders;

        await Select(cut, Utf16Range(SeedText, Phrase));

        Assert.Equal(0, Renders - before);
        Assert.Single(cut.FindAll("[data-testid=label-menu]"));
    }

    [Fact]
    public async Task Adding_a_span_within_one_paragraph_renders_only_that_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        await Select(cut, Utf16Range(SeedText, Phrase));
        ForgetRenders();

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));

        Assert.Single(await AnnotationsInDatabase());
        Assert.Equal([ParagraphOf(SeedText, Phrase)], RenderedParagraphs());
    }

    [Fact]
    public async Task Adding_a_span_across_a_line_break_renders_only_the_two_paragraphs()
    {
        var cut = RenderDocument(EmojiDocumentId);
        await Select(cut, Utf16Range(EmojiText, "the base 🇮🇶\nOfficials said"));
        ForgetRenders();

        await cut.InvokeAsync(() => cut.Instance.OnHotkey("1"));

        Assert.Single(await AnnotationsInDatabase());
        Assert.Equal(2, cut.FindAll("span.ann").Count);
        var first = ParagraphOf(EmojiText, "the base 🇮🇶");
        Assert.Equal([first, first + 1], RenderedParagraphs());
    }

    [Fact]
    public async Task Deleting_a_span_renders_only_its_paragraph()
    {
        var cut = RenderDocument(SeedDocumentId);
        await Select(cut, Utf16Range(SeedText, Phrase));
        await cut.InvokeAsync(() => cut.Instance.OnHotkey("3"));
        ForgetRenders();

        await cut.InvokeAsync(() => cut.Instance.OnDeleteKey());

        Assert.Empty(await AnnotationsInDatabase());
        Assert.Equal([ParagraphOf(SeedText, Phrase)], RenderedParagraphs());
    }
}
