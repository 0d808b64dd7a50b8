using AnnotateHub.Core.Curation;

namespace AnnotateHub.Tests.Core.Curation;

/// <summary>Merge rules and the automatic merge: which candidates of a unit become gold, ties, nesting, re-merging.</summary>
public sealed class AutoMergeTests
{
    private static readonly string[] AnaBen = ["ana", "ben"];
    private static readonly string[] AnaBenCem = ["ana", "ben", "cem"];

    private static CurationSpan S(string annotator, int start, int end, string label) => new(annotator, start, end, label);

    private static CurationUnit Unit(IReadOnlyCollection<string> annotators, params CurationSpan[] spans) =>
        Assert.Single(CurationUnits.Build(annotators, spans));

    private static string Describe(IEnumerable<Candidate> candidates) =>
        string.Join(" ", candidates.Select(c => $"{c.Start}-{c.End}:{c.Label}"));

    private static MergeRule Vote(int minVotes, double minShare) => new MergeRule.Vote(minVotes, minShare);

    [Fact]
    public void Every_rule_proposes_an_agreement()
    {
        var unit = Unit(AnaBen, S("ana", 0, 7, "claim"), S("ben", 0, 7, "claim"));

        Assert.Equal("0-7:claim", Describe(AutoMerge.Propose(unit, 2, new MergeRule.AllAgree())));
        Assert.Equal("0-7:claim", Describe(AutoMerge.Propose(unit, 2, new MergeRule.AllWhoAnnotatedAgree())));
        Assert.Equal("0-7:claim", Describe(AutoMerge.Propose(unit, 2, Vote(2, 1))));
    }

    [Fact]
    public void With_an_annotator_who_marked_nothing_all_who_annotated_agree_proposes_and_all_agree_does_not()
    {
        var unit = Unit(AnaBenCem, S("ana", 3, 9, "claim"), S("ben", 3, 9, "claim"));

        Assert.Empty(AutoMerge.Propose(unit, 3, new MergeRule.AllAgree()));
        Assert.Equal("3-9:claim", Describe(AutoMerge.Propose(unit, 3, new MergeRule.AllWhoAnnotatedAgree())));
    }

    [Fact]
    public void All_who_annotated_agree_does_not_accept_a_candidate_another_annotator_of_the_unit_labelled_otherwise()
    {
        var unit = Unit(AnaBenCem, S("ana", 3, 9, "claim"), S("ben", 3, 9, "claim"), S("cem", 3, 9, "actor"));

        Assert.Empty(AutoMerge.Propose(unit, 3, new MergeRule.AllWhoAnnotatedAgree()));
    }

    [Fact]
    public void Two_of_three_for_one_label_passes_a_share_of_point_six_but_not_point_seven_nor_three_votes()
    {
        var unit = Unit(AnaBenCem, S("ana", 10, 14, "claim"), S("ben", 10, 14, "claim"), S("cem", 10, 14, "actor"));

        Assert.Equal("10-14:claim", Describe(AutoMerge.Propose(unit, 3, Vote(2, 0.6))));
        Assert.Empty(AutoMerge.Propose(unit, 3, Vote(2, 0.7)));
        Assert.Empty(AutoMerge.Propose(unit, 3, Vote(3, 0.5)));
    }

    [Fact]
    public void A_share_written_with_rounding_still_accepts_two_of_three()
    {
        var unit = Unit(AnaBenCem, S("ana", 10, 14, "claim"), S("ben", 10, 14, "claim"), S("cem", 10, 14, "actor"));

        Assert.Equal("10-14:claim", Describe(AutoMerge.Propose(unit, 3, Vote(2, 2.0 / 3))));
    }

    [Fact]
    public void The_share_of_a_vote_counts_only_annotators_with_a_span_in_the_unit()
    {
        // Two of three annotators marked the unit and agree: 2/2, not 2/3.
        var unit = Unit(AnaBenCem, S("ana", 3, 9, "claim"), S("ben", 3, 9, "claim"));

        Assert.Equal("3-9:claim", Describe(AutoMerge.Propose(unit, 3, Vote(2, 1))));
    }

    [Fact]
    public void A_one_to_one_tie_between_labels_proposes_nothing()
    {
        var unit = Unit(AnaBen, S("ana", 10, 14, "claim"), S("ben", 10, 14, "actor"));

        Assert.Empty(AutoMerge.Propose(unit, 2, Vote(1, 0.5)));
    }

    [Fact]
    public void Overlapping_candidates_with_different_labels_and_different_votes_are_both_proposed()
    {
        // Only a same-label overlap or an equal-votes overlap drops a candidate; crossing spans are no exception.
        var unit = Unit(AnaBenCem, S("ana", 10, 20, "claim"), S("ben", 10, 20, "claim"), S("cem", 15, 25, "actor"));

        Assert.Equal("10-20:claim 15-25:actor", Describe(AutoMerge.Propose(unit, 3, Vote(1, 0.3))));
        Assert.Equal("10-20:claim", Describe(AutoMerge.Propose(unit, 3, Vote(2, 0.6))));
    }

