using System.Globalization;
using System.Text.Json;
using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Labels;

namespace AnnotateHub.Tests.Core.Agreement;

/// <summary>
/// Agreement on what spans say: Krippendorff's alpha per (label, attribute) over spans two or more annotators marked with
/// the same start, end and label. Expected values are computed by hand from Krippendorff (2011), "Computing Krippendorff's
/// Alpha-Reliability": alpha = 1 - D_o / D_e, D_o = (1/n) sum_u 1/(m_u - 1) sum_{i != j in u} delta(v_i, v_j),
/// D_e = 1/(n(n-1)) sum_{i != j over all n pairable values} delta(v_i, v_j); nominal delta 0/1, interval (v_i - v_j)^2.
/// </summary>
public sealed class AttributeAgreementTests
{
    private static readonly string Text = string.Join(' ', Enumerable.Repeat("word", 60));

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>> Casualty =
        new Dictionary<string, IReadOnlyList<AttributeDefinition>>(StringComparer.Ordinal)
        {
            ["casualty figure"] =
            [
                new("count", AttributeKind.Number, Min: 0),
                new("status", AttributeKind.Choice, ["killed", "injured", "missing"]),
            ],
            ["actor"] = [],
        };

    private static Dictionary<string, string> V(params (string Name, string Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.Ordinal);

    /// <summary>Span number <paramref name="unit"/> of the text (10 code points apart), of a casualty figure.</summary>
    private static AgreementSpan S(string who, int unit, Dictionary<string, string>? values, string label = "casualty figure") =>
        new(who, unit * 10, unit * 10 + 4, label, values);

    private static AgreementReport Report(IEnumerable<AgreementSpan> spans, IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>? definitions,
        params string[] annotators)
    {
        var doc = AgreementDocument.FromText("1", Text, annotators.Length == 0 ? ["ana", "ben"] : annotators, spans);
        return AgreementCalculator.Compute([doc], new AgreementOptions { Gamma = false, LabelAttributes = definitions });
    }

    private static AttributeAgreement Row(AgreementReport report, string attribute, string label = "casualty figure") =>
        Assert.Single(report.Attributes, a => a.Label == label && a.Attribute == attribute);

    private static Dictionary<string, string> Count(int n) => V(("count", n.ToString(CultureInfo.InvariantCulture)));

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Counts_10_10_and_12_10_and_5_5_give_interval_alpha_twelve_thirteenths(bool defined)
    {
        // Three shared spans, two annotators: (10, 10), (12, 10), (5, 5). n = 6 pairable values, m_u = 2 everywhere.
        // Observed: only the second unit disagrees, (12 - 10)^2 both ways = 8, over m_u - 1 = 1: D_o = 8 / 6 = 4/3.
        // Expected: sum over ordered pairs of all six values = 2 n sum v^2 - 2 (sum v)^2 = 2*6*494 - 2*52^2 = 5928 - 5408 = 520,
        // D_e = 520 / (6*5) = 52/3. alpha = 1 - (4/3) / (52/3) = 1 - 1/13 = 12/13.
        var report = Report([
            S("ana", 1, Count(10)), S("ben", 1, Count(10)),
            S("ana", 2, Count(12)), S("ben", 2, Count(10)),
            S("ana", 3, Count(5)), S("ben", 3, Count(5)),
        ], defined ? Casualty : null);

        var count = Row(report, "count");
        Assert.Equal(("interval", 3L, 6L), (count.Metric, count.Units, count.Values));
        Assert.Equal(defined ? "number" : null, count.Kind);
        Assert.Equal(12.0 / 13, count.Alpha!.Value, 1e-9);
        Assert.Equal(4.0 / 3, count.ObservedDisagreement!.Value, 1e-9);
        Assert.Equal(52.0 / 3, count.ExpectedDisagreement!.Value, 1e-9);
        // The same values compared as categories would be 12/10 wrong as much as 12/5 would: nominal is not what a number gets.
        Assert.NotEqual(0.5, count.Alpha!.Value, 1e-3);
    }

    [Fact]
    public void A_choice_gets_nominal_alpha()
    {
        // (killed, killed), (injured, killed), (missing, missing), (injured, injured): n = 8.
        // D_o = 2 (the two ordered pairs of unit 2) / 8 = 1/4. n_killed = 3, n_injured = 3, n_missing = 2:
        // sum_{c != k} n_c n_k = 64 - (9 + 9 + 4) = 42, D_e = 42 / 56 = 3/4. alpha = 1 - (1/4) / (3/4) = 2/3.
        static Dictionary<string, string> St(string s) => V(("status", s));
        var spans = new[]
        {
            S("ana", 1, St("killed")), S("ben", 1, St("killed")),
            S("ana", 2, St("injured")), S("ben", 2, St("killed")),
            S("ana", 3, St("missing")), S("ben", 3, St("missing")),
            S("ana", 4, St("injured")), S("ben", 4, St("injured")),
        };

        foreach (var definitions in new[] { Casualty, null })
        {
            var status = Row(Report(spans, definitions), "status");
            Assert.Equal(("nominal", 4L, 8L), (status.Metric, status.Units, status.Values));
            Assert.Equal(definitions is null ? null : "choice", status.Kind);
            Assert.Equal(2.0 / 3, status.Alpha!.Value, 1e-9);
            Assert.Equal(0.25, status.ObservedDisagreement!.Value, 1e-9);
            Assert.Equal(0.75, status.ExpectedDisagreement!.Value, 1e-9);
        }
    }

    [Fact]
    public void A_missing_value_is_left_out_not_counted_as_a_category()
    {
        // Three annotators. Unit 1: ana 10, ben 12, cy marked the span but gave no count -> m = 2.
        // Unit 2: 5, 5, 5 -> m = 3. Unit 3: only ana gave a count -> not pairable. n = 5: 10, 12, 5, 5, 5.
        // D_o = (8 / 1 + 0 / 2) / 5 = 1.6. Sum over ordered pairs = 2*5*319 - 2*37^2 = 3190 - 2738 = 452, D_e = 452 / 20 = 22.6.
        // alpha = 1 - 1.6 / 22.6 = 105/113.
        var report = Report([
            S("ana", 1, Count(10)), S("ben", 1, Count(12)), S("cy", 1, V(("status", "killed"))),
            S("ana", 2, Count(5)), S("ben", 2, Count(5)), S("cy", 2, Count(5)),
            S("ana", 3, Count(7)), S("ben", 3, null), S("cy", 3, null),
        ], Casualty, "ana", "ben", "cy");

        var count = Row(report, "count");
        Assert.Equal((2L, 5L), (count.Units, count.Values));
        Assert.Equal(105.0 / 113, count.Alpha!.Value, 1e-9);
        Assert.Equal(1.6, count.ObservedDisagreement!.Value, 1e-9);
        Assert.Equal(22.6, count.ExpectedDisagreement!.Value, 1e-9);
        // status: one value on one span, nothing to pair.
        var status = Row(report, "status");
        Assert.Equal((0L, 0L, null, null), (status.Units, status.Values, status.Alpha, status.ObservedDisagreement));
    }

    [Fact]
    public void Spans_that_do_not_match_exactly_are_not_units()
    {
        var report = Report([
            // One code point longer: not the same span.
            new AgreementSpan("ana", 10, 14, "casualty figure", Count(10)), new AgreementSpan("ben", 10, 15, "casualty figure", Count(12)),
            // Same place, another label.
            new AgreementSpan("ana", 20, 24, "casualty figure", Count(3)), new AgreementSpan("ben", 20, 24, "claim", Count(4)),
            // A third annotator who is not among those who count.
            new AgreementSpan("ana", 30, 34, "casualty figure", Count(3)), new AgreementSpan("cy", 30, 34, "casualty figure", Count(9)),
        ], Casualty);

        // Defined attributes are listed all the same, with nothing measured.
        Assert.Equal([("casualty figure", "count", "interval"), ("casualty figure", "status", "nominal")],
            report.Attributes.Select(a => (a.Label, a.Attribute, a.Metric)));
        Assert.All(report.Attributes, a => Assert.Equal((0L, 0L, null, null, null), (a.Units, a.Values, a.Alpha, a.ObservedDisagreement, a.ExpectedDisagreement)));
        // Without definitions only what was seen on shared spans is listed: nothing.
        Assert.Empty(Report([
            new AgreementSpan("ana", 10, 14, "casualty figure", Count(10)), new AgreementSpan("ben", 10, 15, "casualty figure", Count(12)),
        ], null).Attributes);
    }

    [Fact]
    public void Alpha_is_undefined_without_variation_and_without_pairable_values()
    {
        // Every count is 10: D_e = 0, alpha undefined (Krippendorff's 0/0), as KrippendorffAlpha.Nominal with one category.
        var same = Report([S("ana", 1, Count(10)), S("ben", 1, Count(10)), S("ana", 2, Count(10)), S("ben", 2, Count(10))], Casualty);
        var count = Row(same, "count");
        Assert.Equal((2L, 4L, (double?)null), (count.Units, count.Values, count.Alpha));
        Assert.Equal((0.0, 0.0), (count.ObservedDisagreement!.Value, count.ExpectedDisagreement!.Value));

        // One unit that agrees on a choice: a single category, undefined too.
        var one = Row(Report([S("ana", 1, V(("status", "killed"))), S("ben", 1, V(("status", "killed")))], Casualty), "status");
        Assert.Equal((1L, 2L, (double?)null), (one.Units, one.Values, one.Alpha));

        // Perfect agreement with variation is 1; complete disagreement on two units of two is below 0.
        var perfect = Row(Report([S("ana", 1, Count(1)), S("ben", 1, Count(1)), S("ana", 2, Count(2)), S("ben", 2, Count(2))], Casualty), "count");
        Assert.Equal(1.0, perfect.Alpha!.Value, 1e-12);
        // (1, 2), (2, 1): D_o = (1 + 1 + 1 + 1) / 4 = 1; values 1, 2, 2, 1: sum over ordered pairs = 8, D_e = 8 / 12. alpha = 1 - 1.5 = -0.5.
        var opposed = Row(Report([S("ana", 1, Count(1)), S("ben", 1, Count(2)), S("ana", 2, Count(2)), S("ben", 2, Count(1))], Casualty), "count");
        Assert.Equal(-0.5, opposed.Alpha!.Value, 1e-12);
    }

    [Fact]
    public void Krippendorffs_2011_example_with_four_observers_and_missing_data()
    {
        // Krippendorff (2011), sections C and E: 4 observers, 12 units, values 1-5, missing data; the paper gives nominal
        // alpha 0.743 and interval alpha 0.849. Exactly (n = 40): nominal 113/152 = 0.743421..., interval 0.849107142857...
        int?[][] data =
        [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
            [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
        ];
        string[] observers = ["A", "B", "C", "D"];
        var spans = new List<AgreementSpan>();
        for (var o = 0; o < 4; o++)
        for (var u = 0; u < 12; u++)
            if (data[o][u] is { } v)
            {
                var value = v.ToString(CultureInfo.InvariantCulture);
                spans.Add(S(observers[o], u, V(("count", value), ("status", "s" + value))));
            }

        var report = Report(spans, null, observers);

        var interval = Row(report, "count");
        Assert.Equal(("interval", null, 11L, 40L), (interval.Metric, interval.Kind, interval.Units, interval.Values));
        Assert.Equal(0.849, interval.Alpha!.Value, 0.0005);
        Assert.Equal(0.8491071428571428, interval.Alpha!.Value, 1e-9);
        var nominal = Row(report, "status");
        Assert.Equal(("nominal", 11L, 40L), (nominal.Metric, nominal.Units, nominal.Values));
        Assert.Equal(0.743, nominal.Alpha!.Value, 0.0005);
        Assert.Equal(113.0 / 152, nominal.Alpha!.Value, 1e-9);
    }

    [Fact]
    public void An_undefined_attribute_is_nominal_once_any_value_on_a_shared_span_is_not_a_number_and_note_is_never_measured()
    {
        var report = Report([
            S("ana", 1, V(("count", "10"), ("note", "check"))), S("ben", 1, V(("count", "ten"), ("note", "ok"))),
            S("ana", 2, V(("count", "12"), ("who", "soldiers"))), S("ben", 2, V(("count", "12"), ("who", "soldiers"))),
        ], null);

        Assert.Equal(["count", "who"], report.Attributes.Select(a => a.Attribute));
        var count = Row(report, "count");
        Assert.Equal(("nominal", 2L, 4L), (count.Metric, count.Units, count.Values));
        // 10/ten disagree: D_o = 2/4; values 10, ten, 12, 12: 16 - (1 + 1 + 4) = 10, D_e = 10/12. alpha = 1 - 0.5 / (5/6) = 0.4.
        Assert.Equal(0.4, count.Alpha!.Value, 1e-9);
    }

    [Fact]
    public void The_order_of_spans_and_an_annotators_duplicate_spans_do_not_change_the_result()
    {
        AgreementSpan[] spans =
        [
            S("ana", 1, Count(10)), S("ben", 1, Count(12)), S("ben", 1, Count(11)), // ben twice: the smaller value (ordinal) "11"
            S("ana", 2, Count(5)), S("ben", 2, Count(7)),
            S("ana", 3, Count(8)), S("ben", 3, null),
        ];
        var forward = Row(Report(spans, Casualty), "count");
        var backward = Row(Report(spans.Reverse(), Casualty), "count");
        Assert.Equal(forward, backward);
        // Units (10, 11) and (5, 7): n = 4, D_o = (2 + 8) / 4 = 2.5; values 10, 11, 5, 7: mean 8.25, M2 = 22.75,
        // sum over ordered pairs = 2 * 4 * 22.75 = 182, D_e = 182 / 12. alpha = 1 - 2.5 * 12 / 182 = 1 - 30/182.
        Assert.Equal((2L, 4L), (forward.Units, forward.Values));
        Assert.Equal(1 - 30.0 / 182, forward.Alpha!.Value, 1e-9);
    }

    [Fact]
    public void The_json_report_has_an_attributes_section_and_the_csv_rows_for_it()
    {
        var report = Report([S("ana", 1, Count(10)), S("ben", 1, Count(12)), S("ana", 2, Count(5)), S("ben", 2, Count(5))], Casualty);

        using var json = JsonDocument.Parse(AgreementJson.Serialize(report));
        var first = json.RootElement.GetProperty("attributes").EnumerateArray().First();
        Assert.Equal(("casualty figure", "count", "number", "interval", 2, 4),
            (first.GetProperty("label").GetString(), first.GetProperty("attribute").GetString(), first.GetProperty("kind").GetString(),
             first.GetProperty("metric").GetString(), first.GetProperty("units").GetInt32(), first.GetProperty("values").GetInt32()));
        Assert.Equal(Row(report, "count").Alpha!.Value, first.GetProperty("alpha").GetDouble(), 1e-12);
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("attributes")[1].GetProperty("alpha").ValueKind);

        var csv = AgreementCsv.Write(report).Split("\r\n");
        var alpha = Row(report, "count").Alpha!.Value.ToString("R", CultureInfo.InvariantCulture);
        Assert.Contains($"attribute,count,,casualty figure,,,krippendorff_alpha_interval,{alpha}", csv);
        Assert.Contains("attribute,count,,casualty figure,,,units,2", csv);
        Assert.Contains("attribute,status,,casualty figure,,,krippendorff_alpha_nominal,", csv);
    }

    [Fact]
    public void Spans_without_values_leave_the_section_empty_and_everything_else_as_it_was()
    {
        var plain = new[] { S("ana", 1, null), S("ben", 1, null), S("ana", 2, null), S("ben", 3, null) };
        var withValues = plain.Select(s => s with { Attributes = Count(s.Start) }).ToArray();

        var without = Report(plain, null);
        var with = Report(withValues, null);

        Assert.Empty(without.Attributes);
        Assert.Single(with.Attributes);
        Assert.Equal(AgreementJson.Serialize(without with { Attributes = [] }), AgreementJson.Serialize(with with { Attributes = [] }));
    }
}
