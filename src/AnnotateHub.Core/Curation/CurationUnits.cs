namespace AnnotateHub.Core.Curation;

/// <summary>One annotator's span as curation sees it: code-point offsets, end exclusive, a label name and, when stored, its id.</summary>
/// <param name="Annotator">Who made the span.</param>
/// <param name="Start">First code point of the span.</param>
/// <param name="End">Code point after the last one of the span (exclusive).</param>
/// <param name="Label">The label name.</param>
/// <param name="Id">The stored span's id, when it has one.</param>
public sealed record CurationSpan(string Annotator, int Start, int End, string Label, long? Id = null);

/// <summary>
/// What kind of (dis)agreement a <see cref="CurationUnit"/> is. The rule, with n the number of annotators of the
/// document: <see cref="Agreement"/> when the unit has one candidate and all n voted for it; <see cref="WrongLabel"/>
/// when its candidates share start and end but not the label; <see cref="Boundary"/> when its candidates' offsets differ;
/// otherwise (one candidate that not everyone has) <see cref="Missed"/> when more than n/2 annotators have it and
/// <see cref="Extra"/> when at most n/2 do.
/// </summary>
public enum UnitKind
{
    /// <summary>One candidate, and every annotator of the document has exactly it.</summary>
    Agreement,

    /// <summary>One candidate that more than half of the annotators have: the others missed it.</summary>
    Missed,

    /// <summary>One candidate that at most half of the annotators have: they added it.</summary>
    Extra,

    /// <summary>Several candidates with the same start and end and different labels.</summary>
    WrongLabel,

    /// <summary>Candidates whose offsets differ: overlapping or nested spans.</summary>
    Boundary,
}

/// <summary>A distinct (start, end, label) among a unit's spans and the annotators who have exactly it.</summary>
/// <param name="Start">First code point.</param>
/// <param name="End">Code point after the last one (exclusive).</param>
/// <param name="Label">The label name.</param>
/// <param name="Voters">The annotators who have exactly this span: distinct, sorted ordinal.</param>
public sealed record Candidate(int Start, int End, string Label, IReadOnlyList<string> Voters)
{
    /// <summary>How many annotators have this span (the count of <see cref="Voters"/>).</summary>
    public int Votes => Voters.Count;

    /// <summary>Whether this candidate and <paramref name="other"/> share at least one code point.</summary>
    public bool Overlaps(Candidate other) => Math.Max(Start, other.Start) < Math.Min(End, other.End);
}

/// <summary>
/// A connected group of overlapping spans of one document, across annotators: the thing a curator decides at once.
/// </summary>
/// <param name="Index">0-based position of the unit in document order.</param>
/// <param name="Start">The smallest start of its spans.</param>
/// <param name="End">The largest end of its spans (exclusive).</param>
/// <param name="Kind">What kind of (dis)agreement it is (see <see cref="UnitKind"/> for the rule).</param>
/// <param name="Spans">Every span in it, sorted by start, end, annotator, then label.</param>
/// <param name="Candidates">The distinct spans in it, sorted by votes descending, then start, end, label.</param>
/// <param name="Annotators">The distinct annotators who have a span in it, sorted ordinal.</param>
public sealed record CurationUnit(int Index, int Start, int End, UnitKind Kind, IReadOnlyList<CurationSpan> Spans, IReadOnlyList<Candidate> Candidates, IReadOnlyList<string> Annotators)
{
    /// <summary>Whether the unit is anything but an <see cref="UnitKind.Agreement"/>.</summary>
    public bool IsDisagreement => Kind != UnitKind.Agreement;
}

/// <summary>
/// Cuts several annotators' spans of one document into curation units: the connected components of the spans by overlap
/// (two spans overlap when max(start) &lt; min(end)), so a chain A-B-C is one unit even where A and C do not overlap.
/// </summary>
public static class CurationUnits
{
    /// <summary>
    /// The units of one document in document order. <paramref name="annotators"/> is everyone whose work counts on the
    /// document (for instance the assigned annotators who are done), including those with no span at all: they count in
    /// the unit's <see cref="UnitKind"/>. Spans of anyone not in the list are ignored, empty or reversed spans are
    /// dropped, and exact duplicates (same annotator, start, end and label) count once (the smallest id is kept).
    /// One sort and one sweep: O(n log n).
    /// </summary>
    public static IReadOnlyList<CurationUnit> Build(IReadOnlyCollection<string> annotators, IEnumerable<CurationSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(annotators);
        ArgumentNullException.ThrowIfNull(spans);
        var counted = new HashSet<string>(annotators, StringComparer.Ordinal);
        var sorted = new List<CurationSpan>();
        foreach (var s in spans)
        {
            if (s.End > s.Start && s.Annotator is not null && s.Label is not null && counted.Contains(s.Annotator)) sorted.Add(s);
        }
        // The five keys order every two spans but exact twins (which then are equal), so an unstable sort is enough.
        sorted.Sort(SpanOrder);

        var units = new List<CurationUnit>();
        var group = new List<CurationSpan>();
        var groupEnd = int.MinValue;
        CurationSpan? previous = null;
        foreach (var span in sorted)
        {
            // Sorted, so an exact duplicate sits right after its twin.
            if (previous is { } p && p.Start == span.Start && p.End == span.End && p.Annotator == span.Annotator && p.Label == span.Label) continue;
            previous = span;
            if (group.Count > 0 && span.Start >= groupEnd)
            {
                units.Add(ToUnit(units.Count, group, counted.Count));
                group = [];
            }
            group.Add(span);
            groupEnd = group.Count == 1 ? span.End : Math.Max(groupEnd, span.End);
        }
        if (group.Count > 0) units.Add(ToUnit(units.Count, group, counted.Count));
        return units;
    }

