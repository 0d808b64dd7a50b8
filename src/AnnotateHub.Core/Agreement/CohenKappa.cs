namespace AnnotateHub.Core.Agreement;

/// <summary>
/// Cohen's kappa for two annotators: (p_o - p_e) / (1 - p_e), p_o the share of units they put in the same category,
/// p_e the agreement expected from each annotator's own category distribution. Null when p_e is 1 (both used one and
/// the same category for everything) or there are no units.
/// </summary>
public static class CohenKappa
{
    /// <summary><paramref name="table"/>[i, j]: units the first annotator put in category i and the second in j.</summary>
    public static double? FromTable(CategoryMatrix<long> table)
    {
        var n = table.Total();
        if (n == 0) return null;
        long agree = table.Diagonal();
        // p_e * n^2 = sum_k row_k * col_k, kept in integers so "p_e is exactly 1" is an exact test.
        Int128 chance = 0;
        for (var k = 0; k < table.Size; k++) chance += (Int128)table.RowSum(k) * table.ColumnSum(k);
        var n2 = (Int128)n * n;
        if (chance == n2) return null;
        var po = (double)agree / n;
        var pe = (double)chance / (double)n2;
        return (po - pe) / (1 - pe);
    }

    /// <summary>Kappa of two parallel lists of categories (unit i is <c>a[i]</c> for one annotator, <c>b[i]</c> for the other).</summary>
    public static double? FromLabels<T>(IReadOnlyList<T> a, IReadOnlyList<T> b) where T : notnull
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(a.Count, b.Count, nameof(b));
        var ids = new Dictionary<T, int>();
        int Id(T value) => ids.TryGetValue(value, out var id) ? id : ids[value] = ids.Count;
        var table = new CategoryMatrix<long>();
        for (var i = 0; i < a.Count; i++) table.Add(Id(a[i]), Id(b[i]), 1);
        return FromTable(table);
    }
}

/// <summary>
/// Fleiss' kappa for units that all have the same number n of annotators: (P - P_e) / (1 - P_e), P the mean over units
/// of sum_j n_ij (n_ij - 1) / (n (n - 1)), P_e = sum_j p_j^2 with p_j the share of all judgements in category j.
/// Null when units differ in their number of annotators, n is below 2, or P_e is 1.
/// </summary>
public static class FleissKappa
{
    /// <summary>Each row holds one unit's count of annotators per category (rows of equal sum).</summary>
    public static double? FromCounts(IEnumerable<IReadOnlyList<int>> rows)
    {
        long units = 0;
        var raters = -1;
        double agreement = 0;
        var totals = new List<long>();
        foreach (var row in rows)
        {
            var n = row.Sum();
            if (raters < 0) raters = n;
            else if (raters != n) return null;
            long same = 0;
            for (var j = 0; j < row.Count; j++)
            {
                same += (long)row[j] * (row[j] - 1);
                while (totals.Count <= j) totals.Add(0);
                totals[j] += row[j];
            }
            if (n >= 2) agreement += (double)same / ((long)n * (n - 1));
            units++;
        }
        return units == 0 ? null : FromSums(units, raters, agreement / units, totals);
    }

    /// <summary>
    /// From sums a caller accumulated: <paramref name="meanAgreement"/> is P, <paramref name="categoryTotals"/> the
    /// number of judgements per category over all units.
    /// </summary>
    public static double? FromSums(long units, int raters, double meanAgreement, IReadOnlyList<long> categoryTotals)
    {
        if (units == 0 || raters < 2) return null;
        double all = (double)units * raters;
        double pe = 0;
        foreach (var t in categoryTotals) pe += (t / all) * (t / all);
        if (categoryTotals.Count(t => t > 0) < 2) return null;
        return (meanAgreement - pe) / (1 - pe);
    }
}

/// <summary>
/// Gwet's AC1 (2008): (p_a - p_e) / (1 - p_e) with chance agreement p_e = 1/(Q-1) sum_k pi_k (1 - pi_k), pi_k the
/// share of all judgements in category k and Q the number of categories used. Unlike kappa it stays near the observed
/// agreement when one category (as O) dominates. Null when fewer than two categories were used or no unit has two
/// annotators.
/// </summary>
public static class GwetAc1
{
    /// <summary>
    /// <paramref name="observedAgreement"/>: mean over units with at least two annotators of
    /// sum_k r_ik (r_ik - 1) / (r_i (r_i - 1)); <paramref name="categoryTotals"/>: judgements per category in those units.
    /// </summary>
    public static double? FromSums(double observedAgreement, IReadOnlyList<long> categoryTotals)
    {
        var q = categoryTotals.Count(t => t > 0);
        if (q < 2) return null;
        double all = categoryTotals.Sum();
        double pe = 0;
        foreach (var t in categoryTotals)
        {
            var pi = t / all;
            pe += pi * (1 - pi);
        }
        pe /= q - 1;
        return (observedAgreement - pe) / (1 - pe);
    }

    /// <summary>AC1 of two annotators from their contingency table.</summary>
    public static double? FromTable(CategoryMatrix<long> table)
    {
        var n = table.Total();
        if (n == 0) return null;
        var totals = new long[table.Size];
        for (var k = 0; k < table.Size; k++) totals[k] = table.RowSum(k) + table.ColumnSum(k);
        return FromSums((double)table.Diagonal() / n, totals);
    }

    /// <summary>AC1 of reliability data: one array per unit, one value per annotator, null where they gave none.</summary>
    public static double? FromUnits<T>(IEnumerable<IReadOnlyList<T?>> units) where T : struct
    {
        var ids = new Dictionary<T, int>();
        var totals = new List<long>();
        double agreement = 0;
        long pairable = 0;
        foreach (var unit in units)
        {
            var counts = new Dictionary<int, int>();
            foreach (var v in unit)
            {
                if (v is not { } value) continue;
                if (!ids.TryGetValue(value, out var id)) { id = ids[value] = ids.Count; totals.Add(0); }
                counts[id] = counts.GetValueOrDefault(id) + 1;
            }
            var r = counts.Values.Sum();
            if (r < 2) continue;
            pairable++;
            agreement += counts.Values.Sum(c => (double)c * (c - 1)) / ((double)r * (r - 1));
            foreach (var (id, c) in counts) totals[id] += c;
        }
        return pairable == 0 ? null : FromSums(agreement / pairable, totals);
    }
}
