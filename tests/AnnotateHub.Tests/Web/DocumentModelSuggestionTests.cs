using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Suggestions;

namespace AnnotateHub.Tests.Web;

/// <summary>Suggestions in the document model: laid out with the spans, told apart from them, never in their place.</summary>
public sealed class DocumentModelSuggestionTests
{
    // The emoji makes code-point and UTF-16 offsets differ after it.
    private const string Text = "Base 👍 hit\nten US soldiers injured\nlast line";
    private static readonly LabelView Claim = new(1, 1, "claim", "#1e88e5", "1", null, 0);
    private static readonly LabelView Actor = new(2, 1, "actor", "#8e24aa", "2", null, 1);

    private static AnnotationView Span(long id, int start, int end, string annotatorId = "u1") =>
        new(id, 1, annotatorId, "Ana", start, end, Claim.Id, Claim.Name, null, DateTime.UnixEpoch, DateTime.UnixEpoch, 1);

    private static SuggestionView Suggestion(long id, int start, int end, LabelView label) =>
        new(id, 1, "ner-model-v2", start, end, label.Id, label.Name, label.Color);

    private static int CodePoint(string part) => Text.IndexOf(part, StringComparison.Ordinal) - 1; // one pair before

    private static SegmentModel SegmentOver(DocumentModel model, string text) =>
        model.Paragraphs.SelectMany(p => p.Segments).Single(s => s.Text == text);

    [Fact]
    public void A_suggestion_alone_is_drawn_lighter_dashed_and_named_and_its_id_is_marked()
    {
        var model = new DocumentModel(Text, [], [Claim, Actor], viewerId: "u1");
        var start = CodePoint("US soldiers");

        model.SetSuggestions([Suggestion(7, start, start + "US soldiers".Length, Actor)]);

        var segment = SegmentOver(model, "US soldiers");
        Assert.Equal("s7", segment.SpanIds);
        Assert.True(segment.Suggested);
        Assert.False(segment.Others);
        Assert.Equal("--h:#8e24aa1f;--s:#8e24aa;--l0:#8e24aa;--g0:transparent;", segment.Style);
        Assert.Equal("Suggestion: actor from ner-model-v2", segment.Title);
        Assert.Equal(1, model.Paragraphs[1].Rows);
        Assert.Empty(model.Annotations);
    }

    [Fact]
    public void A_suggestion_inside_a_span_takes_its_own_row_and_leaves_the_spans_colour()
    {
        var start = CodePoint("ten US soldiers injured");
        var model = new DocumentModel(Text, [Span(3, start, start + "ten US soldiers injured".Length, annotatorId: "u2")], [Claim, Actor], viewerId: "u1");
        var inner = CodePoint("US soldiers");

        model.SetSuggestions([Suggestion(7, inner, inner + "US soldiers".Length, Actor)]);

        var segment = SegmentOver(model, "US soldiers");
        Assert.Equal("s7 3", segment.SpanIds); // innermost first: a click reaches the suggestion, then the span
        Assert.False(segment.Suggested);
        Assert.True(segment.Others); // still drawn as the other annotator's span
        Assert.StartsWith("--h:#1e88e540;--o:", segment.Style, StringComparison.Ordinal);
        Assert.Contains("--l0:#1e88e5;", segment.Style, StringComparison.Ordinal);
        Assert.Contains("--l1:#8e24aa;--g1:transparent;", segment.Style, StringComparison.Ordinal);
        Assert.Equal(2, model.Paragraphs[1].Rows);
        Assert.Null(SegmentOver(model, "ten ").Title);
    }

    [Fact]
    public void Selecting_a_suggestion_unselects_the_span_and_removing_it_clears_the_selection()
    {
        var model = new DocumentModel(Text, [Span(3, 0, 4)], [Claim, Actor]);
        var start = CodePoint("injured");
        model.SetSuggestions([Suggestion(7, start, start + "injured".Length, Claim)]);
        model.Select(3);

        model.SelectSuggestion(7);

        Assert.Null(model.SelectedId);
        Assert.Equal(7, model.SelectedSuggestionId);
        Assert.True(SegmentOver(model, "injured").Selected);
        Assert.False(SegmentOver(model, "Base").Selected);

        var rebuilt = model.RemoveSuggestion(7);

        Assert.Equal(1, rebuilt);
        Assert.Null(model.SelectedSuggestionId);
        Assert.Null(model.FindSuggestion(7));
        Assert.DoesNotContain(model.Paragraphs[1].Segments, s => s.SpanIds is not null);
    }

    [Fact]
    public void A_span_and_a_suggestion_with_the_same_number_stay_apart()
    {
        var model = new DocumentModel(Text, [Span(5, 0, 4)], [Claim, Actor]);

        model.SetSuggestions([Suggestion(5, 0, 4, Actor)]);
        model.Select(5);

        Assert.Equal("s5 5", SegmentOver(model, "Base").SpanIds);
        Assert.Equal(5, model.SelectedId);
        Assert.Null(model.SelectedSuggestionId);
        Assert.Equal(0, model.RemoveSuggestion(99));
        Assert.Equal(1, model.Remove(5));
        Assert.Equal("s5", SegmentOver(model, "Base").SpanIds);
    }

    [Fact]
    public void A_suggestion_outside_the_text_is_not_drawn()
    {
        var model = new DocumentModel(Text, [], [Claim]);

        model.SetSuggestions([Suggestion(1, 40, 4000, Claim), Suggestion(2, 3, 3, Claim)]);

        Assert.Empty(model.Suggestions);
        Assert.All(model.Paragraphs.SelectMany(p => p.Segments), s => Assert.Null(s.SpanIds));
    }
}
