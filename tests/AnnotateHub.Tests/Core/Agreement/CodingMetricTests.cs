using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>Cohen's kappa, Fleiss' kappa, Krippendorff's nominal alpha and Gwet's AC1 against published worked examples.</summary>
public sealed class CodingMetricTests
{
    private static int[] Repeat(params (int Value, int Count)[] runs) => runs.SelectMany(r => Enumerable.Repeat(r.Value, r.Count)).ToArray();

    [Fact]
    public void Cohen_kappa_matches_scikit_learn_on_Artstein_and_Poesio_table_1()
    {
        // scikit-learn test_cohen_kappa: the contingency table [[20, 20], [10, 50]].
        var y1 = Repeat((0, 40), (1, 60));
        var y2 = Repeat((0, 20), (1, 20), (0, 10), (1, 50));

        Assert.Equal(0.348, CohenKappa.FromLabels(y1, y2)!.Value, 3);
        Assert.Equal(CohenKappa.FromLabels(y1, y2), CohenKappa.FromLabels(y2, y1));
        Assert.Equal(1.0, CohenKappa.FromLabels(y1, y1)!.Value, 12);
    }

    [Fact]
    public void Cohen_kappa_matches_scikit_learn_on_the_multiclass_examples()
    {
        // Artstein and Poesio, table 4, and scikit-learn's unweighted weighting example.
        Assert.Equal(0.8013, CohenKappa.FromLabels(Repeat((0, 46), (1, 44), (2, 10)), Repeat((0, 52), (1, 32), (2, 16)))!.Value, 4);
        Assert.Equal(0.9315, CohenKappa.FromLabels(Repeat((0, 46), (1, 44), (2, 10)), Repeat((0, 50), (1, 40), (2, 10)))!.Value, 4);
    }

    [Fact]
    public void Cohen_kappa_is_null_when_both_annotators_used_one_and_the_same_category()
    {
        Assert.Null(CohenKappa.FromLabels(Repeat((0, 24)), Repeat((0, 24))));
        Assert.Null(CohenKappa.FromLabels(Array.Empty<int>(), Array.Empty<int>()));
    }

    [Fact]
    public void Kappa_is_zero_when_agreement_equals_chance()
    {
        // Independent marginals of one half each: p_o = p_e = 0.5.
        Assert.Equal(0.0, CohenKappa.FromLabels(Repeat((0, 2), (1, 2)), [0, 1, 0, 1])!.Value, 12);
    }

    /// <summary>Wikipedia's "Fleiss' kappa" worked example: 10 subjects, 14 raters, 5 categories.</summary>
    public static readonly int[][] FleissExample =
    [
        [0, 0, 0, 0, 14],
        [0, 2, 6, 4, 2],
        [0, 0, 3, 5, 6],
        [0, 3, 9, 2, 0],
        [2, 2, 8, 1, 1],
        [7, 7, 0, 0, 0],
        [3, 2, 6, 3, 0],
        [2, 5, 3, 2, 2],
        [6, 5, 2, 1, 0],
        [0, 2, 2, 3, 7],
    ];

    [Fact]
    public void Fleiss_kappa_matches_the_worked_example()
    {
        Assert.Equal(0.210, FleissKappa.FromCounts(FleissExample)!.Value, 3);
    }

    [Fact]
    public void Fleiss_kappa_is_null_when_units_have_different_numbers_of_annotators()
    {
        Assert.Null(FleissKappa.FromCounts([[2, 0], [1, 2]]));
        Assert.NotNull(FleissKappa.FromCounts([[2, 1], [1, 2]]));
    }

    /// <summary>Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", reliability data: 4 observers, 12 units.</summary>
    public static readonly int?[][] KrippendorffReliabilityData =
    [
        // A     B     C     D       (one row per unit)
        [1, 1, null, 1],
        [2, 2, 3, 2],
        [3, 3, 3, 3],
        [3, 3, 3, 3],
        [2, 2, 2, 2],
        [1, 2, 3, 4],
        [4, 4, 4, 4],
        [1, 1, 2, 1],
        [2, 2, 2, 2],
        [null, 5, 5, 5],
        [null, null, 1, 1],
        [null, 3, null, null],
    ];

    [Fact]
    public void Nominal_alpha_matches_Krippendorffs_reliability_data_example_with_missing_values()
    {
        var o = KrippendorffAlpha.Coincidences(KrippendorffReliabilityData.Select(u => (IReadOnlyList<int?>)u));

        Assert.Equal(0.743, KrippendorffAlpha.Nominal(o)!.Value, 3);
        // n = 40 pairable values; unit 12 has one value and adds nothing.
        Assert.Equal(40.0, o.Total(), 9);
    }

    [Fact]
    public void Nominal_alpha_is_null_when_every_value_is_the_same()
    {
        Assert.Null(KrippendorffAlpha.Nominal<int>([[1, 1], [1, 1, 1]]));
        Assert.Null(KrippendorffAlpha.Nominal<int>([[1, null]]));
    }

    [Fact]
    public void Gwet_ac1_matches_the_hand_example_and_stays_high_where_one_category_dominates()
    {
        // DKPro Statistics' Gwet2008Test: 8 items y/y, 1 n/n, 1 y/n.
        var table = CategoryMatrix<long>.From(new long[,] { { 8, 1 }, { 0, 1 } });

        Assert.Equal(0.8658, GwetAc1.FromTable(table)!.Value, 4);
        Assert.Equal(0.8658, GwetAc1.FromUnits(Enumerable.Repeat(new int?[] { 0, 0 }, 8).Append([1, 1]).Append([0, 1]).Append([0, null]))!.Value, 4);
        Assert.True(CohenKappa.FromTable(table) < 0.62, "kappa is pulled down by the skewed marginals, AC1 is not");
    }

    [Fact]
    public void Gwet_ac1_is_null_with_a_single_category()
    {
        Assert.Null(GwetAc1.FromTable(CategoryMatrix<long>.From(new long[,] { { 10 } })));
    }
}
