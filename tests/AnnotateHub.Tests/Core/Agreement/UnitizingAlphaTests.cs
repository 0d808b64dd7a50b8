using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>Krippendorff's alpha-u against the examples DKPro Statistics tests KrippendorffAlphaUnitizingAgreement with.</summary>
public sealed class UnitizingAlphaTests
{
    // Tolerances are DKPro's own (absolute, e.g. 0.00001), not decimal places: its expected values are rounded.

    [Fact]
    public void Section_distances_match_Krippendorff_2004_and_DKPro()
    {
        Assert.Equal(50.0, UnitizingAlpha.Distance(225, 70, true, 220, 80, true));
        Assert.Equal(850.0, UnitizingAlpha.Distance(370, 30, true, 355, 20, true));
        Assert.Equal(400.0, UnitizingAlpha.Distance(400, 50, false, 400, 20, true));
        Assert.Equal(37.0, UnitizingAlpha.Distance(1, 8, true, 2, 1, true));
        Assert.Equal(0.0, UnitizingAlpha.Distance(1, 8, true, 3, 1, false));
        Assert.Equal(26.0, UnitizingAlpha.Distance(5, 6, true, 4, 2, true));
        Assert.Equal(0.0, UnitizingAlpha.Distance(9, 2, false, 7, 4, false));
    }

    /// <summary>Krippendorff (2004: p. 254): continuum 150..450, two observers, categories c and k.</summary>
    private static UnitizingStudy Krippendorff2004() => new UnitizingStudy(2, 150, 300)
        .AddUnit(225, 70, 0, "c").AddUnit(370, 30, 0, "c")
        .AddUnit(220, 80, 1, "c").AddUnit(355, 20, 1, "c").AddUnit(400, 20, 1, "c")
        .AddUnit(180, 60, 0, "k").AddUnit(300, 50, 0, "k")
        .AddUnit(180, 60, 1, "k").AddUnit(300, 50, 1, "k");

    [Fact]
    public void Alpha_u_matches_Krippendorff_2004()
    {
        var study = Krippendorff2004();
        var alpha = study.Compute();
        int c = study.Category("c"), k = study.Category("k");

        Assert.Equal(0.8591, alpha.Agreement()!.Value, 0.0005);
        Assert.Equal(0.0144, alpha.ObservedDisagreement(c)!.Value, 0.0001);
        Assert.Equal(0.0532, alpha.ExpectedDisagreement(c)!.Value, 0.0001);
        Assert.Equal(0.7286, alpha.CategoryAgreement(c)!.Value, 0.0001);
        Assert.Equal(0.0, alpha.ObservedDisagreement(k)!.Value, 0.0001);
        Assert.Equal(0.0490, alpha.ExpectedDisagreement(k)!.Value, 0.0001);
        Assert.Equal(1.0, alpha.CategoryAgreement(k)!.Value, 0.0001);
    }

    [Fact]
    public void Alpha_u_matches_DKPros_small_example()
    {
        // r0: -11111111-   r1: --1-1-1---
        var study = new UnitizingStudy(2, 0, 10).AddUnit(1, 8, 0, "A").AddUnit(2, 1, 1, "A").AddUnit(4, 1, 1, "A").AddUnit(6, 1, 1, "A");
        var alpha = study.Compute();

        Assert.Equal(0.9100, alpha.ObservedDisagreement(0)!.Value, 0.0001);
        Assert.Equal(0.5351, alpha.ExpectedDisagreement(0)!.Value, 0.0001);
        Assert.Equal(-0.7003, alpha.CategoryAgreement(0)!.Value, 0.0001);
    }

    /// <summary>Krippendorff (1995: p. 57), four pairs of observers, one category each, stretched as DKPro does.</summary>
    private static UnitizingStudy Krippendorff1995(double stretch)
    {
        long S(double x) => (long)(x * stretch);
        return new UnitizingStudy(2, 0, S(24))
            .AddUnit(S(2), S(8), 0, "A").AddUnit(S(14), S(6), 0, "A").AddUnit(S(4), S(4), 1, "A").AddUnit(S(15), S(2), 1, "A")
            .AddUnit(S(0), S(18), 0, "B").AddUnit(S(0), S(2), 1, "B").AddUnit(S(2), S(1), 1, "B").AddUnit(S(3), S(1), 1, "B")
            .AddUnit(S(4), S(1), 1, "B").AddUnit(S(5), S(1), 1, "B").AddUnit(S(6), S(3), 1, "B").AddUnit(S(9), S(1), 1, "B")
            .AddUnit(S(2), S(6), 0, "C").AddUnit(S(10), S(2), 0, "C").AddUnit(S(14), S(4), 0, "C").AddUnit(S(20), S(2), 0, "C")
            .AddUnit(S(0), S(2), 1, "C").AddUnit(S(4), S(4), 1, "C").AddUnit(S(10), S(4), 1, "C").AddUnit(S(16), S(2), 1, "C").AddUnit(S(20), S(2), 1, "C")
            .AddUnit(S(0), S(2), 0, "D").AddUnit(S(2), S(8), 0, "D").AddUnit(S(10), S(4), 0, "D").AddUnit(S(14), S(6), 0, "D").AddUnit(S(20), S(4), 0, "D")
            .AddUnit(S(0), S(4), 1, "D").AddUnit(S(4), S(4), 1, "D").AddUnit(S(8), S(7), 1, "D").AddUnit(S(15), S(2), 1, "D").AddUnit(S(17), S(7), 1, "D");
    }

