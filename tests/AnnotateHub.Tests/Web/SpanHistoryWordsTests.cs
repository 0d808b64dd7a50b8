using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Documents;

namespace AnnotateHub.Tests.Web;

/// <summary>The history panel says what a change did to what a span says (issue 19: attributes in the change log).</summary>
public sealed class SpanHistoryWordsTests
{
    private static AnnotationView Span(string? attributes, string note = "") =>
        new(1, 1, "u", "Ana", 0, 5, 3, "casualty figure", note.Length == 0 ? null : note, DateTime.UnixEpoch, DateTime.UnixEpoch, 1, attributes);

    [Fact]
    public void A_change_of_values_is_told_value_by_value()
    {
        var before = Span("""{"count":"10","status":"injured","who":"US soldiers"}""");
        var after = Span("""{"count":"12","qualifier":"at least","status":"injured"}""");
        var entry = new SpanHistoryEntry(1, 2, ChangeKind.AnnotationUpdated, "u", "Ana", DateTime.UnixEpoch, before, after, null, null, true);

        Assert.Equal("count 10 → 12; qualifier at least; who removed", SpanHistory.Describe(entry));
    }

    [Fact]
    public void A_creation_says_its_values()
    {
        var entry = new SpanHistoryEntry(1, 1, ChangeKind.AnnotationCreated, "u", "Ana", DateTime.UnixEpoch, null, Span("""{"count":"10","status":"injured"}"""), null, null, true);

        Assert.Equal("Created as casualty figure, count 10, status injured", SpanHistory.Describe(entry));
    }
}
