namespace AnnotateHub.Core.Formats;

/// <summary>How many of a document's annotators gave one label.</summary>
public readonly record struct LabelCount(string Label, int Count);

/// <summary>Soft labels: how many annotators gave each label (most votes first), out of <see cref="Voters"/> annotators.</summary>
public sealed record LabelVotes(IReadOnlyList<LabelCount> Counts, int Voters)
{
    /// <summary>"PER=2;ORG=1": the compact form CSV and brat notes use.</summary>
    public string ToCompactString() => string.Join(";", Counts.Select(c => $"{c.Label}={c.Count}"));
}

/// <summary>
/// A span of the chosen layer: code points, end exclusive; the annotator is null for gold and majority spans, the
/// provenance set only for gold spans whose provenance is known. <see cref="Attributes"/> are an annotator's span's values
/// by attribute name with its note under "note" (<see cref="Labels.AttributeRules.ReservedName"/>); null for gold and
/// majority spans, which have no values.
/// </summary>
public sealed record ExportSpan(int Start, int End, string Label, string? Annotator = null, LabelVotes? Votes = null, GoldProvenance? Provenance = null,
    IReadOnlyDictionary<string, string>? Attributes = null)
{
    /// <summary>The attribute values without the note, in ordinal name order; empty when there are none.</summary>
    public IEnumerable<KeyValuePair<string, string>> Values =>
        (Attributes ?? new Dictionary<string, string>()).Where(a => a.Key != Labels.AttributeRules.ReservedName).OrderBy(a => a.Key, StringComparer.Ordinal);

    /// <summary>The span's note, or null.</summary>
    public string? Note => Attributes?.GetValueOrDefault(Labels.AttributeRules.ReservedName);
}

/// <summary>
/// Turns a document into the spans of one layer, and counts annotators' labels for soft labels. The rules (who
/// counts, majority, ties, overlaps) are written out in docs/formats.md under "Layers".
/// </summary>
public static class LayerSelector
{
    /// <summary>Annotator names compare like user names do: case-insensitively.</summary>
    public static readonly StringComparer Names = StringComparer.OrdinalIgnoreCase;

