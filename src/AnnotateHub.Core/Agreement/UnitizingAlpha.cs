using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace AnnotateHub.Core.Agreement;

/// <summary>A unit of a unitizing study: where it starts on the continuum, how long it is, and its category id.</summary>
public readonly record struct UnitizingUnit(long Offset, long Length, int Category);

/// <summary>
/// Krippendorff's unitizing alpha (alpha-u; Krippendorff 1995, 2004) as DKPro Statistics' KrippendorffAlphaUnitizingAgreement
/// computes it, per category c: D_o(c) = 2 / (R (R - 1) L^2) * sum over annotator pairs and over the sections their
/// units and gaps cut the continuum into of the distance of the two sections; D_e(c) = (2 / L) * sum over units u of c
/// [(N_c - 1)(2 l^3 - 3 l^2 + l) / 3 + l^2 sum over gaps g &gt;= l of (g - l + 1)] / (R L (R L - 1) - sum_u l (l - 1)).
/// alpha_u = 1 - mean_c D_o(c) / mean_c D_e(c); per category 1 - D_o(c) / D_e(c).
/// </summary>
/// <remarks>
/// A corpus is many continua (one per document) with possibly different annotators each. Each continuum's pair sum is
/// divided by its own R(R - 1)/2 pairs; L is the total length and R L becomes sum_d R_d L_d; gaps never run across
/// documents. With one document, or equal annotators everywhere, this is DKPro's formula. Units one annotator gave the
/// same category that overlap are merged first (alpha-u assumes they do not overlap). Sums are kept as counts and
/// histograms, so memory grows with distinct lengths, not with units.
/// </remarks>
public sealed class UnitizingAlpha
{
    private sealed class CategoryState
    {
        public double ObservedWeighted;
        public long Units;
        public double SquaredLengths;
        public readonly Dictionary<long, long> UnitLengths = [];
        // Gaps this category has in the continua where it occurs, minus the whole-continuum gaps those continua were
        // counted with in _fullGaps (a category absent from a continuum leaves each annotator one gap as long as it).
        public readonly Dictionary<long, long> GapCorrections = [];
    }

    private readonly Dictionary<int, CategoryState> _categories = [];
    private readonly Dictionary<long, long> _fullGaps = [];
    private double _length;
    private double _raterLength;
    // Reused from one continuum to the next (a document's own alpha-u is cleared and filled again per document).
    private readonly List<CategoryState> _spareStates = [];
    private readonly List<int> _continuumCategories = [];
    private readonly List<UnitizingUnit> _mergeScratch = [];
    private List<UnitizingUnit>[] _perRater = [];

    /// <summary>The categories that have at least one unit.</summary>
    public IEnumerable<int> Categories => _categories.Keys.Order();

    /// <summary>Forgets every continuum added, keeping the memory it used for the next ones.</summary>
    public void Clear()
    {
        _length = 0;
        _raterLength = 0;
        _fullGaps.Clear();
        foreach (var state in _categories.Values)
        {
            state.ObservedWeighted = 0;
            state.Units = 0;
            state.SquaredLengths = 0;
            state.UnitLengths.Clear();
            state.GapCorrections.Clear();
            _spareStates.Add(state);
        }
        _categories.Clear();
    }

    private CategoryState State(int category)
    {
        if (_categories.TryGetValue(category, out var state)) return state;
        if (_spareStates.Count > 0)
        {
            state = _spareStates[^1];
            _spareStates.RemoveAt(_spareStates.Count - 1);
        }
        else state = new CategoryState();
        _categories[category] = state;
        return state;
    }

    /// <summary>
    /// Adds one continuum [<paramref name="begin"/>, begin + <paramref name="length"/>) with its annotators' units
    /// (<paramref name="unitsByRater"/>[r]: the units of annotator r). Continua with fewer than two annotators are skipped.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddContinuum(long begin, long length, IReadOnlyList<IReadOnlyList<UnitizingUnit>> unitsByRater)
    {
        var raters = unitsByRater.Count;
        if (raters < 2 || length <= 0) return;
        _length += length;
        _raterLength += (double)raters * length;
        CollectionsMarshal.GetValueRefOrAddDefault(_fullGaps, length, out _) += raters;

        var categories = _continuumCategories;
        categories.Clear();
        for (var r = 0; r < raters; r++)
        {
            var units = unitsByRater[r];
            for (var k = 0; k < units.Count; k++) if (!categories.Contains(units[k].Category)) categories.Add(units[k].Category);
        }
        categories.Sort();
        if (_perRater.Length < raters)
        {
            var grown = new List<UnitizingUnit>[raters];
            for (var r = 0; r < raters; r++) grown[r] = r < _perRater.Length ? _perRater[r] : [];
            _perRater = grown;
        }
        var perRater = _perRater;
        foreach (var category in categories)
        {
            for (var r = 0; r < raters; r++) Merge(unitsByRater[r], category, _mergeScratch, perRater[r]);
            var state = State(category);
            double pairSum = 0;
            for (var r1 = 0; r1 < raters; r1++)
            for (var r2 = r1 + 1; r2 < raters; r2++)
                pairSum += ObservedPairSum(perRater[r1], perRater[r2], begin, length);
            state.ObservedWeighted += 2.0 * pairSum / ((double)raters * (raters - 1));
            CollectionsMarshal.GetValueRefOrAddDefault(state.GapCorrections, length, out _) -= raters;
            for (var r = 0; r < raters; r++)
            {
                var pos = begin;
                foreach (var u in perRater[r])
                {
                    if (u.Offset > pos) CollectionsMarshal.GetValueRefOrAddDefault(state.GapCorrections, u.Offset - pos, out _) += 1;
                    state.Units++;
                    state.SquaredLengths += (double)u.Length * (u.Length - 1);
                    CollectionsMarshal.GetValueRefOrAddDefault(state.UnitLengths, u.Length, out _) += 1;
                    pos = u.Offset + u.Length;
                }
                if (begin + length > pos) CollectionsMarshal.GetValueRefOrAddDefault(state.GapCorrections, begin + length - pos, out _) += 1;
            }
        }
    }

