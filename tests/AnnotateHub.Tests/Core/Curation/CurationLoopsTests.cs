using AnnotateHub.Core.Curation;

namespace AnnotateHub.Tests.Core.Curation;

/// <summary>
/// The units and proposals, built with loops for the merge's speed, are what the plain definitions (LINQ, kept here as
/// the reference) give, on random documents: overlaps, nesting, wrong labels, missing and duplicate spans.
/// </summary>
public sealed class CurationLoopsTests
{
    private static readonly string[] Annotators = ["ana", "ben", "cem", "dov"];
    private static readonly string[] Labels = ["actor", "claim", "place"];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void Units_and_proposals_match_the_reference_on_random_documents(int seed)
    {
        var random = new Random(seed);
        MergeRule[] rules = [new MergeRule.AllAgree(), new MergeRule.AllWhoAnnotatedAgree(), new MergeRule.Vote(2, 0.6), new MergeRule.Vote(1, 0.3)];
        for (var document = 0; document < 300; document++)
        {
            var annotators = Annotators.Take(random.Next(1, Annotators.Length + 1)).ToList();
            var spans = new List<CurationSpan>();
            var count = random.Next(0, 40);
            for (var i = 0; i < count; i++)
            {
                var start = random.Next(0, 60);
                var end = start + random.Next(-1, 12);
                // Some from someone not counted, some twins, ids missing now and then.
                var annotator = random.Next(10) == 0 ? "eve" : Annotators[random.Next(Annotators.Length)];
                long? id = random.Next(5) == 0 ? null : random.Next(1000);
                var span = new CurationSpan(annotator, start, end, Labels[random.Next(Labels.Length)], id);
                spans.Add(span);
                if (random.Next(8) == 0) spans.Add(span with { Id = random.Next(1000) });
            }

            var units = CurationUnits.Build(annotators, spans);
            var reference = ReferenceBuild(annotators, spans);
            Assert.Equal(Describe(reference), Describe(units));
            foreach (var rule in rules)
            {
                foreach (var (unit, expected) in units.Zip(reference))
                {
                    Assert.Equal(Describe(ReferencePropose(expected, annotators.Count, rule)), Describe(AutoMerge.Propose(unit, annotators.Count, rule)));
                }
            }
        }
    }

    private static string Describe(IEnumerable<CurationUnit> units) => string.Join(" | ", units.Select(u =>
        $"{u.Index}:{u.Start}-{u.End} {u.Kind} [{string.Join(",", u.Annotators)}] " +
        string.Join(" ", u.Spans.Select(s => $"{s.Annotator}/{s.Start}-{s.End}:{s.Label}#{s.Id}")) + " / " + Describe(u.Candidates)));

    private static string Describe(IEnumerable<Candidate> candidates) =>
        string.Join(" ", candidates.Select(c => $"{c.Start}-{c.End}:{c.Label}={string.Join("+", c.Voters)}"));

    // ---- the reference: the definitions as first written ----

    private static List<CurationUnit> ReferenceBuild(IReadOnlyCollection<string> annotators, IEnumerable<CurationSpan> spans)
    {
        var counted = new HashSet<string>(annotators, StringComparer.Ordinal);
        var sorted = spans
            .Where(s => s.End > s.Start && counted.Contains(s.Annotator))
            .OrderBy(s => s.Start).ThenBy(s => s.End)
            .ThenBy(s => s.Annotator, StringComparer.Ordinal).ThenBy(s => s.Label, StringComparer.Ordinal)
            .ThenBy(s => s.Id ?? long.MaxValue)
            .ToList();
        var units = new List<CurationUnit>();
        var group = new List<CurationSpan>();
        var groupEnd = int.MinValue;
        CurationSpan? previous = null;
        foreach (var span in sorted)
        {
            if (previous is { } p && p.Start == span.Start && p.End == span.End && p.Annotator == span.Annotator && p.Label == span.Label) continue;
            previous = span;
            if (group.Count > 0 && span.Start >= groupEnd)
            {
                units.Add(ReferenceUnit(units.Count, group, counted.Count));
                group = [];
            }
            group.Add(span);
            groupEnd = group.Count == 1 ? span.End : Math.Max(groupEnd, span.End);
        }
        if (group.Count > 0) units.Add(ReferenceUnit(units.Count, group, counted.Count));
        return units;
    }

    private static CurationUnit ReferenceUnit(int index, List<CurationSpan> group, int annotatorCount)
    {
        var candidates = group
            .GroupBy(s => (s.Start, s.End, s.Label))
            .Select(g => new Candidate(g.Key.Start, g.Key.End, g.Key.Label,
                g.Select(s => s.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList()))
            .OrderByDescending(c => c.Votes).ThenBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Label, StringComparer.Ordinal)
            .ToList();
        var annotators = group.Select(s => s.Annotator).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        UnitKind kind;
        if (candidates.Count == 1)
            kind = candidates[0].Votes >= annotatorCount ? UnitKind.Agreement : candidates[0].Votes * 2 > annotatorCount ? UnitKind.Missed : UnitKind.Extra;
        else
            kind = candidates.All(c => c.Start == candidates[0].Start && c.End == candidates[0].End) ? UnitKind.WrongLabel : UnitKind.Boundary;
        return new CurationUnit(index, group[0].Start, group.Max(s => s.End), kind, group, candidates, annotators);
    }

    private static List<Candidate> ReferencePropose(CurationUnit unit, int annotatorCount, MergeRule rule)
    {
        var taken = new List<(Candidate Candidate, bool Kept)>();
        foreach (var candidate in unit.Candidates.OrderByDescending(c => c.Votes).ThenBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Label, StringComparer.Ordinal))
        {
            if (!rule.Accepts(candidate, unit, annotatorCount)) continue;
            var tied = false;
            for (var i = 0; i < taken.Count; i++)
            {
                var other = taken[i].Candidate;
                if (other.Votes != candidate.Votes || !other.Overlaps(candidate)) continue;
                taken[i] = (other, false);
                tied = true;
            }
            if (!tied && taken.Any(t => t.Candidate.Overlaps(candidate) && t.Candidate.Label == candidate.Label)) continue;
            taken.Add((candidate, !tied));
        }
        return taken.Where(t => t.Kept).Select(t => t.Candidate).OrderBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Label, StringComparer.Ordinal).ToList();
    }
}
