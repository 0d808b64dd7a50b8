namespace AnnotateHub.Core.Agreement;

/// <summary>
/// Inter-annotator agreement of a project (docs/agreement.md has every formula). A null value means the measure is
/// undefined for the data (fewer than two annotators, a single category everywhere...), never NaN.
/// <see cref="Attributes"/> is the agreement on what the spans say, one entry per (label, attribute), empty when no span
/// carries a value and no label defines an attribute.
/// </summary>
public sealed record AgreementReport(
    int Documents,
    int DocumentsWithTwoAnnotators,
    long Tokens,
    KrippendorffAlphaValues KrippendorffAlpha,
    double? FleissKappa,
    double? CohenKappaMean,
    double? GwetAc1,
    GammaReport Gamma,
    IReadOnlyList<PairAgreement> Pairs,
    IReadOnlyDictionary<string, LabelAgreement> Labels,
    ConfusionMatrix Confusion,
    IReadOnlyList<AnnotatorAgreement> Annotators,
    IReadOnlyList<DocumentAgreement>? PerDocument,
    IReadOnlyList<AttributeAgreement> Attributes);

/// <summary>Krippendorff's alpha over tokens (nominal) and over the character continuum (unitizing, alpha-u).</summary>
public sealed record KrippendorffAlphaValues(double? NominalTokens, double? Unitizing);

/// <summary>Mathet's gamma with what it was computed on: documents (a seeded sample when there are more), samples and seed.</summary>
public sealed record GammaReport(double? Value, double? ObservedDisorder, double? ExpectedDisorder, int Documents, int Samples, int Seed);

/// <summary>Agreement of two annotators over the documents both count for; span precision takes <see cref="A"/> as reference.</summary>
public sealed record PairAgreement(
    string A,
    string B,
    int Documents,
    long Tokens,
    double? ObservedAgreement,
    double? CohenKappa,
    double? GwetAc1,
    double? SpanPrecisionExact,
    double? SpanRecallExact,
    double? SpanF1Exact,
    double? SpanPrecisionOverlap,
    double? SpanRecallOverlap,
    double? SpanF1Overlap);

/// <summary>Agreement on one label: token alpha of this label against everything else, its alpha-u, span F1 pooled over all pairs.</summary>
public sealed record LabelAgreement(long Spans, double? NominalTokensAlpha, double? UnitizingAlpha, double? SpanF1Exact, double? SpanF1Overlap);

/// <summary>
/// Token categories of annotator pairs: <c>Counts[i][j]</c> counts (token, ordered pair of different annotators) where the
/// first said <c>Categories[i]</c> and the second <c>Categories[j]</c>; so the matrix is symmetric.
/// </summary>
public sealed record ConfusionMatrix(IReadOnlyList<string> Categories, long[][] Counts);

/// <summary>One annotator: spans and documents that count, and their mean Cohen's kappa with the others.</summary>
public sealed record AnnotatorAgreement(string Name, long Spans, int DocumentsDone, double? MeanCohenKappa);

/// <summary>Agreement within one document (gamma only when the document is in gamma's sample).</summary>
public sealed record DocumentAgreement(
    string Id,
    long Tokens,
    IReadOnlyList<string> Annotators,
    long Spans,
    double? KrippendorffAlphaNominal,
    double? UnitizingAlpha,
    double? FleissKappa,
    double? CohenKappaMean,
    double? Gamma);
