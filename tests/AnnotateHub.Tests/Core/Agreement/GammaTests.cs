using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>
/// Mathet's gamma against the pygamma-agreement 0.5.9 fixtures DKPro Statistics carries
/// (src/test/resources/pygamma): their continua and the best-alignment (observed) disorder pygamma's MILP found.
/// </summary>
public sealed class GammaTests
{
    private static readonly Dictionary<string, int> Categories = new() { ["a"] = 0, ["b"] = 1, ["c"] = 2 };

    private static GammaUnit U(int annotator, double start, double end, string category) => new(annotator, start, end, Categories[category]);

    [Fact]
    public void Dissimilarities_match_pygamma()
    {
        var d = new GammaDissimilarity();
        Assert.Equal(0.0625, d.Combined(U(0, 1, 5, "a"), U(1, 2, 6, "a")), 9);
        Assert.Equal(3.25, d.Combined(U(0, 1, 5, "a"), U(1, 7, 11, "b")), 9);
        Assert.Equal(0.020408163, d.Positional(U(0, 1, 5, "a"), U(2, 1, 4, "a")), 8);
        var weighted = new GammaDissimilarity(Alpha: 3, Beta: 2);
        Assert.Equal(3.814814806, weighted.Combined(U(0, 6, 10, "b"), U(1, 2, 7, "a")), 6);
    }

    [Fact]
    public void Fixture_01_two_annotators_simple()
    {
        GammaUnit[] units =
        [
            U(0, 1, 5, "a"), U(0, 6, 10, "b"), U(0, 11, 15, "a"),
            U(1, 2, 6, "a"), U(1, 7, 11, "b"), U(1, 12, 16, "a"),
        ];
        Assert.Equal(0.0625, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity())!.Value, 6);
    }

    [Fact]
    public void Fixture_02_unequal_counts_leaves_units_unaligned_at_delta_empty()
    {
        GammaUnit[] units =
        [
            U(0, 1, 5, "a"), U(0, 6, 10, "b"), U(0, 20, 24, "a"), U(0, 30, 34, "b"),
            U(1, 2, 6, "a"), U(1, 31, 35, "b"),
        ];
        Assert.Equal(0.7083333134651184, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity())!.Value, 6);
    }

    [Fact]
    public void Fixture_03_identical_annotators_have_no_disorder()
    {
        GammaUnit[] units = [U(0, 1, 5, "a"), U(0, 8, 12, "b"), U(1, 1, 5, "a"), U(1, 8, 12, "b")];
        Assert.Equal(0.0, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity())!.Value, 12);
    }

    [Fact]
    public void Fixture_04_three_annotators()
    {
        GammaUnit[] units =
        [
            U(0, 1, 5, "a"), U(0, 10, 14, "b"),
            U(1, 2, 6, "a"), U(1, 11, 15, "b"),
            U(2, 1, 4, "a"), U(2, 9, 14, "c"),
        ];
        Assert.Equal(0.40875643491744995, Gamma.ObservedDisorder(units, 3, new GammaDissimilarity())!.Value, 6);
    }

    [Fact]
    public void Fixture_06_weighted_alpha_3_beta_2()
    {
        GammaUnit[] units =
        [
            U(0, 1, 5, "a"), U(0, 6, 10, "b"), U(0, 11, 15, "c"),
            U(1, 2, 7, "a"), U(1, 8, 12, "b"), U(1, 11, 15, "a"),
        ];
        Assert.Equal(1.0277777910232544, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity(Alpha: 3, Beta: 2))!.Value, 6);
    }

    [Fact]
    public void Fixture_01_sampled_continuum_disorder_matches_pygamma()
    {
        // The first chance continuum pygamma sampled for fixture 01 (tier 2) and its best-alignment disorder.
        GammaUnit[] units =
        [
            U(0, 0.6730024422799801, 4.67300244227998, "a"), U(0, 5.099476589298938, 9.099476589298938, "b"), U(0, 10.706344204657507, 14.706344204657507, "a"),
            U(1, 0.5403605847111163, 4.540360584711117, "a"), U(1, 5.368021339993954, 9.368021339993954, "b"), U(1, 10.758209708920607, 14.758209708920607, "b"),
        ];
        Assert.Equal(0.3352583348751068, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity())!.Value, 5);
    }

    [Fact]
    public void Large_groups_of_two_annotators_are_aligned_exactly_by_the_hungarian_method()
    {
        // 12 + 12 overlapping units form one group larger than the exact search; with two annotators the assignment is
        // optimal, so shifting every unit of one annotator by one code point gives each pair its own small disorder.
        var units = new List<GammaUnit>();
        for (var i = 0; i < 12; i++)
        {
            units.Add(new GammaUnit(0, i * 3, i * 3 + 4, 0));
            units.Add(new GammaUnit(1, i * 3 + 1, i * 3 + 5, 0));
        }
        // Each pair: ((1 + 1) / 8)^2 = 0.0625.
        Assert.Equal(0.0625, Gamma.ObservedDisorder(units, 2, new GammaDissimilarity())!.Value, 9);
    }

    [Fact]
    public void Hungarian_finds_the_least_cost_assignment()
    {
        var match = Hungarian.Solve(new double[,] { { 4, 1, 3 }, { 2, 0, 5 }, { 3, 2, 2 } });
        Assert.Equal([1, 0, 2], match);
        Assert.Equal([-1, 0], Hungarian.Solve(new double[,] { { 5 }, { 1 } }));
    }

    [Fact]
    public void Shuffles_are_reproducible_from_the_seed()
    {
        GammaUnit[] units = [U(0, 1, 5, "a"), U(1, 2, 6, "b")];
        Assert.Equal(Gamma.Shuffle(units, 2, 100, new Random(7)), Gamma.Shuffle(units, 2, 100, new Random(7)));
    }
}
