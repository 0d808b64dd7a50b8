using System.Runtime.CompilerServices;

namespace AnnotateHub.Core.Agreement;

/// <summary>A unit on gamma's continuum: its annotator's index, where it starts and ends, and its category id.</summary>
public readonly record struct GammaUnit(int Annotator, double Start, double End, int Category)
{
    /// <summary>End - Start, in the same units as the offsets (code points in the agreement report).</summary>
    public double Length => End - Start;
}

/// <summary>
/// Gamma's combined dissimilarity (Mathet et al. 2015, as pygamma-agreement defines it):
/// d(u, v) = Alpha * ((|s_u - s_v| + |e_u - e_v|) / (l_u + l_v))^2 * DeltaEmpty + Beta * [cat_u != cat_v] * DeltaEmpty,
/// and DeltaEmpty between a unit and the empty unit.
/// </summary>
public sealed record GammaDissimilarity(double Alpha = 1, double Beta = 1, double DeltaEmpty = 1)
{
    /// <summary>
    /// The positional part, ((|s_u - s_v| + |e_u - e_v|) / (l_u + l_v))^2 * DeltaEmpty, not yet weighted by Alpha: 0 for
    /// the same position. NaN when both units have zero length.
    /// </summary>
    public double Positional(GammaUnit u, GammaUnit v)
    {
        var ratio = (Math.Abs(u.Start - v.Start) + Math.Abs(u.End - v.End)) / (u.Length + v.Length);
        return ratio * ratio * DeltaEmpty;
    }

    /// <summary>The categorical part, not yet weighted by Beta: 0 for the same category, else DeltaEmpty.</summary>
    public double Categorical(GammaUnit u, GammaUnit v) => u.Category == v.Category ? 0 : DeltaEmpty;

    /// <summary>Alpha * <see cref="Positional"/> + Beta * <see cref="Categorical"/>: d(u, v).</summary>
    public double Combined(GammaUnit u, GammaUnit v) => Alpha * Positional(u, v) + Beta * Categorical(u, v);
}

/// <summary>
/// Mathet et al.'s gamma (2015): 1 - observed disorder / chance disorder. The observed disorder is that of the best
/// alignment: the partition of all units into unitary alignments (at most one unit per annotator, the others empty)
/// whose summed disorder is least, divided by the mean number of units per annotator. A unitary alignment's disorder
/// is the mean dissimilarity over all pairs of its n slots (a unit and an empty slot: DeltaEmpty; two empty: 0).
/// </summary>
/// <remarks>
/// Finding the best alignment is an integer programme (pygamma solves it with a MILP solver). Here: units whose every
/// link has d &gt;= 2 DeltaEmpty can never gain by sharing an alignment, so the units split into independent groups;
/// a group of at most <see cref="ExactGroupLimit"/> units is solved exactly (search over partitions), and a larger
/// one is aligned annotator by annotator with the Hungarian method, which is exact for two annotators and an upper
/// bound on the disorder for more.
/// </remarks>
public static class Gamma
{
    /// <summary>
    /// The largest group of linked units whose best alignment is found by exact search (when it has more than two
    /// annotators, all with index below 64); larger groups are aligned by the Hungarian method.
    /// </summary>
    public const int ExactGroupLimit = 10;

    /// <summary>The observed disorder of a continuum of <paramref name="annotators"/> annotators; null without units.</summary>
    public static double? ObservedDisorder(IReadOnlyList<GammaUnit> units, int annotators, GammaDissimilarity d)
    {
        if (units.Count == 0 || annotators < 2) return null;
        return BestAlignmentDisorderSum(units, annotators, d) / ((double)units.Count / annotators);
    }

