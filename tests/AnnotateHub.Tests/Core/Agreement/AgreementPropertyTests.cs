using AnnotateHub.Core.Agreement;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>Properties every agreement report must have, on random documents and spans (FsCheck).</summary>
public sealed class AgreementPropertyTests
{
    private const string Text = "Rockets struck the base on Monday. Officials said ten soldiers were injured, and Iran claimed the strike.";
    private static readonly string[] Labels = ["actor", "claim", "casualty"];
    private static readonly AgreementOptions Options = new() { GammaSamples = 5 };

    /// <summary>Random spans inside <see cref="Text"/>: (start, length, label index).</summary>
    public static Arbitrary<(int Start, int Length, int Label)[]> SpanSets() =>
        Gen.Choose(0, Text.Length - 2).SelectMany(start => Gen.Choose(1, Math.Min(20, Text.Length - start)).SelectMany(length =>
                Gen.Choose(0, Labels.Length - 1).Select(label => (start, length, label))))
            .ArrayOf().Select(a => a.Take(8).ToArray()).ToArbitrary();

    private static IEnumerable<AgreementSpan> Spans(string who, (int Start, int Length, int Label)[] spans) =>
        spans.Select(s => new AgreementSpan(who, s.Start, s.Start + s.Length, Labels[s.Label]));

    private static AgreementReport Report(params (string Who, (int, int, int)[] Spans)[] annotators) =>
        AgreementCalculator.Compute([AgreementDocument.FromText("1", Text, annotators.Select(a => a.Who), annotators.SelectMany(a => Spans(a.Who, a.Spans)))], Options);

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 60)]
    public bool Perfect_agreement_gives_one_wherever_the_measure_is_defined((int, int, int)[] spans)
    {
        var r = Report(("ana", spans), ("ben", spans), ("cy", spans));
        double?[] values = [r.KrippendorffAlpha.NominalTokens, r.KrippendorffAlpha.Unitizing, r.FleissKappa, r.CohenKappaMean, r.GwetAc1, r.Gamma.Value];
        var f1 = r.Pairs.Select(p => p.SpanF1Exact).Concat(r.Pairs.Select(p => p.SpanF1Overlap));
        return values.All(v => v is null || Math.Abs(v.Value - 1) < 1e-9) && f1.All(v => v is null || Math.Abs(v.Value - 1) < 1e-9)
            && (spans.Length == 0 || r.KrippendorffAlpha.Unitizing is not null);
    }

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 300)]
    public bool Swapping_annotators_changes_nothing((int, int, int)[] first, (int, int, int)[] second)
    {
        var ab = Report(("ana", first), ("ben", second));
        var ba = Report(("ana", second), ("ben", first));
        static bool Same(double? x, double? y) => x is null ? y is null : y is not null && Math.Abs(x.Value - y.Value) < 1e-9;
        return Same(ab.KrippendorffAlpha.NominalTokens, ba.KrippendorffAlpha.NominalTokens)
            && Same(ab.KrippendorffAlpha.Unitizing, ba.KrippendorffAlpha.Unitizing)
            && Same(ab.FleissKappa, ba.FleissKappa) && Same(ab.CohenKappaMean, ba.CohenKappaMean) && Same(ab.GwetAc1, ba.GwetAc1)
            && ab.Pairs.Zip(ba.Pairs).All(p => Same(p.First.SpanF1Exact, p.Second.SpanF1Exact) && Same(p.First.SpanF1Overlap, p.Second.SpanF1Overlap)
                && Same(p.First.ObservedAgreement, p.Second.ObservedAgreement));
    }

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 60)]
    public bool Kappas_and_alphas_are_at_most_one((int, int, int)[] first, (int, int, int)[] second, (int, int, int)[] third)
    {
        var r = Report(("ana", first), ("ben", second), ("cy", third));
        double?[] values = [r.KrippendorffAlpha.NominalTokens, r.KrippendorffAlpha.Unitizing, r.FleissKappa, r.CohenKappaMean, r.GwetAc1,
            .. r.Pairs.Select(p => p.CohenKappa), .. r.Labels.Values.Select(l => l.NominalTokensAlpha), .. r.Labels.Values.Select(l => l.UnitizingAlpha)];
        return values.All(v => v is null || (v.Value <= 1 + 1e-9 && double.IsFinite(v.Value)));
    }

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 60)]
    public bool Exact_span_F1_is_at_most_overlap_span_F1((int, int, int)[] first, (int, int, int)[] second)
    {
        var pair = Report(("ana", first), ("ben", second)).Pairs.Single();
        return pair.SpanF1Exact is null ? pair.SpanF1Overlap is null : pair.SpanF1Exact <= pair.SpanF1Overlap + 1e-12;
    }

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 40)]
    public bool An_annotator_who_did_not_annotate_the_document_changes_no_pair((int, int, int)[] first, (int, int, int)[] second, (int, int, int)[] third)
    {
        const string other = "Another document, which only cy finished.";
        var docs = new List<AgreementDocument>
        {
            AgreementDocument.FromText("1", Text, ["ana", "ben"], Spans("ana", first).Concat(Spans("ben", second)).Concat(Spans("cy", third))),
        };
        var without = AgreementCalculator.Compute(docs, Options);
        docs.Add(AgreementDocument.FromText("2", other, ["cy"], [new AgreementSpan("cy", 0, 7, "actor")]));
        var with = AgreementCalculator.Compute(docs, Options);
        var pair = with.Pairs.Single();
        return pair.CohenKappa == without.Pairs.Single().CohenKappa && pair.SpanF1Exact == without.Pairs.Single().SpanF1Exact
            && with.KrippendorffAlpha.NominalTokens == without.KrippendorffAlpha.NominalTokens;
    }

    [Property(Arbitrary = [typeof(AgreementPropertyTests)], MaxTest = 60)]
    public bool Gamma_observed_disorder_is_zero_for_identical_annotators_and_never_negative((int, int, int)[] first, (int, int, int)[] second)
    {
        var units = first.Select(s => new GammaUnit(0, s.Item1, s.Item1 + s.Item2, s.Item3))
            .Concat(second.Select(s => new GammaUnit(1, s.Item1, s.Item1 + s.Item2, s.Item3))).ToList();
        var twins = first.SelectMany(s => new[] { new GammaUnit(0, s.Item1, s.Item1 + s.Item2, s.Item3), new GammaUnit(1, s.Item1, s.Item1 + s.Item2, s.Item3) }).ToList();
        var d = new GammaDissimilarity();
        return (Gamma.ObservedDisorder(units, 2, d) ?? 0) >= 0 && (Gamma.ObservedDisorder(twins, 2, d) ?? 0) < 1e-12;
    }
}
