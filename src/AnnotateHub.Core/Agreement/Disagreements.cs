namespace AnnotateHub.Core.Agreement;

/// <summary>How a span of annotator A relates to annotator B's spans on the same document.</summary>
public enum SpanComparisonKind
{
    /// <summary>Same start, end and label.</summary>
    Match,

    /// <summary>A has the span, B has nothing that overlaps it (B missed it).</summary>
    Missed,

    /// <summary>B has the span, A has nothing that overlaps it (B added it).</summary>
    Extra,

    /// <summary>Same start and end, different label.</summary>
    WrongLabel,

    /// <summary>The spans overlap but start or end differ (the label may differ too: see <see cref="SpanComparison.LabelsDiffer"/>).</summary>
    Boundary,
}

/// <summary>
/// One entry of the comparison of two annotators' spans: a pair (<see cref="A"/> and <see cref="B"/> both set) or a span
/// only one of them has. Offsets are code points, end exclusive.
/// </summary>
public sealed record SpanComparison(SpanComparisonKind Kind, AgreementSpan? A, AgreementSpan? B)
{
    /// <summary>The first code point of the entry: the smaller start of the spans present.</summary>
    public int Start => Math.Min(A?.Start ?? int.MaxValue, B?.Start ?? int.MaxValue);
    /// <summary>The end of the entry (exclusive): the larger end of the spans present.</summary>
    public int End => Math.Max(A?.End ?? int.MinValue, B?.End ?? int.MinValue);
    /// <summary>Whether the entry is anything but a <see cref="SpanComparisonKind.Match"/>.</summary>
    public bool IsDisagreement => Kind != SpanComparisonKind.Match;
    /// <summary>Whether both spans are present and their labels differ (ordinal comparison).</summary>
    public bool LabelsDiffer => A is { } a && B is { } b && !string.Equals(a.Label, b.Label, StringComparison.Ordinal);
}

/// <summary>
/// Classifies the differences between two annotators' spans of one document (the side-by-side view of the agreement
/// dashboard). A is the reference: "missed" is a span of A that B lacks, "extra" one of B that A lacks. Each span is
/// paired at most once, in this order: identical spans (match), then same offsets (wrong label), then overlapping spans
/// with the same label, then overlapping spans with different labels (boundary; the largest overlap first). A span left
/// without a partner is missed or extra, even where it overlaps a span already paired with another (nested spans).
/// </summary>
public static class Disagreements
{
    /// <summary>
    /// Pairs and classifies the spans of <paramref name="a"/> (the reference) and <paramref name="b"/>; empty or reversed
    /// spans are dropped. Entries are sorted by start, end, kind, then label.
    /// </summary>
    public static IReadOnlyList<SpanComparison> Compare(IEnumerable<AgreementSpan> a, IEnumerable<AgreementSpan> b)
    {
        var left = Sorted(a);
        var right = Sorted(b);
        var usedA = new bool[left.Count];
        var usedB = new bool[right.Count];
        var result = new List<SpanComparison>();

        void PairWhere(Func<AgreementSpan, AgreementSpan, bool> fits, SpanComparisonKind kind)
        {
            for (var i = 0; i < left.Count; i++)
            {
                if (usedA[i]) continue;
                for (var j = 0; j < right.Count; j++)
                {
                    if (usedB[j] || !fits(left[i], right[j])) continue;
                    usedA[i] = usedB[j] = true;
                    result.Add(new SpanComparison(kind, left[i], right[j]));
                    break;
                }
            }
        }

        PairWhere((x, y) => x.Start == y.Start && x.End == y.End && x.Label == y.Label, SpanComparisonKind.Match);
        PairWhere((x, y) => x.Start == y.Start && x.End == y.End, SpanComparisonKind.WrongLabel);
        PairOverlapping(left, right, usedA, usedB, result, sameLabel: true);
        PairOverlapping(left, right, usedA, usedB, result, sameLabel: false);
        for (var i = 0; i < left.Count; i++) if (!usedA[i]) result.Add(new SpanComparison(SpanComparisonKind.Missed, left[i], null));
        for (var j = 0; j < right.Count; j++) if (!usedB[j]) result.Add(new SpanComparison(SpanComparisonKind.Extra, null, right[j]));

        return result.OrderBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Kind).ThenBy(c => c.A?.Label ?? c.B?.Label, StringComparer.Ordinal).ToList();
    }

    /// <summary>How many entries of each kind (every kind present, zero when none).</summary>
    public static IReadOnlyDictionary<SpanComparisonKind, int> Count(IEnumerable<SpanComparison> comparisons)
    {
        var counts = Enum.GetValues<SpanComparisonKind>().ToDictionary(k => k, _ => 0);
        foreach (var c in comparisons) counts[c.Kind]++;
        return counts;
    }

    // Greedy by overlap: the pair sharing the most characters goes first, so a long span pairs with its best partner.
    private static void PairOverlapping(List<AgreementSpan> left, List<AgreementSpan> right, bool[] usedA, bool[] usedB, List<SpanComparison> result, bool sameLabel)
    {
        var candidates = new List<(int Overlap, int I, int J)>();
        for (var i = 0; i < left.Count; i++)
        {
            if (usedA[i]) continue;
            for (var j = 0; j < right.Count; j++)
            {
                if (usedB[j] || (left[i].Label == right[j].Label) != sameLabel) continue;
                var overlap = Math.Min(left[i].End, right[j].End) - Math.Max(left[i].Start, right[j].Start);
                if (overlap > 0) candidates.Add((overlap, i, j));
            }
        }
        foreach (var (_, i, j) in candidates.OrderByDescending(c => c.Overlap).ThenBy(c => c.I).ThenBy(c => c.J))
        {
            if (usedA[i] || usedB[j]) continue;
            usedA[i] = usedB[j] = true;
            result.Add(new SpanComparison(SpanComparisonKind.Boundary, left[i], right[j]));
        }
    }

    private static List<AgreementSpan> Sorted(IEnumerable<AgreementSpan> spans) =>
        spans.Where(s => s.End > s.Start).OrderBy(s => s.Start).ThenBy(s => s.End).ThenBy(s => s.Label, StringComparer.Ordinal).ToList();
}
