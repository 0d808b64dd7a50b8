namespace AnnotateHub.Core.Agreement;

/// <summary>
/// Krippendorff's alpha for nominal data, through the coincidence matrix, which is what lets it take units that not
/// every annotator judged: a unit judged by m_u &gt;= 2 annotators adds 1/(m_u - 1) to o[c, k] for every ordered pair of
/// its judgements (c from one annotator, k from another); units with fewer than two judgements add nothing.
/// alpha = 1 - (n - 1) * sum_{c != k} o[c, k] / sum_{c != k} n_c n_k, with n_c the row sums and n their total.
/// Null when there is nothing to disagree about (fewer than two pairable values, or a single category).
/// </summary>
public static class KrippendorffAlpha
{
    /// <summary>Nominal alpha of a coincidence matrix; null when it holds fewer than two pairable values or no expected disagreement.</summary>
    public static double? Nominal(CategoryMatrix<double> coincidence)
    {
        var size = coincidence.Size;
        double n = 0, sumSquares = 0, disagreement = 0;
        for (var c = 0; c < size; c++)
        {
            var nc = coincidence.RowSum(c);
            n += nc;
            sumSquares += nc * nc;
            for (var k = 0; k < size; k++) if (k != c) disagreement += coincidence[c, k];
        }
        var expected = n * n - sumSquares;
        if (n <= 1 || expected <= 1e-9 * n * n) return null;
        return 1 - (n - 1) * disagreement / expected;
    }

    /// <summary>
    /// Adds one unit to a coincidence matrix from the counts of ordered annotator pairs on it:
    /// <paramref name="orderedPairs"/>[c, k] pairs where one said c and the other k, m the unit's annotators.
    /// </summary>
    public static void AddPairs(CategoryMatrix<double> coincidence, CategoryMatrix<long> orderedPairs, int m)
    {
        if (m < 2) return;
        coincidence.EnsureSize(orderedPairs.Size);
        for (var c = 0; c < orderedPairs.Size; c++)
        for (var k = 0; k < orderedPairs.Size; k++)
        {
            var pairs = orderedPairs[c, k];
            if (pairs != 0) coincidence.Add(c, k, pairs / (double)(m - 1));
        }
    }

    /// <summary>The coincidence matrix of reliability data: one array per unit, one value per annotator, null where they gave none.</summary>
    public static CategoryMatrix<double> Coincidences<T>(IEnumerable<IReadOnlyList<T?>> units, IDictionary<T, int>? ids = null) where T : struct
    {
        ids ??= new Dictionary<T, int>();
        var o = new CategoryMatrix<double>();
        foreach (var unit in units)
        {
            var values = new List<int>();
            foreach (var v in unit)
            {
                if (v is not { } value) continue;
                if (!ids.TryGetValue(value, out var id)) { id = ids.Count; ids[value] = id; }
                values.Add(id);
            }
            if (values.Count < 2) continue;
            for (var i = 0; i < values.Count; i++)
            for (var j = 0; j < values.Count; j++)
                if (i != j) o.Add(values[i], values[j], 1.0 / (values.Count - 1));
        }
        return o;
    }

    /// <summary>Nominal alpha of reliability data (see <see cref="Coincidences"/>); values are compared by equality.</summary>
    public static double? Nominal<T>(IEnumerable<IReadOnlyList<T?>> units) where T : struct => Nominal(Coincidences(units));

    /// <summary>Alpha of one category against all others: the coincidence matrix collapsed to two rows.</summary>
    public static double? NominalBinary(CategoryMatrix<double> coincidence, int category)
    {
        var binary = new CategoryMatrix<double>(2);
        for (var c = 0; c < coincidence.Size; c++)
        for (var k = 0; k < coincidence.Size; k++)
            binary.Add(c == category ? 0 : 1, k == category ? 0 : 1, coincidence[c, k]);
        return Nominal(binary);
    }
}
