using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>The side-by-side view's classification of two annotators' spans: match, missed, extra, wrong label, boundary.</summary>
public sealed class DisagreementTests
{
    private static AgreementSpan Ana(int start, int end, string label) => new("ana", start, end, label);
    private static AgreementSpan Ben(int start, int end, string label) => new("ben", start, end, label);

    private static string Describe(IEnumerable<SpanComparison> comparisons) => string.Join(" | ", comparisons.Select(c =>
        $"{c.Kind} {(c.A is { } a ? $"{a.Start}-{a.End}:{a.Label}" : "-")} {(c.B is { } b ? $"{b.Start}-{b.End}:{b.Label}" : "-")}"));

    [Fact]
    public void Identical_spans_are_a_match_and_no_disagreement()
    {
        var result = Disagreements.Compare([Ana(0, 7, "claim")], [Ben(0, 7, "claim")]);

        Assert.Equal("Match 0-7:claim 0-7:claim", Describe(result));
        Assert.False(result.Single().IsDisagreement);
    }

    [Fact]
    public void A_span_of_A_that_B_does_not_overlap_is_missed_and_one_of_B_is_extra()
    {
        var result = Disagreements.Compare([Ana(0, 7, "claim")], [Ben(35, 44, "claim")]);

        Assert.Equal("Missed 0-7:claim - | Extra - 35-44:claim", Describe(result));
    }

    [Fact]
    public void Same_offsets_with_another_label_is_a_wrong_label()
    {
        var result = Disagreements.Compare([Ana(10, 14, "actor")], [Ben(10, 14, "claim")]);

        Assert.Equal("WrongLabel 10-14:actor 10-14:claim", Describe(result));
        Assert.True(result.Single().LabelsDiffer);
    }

    [Fact]
    public void Overlapping_spans_with_other_offsets_are_a_boundary_disagreement()
    {
        var sameLabel = Disagreements.Compare([Ana(10, 20, "claim")], [Ben(12, 20, "claim")]);
        var otherLabel = Disagreements.Compare([Ana(10, 20, "claim")], [Ben(15, 25, "actor")]);

        Assert.Equal("Boundary 10-20:claim 12-20:claim", Describe(sameLabel));
        Assert.False(sameLabel.Single().LabelsDiffer);
        Assert.Equal("Boundary 10-20:claim 15-25:actor", Describe(otherLabel));
        Assert.True(otherLabel.Single().LabelsDiffer);
    }

    [Fact]
    public void Spans_that_only_touch_do_not_overlap()
    {
        // End is exclusive: 0-5 and 5-9 share no character.
        var result = Disagreements.Compare([Ana(0, 5, "claim")], [Ben(5, 9, "claim")]);

        Assert.Equal("Missed 0-5:claim - | Extra - 5-9:claim", Describe(result));
    }

    [Fact]
    public void Each_span_pairs_once_and_the_best_partner_comes_first()
    {
        // Ana's long claim overlaps both of Ben's; the same-label one that shares the most characters is its partner,
        // an identical span beats an overlap, and what is left over is extra even where it overlaps. Listed by start, then end.
        var result = Disagreements.Compare(
            [Ana(0, 30, "claim"), Ana(40, 45, "actor")],
            [Ben(0, 10, "claim"), Ben(5, 28, "claim"), Ben(40, 45, "actor"), Ben(41, 44, "actor")]);

        Assert.Equal(
            "Extra - 0-10:claim | Boundary 0-30:claim 5-28:claim | Match 40-45:actor 40-45:actor | Extra - 41-44:actor",
            Describe(result));
        var counts = Disagreements.Count(result);
        Assert.Equal((1, 0, 2, 0, 1), (counts[SpanComparisonKind.Match], counts[SpanComparisonKind.Missed], counts[SpanComparisonKind.Extra],
            counts[SpanComparisonKind.WrongLabel], counts[SpanComparisonKind.Boundary]));
    }

    [Fact]
    public void Same_label_overlaps_pair_before_other_label_overlaps_and_the_order_of_the_input_does_not_matter()
    {
        AgreementSpan[] a = [Ana(0, 10, "claim"), Ana(20, 30, "actor")];
        AgreementSpan[] b = [Ben(2, 25, "actor"), Ben(5, 12, "claim")];

        var result = Disagreements.Compare(a, b);

        Assert.Equal("Boundary 0-10:claim 5-12:claim | Boundary 20-30:actor 2-25:actor", Describe(result));
        Assert.Equal(Describe(result), Describe(Disagreements.Compare(a.Reverse(), b.Reverse())));
    }

    [Fact]
    public void No_spans_on_either_side_gives_nothing_and_empty_spans_are_ignored()
    {
        Assert.Empty(Disagreements.Compare([], []));
        Assert.Equal("Missed 3-4:claim -", Describe(Disagreements.Compare([Ana(3, 4, "claim"), Ana(5, 5, "claim")], [])));
    }
}
