using System.Text.Json;
using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>The report as a whole: the tokenization rule, who counts for a document, nulls, and the JSON shape.</summary>
public sealed class AgreementCalculatorTests
{
    private static AgreementSpan S(string who, int start, int end, string label) => new(who, start, end, label);

    private static AgreementOptions NoGamma => new() { Gamma = false };

    [Fact]
    public void A_tokens_category_is_the_label_of_the_span_covering_its_first_character()
    {
        // Tokens: Rockets(0) struck(8) the(15) base(19) .(23)
        const string text = "Rockets struck the base.";
        // ben's span starts inside "Rockets" and ends inside "base": it covers the first character of struck, the and
        // base (19 is in 3..21), not of Rockets (0).
        var doc = AgreementDocument.FromText("1", text, ["ana", "ben"],
            [S("ana", 8, 18, "claim"), S("ben", 3, 21, "claim")]);

        var report = AgreementCalculator.Compute([doc], NoGamma);

        // ana: O claim claim O O ; ben: O claim claim claim O
        var pair = Assert.Single(report.Pairs);
        Assert.Equal(5, pair.Tokens);
        Assert.Equal(0.8, pair.ObservedAgreement!.Value, 12);
        // Ordered annotator pairs per token: O/O on two tokens (4), claim/claim on two (4), O/claim on base (1 each way).
        Assert.Equal(["O", "claim"], report.Confusion.Categories);
        Assert.Equal(new long[] { 4, 1 }, report.Confusion.Counts[0]);
        Assert.Equal(new long[] { 1, 4 }, report.Confusion.Counts[1]);
    }

    [Fact]
    public void Where_an_annotators_spans_overlap_the_one_starting_first_decides_the_token()
    {
        var doc = AgreementDocument.FromText("1", "one two three", ["ana", "ben"],
            [S("ana", 0, 13, "claim"), S("ana", 4, 7, "actor"), S("ben", 0, 13, "claim")]);

        var report = AgreementCalculator.Compute([doc], NoGamma);

        Assert.Equal(1.0, report.Pairs[0].ObservedAgreement!.Value, 12);
    }

    [Fact]
    public void Two_spans_with_the_same_offsets_give_the_token_the_label_first_in_ordinal_order_whatever_the_input_order()
    {
        // Found by the swap property: the tie once went to the label seen first in the input.
        var one = AgreementDocument.FromText("1", "one two", ["ana", "ben"], [S("ben", 0, 3, "claim"), S("ana", 0, 3, "claim"), S("ana", 0, 3, "actor")]);
        var other = AgreementDocument.FromText("1", "one two", ["ana", "ben"], [S("ana", 0, 3, "actor"), S("ana", 0, 3, "claim"), S("ben", 0, 3, "claim")]);

        var first = AgreementCalculator.Compute([one], NoGamma);
        var second = AgreementCalculator.Compute([other], NoGamma);

        // ana's "one" is actor (before claim), ben's claim: they disagree on it either way.
        Assert.Equal(0.5, first.Pairs[0].ObservedAgreement!.Value, 12);
        Assert.Equal(0.5, second.Pairs[0].ObservedAgreement!.Value, 12);
    }

    [Fact]
    public void Only_annotators_who_count_for_a_document_count_and_their_other_spans_are_ignored()
    {
        const string text = "Rockets struck the base on Monday.";
        var done = AgreementDocument.FromText("1", text, ["ana", "ben"], [S("ana", 0, 7, "actor"), S("ben", 0, 7, "actor"), S("cy", 8, 14, "claim")]);

        var report = AgreementCalculator.Compute([done], NoGamma);

        Assert.Equal(["ana", "ben"], report.Annotators.Select(a => a.Name));
        Assert.Equal(2, report.Labels["actor"].Spans);
        Assert.False(report.Labels.ContainsKey("claim"));
        Assert.Equal(1.0, report.Pairs[0].SpanF1Exact!.Value, 12);
    }

