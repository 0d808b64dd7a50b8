using AnnotateHub.Core.Text;

namespace AnnotateHub.Tests.Core.Text;

public sealed class SpanLayoutTests
{
    private static long[] Ids(Segment segment) => segment.Spans.Select(s => s.Id).ToArray();

    private static int LevelOf(ParagraphLayout layout, long id) =>
        layout.Segments.SelectMany(s => s.Spans).Where(s => s.Id == id).Select(s => s.Level).Distinct().Single();

    private static void AssertSegmentsTile(ParagraphLayout layout)
    {
        var position = layout.Start;
        foreach (var segment in layout.Segments)
        {
            Assert.Equal(position, segment.Start);
            Assert.True(segment.End > segment.Start);
            position = segment.End;
        }
        Assert.Equal(layout.End, position);
    }

    [Fact]
    public void Paragraphs_are_the_lines_between_newlines_without_the_newline()
    {
        Assert.Equal([(0, 3), (4, 4), (5, 8)], SpanLayout.Paragraphs("abc\n\ndef"));
    }

    [Fact]
    public void A_trailing_newline_leaves_an_empty_last_paragraph()
    {
        Assert.Equal([(0, 1), (2, 2)], SpanLayout.Paragraphs("a\n"));
    }

    [Fact]
    public void Empty_text_is_one_empty_paragraph()
    {
        Assert.Equal([(0, 0)], SpanLayout.Paragraphs(""));
    }

    [Fact]
    public void A_paragraph_without_spans_is_one_plain_segment()
    {
        var layout = SpanLayout.LayOut(10, 30, []);

        var segment = Assert.Single(layout.Segments);
        Assert.Equal(10, segment.Start);
        Assert.Equal(30, segment.End);
        Assert.Empty(segment.Spans);
        Assert.Equal(0, layout.Levels);
    }

    [Fact]
    public void An_empty_paragraph_has_no_segments()
    {
        var layout = SpanLayout.LayOut(5, 5, [new LaidSpan(1, 0, 10)]);

        Assert.Empty(layout.Segments);
    }

    [Fact]
    public void Spans_that_do_not_touch_the_paragraph_are_ignored()
    {
        var layout = SpanLayout.LayOut(10, 20, [new LaidSpan(1, 0, 10), new LaidSpan(2, 20, 25), new LaidSpan(3, 12, 12)]);

        var segment = Assert.Single(layout.Segments);
        Assert.Empty(segment.Spans);
        Assert.Equal(0, layout.Levels);
    }

