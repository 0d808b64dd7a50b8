namespace AnnotateHub.Core.Curation;

/// <summary>A proposal of an automatic merge: take <paramref name="Span"/> of <paramref name="Unit"/> as gold.</summary>
/// <param name="Unit">The unit the proposal decides.</param>
/// <param name="Span">The candidate to take as gold.</param>
/// <param name="Unanimous">Whether every annotator of the document voted for the candidate.</param>
public sealed record MergeProposal(CurationUnit Unit, Candidate Span, bool Unanimous);

/// <summary>
/// The automatic merge: applies a <see cref="MergeRule"/> to the units a curator has not decided and proposes gold spans.
/// </summary>
public static class AutoMerge
{
    /// <summary>
    /// The candidates of <paramref name="unit"/> that <paramref name="rule"/> accepts and that survive their overlaps,
    /// in document order (start, end, label). The accepted candidates are taken greedily in the unit's candidate order
    /// (votes descending, then start, end, label); a candidate that overlaps a taken one with the same number of votes
    /// (whatever the labels) is a tie, and both are dropped (a tie is for a curator); otherwise a candidate is dropped when
    /// it overlaps a taken one (with more votes) with the same label. Dropped by a tie, a candidate still blocks later ones.
    /// So there are never two overlapping proposals with the same label, while nested spans with different labels
    /// and different vote counts may all be proposed (gold may nest, e.g. an actor inside a claim).
    /// </summary>
    public static IReadOnlyList<Candidate> Propose(CurationUnit unit, int annotatorCount, MergeRule rule)
    {
        ArgumentNullException.ThrowIfNull(unit);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentOutOfRangeException.ThrowIfNegative(annotatorCount);

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
        return taken.Where(t => t.Kept).Select(t => t.Candidate)
            .OrderBy(c => c.Start).ThenBy(c => c.End).ThenBy(c => c.Label, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// The proposals for every unit <paramref name="decidedByCurator"/> does not claim (it returns true for the units a
    /// curator has decided, e.g. through <see cref="CurationUnits.IsDecided"/>), in unit order; a unit the rule leaves
    /// alone yields none. A proposal is unanimous when all <paramref name="annotatorCount"/> annotators voted for it.
    /// </summary>
    public static IReadOnlyList<MergeProposal> Plan(IReadOnlyList<CurationUnit> units, int annotatorCount, MergeRule rule, Func<CurationUnit, bool> decidedByCurator)
    {
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(decidedByCurator);
        ArgumentOutOfRangeException.ThrowIfNegative(annotatorCount);

        var proposals = new List<MergeProposal>();
        foreach (var unit in units)
        {
            if (decidedByCurator(unit)) continue;
            foreach (var candidate in Propose(unit, annotatorCount, rule))
                proposals.Add(new MergeProposal(unit, candidate, annotatorCount > 0 && candidate.Votes >= annotatorCount));
        }
        return proposals;
    }
}
