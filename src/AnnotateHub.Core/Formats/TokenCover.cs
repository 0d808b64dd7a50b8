using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// Which tokens a span covers, for token-per-line formats: a token belongs to a span when the token's first code
/// point lies inside the span. Where spans overlap, the one that starts first (then the longer) wins.
/// </summary>
public static class TokenCover
{
    /// <summary>The index of the first token whose start is at or after <paramref name="offset"/>.</summary>
    public static int FirstTokenAtOrAfter(IReadOnlyList<Token> tokens, int offset)
    {
        int lo = 0, hi = tokens.Count;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (tokens[mid].Start < offset) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /// <summary>The tokens [First, End) a span covers; empty when no token starts inside it.</summary>
    public static (int First, int End) Cover(IReadOnlyList<Token> tokens, int start, int end)
    {
        var first = FirstTokenAtOrAfter(tokens, start);
        var last = FirstTokenAtOrAfter(tokens, end);
        return (first, Math.Max(first, last));
    }

    /// <summary>Per token, the index in <paramref name="spans"/> of the span it belongs to, or -1.</summary>
    public static int[] Paint(IReadOnlyList<Token> tokens, IReadOnlyList<ExportSpan> spans)
    {
        var painted = new int[tokens.Count];
        Array.Fill(painted, -1);
        foreach (var i in ByPrecedence(spans))
        {
            var (first, end) = Cover(tokens, spans[i].Start, spans[i].End);
            for (var t = first; t < end; t++) if (painted[t] < 0) painted[t] = i;
        }
        return painted;
    }

    /// <summary>
    /// The spans a single tag column can hold: in order of precedence, each span whose tokens no earlier span took.
    /// Returns (span index, first token, end token) in text order; spans overlapping a kept span or covering no token are left out.
    /// </summary>
    public static IReadOnlyList<(int Span, int First, int End)> NonOverlapping(IReadOnlyList<Token> tokens, IReadOnlyList<ExportSpan> spans)
    {
        var kept = new List<(int Span, int First, int End)>();
        var takenUpTo = 0;
        foreach (var i in ByPrecedence(spans))
        {
            var (first, end) = Cover(tokens, spans[i].Start, spans[i].End);
            if (first == end || first < takenUpTo) continue;
            kept.Add((i, first, end));
            takenUpTo = end;
        }
        return kept;
    }

    private static IEnumerable<int> ByPrecedence(IReadOnlyList<ExportSpan> spans) =>
        Enumerable.Range(0, spans.Count).OrderBy(i => spans[i].Start).ThenByDescending(i => spans[i].End).ThenBy(i => i);
}
