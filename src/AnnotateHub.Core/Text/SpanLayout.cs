namespace AnnotateHub.Core.Text;

/// <summary>A span to lay out, in UTF-16 offsets of the document text, end exclusive.</summary>
public readonly record struct LaidSpan(long Id, int Start, int End);

/// <summary>A span covering a segment, with the row (level) its underline is drawn on in its paragraph.</summary>
public readonly record struct SegmentSpan(long Id, int Level);

/// <summary>A run of text covered by the same set of spans; <see cref="Spans"/> is innermost (shortest) first.</summary>
public sealed record Segment(int Start, int End, IReadOnlyList<SegmentSpan> Spans);

/// <summary>One line of the document (between newlines) cut into segments; <see cref="Levels"/> is the number
/// of underline rows its overlapping spans need.</summary>
public sealed record ParagraphLayout(int Start, int End, int Levels, IReadOnlyList<Segment> Segments);

/// <summary>Cuts a document into paragraphs and segments so overlapping and nested spans can all be drawn:
/// every span keeps one underline row through its paragraph, so no span hides another.</summary>
public static class SpanLayout
{
    /// <summary>The lines of <paramref name="text"/> as [start, end) ranges, newline excluded.</summary>
    public static IReadOnlyList<(int Start, int End)> Paragraphs(string text)
    {
        var result = new List<(int, int)>();
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\n')
            {
                result.Add((start, i));
                start = i + 1;
            }
        }
        result.Add((start, text.Length));
        return result;
    }

    /// <summary>Lays out one paragraph; spans that do not touch it are ignored, spans crossing its edges are clipped.</summary>
    public static ParagraphLayout LayOut(int paragraphStart, int paragraphEnd, IEnumerable<LaidSpan> spans)
    {
        var clipped = new List<LaidSpan>();
        foreach (var s in spans)
        {
            var start = Math.Max(s.Start, paragraphStart);
            var end = Math.Min(s.End, paragraphEnd);
            if (start < end) clipped.Add(new LaidSpan(s.Id, start, end));
        }
        if (clipped.Count == 0)
        {
            return new ParagraphLayout(paragraphStart, paragraphEnd, 0,
                paragraphStart < paragraphEnd ? [new Segment(paragraphStart, paragraphEnd, [])] : []);
        }

        // Rows: greedy interval colouring, longer spans first at equal starts so an enclosing span sits nearer the text.
        clipped.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : b.End != a.End ? b.End.CompareTo(a.End) : a.Id.CompareTo(b.Id));
        var levels = new Dictionary<long, int>(clipped.Count);
        var rowEnds = new List<int>();
        foreach (var s in clipped)
        {
            var row = rowEnds.FindIndex(e => e <= s.Start);
            if (row < 0) { row = rowEnds.Count; rowEnds.Add(s.End); } else rowEnds[row] = s.End;
            levels[s.Id] = row;
        }

        var bounds = new SortedSet<int> { paragraphStart, paragraphEnd };
        foreach (var s in clipped) { bounds.Add(s.Start); bounds.Add(s.End); }

        var segments = new List<Segment>(bounds.Count);
        var active = new List<LaidSpan>();
        var next = 0;
        int? previous = null;
        foreach (var b in bounds)
        {
            if (previous is { } segStart && segStart < b)
            {
                active.RemoveAll(s => s.End <= segStart);
                while (next < clipped.Count && clipped[next].Start <= segStart)
                {
                    if (clipped[next].End > segStart) active.Add(clipped[next]);
                    next++;
                }
                var covering = active
                    .OrderBy(s => s.End - s.Start).ThenByDescending(s => s.Start).ThenBy(s => s.Id)
                    .Select(s => new SegmentSpan(s.Id, levels[s.Id]))
                    .ToArray();
                segments.Add(new Segment(segStart, b, covering));
            }
            previous = b;
        }
        return new ParagraphLayout(paragraphStart, paragraphEnd, rowEnds.Count, segments);
    }
}
