using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;
using Bunit;

namespace AnnotateHub.Tests.Components;

public sealed class AnnotatedParagraphTests : MudBunitContext
{
    private const string Hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    private static readonly LabelView Claim = new(1, 1, "claim", "#1e88e5", "1", null, 0);

    private static AnnotationView Span(long id, int start, int end) =>
        new(id, 1, "u1", "Ana", start, end, Claim.Id, Claim.Name, null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1);

    [Fact]
    public void Hostile_text_is_rendered_as_text_not_markup()
    {
        var text = "Before " + Hostile + " after";
        var model = new DocumentModel(text, [], [Claim]);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[0]));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(text, cut.Find("p.para").TextContent);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;", cut.Markup);
    }

    [Fact]
    public void Hostile_text_inside_a_span_is_rendered_as_text_too()
    {
        var text = "Before " + Hostile + " after";
        var start = text.IndexOf('<');
        var model = new DocumentModel(text, [Span(5, start, start + Hostile.Length)], [Claim]);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[0]));

        Assert.Empty(cut.FindAll("script"));
        Assert.Empty(cut.FindAll("img"));
        Assert.Equal(Hostile, cut.Find("span.ann").TextContent);
    }

    [Fact]
    public void Each_segment_carries_its_utf16_offsets()
    {
        // The emoji makes UTF-16 and code-point offsets differ: the browser needs UTF-16 ones.
        const string text = "👍🏽 Rockets hit the base";
        var model = new DocumentModel(text, [Span(7, 3, 10)], [Claim]); // code points 3..10 = "Rockets"

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[0]));

        var segments = cut.FindAll("p.para > span");
        Assert.Equal([("0", "5"), ("5", "12"), ("12", "25")],
            segments.Select(s => (s.GetAttribute("data-s"), s.GetAttribute("data-e"))));
        Assert.Equal(["👍🏽 ", "Rockets", " hit the base"], segments.Select(s => s.TextContent));
        Assert.Equal("7", segments[1].GetAttribute("data-anns"));
        Assert.Equal("ann", segments[1].GetAttribute("class"));
        Assert.Null(segments[0].GetAttribute("data-anns"));
    }

    [Fact]
    public void Segments_of_a_later_paragraph_carry_document_offsets()
    {
        const string text = "First line.\nSecond line.";
        var model = new DocumentModel(text, [], [Claim]);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[1]));

        var segment = cut.Find("p.para > span");
        Assert.Equal("12", segment.GetAttribute("data-s"));
        Assert.Equal("24", segment.GetAttribute("data-e"));
        Assert.Equal("Second line.", segment.TextContent);
    }

    [Fact]
    public void Nested_spans_list_their_ids_innermost_first_and_draw_one_underline_row_each()
    {
        const string text = "at least ten US soldiers were injured";
        var model = new DocumentModel(text, [Span(1, 0, text.Length), Span(2, 9, 24)], [Claim]);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[0]));

        var inner = cut.FindAll("span.ann").Single(s => s.TextContent == "ten US soldiers");
        Assert.Equal("2 1", inner.GetAttribute("data-anns"));
        Assert.Equal("--h:#1e88e540;--l1:#1e88e5;--l0:#1e88e5;", inner.GetAttribute("style"));
        Assert.Equal("--rows:2", cut.Find("p.para").GetAttribute("style"));
    }

    [Fact]
    public void An_empty_paragraph_renders_nothing()
    {
        var model = new DocumentModel("a\n\nb", [], [Claim]);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[1]));

        Assert.Empty(cut.Markup.Trim());
    }

    [Fact]
    public void The_selected_span_is_marked()
    {
        const string text = "Rockets hit the base";
        var model = new DocumentModel(text, [Span(4, 0, 7)], [Claim]);
        model.Select(4);

        var cut = Render<AnnotatedParagraph>(p => p.Add(c => c.Model, model.Paragraphs[0]));

        Assert.Equal("ann sel", cut.Find("span.ann").GetAttribute("class"));
    }
}
