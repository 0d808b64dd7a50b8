namespace AnnotateHub.Core.Curation;

/// <summary>How an annotator's span fared in the gold layer.</summary>
public enum FeedbackKind
{
    /// <summary>A gold span has the same start, end and label.</summary>
    Accepted,

    /// <summary>No gold span is identical, but gold overlaps the span (another label or other boundaries).</summary>
    Corrected,

    /// <summary>No gold span overlaps the span.</summary>
    Rejected,
}

/// <summary>A span of the gold layer as feedback reads it.</summary>
/// <param name="Id">The gold span's id.</param>
/// <param name="Start">First code point.</param>
/// <param name="End">Code point after the last one (exclusive).</param>
/// <param name="Label">The label name.</param>
/// <param name="Note">The curator's note on it, if any.</param>
public sealed record GoldSpanRef(long Id, int Start, int End, string Label, string? Note);

/// <summary>A range a curator rejected: no gold there.</summary>
/// <param name="Start">First code point.</param>
/// <param name="End">Code point after the last one (exclusive).</param>
/// <param name="Note">The curator's note on it, if any.</param>
public sealed record RejectionRef(int Start, int End, string? Note);

/// <summary>
/// How one annotator span fared: <see cref="FeedbackKind.Accepted"/> (a gold span with the same start, end and label),
/// <see cref="FeedbackKind.Corrected"/> (no such gold span, but gold overlaps it: <paramref name="Gold"/> is the one
/// sharing the most code points, ties to the earliest) or <see cref="FeedbackKind.Rejected"/> (no gold overlaps it).
/// </summary>
/// <param name="Span">The annotator's span.</param>
/// <param name="Kind">How it fared.</param>
/// <param name="Gold">The gold span it was accepted as or corrected to; null when rejected.</param>
/// <param name="Note">The gold span's note when accepted or corrected; when rejected, the note of the rejection covering it, if any.</param>
public sealed record SpanFeedback(CurationSpan Span, FeedbackKind Kind, GoldSpanRef? Gold, string? Note);

/// <summary>Tells annotators how their spans fared against the gold layer of a document.</summary>
public static class CurationFeedback
{
    /// <summary>
    /// The feedback on each of <paramref name="spans"/> (empty or reversed spans are dropped), sorted by start, end,
    /// annotator, then label. "Earliest" gold means smallest start, then end, then id. A rejected span takes the note of
    /// the narrowest rejection covering it (rejection start &lt;= span start and span end &lt;= rejection end) that has a note.
    /// </summary>
    public static IReadOnlyList<SpanFeedback> For(IEnumerable<CurationSpan> spans, IEnumerable<GoldSpanRef> gold, IEnumerable<RejectionRef> rejections)
    {
        ArgumentNullException.ThrowIfNull(spans);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(rejections);
        var goldSorted = gold.Where(g => g.End > g.Start).OrderBy(g => g.Start).ThenBy(g => g.End).ThenBy(g => g.Id).ToList();
        var noted = rejections.Where(r => r.Note is not null).OrderBy(r => r.End - r.Start).ThenBy(r => r.Start).ToList();

        return spans
            .Where(s => s.End > s.Start)
            .OrderBy(s => s.Start).ThenBy(s => s.End)
            .ThenBy(s => s.Annotator, StringComparer.Ordinal).ThenBy(s => s.Label, StringComparer.Ordinal)
            .Select(s => Judge(s, goldSorted, noted))
            .ToList();
    }

    private static SpanFeedback Judge(CurationSpan span, List<GoldSpanRef> gold, List<RejectionRef> notedRejections)
    {
        GoldSpanRef? best = null;
        var bestShared = 0;
        foreach (var g in gold)
        {
            if (g.Start >= span.End) break;
            if (g.Start == span.Start && g.End == span.End && string.Equals(g.Label, span.Label, StringComparison.Ordinal))
                return new SpanFeedback(span, FeedbackKind.Accepted, g, g.Note);
            // Strictly more, so a tie keeps the earliest.
            var shared = Math.Min(g.End, span.End) - Math.Max(g.Start, span.Start);
            if (shared > bestShared) (best, bestShared) = (g, shared);
        }
        if (best is not null) return new SpanFeedback(span, FeedbackKind.Corrected, best, best.Note);
        var rejection = notedRejections.FirstOrDefault(r => r.Start <= span.Start && span.End <= r.End);
        return new SpanFeedback(span, FeedbackKind.Rejected, null, rejection?.Note);
    }
}
