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

        // Units built by CurationUnits come in this order already; sorting a copy only when not (a merge proposes for a
        // third of a million units).
        IReadOnlyList<Candidate> ordered = unit.Candidates;
        for (var i = 1; i < ordered.Count; i++)
        {
            if (CurationUnits.CandidateOrder(ordered[i - 1], ordered[i]) <= 0) continue;
            var copy = ordered.ToList();
            copy.Sort(CurationUnits.CandidateOrder);
            ordered = copy;
            break;
        }
        var taken = new List<(Candidate Candidate, bool Kept)>();
        foreach (var candidate in ordered)
        {
            if (!rule.Accepts(candidate, unit, annotatorCount)) continue;
            var tied = false;
            var blocked = false;
            for (var i = 0; i < taken.Count; i++)
            {
                var other = taken[i].Candidate;
                if (!other.Overlaps(candidate)) continue;
                if (other.Label == candidate.Label) blocked = true;
                if (other.Votes != candidate.Votes) continue;
                taken[i] = (other, false);
                tied = true;
            }
            if (!tied && blocked) continue;
            taken.Add((candidate, !tied));
        }
        var kept = new List<Candidate>(taken.Count);
        foreach (var (candidate, keep) in taken)
        {
            if (keep) kept.Add(candidate);
        }
        if (kept.Count > 1) kept.Sort(static (a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : a.End != b.End ? a.End.CompareTo(b.End) : string.CompareOrdinal(a.Label, b.Label));
        return kept;
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