    [Fact]
    public void Alpha_u_matches_Krippendorff_1995_per_category()
    {
        var small = Krippendorff1995(1);
        var alpha = small.Compute();
        Assert.Equal(0.03125, alpha.ObservedDisagreement(small.Category("A"))!.Value, 0.00001);
        Assert.Equal(2.26736, alpha.ObservedDisagreement(small.Category("B"))!.Value, 0.00001);
        Assert.Equal(0.02777, alpha.ObservedDisagreement(small.Category("C"))!.Value, 0.00001);
        Assert.Equal(0.38715, alpha.ObservedDisagreement(small.Category("D"))!.Value, 0.00001);

        var large = Krippendorff1995(1200000 / 24.0);
        alpha = large.Compute();
        // DKPro's tolerances: 0.005 on D_e, 0.02 on alpha (the 1995 paper's D_e has a small error, see DKPro's test).
        Assert.InRange(alpha.ExpectedDisagreement(large.Category("A"))!.Value, 0.06990 - 0.005, 0.06990 + 0.005);
        Assert.InRange(alpha.ExpectedDisagreement(large.Category("B"))!.Value, 1.17731 - 0.005, 1.17731 + 0.005);
        Assert.InRange(alpha.ExpectedDisagreement(large.Category("C"))!.Value, 0.08642 - 0.005, 0.08642 + 0.005);
        Assert.InRange(alpha.ExpectedDisagreement(large.Category("D"))!.Value, 0.41445 - 0.005, 0.41445 + 0.005);
        Assert.InRange(alpha.CategoryAgreement(large.Category("A"))!.Value, 0.553 - 0.02, 0.553 + 0.02);
        Assert.InRange(alpha.CategoryAgreement(large.Category("B"))!.Value, -0.926 - 0.02, -0.926 + 0.02);
        Assert.InRange(alpha.CategoryAgreement(large.Category("C"))!.Value, 0.679 - 0.02, 0.679 + 0.02);
        Assert.InRange(alpha.CategoryAgreement(large.Category("D"))!.Value, 0.066 - 0.02, 0.066 + 0.02);
    }

    [Fact]
    public void Alpha_u_of_the_1995_study_on_a_short_continuum_matches_DKPro()
    {
        var study = Krippendorff1995(12 / 24.0);
        var alpha = study.Compute();

        Assert.Equal(0.02777, alpha.ObservedDisagreement(study.Category("C"))!.Value, 0.00001);
        Assert.Equal(0.05494, alpha.ExpectedDisagreement(study.Category("C"))!.Value, 0.00001);
    }

    [Fact]
    public void Alpha_u_is_null_without_units_and_zero_for_a_single_unit()
    {
        Assert.Null(new UnitizingStudy(3, 0, 20).Compute().Agreement());
        Assert.Equal(0.0, new UnitizingStudy(3, 0, 20).AddUnit(0, 1, 0, "X").Compute().Agreement()!.Value, 9);
    }

    [Fact]
    public void Repeating_a_document_halves_the_observed_disagreement_as_the_squared_length_quadruples()
    {
        // A document's units as one continuum, twice: the pair sums and unit statistics simply add.
        var one = new UnitizingAlpha();
        IReadOnlyList<IReadOnlyList<UnitizingUnit>> units = [[new(2, 3, 0)], [new(3, 3, 0)]];
        one.AddContinuum(0, 20, units);
        var twice = new UnitizingAlpha();
        twice.AddContinuum(0, 20, units);
        twice.AddContinuum(0, 20, units);

        Assert.Equal(one.ObservedDisagreement(0)!.Value / 2, twice.ObservedDisagreement(0)!.Value, 12);
    }

    [Fact]
    public void A_continuum_with_one_annotator_changes_nothing()
    {
        IReadOnlyList<IReadOnlyList<UnitizingUnit>> units = [[new(2, 3, 0)], [new(3, 3, 0)]];
        var alpha = new UnitizingAlpha();
        alpha.AddContinuum(0, 20, units);
        var before = alpha.Agreement();
        alpha.AddContinuum(0, 50, [[new(1, 9, 0), new(20, 5, 1)]]);

        Assert.Equal(before, alpha.Agreement());
    }
}
