using System.Globalization;
using AnnotateHub.Core.Labels;

namespace AnnotateHub.Core.Agreement;

/// <summary>
/// Agreement on one attribute of one label (what the spans say, issue 19): Krippendorff's alpha over the spans that two
/// or more annotators marked with exactly the same start, end and label, each annotator's value one coder value of that
/// unit; a missing value is missing, not a category. Null figures are undefined (no pairable values, or no variation).
/// </summary>
/// <param name="Label">The label's name.</param>
/// <param name="Attribute">The attribute's name.</param>
/// <param name="Kind">The attribute's kind as the label defines it (<see cref="AttributeJson.KindName"/>); null when it was not
/// defined and the metric was inferred from the values.</param>
/// <param name="Metric"><c>interval</c> (numbers: squared differences) or <c>nominal</c> (equal or not).</param>
/// <param name="Units">Shared spans with two or more values of the attribute (the pairable units).</param>
/// <param name="Values">Values in those units (the pairable values, Krippendorff's n).</param>
/// <param name="Alpha">1 - D_o / D_e; null when there are no pairable values or D_e is 0 (every value the same).</param>
/// <param name="ObservedDisagreement">D_o, the mean disagreement of the values within units; null without values.</param>
/// <param name="ExpectedDisagreement">D_e, the mean disagreement of all pairs of pairable values; null without values.</param>
public sealed record AttributeAgreement(
    string Label,
    string Attribute,
    string? Kind,
    string Metric,
    long Units,
    long Values,
    double? Alpha,
    double? ObservedDisagreement,
    double? ExpectedDisagreement);

/// <summary>
/// Streams the agreement on attribute values: <see cref="AddUnit"/> one shared span's values at a time, then
/// <see cref="Build"/>. Memory is one count per distinct value of a nominal attribute and a few sums per interval one.
/// </summary>
/// <remarks>
/// With D_o = (1/n) sum_u 1/(m_u - 1) sum_{i != j in u} delta(v_i, v_j) and D_e = 1/(n(n-1)) sum_{i != j} delta(v_i, v_j)
/// over all n pairable values (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability"): nominal delta is 0 or 1,
/// so sum_{i != j} delta = n^2 - sum_c n_c^2; interval delta is (v_i - v_j)^2, so that sum is 2 n M2 with M2 the sum of
/// squared deviations from the mean (kept by Welford's update, which does not cancel on large counts).
/// </remarks>
public sealed class AttributeAgreementCalculator
{
    private readonly IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>? _definitions;
    private readonly Dictionary<(string Label, string Attribute), Accumulator> _attributes = [];
    private readonly Dictionary<string, string[]?> _namesOf = new(StringComparer.Ordinal);

    /// <summary>
    /// A calculator for labels with these definitions (label name to its attributes; see
    /// <see cref="AgreementOptions.LabelAttributes"/>); every defined attribute is reported, even without units.
    /// </summary>
    public AttributeAgreementCalculator(IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>>? definitions = null)
    {
        _definitions = definitions;
        if (definitions is null) return;
        foreach (var (label, attributes) in definitions)
        {
            for (var i = 0; i < attributes.Count; i++) Get(label, attributes[i].Name, attributes[i].Kind, i);
        }
    }

    private sealed class Accumulator(AttributeKind? kind, int order)
    {
        public readonly AttributeKind? Kind = kind;
        public readonly int Order = order; // the definition's position; int.MaxValue when inferred
        public long Units;
        public long Values;
        // Nominal: counts of each value, and sum_u 1/(m_u - 1) * ordered pairs within u that differ.
        public readonly Dictionary<string, long> Counts = new(StringComparer.Ordinal);
        public double NominalDisagreement;
        // Interval (a Number, or an undefined attribute while every value so far is a number): Welford's mean and M2,
        // and sum_u 1/(m_u - 1) * sum_{i != j in u} (v_i - v_j)^2.
        public bool Numeric = kind is null or AttributeKind.Number;
        public double Mean, M2, IntervalDisagreement;
        public long NumericValues;
    }

    private Accumulator Get(string label, string attribute, AttributeKind? kind, int order)
    {
        if (!_attributes.TryGetValue((label, attribute), out var a)) _attributes[(label, attribute)] = a = new Accumulator(kind, order);
        return a;
    }

    /// <summary>The attribute names to measure on a label, or null when they are inferred from the values.</summary>
    private string[]? DefinedNames(string label)
    {
        if (_definitions is null) return null;
        if (_namesOf.TryGetValue(label, out var names)) return names;
        names = _definitions.TryGetValue(label, out var defined) ? defined.Select(d => d.Name).ToArray() : null;
        _namesOf[label] = names;
        return names;
    }