    /// <summary>
    /// Whether a curator (or a merge) has decided the unit: some gold span overlaps the unit's range, or a rejection
    /// covers the whole range (rejection start &lt;= unit start and unit end &lt;= rejection end).
    /// </summary>
    public static bool IsDecided(CurationUnit unit, IEnumerable<(int Start, int End)> gold, IEnumerable<(int Start, int End)> rejections)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(rejections);
        return gold.Any(g => Math.Max(g.Start, unit.Start) < Math.Min(g.End, unit.End))
            || rejections.Any(r => r.Start <= unit.Start && unit.End <= r.End);
    }

    private static readonly Comparison<CurationSpan> SpanOrder = static (a, b) =>
    {
        var c = a.Start.CompareTo(b.Start);
        if (c == 0) c = a.End.CompareTo(b.End);
        if (c == 0) c = string.CompareOrdinal(a.Annotator, b.Annotator);
        if (c == 0) c = string.CompareOrdinal(a.Label, b.Label);
        return c != 0 ? c : (a.Id ?? long.MaxValue).CompareTo(b.Id ?? long.MaxValue);
    };

    /// <summary>The order of <see cref="CurationUnit.Candidates"/>: votes descending, then start, end, label.</summary>
    internal static readonly Comparison<Candidate> CandidateOrder = static (a, b) =>
    {
        var c = b.Votes.CompareTo(a.Votes);
        if (c == 0) c = a.Start.CompareTo(b.Start);
        if (c == 0) c = a.End.CompareTo(b.End);
        return c != 0 ? c : string.CompareOrdinal(a.Label, b.Label);
    };

    // group is sorted by start, end, annotator, label and has no duplicates. Loops, not LINQ: a merge builds a third of
    // a million units. The spans of one candidate sit in the run of spans with its start and end, in annotator order.
    private static CurationUnit ToUnit(int index, List<CurationSpan> group, int annotatorCount)
    {
        var keys = new List<(int Start, int End, string Label)>();
        var voters = new List<List<string>>();
        var annotators = new List<string>();
        var run = 0; // the first candidate with the current span's start and end
        var end = int.MinValue;
        foreach (var span in group)
        {
            if (span.End > end) end = span.End;
            if (run < keys.Count && (keys[run].Start != span.Start || keys[run].End != span.End)) run = keys.Count;
            var found = -1;
            for (var k = run; k < keys.Count; k++)
            {
                if (string.Equals(keys[k].Label, span.Label, StringComparison.Ordinal)) { found = k; break; }
            }
            if (found < 0)
            {
                keys.Add((span.Start, span.End, span.Label));
                voters.Add([]);
                found = keys.Count - 1;
            }
            AddSorted(voters[found], span.Annotator);
            AddSorted(annotators, span.Annotator);
        }
        var candidates = new List<Candidate>(keys.Count);
        for (var k = 0; k < keys.Count; k++) candidates.Add(new Candidate(keys[k].Start, keys[k].End, keys[k].Label, voters[k]));
        candidates.Sort(CandidateOrder);
        return new CurationUnit(index, group[0].Start, end, KindOf(candidates, annotatorCount), group, candidates, annotators);
    }

    /// <summary>Adds <paramref name="value"/> to the ordinal-sorted, distinct <paramref name="list"/> unless it is there.</summary>
    private static void AddSorted(List<string> list, string value)
    {
        // Mostly appended at the end: the spans come in annotator order within a start and end.
        var i = list.Count;
        while (i > 0)
        {
            var c = string.CompareOrdinal(list[i - 1], value);
            if (c == 0) return;
            if (c < 0) break;
            i--;
        }
        list.Insert(i, value);
    }

    private static UnitKind KindOf(List<Candidate> candidates, int annotatorCount)
    {
        if (candidates.Count == 1)
        {
            var votes = candidates[0].Votes;
            if (votes >= annotatorCount) return UnitKind.Agreement;
            return votes * 2 > annotatorCount ? UnitKind.Missed : UnitKind.Extra;
        }
        var first = candidates[0];
        return candidates.All(c => c.Start == first.Start && c.End == first.End) ? UnitKind.WrongLabel : UnitKind.Boundary;
    }
}
