using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;

namespace AnnotateHub.Tests.Web;

public sealed class DocumentModelTests
{
    // Paragraph 0 has a surrogate pair, so code-point and UTF-16 offsets differ from paragraph 0 on.
    private const string Text = "Base 👍 hit\nten US soldiers injured\nno word yet\nlast line";
    private static readonly LabelView Claim = new(1, 1, "claim", "#1e88e5", "1", null, 0);
    private static readonly LabelView Actor = new(2, 1, "actor", "#8e24aa", "2", null, 1);

    private static AnnotationView Span(long id, int start, int end, int labelId = 1, int version = 1) =>
        new(id, 1, "u1", "Ana", start, end, labelId, labelId == 1 ? "claim" : "actor", null, DateTime.UnixEpoch, DateTime.UnixEpoch, version);

    private static int CodePoint(string part) => Text.IndexOf(part, StringComparison.Ordinal) - 1; // one pair before

    private static DocumentModel NewModel(params AnnotationView[] spans) => new(Text, spans, [Claim, Actor]);

    [Fact]
    public void There_is_one_paragraph_model_per_line()
    {
        var model = NewModel();

        Assert.Equal([0, 1, 2, 3], model.Paragraphs.Select(p => p.Index));
        Assert.Equal(["Base 👍 hit", "ten US soldiers injured", "no word yet", "last line"],
            model.Paragraphs.Select(p => string.Concat(p.Segments.Select(s => s.Text))));
    }

    [Fact]
    public void The_text_of_a_span_is_sliced_by_code_points()
    {
        var start = CodePoint("ten US");
        var model = NewModel(Span(1, start, start + "ten US soldiers".Length));

        Assert.Equal("ten US soldiers", model.TextOf(model.Find(1)!));
    }

    [Fact]
    public void Adding_a_span_rebuilds_only_its_paragraph()
    {
        var model = NewModel();
        var before = model.Paragraphs.ToArray();
        var start = CodePoint("ten US");

        var rebuilt = model.Upsert(Span(1, start, start + 6));

        Assert.Equal(1, rebuilt);
        Assert.Equal([true, false, true, true], model.Paragraphs.Select((p, i) => ReferenceEquals(p, before[i])));
        Assert.Contains(model.Paragraphs[1].Segments, s => s.Text == "ten US" && s.SpanIds == "1");
    }

    [Fact]
    public void A_span_across_a_line_break_rebuilds_both_paragraphs()
    {
        var model = NewModel();
        var before = model.Paragraphs.ToArray();

        var rebuilt = model.Upsert(Span(1, CodePoint("injured"), CodePoint("word") + 4));

        Assert.Equal(2, rebuilt);
        Assert.Equal([true, false, false, true], model.Paragraphs.Select((p, i) => ReferenceEquals(p, before[i])));
    }

    [Fact]
    public void Moving_a_span_rebuilds_the_paragraph_it_left_and_the_one_it_entered()
    {
        var start = CodePoint("ten US");
        var model = NewModel(Span(1, start, start + 3));
        var before = model.Paragraphs.ToArray();

        var rebuilt = model.Upsert(Span(1, CodePoint("last"), CodePoint("last") + 4, version: 2));

        Assert.Equal(2, rebuilt);
        Assert.Equal([true, false, true, false], model.Paragraphs.Select((p, i) => ReferenceEquals(p, before[i])));
        Assert.All(model.Paragraphs[1].Segments, s => Assert.Null(s.SpanIds));
    }

    [Fact]
    public void Removing_a_span_rebuilds_its_paragraph_and_removing_an_unknown_one_nothing()
    {
        var start = CodePoint("no word");
        var model = NewModel(Span(1, start, start + 2));
        var before = model.Paragraphs.ToArray();

        Assert.Equal(0, model.Remove(99));
        Assert.Equal(1, model.Remove(1));

        Assert.Equal([true, true, false, true], model.Paragraphs.Select((p, i) => ReferenceEquals(p, before[i])));
        Assert.Null(model.Find(1));
    }

    [Fact]
    public void Selecting_a_span_rebuilds_only_the_paragraphs_of_the_old_and_new_selection()
    {
        var model = NewModel(Span(1, CodePoint("ten"), CodePoint("ten") + 3), Span(2, CodePoint("last"), CodePoint("last") + 4));
        model.Select(1);
        var before = model.Paragraphs.ToArray();

        model.Select(2);

        Assert.Equal([true, false, true, false], model.Paragraphs.Select((p, i) => ReferenceEquals(p, before[i])));
        Assert.True(model.Paragraphs[3].Segments.Single(s => s.SpanIds == "2").Selected);
        Assert.False(model.Paragraphs[1].Segments.Single(s => s.SpanIds == "1").Selected);
    }

    [Fact]
    public void Selecting_an_unknown_span_clears_the_selection()
    {
        var model = NewModel(Span(1, 0, 4));
        model.Select(1);

        model.Select(42);

        Assert.Null(model.SelectedId);
    }

    [Fact]
    public void A_span_is_drawn_in_its_labels_colour_and_a_relabel_changes_it()
    {
        var model = NewModel(Span(1, 0, 4));
        Assert.Equal("--h:#1e88e540;--l0:#1e88e5;", model.Paragraphs[0].Segments[0].Style);

        model.Upsert(Span(1, 0, 4, labelId: Actor.Id, version: 2));

        Assert.Equal("--h:#8e24aa40;--l0:#8e24aa;", model.Paragraphs[0].Segments[0].Style);
    }

    [Fact]
    public void Underline_rows_stop_at_the_maximum_but_every_span_stays_listed()
    {
        var spans = Enumerable.Range(1, DocumentModel.MaxUnderlineRows + 2).Select(i => Span(i, 0, 4 + i)).ToArray();
        var model = NewModel(spans);

        Assert.Equal(DocumentModel.MaxUnderlineRows, model.Paragraphs[0].Rows);
        var first = model.Paragraphs[0].Segments[0];
        Assert.Equal(DocumentModel.MaxUnderlineRows + 2, first.SpanIds!.Split(' ').Length);
        Assert.DoesNotContain($"--l{DocumentModel.MaxUnderlineRows}:", first.Style);
    }
}
