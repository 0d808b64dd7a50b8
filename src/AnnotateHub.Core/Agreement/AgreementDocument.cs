using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Agreement;

/// <summary>
/// One annotator's span as agreement sees it: code-point offsets, end exclusive, a label name and, optionally, what the
/// span says: its attribute values by name, canonical strings as <see cref="AttributeJson.ParseValues"/> gives them
/// (null or empty when it says nothing; the agreement on values then costs nothing).
/// </summary>
public readonly record struct AgreementSpan(string Annotator, int Start, int End, string Label, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>
/// One document as the agreement metrics read it: its length in code points, its tokens (<see cref="Tokenizer"/>), the
/// annotators who count for it (they marked it done) and their spans. Spans of anyone not in <see cref="Annotators"/>
/// are ignored: an annotator who has not finished a document neither agrees nor disagrees on it.
/// </summary>
public sealed record AgreementDocument(
    string Id,
    int Length,
    IReadOnlyList<Token> Tokens,
    IReadOnlyList<string> Annotators,
    IReadOnlyList<AgreementSpan> Spans)
{
    /// <summary>Tokenizes <paramref name="text"/> and measures it in code points.</summary>
    public static AgreementDocument FromText(string id, string text, IEnumerable<string> annotators, IEnumerable<AgreementSpan> spans) =>
        new(id, new CodePointIndex(text).Length, Tokenizer.Tokenize(text), annotators.Distinct(StringComparer.Ordinal).ToList(), spans.ToList());

    /// <summary>A document of the JSONL interchange format: <c>annotators</c> lists who counts, <c>annotations</c> their spans.</summary>
    public static AgreementDocument FromInterchange(InterchangeDocument document) =>
        FromText(document.Id, document.Text, document.Annotators, document.Annotations.Select(a =>
            new AgreementSpan(a.Annotator, a.Start, a.End, a.Label, a.Attributes is { Count: > 0 } values ? values : null)));
}

/// <summary>Settings of the agreement report; the defaults make every report reproducible.</summary>
public sealed record AgreementOptions
{
    /// <summary>Whether to compute Mathet's gamma at all (it is the only metric whose cost is not linear in spans).</summary>
    public bool Gamma { get; init; } = true;

    /// <summary>Number of shuffled continua that estimate gamma's chance disorder.</summary>
    public int GammaSamples { get; init; } = 30;

    /// <summary>Seed of every random choice gamma makes (which documents, which shuffles): same input, same report.</summary>
    public int GammaSeed { get; init; } = 2015;

    /// <summary>Gamma is computed on at most this many documents, chosen by seeded reservoir sampling in input order.</summary>
    public int GammaMaxDocuments { get; init; } = 100;

    /// <summary>Gamma's dissimilarity: weights of the positional and categorical parts and the cost of an unaligned unit.</summary>
    public GammaDissimilarity GammaDissimilarity { get; init; } = new();

    /// <summary>Whether the report lists every document (the REST answer for a large project may not want to).</summary>
    public bool PerDocument { get; init; } = true;

    /// <summary>
    /// The attributes of each label, by label name, for the agreement on what spans say (<see cref="AttributeAgreement"/>):
    /// a label listed here is measured on exactly these attributes, with the metric of their kind; the values of a label
    /// not listed (or of every label when this is null, as for a file) are measured on every name they use but
    /// <see cref="AttributeRules.ReservedName"/>, interval when every value of the attribute is a number, else nominal.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>? LabelAttributes { get; init; }

    /// <summary>The default settings (gamma on, 30 samples, seed 2015, at most 100 documents, per-document list on).</summary>
    public static AgreementOptions Default { get; } = new();
}