    [Fact]
    public void Overlapping_candidates_with_different_labels_and_equal_votes_are_a_tie_for_a_curator()
    {
        var unit = Unit(["ana", "ben", "cem", "dan"],
            S("ana", 10, 20, "claim"), S("ben", 10, 20, "claim"), S("cem", 15, 25, "actor"), S("dan", 15, 25, "actor"));

        Assert.Empty(AutoMerge.Propose(unit, 4, Vote(2, 0.5)));
    }

    [Fact]
    public void An_overlapping_candidate_with_the_same_label_and_fewer_votes_is_dropped()
    {
        var unit = Unit(AnaBenCem, S("ana", 10, 20, "claim"), S("ben", 10, 20, "claim"), S("cem", 12, 20, "claim"));

        Assert.Equal("10-20:claim", Describe(AutoMerge.Propose(unit, 3, Vote(1, 0.3))));
    }

    [Fact]
    public void Overlapping_candidates_with_the_same_label_and_equal_votes_are_a_tie_for_the_curator()
    {
        // One annotator says 10-20, the other 10-18: which boundary is right is not for a vote of one each.
        var unit = Unit(AnaBen, S("ana", 10, 20, "claim"), S("ben", 10, 18, "claim"));

        Assert.Equal("", Describe(AutoMerge.Propose(unit, 2, Vote(1, 0.5))));
    }

    [Fact]
    public void A_candidate_dropped_by_a_tie_still_blocks_a_weaker_one_with_its_label()
    {
        // claim 0-20 and actor 0-20 tie on two votes each; actor 5-8 (one vote) may not sneak in under the tie.
        var unit = Unit(["ana", "ben", "cem", "dan", "eve"],
            S("ana", 0, 20, "claim"), S("ben", 0, 20, "claim"), S("cem", 0, 20, "actor"), S("dan", 0, 20, "actor"), S("eve", 5, 8, "actor"));

        Assert.Empty(AutoMerge.Propose(unit, 5, Vote(1, 0.2)));
    }

    [Fact]
    public void Nested_candidates_with_different_labels_and_different_votes_are_all_proposed()
    {
        // Everyone has the claim; two of three the actor inside it.
        var unit = Unit(AnaBenCem,
            S("ana", 0, 30, "claim"), S("ben", 0, 30, "claim"), S("cem", 0, 30, "claim"),
            S("ana", 5, 10, "actor"), S("ben", 5, 10, "actor"));

        Assert.Equal("0-30:claim 5-10:actor", Describe(AutoMerge.Propose(unit, 3, Vote(2, 0.6))));
        Assert.Equal("0-30:claim", Describe(AutoMerge.Propose(unit, 3, new MergeRule.AllAgree())));
    }

    [Fact]
    public void Two_short_spans_inside_a_long_one_with_equal_votes_are_ties_with_it()
    {
        // Two annotators each have all three: the short actors tie with the long claim they overlap.
        var unit = Unit(AnaBen,
            S("ana", 0, 30, "claim"), S("ana", 5, 10, "actor"), S("ana", 15, 20, "actor"),
            S("ben", 0, 30, "claim"), S("ben", 5, 10, "actor"), S("ben", 15, 20, "actor"));

        Assert.Empty(AutoMerge.Propose(unit, 2, new MergeRule.AllAgree()));
    }

    [Fact]
    public void Disjoint_candidates_inside_one_unit_are_proposed_together_in_document_order()
    {
        // A long extra span of one annotator joins two agreed short ones into one unit; the short ones do not overlap.
        var unit = Unit(AnaBenCem,
            S("ana", 15, 20, "actor"), S("ben", 15, 20, "actor"), S("cem", 15, 20, "actor"),
            S("ana", 5, 10, "actor"), S("ben", 5, 10, "actor"), S("cem", 5, 10, "actor"),
            S("cem", 0, 30, "claim"));

        Assert.Equal("5-10:actor 15-20:actor", Describe(AutoMerge.Propose(unit, 3, new MergeRule.AllAgree())));
        Assert.Equal("0-30:claim 5-10:actor 15-20:actor", Describe(AutoMerge.Propose(unit, 3, Vote(1, 0.3))));
    }