    /// <summary>
    /// The annotators who count for majority votes and soft labels: the document's <c>annotators</c> (those who
    /// finished it), or when that list is empty everyone who has a span in it. Sorted, so output is deterministic.
    /// </summary>
    public static IReadOnlyList<string> Voters(InterchangeDocument document)
    {
        var names = document.Annotators.Count > 0 ? document.Annotators : document.Annotations.Select(a => a.Annotator);
        return names.Distinct(Names).Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The spans of <paramref name="layer"/> sorted by start, end, label, annotator; with votes when <paramref name="softLabels"/>.
    /// The layer auto is the document's own (<see cref="SpanLayer.For"/>): gold when it is curated, else all.
    /// </summary>
    public static IReadOnlyList<ExportSpan> Select(InterchangeDocument document, SpanLayer layer, bool softLabels = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(layer);
        layer = layer.For(document);
        var voters = Voters(document);
        var ballots = softLabels || layer.Kind == SpanLayerKind.Majority ? Ballots(document, voters) : null;
        IEnumerable<ExportSpan> spans = layer.Kind switch
        {
            SpanLayerKind.All or SpanLayerKind.Suggestions => document.Annotations.Select(a => new ExportSpan(a.Start, a.End, a.Label, a.Annotator, Attributes: NullIfEmpty(a.Attributes))),
            SpanLayerKind.Annotator => document.Annotations.Where(a => Names.Equals(a.Annotator, layer.AnnotatorName))
                .Select(a => new ExportSpan(a.Start, a.End, a.Label, a.Annotator, Attributes: NullIfEmpty(a.Attributes))),
            SpanLayerKind.Gold => document.Gold.Select(g => new ExportSpan(g.Start, g.End, g.Label, Provenance: g.Provenance, Attributes: NullIfEmpty(g.Attributes))),
            SpanLayerKind.Majority => ballots!
                .SelectMany(b => b.Value.Where(l => l.Value.Count * 2 > voters.Count).Select(l => new ExportSpan(b.Key.Start, b.Key.End, l.Key))),
            _ => throw new ArgumentOutOfRangeException(nameof(layer), layer.Kind, "Unknown layer."),
        };
        // An annotator who made the same span twice (with the same values) made it once.
        spans = spans.DistinctBy(s => (s.Start, s.End, s.Label, s.Annotator, s.Votes, s.Provenance, Labels.AttributeJson.Values(s.Attributes)));
        if (softLabels) spans = spans.Select(s => s with { Votes = VotesOf(ballots!, s.Start, s.End, voters.Count) });
        return spans.OrderBy(s => s.Start).ThenBy(s => s.End)
            .ThenBy(s => s.Label, StringComparer.Ordinal).ThenBy(s => s.Annotator, StringComparer.Ordinal).ToList();
    }

    private static IReadOnlyDictionary<string, string>? NullIfEmpty(IReadOnlyDictionary<string, string>? attributes) =>
        attributes is { Count: > 0 } ? attributes : null;

    /// <summary>
    /// The attribute names of the spans of <paramref name="layer"/> in <paramref name="documents"/>, the note left out,
    /// in ordinal order: the attribute columns of CSV and Parquet (<see cref="ExportOptions.AttributeNames"/>) for documents at hand.
    /// </summary>
    public static IReadOnlyList<string> AttributeNames(IEnumerable<InterchangeDocument> documents, SpanLayer layer) =>
        documents.SelectMany(d => Select(d, layer)).SelectMany(s => s.Values.Select(v => v.Key))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();

    /// <summary>
    /// Per token, how many voters gave each label, "O" included: an annotator's label for a token is the label of
    /// their span that covers the token's first code point (the earliest, then longest, when several do), else "O".
    /// </summary>
    public static IReadOnlyList<LabelVotes> TokenVotes(InterchangeDocument document, IReadOnlyList<Text.Token> tokens)
    {
        var voters = Voters(document);
        var perToken = new Dictionary<string, int>[tokens.Count];
        for (var i = 0; i < perToken.Length; i++) perToken[i] = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var voter in voters)
        {
            var spans = document.Annotations.Where(a => Names.Equals(a.Annotator, voter))
                .Select(a => new ExportSpan(a.Start, a.End, a.Label)).ToList();
            var painted = TokenCover.Paint(tokens, spans);
            for (var t = 0; t < tokens.Count; t++)
            {
                var label = painted[t] < 0 ? "O" : spans[painted[t]].Label;
                perToken[t][label] = perToken[t].GetValueOrDefault(label) + 1;
            }
        }
        return perToken.Select(counts => new LabelVotes(Sorted(counts), voters.Count)).ToList();
    }

    // (start, end) → label → the voters who gave it. Spans by annotators who do not count are left out.
    private static Dictionary<(int Start, int End), Dictionary<string, HashSet<string>>> Ballots(InterchangeDocument document, IReadOnlyList<string> voters)
    {
        var counted = new HashSet<string>(voters, Names);
        var ballots = new Dictionary<(int, int), Dictionary<string, HashSet<string>>>();
        foreach (var a in document.Annotations)
        {
            if (!counted.Contains(a.Annotator)) continue;
            if (!ballots.TryGetValue((a.Start, a.End), out var labels)) ballots[(a.Start, a.End)] = labels = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            if (!labels.TryGetValue(a.Label, out var who)) labels[a.Label] = who = new HashSet<string>(Names);
            who.Add(a.Annotator);
        }
        return ballots;
    }

    private static LabelVotes VotesOf(Dictionary<(int Start, int End), Dictionary<string, HashSet<string>>> ballots, int start, int end, int voters) =>
        new(ballots.TryGetValue((start, end), out var labels) ? Sorted(labels.ToDictionary(l => l.Key, l => l.Value.Count)) : [], voters);

    private static List<LabelCount> Sorted(Dictionary<string, int> counts) =>
        counts.Select(c => new LabelCount(c.Key, c.Value)).OrderByDescending(c => c.Count).ThenBy(c => c.Label, StringComparer.Ordinal).ToList();
}