    /// <summary>Adds another accumulator's continua (a document's own alpha-u joins the project's).</summary>
    public void Add(UnitizingAlpha other)
    {
        _length += other._length;
        _raterLength += other._raterLength;
        AddCounts(_fullGaps, other._fullGaps);
        foreach (var (category, o) in other._categories)
        {
            var s = State(category);
            s.ObservedWeighted += o.ObservedWeighted;
            s.Units += o.Units;
            s.SquaredLengths += o.SquaredLengths;
            AddCounts(s.UnitLengths, o.UnitLengths);
            AddCounts(s.GapCorrections, o.GapCorrections);
        }
    }

    private static void AddCounts(Dictionary<long, long> into, Dictionary<long, long> from)
    {
        foreach (var (k, v) in from) CollectionsMarshal.GetValueRefOrAddDefault(into, k, out _) += v;
    }

    private static readonly Comparison<UnitizingUnit> ByOffsetLongestFirst =
        (a, b) => a.Offset != b.Offset ? a.Offset.CompareTo(b.Offset) : b.Length.CompareTo(a.Length);

    /// <summary>One annotator's units of a category, sorted, with overlapping ones merged into one, into <paramref name="merged"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Merge(IReadOnlyList<UnitizingUnit> units, int category, List<UnitizingUnit> list, List<UnitizingUnit> merged)
    {
        list.Clear();
        merged.Clear();
        for (var k = 0; k < units.Count; k++) if (units[k] is var u && u.Category == category && u.Length > 0) list.Add(u);
        list.Sort(ByOffsetLongestFirst);
        foreach (var u in list)
        {
            if (merged.Count > 0 && merged[^1] is var last && u.Offset < last.Offset + last.Length)
            {
                var end = Math.Max(last.Offset + last.Length, u.Offset + u.Length);
                merged[^1] = last with { Length = end - last.Offset };
            }
            else merged.Add(u);
        }
    }

    /// <summary>
    /// The sum of section distances of two annotators' units of one category on one continuum: both continua are cut
    /// into units and gaps and walked together, as DKPro Statistics does.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static double ObservedPairSum(IReadOnlyList<UnitizingUnit> units1, IReadOnlyList<UnitizingUnit> units2, long begin, long length)
    {
        double result = 0;
        int next1 = 0, next2 = 0;
        long offset1 = begin, length1 = 0, offset2 = begin, length2 = 0;
        bool unit1 = false, unit2 = false;
        var pos = begin;
        var end = begin + length;
        while (pos < end && (next1 < units1.Count || next2 < units2.Count))
        {
            if (pos == offset1 + length1)
            {
                if (next1 < units1.Count && pos == units1[next1].Offset) { length1 = units1[next1].Length; unit1 = true; next1++; }
                else { length1 = (next1 < units1.Count ? units1[next1].Offset : end) - pos; unit1 = false; }
                offset1 = pos;
            }
            if (pos == offset2 + length2)
            {
                if (next2 < units2.Count && pos == units2[next2].Offset) { length2 = units2[next2].Length; unit2 = true; next2++; }
                else { length2 = (next2 < units2.Count ? units2[next2].Offset : end) - pos; unit2 = false; }
                offset2 = pos;
            }
            result += Distance(offset1, length1, unit1, offset2, length2, unit2);
            pos = Math.Min(offset1 + length1, offset2 + length2);
        }
        return result;
    }

    /// <summary>
    /// Krippendorff's distance of two sections (a unit of the category, or a gap): two overlapping units, the squared
    /// differences of their starts and of their ends; a unit inside the other's gap, its squared length; else 0.
    /// </summary>
    public static double Distance(long offset1, long length1, bool isUnit1, long offset2, long length2, bool isUnit2)
    {
        double beginDiff = offset1 - offset2;
        double lengthDiff = length1 - length2;
        if (isUnit1 && isUnit2 && -length1 < beginDiff && beginDiff < length2)
            return beginDiff * beginDiff + (beginDiff + lengthDiff) * (beginDiff + lengthDiff);
        if (isUnit1 && !isUnit2 && -lengthDiff >= beginDiff && beginDiff >= 0) return (double)length1 * length1;
        if (!isUnit1 && isUnit2 && -lengthDiff <= beginDiff && beginDiff <= 0) return (double)length2 * length2;
        return 0;
    }