    /// <summary>The summed disorder of the best alignment's unitary alignments (not yet divided by units per annotator).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double BestAlignmentDisorderSum(IReadOnlyList<GammaUnit> units, int annotators, GammaDissimilarity d)
    {
        if (annotators < 2) throw new ArgumentOutOfRangeException(nameof(annotators), "Gamma needs two annotators.");
        if (d.Alpha <= 0) throw new ArgumentOutOfRangeException(nameof(d), "The positional weight must be positive.");
        var order = Enumerable.Range(0, units.Count).OrderBy(i => units[i].Start).ToArray();
        // Union-find over links that may gain from sharing an alignment: d(u, v) < 2 DeltaEmpty. Scanning by start, a
        // unit v starting later than u by more than sqrt(2 DeltaEmpty / (Alpha DeltaEmpty)) (l_u + l_max) cannot link.
        var parent = Enumerable.Range(0, units.Count).ToArray();
        int Find(int x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
        var maxLength = units.Count == 0 ? 0 : units.Max(u => u.Length);
        var reach = Math.Sqrt(2 / d.Alpha);
        var threshold = 2 * d.DeltaEmpty;
        for (var a = 0; a < order.Length; a++)
        {
            var u = units[order[a]];
            var limit = u.Start + reach * (u.Length + maxLength);
            for (var b = a + 1; b < order.Length && units[order[b]].Start <= limit; b++)
            {
                var v = units[order[b]];
                if (u.Annotator != v.Annotator && d.Combined(u, v) < threshold) parent[Find(order[a])] = Find(order[b]);
            }
        }
        var groups = new Dictionary<int, List<GammaUnit>>();
        for (var i = 0; i < units.Count; i++)
        {
            var root = Find(i);
            if (!groups.TryGetValue(root, out var g)) groups[root] = g = [];
            g.Add(units[i]);
        }
        double sum = 0;
        foreach (var g in groups.Values)
        {
            if (g.Count == 1) sum += TupleDisorder([g[0]], annotators, d);
            // Two annotators: the Hungarian method is exact. More: exact search while the group is small.
            else if (g.Count <= ExactGroupLimit && g.Select(u => u.Annotator).Distinct().Count() > 2 && g.All(u => u.Annotator < 64))
                sum += ExactGroup(g, annotators, d);
            else sum += SequentialGroup(g, annotators, d);
        }
        return sum;
    }

    /// <summary>The disorder of one unitary alignment holding <paramref name="tuple"/> and empty slots for the other annotators.</summary>
    public static double TupleDisorder(IReadOnlyList<GammaUnit> tuple, int annotators, GammaDissimilarity d)
    {
        double pairs = 0;
        for (var i = 0; i < tuple.Count; i++)
        for (var j = i + 1; j < tuple.Count; j++) pairs += d.Combined(tuple[i], tuple[j]);
        var k = tuple.Count;
        pairs += (double)k * (annotators - k) * d.DeltaEmpty;
        return pairs / (annotators * (annotators - 1) / 2.0);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double ExactGroup(List<GammaUnit> units, int annotators, GammaDissimilarity d)
    {
        var k = units.Count;
        var dissimilarity = new double[k, k];
        for (var i = 0; i < k; i++)
        for (var j = i + 1; j < k; j++) dissimilarity[i, j] = dissimilarity[j, i] = d.Combined(units[i], units[j]);
        var slots = annotators * (annotators - 1) / 2.0;
        var memo = new Dictionary<int, double>();
        var all = (1 << k) - 1;
        double Solve(int used)
        {
            if (used == all) return 0;
            if (memo.TryGetValue(used, out var known)) return known;
            var members = new int[k]; // this level's alignment; the nested Solve calls have their own
            var first = 0;
            while ((used & (1 << first)) != 0) first++;
            var best = double.PositiveInfinity;
            // Extends the alignment holding `first` by units of other annotators, keeping the sum of its pair
            // dissimilarities as it grows, so each candidate costs one pass over the members, not all pairs.
            void Extend(int from, int mask, ulong taken, int count, double pairSum)
            {
                var cost = (pairSum + (double)count * (annotators - count) * d.DeltaEmpty) / slots + Solve(used | mask);
                if (cost < best) best = cost;
                for (var i = from; i < k; i++)
                {
                    var bit = 1UL << units[i].Annotator;
                    if ((used & (1 << i)) != 0 || (taken & bit) != 0) continue;
                    var added = 0.0;
                    for (var m = 0; m < count; m++) added += dissimilarity[members[m], i];
                    members[count] = i;
                    Extend(i + 1, mask | (1 << i), taken | bit, count + 1, pairSum + added);
                }
            }
            members[0] = first;
            Extend(first + 1, 1 << first, 1UL << units[first].Annotator, 1, 0);
            memo[used] = best;
            return best;
        }
        return Solve(0);
    }

    /// <summary>
    /// Aligns annotator by annotator: the units of the next annotator are matched to the alignments built so far by the
    /// Hungarian method, at the change of disorder joining would make ((sum of d to the members) - 2 k DeltaEmpty);
    /// unmatched units start alignments of their own.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SequentialGroup(List<GammaUnit> units, int annotators, GammaDissimilarity d)
    {
        var tuples = new List<List<GammaUnit>>();
        foreach (var byAnnotator in units.GroupBy(u => u.Annotator).OrderBy(g => g.Key))
        {
            var incoming = byAnnotator.ToList();
            if (tuples.Count == 0)
            {
                tuples.AddRange(incoming.Select(u => new List<GammaUnit> { u }));
                continue;
            }
            var cost = new double[tuples.Count, incoming.Count];
            for (var t = 0; t < tuples.Count; t++)
            for (var v = 0; v < incoming.Count; v++)
            {
                double change = -2.0 * tuples[t].Count * d.DeltaEmpty;
                foreach (var u in tuples[t]) change += d.Combined(u, incoming[v]);
                cost[t, v] = Math.Min(change, 0);
            }
            var match = Hungarian.Solve(cost);
            var matched = new bool[incoming.Count];
            for (var t = 0; t < tuples.Count; t++)
            {
                if (match[t] is var v and >= 0 && cost[t, v] < 0)
                {
                    tuples[t].Add(incoming[v]);
                    matched[v] = true;
                }
            }
            for (var v = 0; v < incoming.Count; v++) if (!matched[v]) tuples.Add([incoming[v]]);
        }
        return tuples.Sum(t => TupleDisorder(t, annotators, d));
    }

    /// <summary>
    /// A chance continuum for the expected disorder: each of the n annotator slots takes the units of an annotator drawn
    /// at random (with replacement) and places each unit, with its length and category, at a uniformly random start in
    /// [0, length - its length]. Positions and categories keep their real distributions; their alignment is chance.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static GammaUnit[] Shuffle(IReadOnlyList<GammaUnit> units, int annotators, double length, Random random)
    {
        var byAnnotator = new List<GammaUnit>[annotators];
        for (var a = 0; a < annotators; a++) byAnnotator[a] = [];
        foreach (var u in units) byAnnotator[u.Annotator].Add(u);
        var result = new List<GammaUnit>(units.Count);
        for (var slot = 0; slot < annotators; slot++)
        {
            foreach (var u in byAnnotator[random.Next(annotators)])
            {
                var start = random.NextDouble() * Math.Max(length - u.Length, 0);
                result.Add(new GammaUnit(slot, start, start + u.Length, u.Category));
            }
        }
        return result.ToArray();
    }
}

/// <summary>The Hungarian method for the least-cost assignment of rows to columns (rows beyond the columns stay unassigned).</summary>
public static class Hungarian
{
    /// <summary>For each row, the column it is assigned, or -1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int[] Solve(double[,] cost)
    {
        int rows = cost.GetLength(0), columns = cost.GetLength(1);
        var transpose = rows > columns;
        int n = transpose ? columns : rows, m = transpose ? rows : columns;
        double C(int i, int j) => transpose ? cost[j, i] : cost[i, j];
        var u = new double[n + 1];
        var v = new double[m + 1];
        var p = new int[m + 1];
        var way = new int[m + 1];
        var minv = new double[m + 1];
        var used = new bool[m + 1];
        for (var i = 1; i <= n; i++)
        {
            p[0] = i;
            var j0 = 0;
            Array.Fill(minv, double.PositiveInfinity);
            Array.Clear(used);
            do
            {
                used[j0] = true;
                int i0 = p[j0], j1 = 0;
                var delta = double.PositiveInfinity;
                for (var j = 1; j <= m; j++)
                {
                    if (used[j]) continue;
                    var cur = C(i0 - 1, j - 1) - u[i0] - v[j];
                    if (cur < minv[j]) { minv[j] = cur; way[j] = j0; }
                    if (minv[j] < delta) { delta = minv[j]; j1 = j; }
                }
                for (var j = 0; j <= m; j++)
                {
                    if (used[j]) { u[p[j]] += delta; v[j] -= delta; }
                    else minv[j] -= delta;
                }
                j0 = j1;
            } while (p[j0] != 0);
            do
            {
                var j1 = way[j0];
                p[j0] = p[j1];
                j0 = j1;
            } while (j0 != 0);
        }
        var result = new int[rows];
        Array.Fill(result, -1);
        for (var j = 1; j <= m; j++)
        {
            if (p[j] == 0) continue;
            if (transpose) result[j - 1] = p[j] - 1; else result[p[j] - 1] = j - 1;
        }
        return result;
    }
}
