using AnnotateHub.Core.Curation;

namespace AnnotateHub.Tests.Core.Curation;

/// <summary>Curation units: overlapping spans across annotators grouped into one decision, and the kind of each.</summary>
public sealed class CurationUnitsTests
{
    private static readonly string[] AnaBen = ["ana", "ben"];
    private static readonly string[] AnaBenCem = ["ana", "ben", "cem"];

    private static CurationSpan S(string annotator, int start, int end, string label, long? id = null) => new(annotator, start, end, label, id);

    private static string Describe(CurationUnit u) =>
        $"{u.Index}:{u.Start}-{u.End} {u.Kind} [{string.Join(",", u.Annotators)}] " +
        string.Join(" ", u.Candidates.Select(c => $"{c.Start}-{c.End}:{c.Label}={string.Join("+", c.Voters)}"));

    private static string Describe(IEnumerable<CurationUnit> units) => string.Join(" | ", units.Select(Describe));

    [Fact]
    public void Two_annotators_with_the_same_span_are_an_agreement()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 0, 7, "claim"), S("ben", 0, 7, "claim")]);

        Assert.Equal("0:0-7 Agreement [ana,ben] 0-7:claim=ana+ben", Describe(units));
        Assert.False(units.Single().IsDisagreement);
        Assert.Equal(2, units.Single().Spans.Count);
    }

    [Fact]
    public void A_span_two_of_three_annotators_have_is_missed_by_the_third()
    {
        var units = CurationUnits.Build(AnaBenCem, [S("ana", 3, 9, "claim"), S("ben", 3, 9, "claim")]);

        Assert.Equal("0:3-9 Missed [ana,ben] 3-9:claim=ana+ben", Describe(units));
        Assert.True(units.Single().IsDisagreement);
    }

    [Fact]
    public void A_span_one_of_three_annotators_has_is_extra()
    {
        var units = CurationUnits.Build(AnaBenCem, [S("cem", 3, 9, "claim")]);

        Assert.Equal("0:3-9 Extra [cem] 3-9:claim=cem", Describe(units));
    }

    [Fact]
    public void Exactly_half_of_the_annotators_is_extra_not_missed()
    {
        var units = CurationUnits.Build(["ana", "ben", "cem", "dan"], [S("ana", 3, 9, "claim"), S("dan", 3, 9, "claim")]);

        Assert.Equal(UnitKind.Extra, units.Single().Kind);
    }

    [Fact]
    public void An_annotator_with_no_span_at_all_still_counts()
    {
        var withDone = CurationUnits.Build(AnaBen, [S("ana", 0, 5, "claim")]);
        var alone = CurationUnits.Build(["ana"], [S("ana", 0, 5, "claim")]);

        Assert.Equal(UnitKind.Extra, withDone.Single().Kind);
        Assert.Equal(UnitKind.Agreement, alone.Single().Kind);
    }

    [Fact]
    public void Same_offsets_with_different_labels_is_a_wrong_label()
    {
        var units = CurationUnits.Build(AnaBenCem, [S("ana", 10, 14, "actor"), S("ben", 10, 14, "claim"), S("cem", 10, 14, "claim")]);

        Assert.Equal("0:10-14 WrongLabel [ana,ben,cem] 10-14:claim=ben+cem 10-14:actor=ana", Describe(units));
    }

    [Fact]
    public void Overlapping_spans_with_other_offsets_are_a_boundary_unit_even_with_one_label()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 10, 20, "claim"), S("ben", 12, 25, "claim")]);

        Assert.Equal("0:10-25 Boundary [ana,ben] 10-20:claim=ana 12-25:claim=ben", Describe(units));
    }

    [Fact]
    public void Nested_spans_form_one_boundary_unit_spanning_the_outer_one()
    {
        var units = CurationUnits.Build(AnaBen,
        [
            S("ana", 0, 30, "claim"), S("ana", 5, 10, "actor"),
            S("ben", 0, 30, "claim"), S("ben", 5, 10, "actor"), S("ben", 15, 20, "actor"),
        ]);

        Assert.Equal("0:0-30 Boundary [ana,ben] 0-30:claim=ana+ben 5-10:actor=ana+ben 15-20:actor=ben", Describe(units));
        Assert.Equal(5, units.Single().Spans.Count);
    }

    [Fact]
    public void A_chain_of_overlaps_is_one_unit_even_where_its_ends_do_not_overlap()
    {
        // A overlaps B, B overlaps C, A and C share nothing.
        var units = CurationUnits.Build(AnaBenCem, [S("ana", 0, 10, "claim"), S("ben", 8, 20, "claim"), S("cem", 18, 30, "claim")]);

        Assert.Equal("0:0-30 Boundary [ana,ben,cem] 0-10:claim=ana 8-20:claim=ben 18-30:claim=cem", Describe(units));
    }

    [Fact]
    public void Touching_spans_do_not_overlap_and_make_two_units()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 0, 10, "claim"), S("ben", 10, 20, "claim")]);

        Assert.Equal("0:0-10 Extra [ana] 0-10:claim=ana | 1:10-20 Extra [ben] 10-20:claim=ben", Describe(units));
    }

    [Fact]
    public void A_short_span_after_a_long_one_joins_it_by_the_long_ones_end()
    {
        // The sweep must compare with the largest end so far, not the last span's end.
        var units = CurationUnits.Build(AnaBen, [S("ana", 0, 50, "claim"), S("ben", 2, 4, "actor"), S("ben", 40, 45, "actor")]);

        Assert.Single(units);
        Assert.Equal((0, 50), (units[0].Start, units[0].End));
    }

    [Fact]
    public void Spans_of_annotators_who_do_not_count_are_ignored()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 0, 7, "claim"), S("ben", 0, 7, "claim"), S("zoe", 0, 9, "actor"), S("zoe", 40, 50, "claim")]);

        Assert.Equal("0:0-7 Agreement [ana,ben] 0-7:claim=ana+ben", Describe(units));
    }

    [Fact]
    public void Empty_and_reversed_spans_are_dropped()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 5, 5, "claim"), S("ben", 9, 3, "claim"), S("ana", 20, 22, "actor")]);

        Assert.Equal("0:20-22 Extra [ana] 20-22:actor=ana", Describe(units));
    }

    [Fact]
    public void An_exact_duplicate_of_one_annotator_counts_once_and_keeps_the_smallest_id()
    {
        var units = CurationUnits.Build(AnaBen, [S("ana", 0, 7, "claim", 12), S("ana", 0, 7, "claim", 4), S("ben", 0, 7, "claim", 9)]);

        var unit = units.Single();
        Assert.Equal("0:0-7 Agreement [ana,ben] 0-7:claim=ana+ben", Describe(unit));
        Assert.Equal([4L, 9L], unit.Spans.Select(s => s.Id!.Value));
    }

    [Fact]
    public void No_spans_give_no_units()
    {
        Assert.Empty(CurationUnits.Build(AnaBen, []));
        Assert.Empty(CurationUnits.Build([], [S("ana", 0, 7, "claim")]));
    }

    [Fact]
    public void Units_come_in_document_order_with_their_index_whatever_the_input_order()
    {
        var units = CurationUnits.Build(AnaBen,
        [
            S("ben", 60, 70, "claim"), S("ana", 30, 35, "actor"), S("ana", 60, 70, "claim"), S("ben", 0, 4, "actor"), S("ben", 31, 36, "actor"),
        ]);

        Assert.Equal(
            "0:0-4 Extra [ben] 0-4:actor=ben | 1:30-36 Boundary [ana,ben] 30-35:actor=ana 31-36:actor=ben | 2:60-70 Agreement [ana,ben] 60-70:claim=ana+ben",
            Describe(units));
        Assert.Equal([0, 1, 2], units.Select(u => u.Index));
    }

    [Fact]
    public void Spans_of_a_unit_are_sorted_by_start_end_annotator_and_label()
    {
        var unit = CurationUnits.Build(AnaBen, [S("ben", 0, 9, "claim"), S("ana", 0, 9, "claim"), S("ana", 0, 9, "actor"), S("ben", 0, 5, "claim")]).Single();

        Assert.Equal(["0-5 ben claim", "0-9 ana actor", "0-9 ana claim", "0-9 ben claim"], unit.Spans.Select(s => $"{s.Start}-{s.End} {s.Annotator} {s.Label}"));
    }

    [Fact]
    public void Candidates_tied_on_votes_are_ordered_by_start_end_and_label()
    {
        var unit = CurationUnits.Build(AnaBenCem, [S("cem", 4, 9, "claim"), S("ana", 2, 9, "claim"), S("ben", 2, 9, "actor"), S("cem", 2, 9, "claim")]).Single();

        Assert.Equal(["2-9:claim", "2-9:actor", "4-9:claim"], unit.Candidates.Select(c => $"{c.Start}-{c.End}:{c.Label}"));
        Assert.Equal(["ana", "cem"], unit.Candidates[0].Voters);
        Assert.Equal(2, unit.Candidates[0].Votes);
    }

    [Fact]
    public void Fifteen_thousand_spans_build_into_the_expected_units()
    {
        // 5,000 regions, 10 code points apart: region i has three annotators; every third region someone relabels.
        var spans = new List<CurationSpan>();
        for (var i = 0; i < 5000; i++)
        {
            var start = i * 10;
            spans.Add(S("ana", start, start + 5, "claim"));
            spans.Add(S("ben", start, start + 5, "claim"));
            spans.Add(S("cem", start, start + 5, i % 3 == 0 ? "actor" : "claim"));
        }
        spans.Reverse();

        var units = CurationUnits.Build(AnaBenCem, spans);

        Assert.Equal(5000, units.Count);
        Assert.Equal(15000, units.Sum(u => u.Spans.Count));
        Assert.Equal(1667, units.Count(u => u.Kind == UnitKind.WrongLabel));
        Assert.Equal(3333, units.Count(u => u.Kind == UnitKind.Agreement));
        Assert.Equal(Enumerable.Range(0, 5000), units.Select(u => u.Index));
        Assert.Equal((49990, 49995), (units[^1].Start, units[^1].End));
    }

    [Fact]
    public void Fifteen_thousand_chained_spans_are_one_unit()
    {
        var spans = Enumerable.Range(0, 15000).Select(i => S(AnaBenCem[i % 3], i * 2, i * 2 + 3, "claim")).ToList();

        var unit = Assert.Single(CurationUnits.Build(AnaBenCem, spans));

        // The last span is 29998-30001.
        Assert.Equal((0, 30001), (unit.Start, unit.End));
        Assert.Equal(15000, unit.Spans.Count);
        Assert.Equal(UnitKind.Boundary, unit.Kind);
    }

    [Fact]
    public void A_unit_is_decided_when_gold_overlaps_it()
    {
        var unit = CurationUnits.Build(AnaBen, [S("ana", 10, 20, "claim"), S("ben", 12, 20, "claim")]).Single();

        Assert.True(CurationUnits.IsDecided(unit, [(19, 30)], []));
        Assert.True(CurationUnits.IsDecided(unit, [(12, 14)], []));
        Assert.False(CurationUnits.IsDecided(unit, [(20, 30), (0, 10)], []));
        Assert.False(CurationUnits.IsDecided(unit, [], []));
    }

    [Fact]
    public void A_unit_is_decided_when_a_rejection_covers_all_of_it()
    {
        var unit = CurationUnits.Build(AnaBen, [S("ana", 10, 20, "claim"), S("ben", 12, 20, "claim")]).Single();

        Assert.True(CurationUnits.IsDecided(unit, [], [(10, 20)]));
        Assert.True(CurationUnits.IsDecided(unit, [], [(0, 40)]));
        Assert.False(CurationUnits.IsDecided(unit, [], [(12, 20)]));
        Assert.False(CurationUnits.IsDecided(unit, [], [(10, 19)]));
    }
}