    /// <summary>D_o of one category; null when the category has no unit or no continuum had two annotators.</summary>
    public double? ObservedDisagreement(int category) =>
        _length > 0 && _categories.TryGetValue(category, out var s) ? s.ObservedWeighted / (_length * _length) : null;

    // Scratch of ExpectedDisagreement, one set per thread (lengths are distinct keys, so the order is total).
    [ThreadStatic] private static Dictionary<long, long>? _gapsScratch;
    [ThreadStatic] private static List<KeyValuePair<long, long>>? _gapLengthsScratch;
    [ThreadStatic] private static List<KeyValuePair<long, long>>? _unitLengthsScratch;
    private static readonly Comparison<KeyValuePair<long, long>> LongestFirst = (a, b) => b.Key.CompareTo(a.Key);

    /// <summary>D_e of one category; null when the category has no unit.</summary>
    public double? ExpectedDisagreement(int category)
    {
        if (_length <= 0 || !_categories.TryGetValue(category, out var s) || s.Units == 0) return null;
        var gaps = _gapsScratch ??= [];
        var gapLengths = _gapLengthsScratch ??= [];
        var unitLengths = _unitLengthsScratch ??= [];
        gaps.Clear();
        gapLengths.Clear();
        unitLengths.Clear();
        foreach (var (g, n) in _fullGaps) gaps[g] = n;
        foreach (var (g, n) in s.GapCorrections) CollectionsMarshal.GetValueRefOrAddDefault(gaps, g, out _) += n;
        foreach (var kv in gaps) if (kv.Value > 0) gapLengths.Add(kv);
        gapLengths.Sort(LongestFirst);
        foreach (var kv in s.UnitLengths) unitLengths.Add(kv);
        unitLengths.Sort(LongestFirst);
        // Walk unit lengths from the longest down, growing the sums over gaps g >= l as gaps come into reach.
        double gapCount = 0, gapSum = 0, total = 0;
        var gi = 0;
        foreach (var (l, count) in unitLengths)
        {
            while (gi < gapLengths.Count && gapLengths[gi].Key >= l)
            {
                gapCount += gapLengths[gi].Value;
                gapSum += (double)gapLengths[gi].Key * gapLengths[gi].Value;
                gi++;
            }
            double ld = l;
            var placements = gapSum - (ld - 1) * gapCount; // sum over gaps g >= l of (g - l + 1)
            total += count * ((s.Units - 1) * (2 * ld * ld * ld - 3 * ld * ld + ld) / 3 + ld * ld * placements);
        }
        var denominator = _raterLength * (_raterLength - 1) - s.SquaredLengths;
        return denominator <= 0 ? null : total * 2 / _length / denominator;
    }

    /// <summary>1 - D_o(c) / D_e(c); null when D_e is null or 0.</summary>
    public double? CategoryAgreement(int category) =>
        ExpectedDisagreement(category) is { } de && de > 0 && ObservedDisagreement(category) is { } o ? 1 - o / de : null;

    /// <summary>1 - mean D_o / mean D_e over the categories with units; null without units.</summary>
    public double? Agreement()
    {
        double observed = 0, expected = 0;
        foreach (var c in _categories.Keys)
        {
            observed += ObservedDisagreement(c) ?? 0;
            expected += ExpectedDisagreement(c) ?? 0;
        }
        return expected > 0 ? 1 - observed / expected : null;
    }
}

/// <summary>One continuum with named categories, the shape of the published unitizing examples (tests and checks).</summary>
public sealed class UnitizingStudy(int raters, long begin, long length)
{
    private readonly List<UnitizingUnit>[] _units = Enumerable.Range(0, raters).Select(_ => new List<UnitizingUnit>()).ToArray();
    private readonly Dictionary<string, int> _categories = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a unit of <paramref name="rater"/> (0 to raters - 1; any other throws <see cref="IndexOutOfRangeException"/>);
    /// category ids are given in order of first appearance. Returns this study, for chaining.
    /// </summary>
    public UnitizingStudy AddUnit(long offset, long length, int rater, string category)
    {
        if (!_categories.TryGetValue(category, out var id)) _categories[category] = id = _categories.Count;
        _units[rater].Add(new UnitizingUnit(offset, length, id));
        return this;
    }

    /// <summary>A new <see cref="UnitizingAlpha"/> holding this study's continuum (empty when the study has fewer than two raters or no length).</summary>
    public UnitizingAlpha Compute()
    {
        var alpha = new UnitizingAlpha();
        alpha.AddContinuum(begin, length, _units);
        return alpha;
    }

    /// <summary>The id given to a category name; throws <see cref="KeyNotFoundException"/> for a name no unit used.</summary>
    public int Category(string name) => _categories[name];
}
