using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class LayerSelectorTests
{
    private static readonly InterchangeDocument D1 = ExportCorpus.ById("d1");

    private static string TextOf(ExportSpan s) => AnnotateHub.Tests.Support.PythonText.Slice(ExportCorpus.Text1, s.Start, s.End);

    [Fact]
    public void Majority_keeps_spans_more_than_half_of_the_annotators_gave_with_the_same_offsets_and_label()
    {
        var majority = LayerSelector.Select(D1, SpanLayer.Majority);

        // Erbil: 3 of 3. The family: 2 of 3. Café Noir: actor 1, place 1. The thumbs-up and the claim: 1 of 3.
        Assert.Equal([("Erbil", "place"), ($"{ExportCorpus.Family} family", "actor")], majority.Select(s => (TextOf(s), s.Label)));
        Assert.All(majority, s => Assert.Null(s.Annotator));
    }

    [Fact]
    public void A_tie_is_not_a_majority()
    {
        var tie = ExportCorpus.Doc("t", "one two", null, null, ["a", "b"],
            [new InterchangeSpan("a", 0, 3, "X"), new InterchangeSpan("b", 0, 3, "Y"), new InterchangeSpan("a", 4, 7, "X")], []);

        Assert.Empty(LayerSelector.Select(tie, SpanLayer.Majority));
    }

    [Fact]
    public void Only_the_documents_annotators_vote_and_others_spans_do_not_count()
    {
        // dave has not finished the document, so his spans neither vote nor count in the denominator.
        var document = ExportCorpus.Doc("t", "one two", null, null, ["a", "b"],
            [new InterchangeSpan("a", 0, 3, "X"), new InterchangeSpan("b", 0, 3, "X"), new InterchangeSpan("dave", 4, 7, "X"), new InterchangeSpan("dave", 0, 3, "Y")], []);

        var majority = LayerSelector.Select(document, SpanLayer.Majority, softLabels: true);

        var span = Assert.Single(majority);
        Assert.Equal(new LabelVotes([new LabelCount("X", 2)], 2).ToCompactString(), span.Votes!.ToCompactString());
        Assert.Equal(2, span.Votes.Voters);
    }

    [Fact]
    public void Without_an_annotator_list_everyone_with_a_span_votes()
    {
        var document = ExportCorpus.Doc("t", "one two", null, null, [],
            [new InterchangeSpan("a", 0, 3, "X"), new InterchangeSpan("b", 0, 3, "X"), new InterchangeSpan("c", 4, 7, "X")], []);

        Assert.Equal(["a", "b", "c"], LayerSelector.Voters(document));
        Assert.Equal([(0, 3)], LayerSelector.Select(document, SpanLayer.Majority).Select(s => (s.Start, s.End)));
    }

    [Fact]
    public void Soft_labels_count_each_label_among_annotators_for_the_exact_offsets()
    {
        var bobs = LayerSelector.Select(D1, SpanLayer.OfAnnotator("BOB"), softLabels: true);

        Assert.Equal(3, bobs.Count);
        Assert.All(bobs, s => Assert.Equal("bob", s.Annotator));
        Assert.Equal("place=3", bobs.Single(s => TextOf(s) == "Erbil").Votes!.ToCompactString());
        Assert.Equal("actor=2", bobs.Single(s => TextOf(s) == $"{ExportCorpus.Family} family").Votes!.ToCompactString());
        Assert.Equal("actor=1;place=1", bobs.Single(s => TextOf(s) == "Cafe\u0301 Noir").Votes!.ToCompactString());
        Assert.All(bobs, s => Assert.Equal(3, s.Votes!.Voters));
    }

    [Fact]
    public void The_all_layer_keeps_every_annotators_spans_and_gold_keeps_the_gold()
    {
        Assert.Equal(9, LayerSelector.Select(D1, SpanLayer.All).Count);
        Assert.Empty(LayerSelector.Select(D1, SpanLayer.Gold));
        Assert.Equal(["place", "casualty figure"], LayerSelector.Select(ExportCorpus.ById("d2"), SpanLayer.Gold).Select(s => s.Label));
    }

    [Fact]
    public void Token_votes_take_each_annotators_earliest_covering_span_or_O()
    {
        var tokens = AnnotateHub.Core.Text.Tokenizer.Tokenize(ExportCorpus.Text1);
        var votes = LayerSelector.TokenVotes(D1, tokens);
        var at = tokens.FindIndex(t => AnnotateHub.Tests.Support.PythonText.Slice(ExportCorpus.Text1, t.Start, t.End) == "staff");
        var base_ = 0;

        Assert.Equal("O=3", votes[at].ToCompactString());
        Assert.Equal("O=3", votes[base_].ToCompactString());
        Assert.Equal("O=2;claim=1", votes[2].ToCompactString()); // 🏽 is its own token; carol's 👍🏽 starts on token 1
        Assert.Equal("O=2;claim=1", votes[1].ToCompactString());
    }
}