    [Fact]
    public void Fleiss_kappa_is_null_when_documents_have_different_numbers_of_annotators_and_alpha_still_counts()
    {
        const string text = "Rockets struck the base on Monday. Officials said ten soldiers were injured.";
        var two = AgreementDocument.FromText("1", text, ["ana", "ben"], [S("ana", 0, 7, "actor"), S("ben", 0, 7, "actor")]);
        var three = AgreementDocument.FromText("2", text, ["ana", "ben", "cy"], [S("ana", 35, 44, "actor"), S("ben", 35, 44, "actor"), S("cy", 8, 14, "claim")]);

        var both = AgreementCalculator.Compute([two, three], NoGamma);
        var onlyTwo = AgreementCalculator.Compute([two], NoGamma);

        Assert.Null(both.FleissKappa);
        Assert.NotNull(onlyTwo.FleissKappa);
        Assert.NotNull(both.KrippendorffAlpha.NominalTokens);
        Assert.Equal(3, both.Pairs.Count);
        Assert.Equal(2, both.Annotators.Single(a => a.Name == "ana").DocumentsDone);
    }

    [Fact]
    public void With_a_single_annotator_every_measure_is_null_not_NaN()
    {
        var doc = AgreementDocument.FromText("1", "Rockets struck the base.", ["ana"], [S("ana", 0, 7, "actor")]);

        var report = AgreementCalculator.Compute([doc]);
        var json = AgreementJson.Serialize(report);

        Assert.Null(report.KrippendorffAlpha.NominalTokens);
        Assert.Null(report.KrippendorffAlpha.Unitizing);
        Assert.Null(report.FleissKappa);
        Assert.Null(report.CohenKappaMean);
        Assert.Null(report.Gamma.Value);
        Assert.Empty(report.Pairs);
        Assert.DoesNotContain("NaN", json, StringComparison.Ordinal);
    }

    [Fact]
    public void The_json_has_the_issues_keys_in_snake_case()
    {
        const string text = "Rockets struck the base on Monday. Officials said ten soldiers were injured.";
        var doc = AgreementDocument.FromText("1", text, ["ana", "ben"],
            [S("ana", 0, 7, "actor"), S("ben", 0, 7, "actor"), S("ana", 35, 44, "actor"), S("ben", 35, 49, "actor"), S("ben", 8, 14, "claim")]);

        using var json = JsonDocument.Parse(AgreementJson.Serialize(AgreementCalculator.Compute([doc])));
        var root = json.RootElement;

        Assert.Equal(JsonValueKind.Number, root.GetProperty("krippendorff_alpha").GetProperty("nominal_tokens").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("krippendorff_alpha").GetProperty("unitizing").ValueKind);
        Assert.Equal(JsonValueKind.Number, root.GetProperty("fleiss_kappa").ValueKind);
        var pair = root.GetProperty("pairs")[0];
        Assert.Equal("ana", pair.GetProperty("a").GetString());
        Assert.Equal("ben", pair.GetProperty("b").GetString());
        Assert.Equal(14, pair.GetProperty("tokens").GetInt32());
        foreach (var key in new[] { "cohen_kappa", "span_f1_exact", "span_f1_overlap" }) Assert.Equal(JsonValueKind.Number, pair.GetProperty(key).ValueKind);
        Assert.Equal(0.4, pair.GetProperty("span_f1_exact").GetDouble(), 12); // one exact match: 2 * 1 / (2 + 3)
        Assert.True(root.GetProperty("labels").TryGetProperty("actor", out _));
        Assert.Equal(JsonValueKind.Number, root.GetProperty("gamma").GetProperty("value").ValueKind);
    }

    [Fact]
    public void The_report_is_the_same_for_the_same_input()
    {
        var docs = Enumerable.Range(0, 30).Select(i => AgreementDocument.FromText(i.ToString(), "Rockets struck the base on Monday night.", ["ana", "ben", "cy"],
            [S("ana", 0, 7, "actor"), S("ben", i % 3, 7, "actor"), S("cy", 8, 14 + i % 5, "claim")])).ToList();
        var options = new AgreementOptions { GammaMaxDocuments = 10 };

        Assert.Equal(AgreementJson.Serialize(AgreementCalculator.Compute(docs, options)), AgreementJson.Serialize(AgreementCalculator.Compute(docs, options)));
        Assert.Equal(10, AgreementCalculator.Compute(docs, options).Gamma.Documents);
    }
}