    [Fact]
    public void Plan_skips_units_a_curator_decided_and_proposes_the_rest()
    {
        var units = CurationUnits.Build(AnaBen,
        [
            S("ana", 0, 5, "claim"), S("ben", 0, 5, "claim"),
            S("ana", 10, 15, "actor"), S("ben", 10, 15, "actor"),
            S("ana", 20, 25, "claim"), S("ben", 20, 25, "claim"),
        ]);
        (int Start, int End)[] gold = [(11, 13)];

        var plan = AutoMerge.Plan(units, 2, new MergeRule.AllAgree(), u => CurationUnits.IsDecided(u, gold, []));

        Assert.Equal(["0:0-5:claim", "2:20-25:claim"], plan.Select(p => $"{p.Unit.Index}:{p.Span.Start}-{p.Span.End}:{p.Span.Label}"));
        Assert.All(plan, p => Assert.True(p.Unanimous));
    }

    [Fact]
    public void Plan_yields_nothing_for_units_the_rule_leaves_alone_and_marks_proposals_that_not_everyone_voted_for()
    {
        var units = CurationUnits.Build(AnaBenCem,
        [
            S("ana", 0, 5, "claim"), S("ben", 0, 5, "claim"),
            S("ana", 10, 15, "actor"),
            S("ana", 20, 25, "claim"), S("ben", 20, 25, "claim"), S("cem", 20, 25, "claim"),
        ]);

        var plan = AutoMerge.Plan(units, 3, Vote(2, 0.6), _ => false);

        Assert.Equal(["0:0-5:claim:False", "2:20-25:claim:True"], plan.Select(p => $"{p.Unit.Index}:{p.Span.Start}-{p.Span.End}:{p.Span.Label}:{p.Unanimous}"));
    }

    [Fact]
    public void Plan_over_no_units_is_empty()
    {
        Assert.Empty(AutoMerge.Plan([], 2, new MergeRule.AllAgree(), _ => false));
    }

    [Theory]
    [InlineData("all-agree", "all annotators agree")]
    [InlineData("all-who-annotated", "all who annotated agree")]
    [InlineData("vote:2:0.67", "at least 2 annotators and 67% of the votes")]
    [InlineData("vote:1:0.5", "at least 1 annotator and 50% of the votes")]
    [InlineData("vote:3:1", "at least 3 annotators and 100% of the votes")]
    public void A_rule_name_parses_back_to_the_same_rule_with_its_description(string name, string description)
    {
        var (rule, error) = MergeRule.Parse(name);

        Assert.Null(error);
        Assert.NotNull(rule);
        Assert.Equal(name, rule.Name);
        Assert.Equal(description, rule.Describe());
        Assert.Equal(rule, MergeRule.Parse(rule.Name).Rule);
    }

    [Fact]
    public void Rules_name_themselves()
    {
        Assert.Equal("all-agree", new MergeRule.AllAgree().Name);
        Assert.Equal("all-who-annotated", new MergeRule.AllWhoAnnotatedAgree().Name);
        Assert.Equal("vote:2:0.67", new MergeRule.Vote(2, 0.67).Name);
        Assert.Equal(new MergeRule.Vote(2, 0.67), MergeRule.Parse(" vote:2:0.67 ").Rule);
    }

    [Fact]
    public void A_vote_name_is_written_in_the_invariant_culture()
    {
        var before = System.Globalization.CultureInfo.CurrentCulture;
        try
        {
            System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
            Assert.Equal("vote:2:0.67", new MergeRule.Vote(2, 0.67).Name);
            Assert.Equal("at least 2 annotators and 66.5% of the votes", new MergeRule.Vote(2, 0.665).Describe());
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = before;
        }
    }

    [Theory]
    [InlineData("vote:0:0.5", "The minimum number of votes must be at least 1; got 0.")]
    [InlineData("vote:2:1.5", "The minimum share of votes must be greater than 0 and at most 1; got 1.5.")]
    [InlineData("vote:2:0", "The minimum share of votes must be greater than 0 and at most 1; got 0.")]
    [InlineData("vote:two:0.5", "The minimum number of votes must be a whole number; got 'two'.")]
    [InlineData("vote:2:much", "The minimum share of votes must be a number such as 0.67; got 'much'.")]
    [InlineData("vote:2", "A vote rule reads vote:<min votes>:<min share>, e.g. vote:2:0.67; got 'vote:2'.")]
    [InlineData("nonsense", "Unknown merge rule 'nonsense'; expected all-agree, all-who-annotated or vote:<min votes>:<min share>.")]
    [InlineData("", "No merge rule given; expected all-agree, all-who-annotated or vote:<min votes>:<min share>.")]
    [InlineData(null, "No merge rule given; expected all-agree, all-who-annotated or vote:<min votes>:<min share>.")]
    public void A_bad_rule_name_gives_a_clear_error_and_no_rule(string? text, string error)
    {
        var parsed = MergeRule.Parse(text);

        Assert.Null(parsed.Rule);
        Assert.Equal(error, parsed.Error);
    }
}