    [Fact]
    public void A_single_span_cuts_the_paragraph_into_three_segments()
    {
        var layout = SpanLayout.LayOut(0, 20, [new LaidSpan(7, 5, 12)]);

        Assert.Equal([(0, 5), (5, 12), (12, 20)], layout.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([[], [7L], []], layout.Segments.Select(Ids));
        Assert.Equal(1, layout.Levels);
        Assert.Equal(0, LevelOf(layout, 7));
    }

    [Fact]
    public void Nested_spans_list_the_innermost_first_on_distinct_levels()
    {
        // 1 covers the paragraph, 2 sits inside it, 3 inside 2.
        var layout = SpanLayout.LayOut(0, 20, [new LaidSpan(3, 6, 8), new LaidSpan(1, 0, 20), new LaidSpan(2, 5, 10)]);

        AssertSegmentsTile(layout);
        Assert.Equal([(0, 5), (5, 6), (6, 8), (8, 10), (10, 20)], layout.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([[1L], [2L, 1L], [3L, 2L, 1L], [2L, 1L], [1L]], layout.Segments.Select(Ids));
        Assert.Equal(3, layout.Levels);
        Assert.Equal([0, 1, 2], new[] { LevelOf(layout, 1), LevelOf(layout, 2), LevelOf(layout, 3) });
    }

    [Fact]
    public void Nested_spans_sharing_a_start_put_the_enclosing_span_nearest_the_text()
    {
        var layout = SpanLayout.LayOut(0, 20, [new LaidSpan(3, 0, 5), new LaidSpan(2, 0, 10), new LaidSpan(1, 0, 20)]);

        Assert.Equal([[3L, 2L, 1L], [2L, 1L], [1L]], layout.Segments.Select(Ids));
        Assert.Equal([0, 1, 2], new[] { LevelOf(layout, 1), LevelOf(layout, 2), LevelOf(layout, 3) });
    }

    [Fact]
    public void Crossing_spans_share_only_their_overlap_and_get_distinct_levels()
    {
        var layout = SpanLayout.LayOut(0, 20, [new LaidSpan(1, 0, 10), new LaidSpan(2, 5, 15)]);

        AssertSegmentsTile(layout);
        Assert.Equal([(0, 5), (5, 10), (10, 15), (15, 20)], layout.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([1L], Ids(layout.Segments[0]));
        Assert.Equal([1L, 2L], Ids(layout.Segments[1]).Order());
        Assert.Equal([2L], Ids(layout.Segments[2]));
        Assert.Empty(Ids(layout.Segments[3]));
        Assert.Equal(2, layout.Levels);
        Assert.NotEqual(LevelOf(layout, 1), LevelOf(layout, 2));
    }

    [Fact]
    public void In_an_overlap_the_shorter_span_comes_first()
    {
        var layout = SpanLayout.LayOut(0, 20, [new LaidSpan(1, 0, 12), new LaidSpan(2, 8, 14)]);

        var overlap = layout.Segments.Single(s => s.Start == 8);
        Assert.Equal([2L, 1L], Ids(overlap));
    }

    [Fact]
    public void Adjacent_spans_do_not_overlap_and_share_one_level()
    {
        var layout = SpanLayout.LayOut(0, 10, [new LaidSpan(1, 0, 5), new LaidSpan(2, 5, 10)]);

        Assert.Equal([(0, 5), (5, 10)], layout.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([[1L], [2L]], layout.Segments.Select(Ids));
        Assert.Equal(1, layout.Levels);
        Assert.Equal(0, LevelOf(layout, 1));
        Assert.Equal(0, LevelOf(layout, 2));
    }

    [Fact]
    public void A_level_freed_by_an_ended_span_is_reused()
    {
        // 1 and 2 cross; 3 starts after 1 ended, so it takes 1's row rather than a third one.
        var layout = SpanLayout.LayOut(0, 30, [new LaidSpan(1, 0, 10), new LaidSpan(2, 5, 25), new LaidSpan(3, 12, 20)]);

        Assert.Equal(2, layout.Levels);
        Assert.Equal(LevelOf(layout, 1), LevelOf(layout, 3));
        Assert.NotEqual(LevelOf(layout, 2), LevelOf(layout, 3));
    }

    [Fact]
    public void A_span_crossing_a_paragraph_break_is_clipped_into_both_paragraphs()
    {
        const string text = "first line\nsecond line";
        var paragraphs = SpanLayout.Paragraphs(text);
        var span = new LaidSpan(9, text.IndexOf("line", StringComparison.Ordinal), text.IndexOf(" line", 11, StringComparison.Ordinal));

        var first = SpanLayout.LayOut(paragraphs[0].Start, paragraphs[0].End, [span]);
        var second = SpanLayout.LayOut(paragraphs[1].Start, paragraphs[1].End, [span]);

        Assert.Equal([(0, 6), (6, 10)], first.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([[], [9L]], first.Segments.Select(Ids));
        Assert.Equal("line", text[6..10]);
        Assert.Equal([(11, 17), (17, 22)], second.Segments.Select(s => (s.Start, s.End)));
        Assert.Equal([[9L], []], second.Segments.Select(Ids));
        Assert.Equal("second", text[11..17]);
    }

    [Fact]
    public void The_same_spans_in_any_order_give_the_same_layout()
    {
        LaidSpan[] spans = [new(1, 0, 20), new(2, 5, 10), new(3, 8, 15), new(4, 15, 18), new(5, 5, 10)];

        var forward = SpanLayout.LayOut(0, 20, spans);
        var backward = SpanLayout.LayOut(0, 20, spans.Reverse());

        Assert.Equal(forward.Levels, backward.Levels);
        Assert.Equal(forward.Segments.Select(s => (s.Start, s.End, string.Join(",", s.Spans))),
            backward.Segments.Select(s => (s.Start, s.End, string.Join(",", s.Spans))));
    }

    [Fact]
    public void The_hand_written_layout_equals_the_plain_one_on_random_paragraphs()
    {
        // 2,000 random paragraphs, from none to 60 spans, many nested, crossing, sharing edges or outside: levels, segment
        // bounds and each segment's spans and rows must be those of the straightforward version below (the one before).
        var random = new Random(2026);
        for (var round = 0; round < 2000; round++)
        {
            var start = random.Next(0, 50);
            var end = start + random.Next(0, 120);
            var spans = Enumerable.Range(0, random.Next(0, 61)).Select(i =>
            {
                var a = random.Next(start - 10, end + 10);
                var b = a + random.Next(0, 30);
                return new LaidSpan(random.Next(0, 4) == 0 ? i : 1060 - i, a, b);
            }).ToList();

            var fast = SpanLayout.LayOut(start, end, spans);
            var plain = PlainLayOut(start, end, spans);

            Assert.Equal(plain.Levels, fast.Levels);
            Assert.Equal(plain.Segments.Select(s => (s.Start, s.End, string.Join(",", s.Spans))),
                fast.Segments.Select(s => (s.Start, s.End, string.Join(",", s.Spans))));
        }
    }

    private static ParagraphLayout PlainLayOut(int paragraphStart, int paragraphEnd, IEnumerable<LaidSpan> spans)
    {
        var clipped = spans.Select(s => new LaidSpan(s.Id, Math.Max(s.Start, paragraphStart), Math.Min(s.End, paragraphEnd)))
            .Where(s => s.Start < s.End).ToList();
        if (clipped.Count == 0)
            return new ParagraphLayout(paragraphStart, paragraphEnd, 0, paragraphStart < paragraphEnd ? [new Segment(paragraphStart, paragraphEnd, [])] : []);
        clipped = [.. clipped.OrderBy(s => s.Start).ThenByDescending(s => s.End).ThenBy(s => s.Id)];
        var levels = new Dictionary<long, int>();
        var rowEnds = new List<int>();
        foreach (var s in clipped)
        {
            var row = rowEnds.FindIndex(e => e <= s.Start);
            if (row < 0) { row = rowEnds.Count; rowEnds.Add(s.End); } else rowEnds[row] = s.End;
            levels[s.Id] = row;
        }
        var bounds = new SortedSet<int> { paragraphStart, paragraphEnd };
        foreach (var s in clipped) { bounds.Add(s.Start); bounds.Add(s.End); }
        var list = bounds.ToList();
        var segments = new List<Segment>();
        for (var k = 0; k + 1 < list.Count; k++)
        {
            var (a, b) = (list[k], list[k + 1]);
            var covering = clipped.Where(s => s.Start <= a && s.End > a)
                .OrderBy(s => s.End - s.Start).ThenByDescending(s => s.Start).ThenBy(s => s.Id)
                .Select(s => new SegmentSpan(s.Id, levels[s.Id])).ToArray();
            segments.Add(new Segment(a, b, covering));
        }
        return new ParagraphLayout(paragraphStart, paragraphEnd, rowEnds.Count, segments);
    }
}