    /// <summary>
    /// Adds one unit: the spans of distinct annotators with the same start, end and <paramref name="label"/>
    /// (<paramref name="values"/>, one entry per annotator, null where their span says nothing). Fewer than two entries add nothing.
    /// </summary>
    public void AddUnit(string label, IReadOnlyList<IReadOnlyDictionary<string, string>?> values)
    {
        if (values.Count < 2) return;
        var names = DefinedNames(label);
        if (names is null)
        {
            var seen = new SortedSet<string>(StringComparer.Ordinal);
            foreach (var v in values)
            {
                if (v is null) continue;
                foreach (var key in v.Keys) if (key != AttributeRules.ReservedName) seen.Add(key);
            }
            names = [.. seen];
        }
        var unit = new List<string>(values.Count);
        foreach (var name in names)
        {
            unit.Clear();
            foreach (var v in values)
            {
                if (v is not null && v.TryGetValue(name, out var value) && value is not null) unit.Add(value);
            }
            if (unit.Count == 0) continue;
            var a = Get(label, name, null, int.MaxValue);
            if (a.Kind is AttributeKind.Number) unit.RemoveAll(v => Number(v) is null); // a value that is no number is missing
            // An undefined attribute is interval while every value seen on a shared span is a number, paired or not.
            else if (a.Kind is null && a.Numeric && unit.Exists(v => Number(v) is null)) a.Numeric = false;
            if (unit.Count < 2) continue;
            Add(a, unit);
        }
    }

    private static double? Number(string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) && double.IsFinite(d) ? d : null;

    private static void Add(Accumulator a, List<string> unit)
    {
        var m = unit.Count;
        a.Units++;
        a.Values += m;
        double differing = 0;
        for (var i = 0; i < m; i++)
        {
            a.Counts[unit[i]] = a.Counts.GetValueOrDefault(unit[i]) + 1;
            for (var j = 0; j < m; j++) if (i != j && !string.Equals(unit[i], unit[j], StringComparison.Ordinal)) differing++;
        }
        a.NominalDisagreement += differing / (m - 1);
        if (!a.Numeric) return;
        var numbers = new double[m];
        for (var i = 0; i < m; i++)
        {
            if (Number(unit[i]) is not { } d) { a.Numeric = false; return; }
            numbers[i] = d;
        }
        double squares = 0;
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < m; j++) squares += (numbers[i] - numbers[j]) * (numbers[i] - numbers[j]);
            a.NumericValues++;
            var delta = numbers[i] - a.Mean;
            a.Mean += delta / a.NumericValues;
            a.M2 += delta * (numbers[i] - a.Mean);
        }
        a.IntervalDisagreement += squares / (m - 1);
    }

    /// <summary>Every attribute measured, by label (ordinal), then in the label's definition order, then by name (ordinal).</summary>
    public IReadOnlyList<AttributeAgreement> Build()
    {
        var result = new List<AttributeAgreement>(_attributes.Count);
        foreach (var ((label, attribute), a) in _attributes.OrderBy(p => p.Key.Label, StringComparer.Ordinal).ThenBy(p => p.Value.Order)
                     .ThenBy(p => p.Key.Attribute, StringComparer.Ordinal))
        {
            var interval = a.Kind is AttributeKind.Number || (a.Kind is null && a.Numeric);
            double n = a.Values;
            double? observed = null, expected = null, alpha = null;
            if (n >= 2)
            {
                double disagreement, pairs;
                if (interval)
                {
                    disagreement = a.IntervalDisagreement;
                    pairs = 2 * n * a.M2;
                }
                else
                {
                    disagreement = a.NominalDisagreement;
                    double squares = 0;
                    foreach (var c in a.Counts.Values) squares += (double)c * c;
                    pairs = n * n - squares;
                }
                observed = disagreement / n;
                expected = pairs / (n * (n - 1));
                // As KrippendorffAlpha.Nominal: no expected disagreement (one value throughout) leaves alpha undefined
                // (Krippendorff's 0/0); nominal pairs are whole counts, interval ones exactly 0 when every value is the same.
                if (interval ? pairs > 0 : pairs > 1e-9 * n * n) alpha = 1 - observed / expected;
            }
            result.Add(new AttributeAgreement(label, attribute, a.Kind is { } k ? AttributeJson.KindName(k) : null,
                interval ? "interval" : "nominal", a.Units, a.Values, alpha, observed, expected));
        }
        return result;
    }
}
