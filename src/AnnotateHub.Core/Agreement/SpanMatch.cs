using System.Runtime.CompilerServices;

namespace AnnotateHub.Core.Agreement;

/// <summary>A labelled span for span-level matching: code-point offsets, end exclusive, and a category id.</summary>
public readonly record struct LabelledSpan(int Start, int End, int Category);

/// <summary>
/// Span-level agreement of two annotators, one taken as reference (a) and the other as prediction (b); F1 is the same
/// either way round. Exact: a span of b matches one of a with the same start, end and label (each span matched once).
/// Overlap: a span matches when a span of the other with the same label shares at least one code point.
/// </summary>
public sealed class SpanMatchCounts
{
    /// <summary>Spans of annotator a (the reference) added so far.</summary>
    public long SpansA { get; private set; }
    /// <summary>Spans of annotator b (the prediction) added so far.</summary>
    public long SpansB { get; private set; }
    /// <summary>Exact matches (a multiset intersection).</summary>
    public long Exact { get; private set; }
    /// <summary>Spans of b overlapping a span of a with the same label.</summary>
    public long OverlapB { get; private set; }
    /// <summary>Spans of a overlapping a span of b with the same label.</summary>
    public long OverlapA { get; private set; }

    /// <summary>Adds one document's spans of both annotators.</summary>
    public void Add(IReadOnlyList<LabelledSpan> a, IReadOnlyList<LabelledSpan> b) => AddSorted(Sorted(a), Sorted(b));

    /// <summary>Adds one document's spans of both annotators, each already sorted as <see cref="Sorted"/> sorts them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void AddSorted(ReadOnlySpan<LabelledSpan> sa, ReadOnlySpan<LabelledSpan> sb)
    {
        SpansA += sa.Length;
        SpansB += sb.Length;
        int i = 0, j = 0;
        while (i < sa.Length && j < sb.Length)
        {
            var c = Compare(sa[i], sb[j]);
            if (c == 0) { Exact++; i++; j++; }
            else if (c < 0) i++;
            else j++;
        }
        OverlapB += CountOverlapping(sb, sa);
        OverlapA += CountOverlapping(sa, sb);
    }

    /// <summary>Adds another pair of annotators' counts (a document's or a label's counts join a total).</summary>
    public void Add(SpanMatchCounts other)
    {
        SpansA += other.SpansA;
        SpansB += other.SpansB;
        Exact += other.Exact;
        OverlapA += other.OverlapA;
        OverlapB += other.OverlapB;
    }

    /// <summary>Exact precision of b against a; null when b has no spans.</summary>
    public double? PrecisionExact => SpansB == 0 ? null : (double)Exact / SpansB;
    /// <summary>Exact recall of b against a; null when a has no spans.</summary>
    public double? RecallExact => SpansA == 0 ? null : (double)Exact / SpansA;
    /// <summary>2 matches / (|a| + |b|); null when neither has a span.</summary>
    public double? F1Exact => SpansA + SpansB == 0 ? null : 2.0 * Exact / (SpansA + SpansB);
    /// <summary>Share of b's spans overlapping a span of a with the same label; null when b has no spans.</summary>
    public double? PrecisionOverlap => SpansB == 0 ? null : (double)OverlapB / SpansB;
    /// <summary>Share of a's spans overlapping a span of b with the same label; null when a has no spans.</summary>
    public double? RecallOverlap => SpansA == 0 ? null : (double)OverlapA / SpansA;
    /// <summary>Harmonic mean of overlap precision and recall; 0 when both are 0, null when neither has a span.</summary>
    public double? F1Overlap
    {
        get
        {
            if (SpansA + SpansB == 0) return null;
            var p = PrecisionOverlap ?? 0;
            var r = RecallOverlap ?? 0;
            return p + r == 0 ? 0 : 2 * p * r / (p + r);
        }
    }

    /// <summary>A sorted copy: by label, then start, then end.</summary>
    internal static LabelledSpan[] Sorted(IReadOnlyList<LabelledSpan> spans)
    {
        var array = spans.ToArray();
        Array.Sort(array, Compare);
        return array;
    }

    private static int Compare(LabelledSpan x, LabelledSpan y) =>
        x.Category != y.Category ? x.Category.CompareTo(y.Category) : x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.End.CompareTo(y.End);

    /// <summary>How many of <paramref name="spans"/> overlap one of <paramref name="others"/> with the same label (others sorted by label, start).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static long CountOverlapping(ReadOnlySpan<LabelledSpan> spans, ReadOnlySpan<LabelledSpan> others)
    {
        // prefixMaxEnd[i]: the latest end among others[run start .. i], the run being i's label.
        var prefixMaxEnd = new int[others.Length];
        for (var i = 0; i < others.Length; i++)
            prefixMaxEnd[i] = i > 0 && others[i - 1].Category == others[i].Category ? Math.Max(prefixMaxEnd[i - 1], others[i].End) : others[i].End;
        long count = 0;
        foreach (var s in spans)
        {
            var lo = LowerBound(others, s.Category, int.MinValue);
            var hi = LowerBound(others, s.Category, s.End); // same label, starting before s ends
            if (hi > lo && prefixMaxEnd[hi - 1] > s.Start) count++;
        }
        return count;
    }

    private static int LowerBound(ReadOnlySpan<LabelledSpan> sorted, int category, int start)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            var m = sorted[mid];
            if (m.Category < category || (m.Category == category && m.Start < start)) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
