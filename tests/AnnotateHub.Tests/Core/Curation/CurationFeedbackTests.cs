using AnnotateHub.Core.Curation;

namespace AnnotateHub.Tests.Core.Curation;

/// <summary>Feedback to annotators: each of their spans accepted, corrected (to which gold span) or rejected (with which note).</summary>
public sealed class CurationFeedbackTests
{
    private static CurationSpan Ana(int start, int end, string label) => new("ana", start, end, label);

    private static string Describe(SpanFeedback f) =>
        $"{f.Span.Start}-{f.Span.End}:{f.Span.Label} {f.Kind} {(f.Gold is { } g ? $"#{g.Id}" : "-")} {f.Note ?? "-"}";

    [Fact]
    public void A_span_with_an_identical_gold_span_is_accepted_with_its_note()
    {
        var feedback = CurationFeedback.For([Ana(0, 7, "claim")], [new GoldSpanRef(1, 0, 7, "claim", "clear claim")], []);

        Assert.Equal("0-7:claim Accepted #1 clear claim", Describe(feedback.Single()));
    }

    [Fact]
    public void Same_offsets_with_another_gold_label_is_corrected_to_it()
    {
        var feedback = CurationFeedback.For([Ana(10, 14, "actor")], [new GoldSpanRef(2, 10, 14, "claim", "a claim, not an actor")], []);

        Assert.Equal("10-14:actor Corrected #2 a claim, not an actor", Describe(feedback.Single()));
    }

    [Fact]
    public void Other_gold_boundaries_with_the_same_label_is_corrected()
    {
        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], [new GoldSpanRef(3, 12, 20, "claim", null)], []);

        Assert.Equal("10-20:claim Corrected #3 -", Describe(feedback.Single()));
    }

    [Fact]
    public void A_corrected_span_points_at_the_gold_span_sharing_the_most_code_points()
    {
        GoldSpanRef[] gold = [new(1, 0, 12, "claim", "left"), new(2, 12, 30, "claim", "right"), new(3, 40, 50, "claim", null)];

        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], gold, []);

        Assert.Equal("10-20:claim Corrected #2 right", Describe(feedback.Single()));
    }

    [Fact]
    public void Equal_overlaps_go_to_the_earliest_gold_span()
    {
        GoldSpanRef[] gold = [new(7, 15, 25, "claim", "later"), new(8, 5, 15, "claim", "earlier")];

        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], gold, []);

        Assert.Equal("10-20:claim Corrected #8 earlier", Describe(feedback.Single()));
    }

    [Fact]
    public void An_identical_gold_span_wins_over_a_larger_overlap()
    {
        GoldSpanRef[] gold = [new(1, 0, 30, "claim", null), new(2, 5, 10, "actor", "kept")];

        var feedback = CurationFeedback.For([Ana(5, 10, "actor")], gold, []);

        Assert.Equal("5-10:actor Accepted #2 kept", Describe(feedback.Single()));
    }

    [Fact]
    public void A_span_no_gold_overlaps_is_rejected_with_the_note_of_the_rejection_covering_it()
    {
        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], [new GoldSpanRef(1, 20, 30, "claim", null)], [new RejectionRef(5, 25, "opinion, not a claim")]);

        Assert.Equal("10-20:claim Rejected - opinion, not a claim", Describe(feedback.Single()));
    }

    [Fact]
    public void A_rejected_span_takes_the_note_of_the_narrowest_covering_rejection_with_a_note()
    {
        RejectionRef[] rejections = [new(0, 100, "whole paragraph"), new(8, 22, "this sentence"), new(10, 20, null), new(12, 20, "too short to cover")];

        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], [], rejections);

        Assert.Equal("10-20:claim Rejected - this sentence", Describe(feedback.Single()));
    }

    [Fact]
    public void A_span_rejected_without_a_covering_rejection_has_no_note()
    {
        var feedback = CurationFeedback.For([Ana(10, 20, "claim")], [], [new RejectionRef(12, 30, "does not cover 10-12")]);

        Assert.Equal("10-20:claim Rejected - -", Describe(feedback.Single()));
    }

    [Fact]
    public void Feedback_comes_in_document_order_and_skips_empty_spans()
    {
        CurationSpan[] spans = [Ana(40, 50, "claim"), Ana(3, 3, "claim"), Ana(0, 7, "claim")];
        GoldSpanRef[] gold = [new(1, 0, 7, "claim", null)];

        var feedback = CurationFeedback.For(spans, gold, []);

        Assert.Equal(["0-7:claim Accepted #1 -", "40-50:claim Rejected - -"], feedback.Select(Describe));
    }
}
