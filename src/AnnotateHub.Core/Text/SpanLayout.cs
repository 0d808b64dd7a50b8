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
        clipped.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start)
            : b.End != a.End ? b.End.CompareTo(a.End) : a.Id.CompareTo(b.Id));
        var n = clipped.Count;
        var levels = new int[n];
        var rowEnds = new List<int>();
        for (var i = 0; i < n; i++)
        {
            var s = clipped[i];
            var row = 0;
            while (row < rowEnds.Count && rowEnds[row] > s.Start) row++;
            if (row == rowEnds.Count) rowEnds.Add(s.End); else rowEnds[row] = s.End;
            levels[i] = row;
        }

        // Segment bounds: the paragraph's edges and every span's, sorted, each once.
        var bounds = new int[2 * n + 2];
        bounds[0] = paragraphStart;
        bounds[1] = paragraphEnd;
        for (var i = 0; i < n; i++)
        {
            bounds[2 + 2 * i] = clipped[i].Start;
            bounds[3 + 2 * i] = clipped[i].End;
        }
        Array.Sort(bounds);
        var distinct = 1;
        for (var i = 1; i < bounds.Length; i++) if (bounds[i] != bounds[distinct - 1]) bounds[distinct++] = bounds[i];

        // One pass over the bounds with the spans open at each (indices into clipped); a segment's spans innermost
        // (shortest) first, then the later start, then the id. Hand-written: this runs per paragraph per change per view.
        var segments = new List<Segment>(distinct - 1);
        var active = new List<int>();
        var next = 0;
        Span<int> few = stackalloc int[32];
        int[]? many = null;
        for (var k = 0; k + 1 < distinct; k++)
        {
            var segStart = bounds[k];
            var kept = 0;
            for (var a = 0; a < active.Count; a++) if (clipped[active[a]].End > segStart) active[kept++] = active[a];
            active.RemoveRange(kept, active.Count - kept);
            while (next < n && clipped[next].Start <= segStart)
            {
                if (clipped[next].End > segStart) active.Add(next);
                next++;
            }
            var covering = new SegmentSpan[active.Count];
            var order = active.Count <= few.Length ? few[..active.Count]
                : (many = many is { } m && m.Length >= active.Count ? m : new int[active.Count]).AsSpan(0, active.Count);
            for (var a = 0; a < order.Length; a++)
            {
                // Insertion sort: a segment has few spans over it.
                var candidate = active[a];
                var at = a;
                while (at > 0 && Inner(clipped[candidate], clipped[order[at - 1]])) { order[at] = order[at - 1]; at--; }
                order[at] = candidate;
            }
            for (var a = 0; a < order.Length; a++) covering[a] = new SegmentSpan(clipped[order[a]].Id, levels[order[a]]);
            segments.Add(new Segment(segStart, bounds[k + 1], covering));
        }
        return new ParagraphLayout(paragraphStart, paragraphEnd, rowEnds.Count, segments);
    }

    /// <summary>Whether <paramref name="x"/> comes before <paramref name="y"/> over a segment: shorter, then later start, then lower id.</summary>
    private static bool Inner(LaidSpan x, LaidSpan y)
    {
        var lx = x.End - x.Start;
        var ly = y.End - y.Start;
        if (lx != ly) return lx < ly;
        if (x.Start != y.Start) return x.Start > y.Start;
        return x.Id < y.Id;
    }
}
