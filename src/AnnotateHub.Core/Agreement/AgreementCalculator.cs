using System.Runtime.CompilerServices;

namespace AnnotateHub.Core.Agreement;

/// <summary>
/// Builds an <see cref="AgreementReport"/> from documents given one at a time (<see cref="Add"/>, then <see cref="Build"/>),
/// so a caller can stream a project of any size: each document is reduced to counts (pair contingency tables, the
/// coincidence matrix, alpha-u sums, span match counts) and dropped; only gamma keeps its seeded sample of documents.
/// </summary>
/// <remarks>
/// A token's category for an annotator is the label of that annotator's span covering the token's first code point,
/// or O. Where several of their spans cover it, the one starting first wins (then the longer, then the label first in
/// ordinal order), so the rule depends on neither the order of the input nor the annotators' names.
/// </remarks>
public sealed class AgreementCalculator
{
    /// <summary>The category name of a token no span covers (category id 0; also the first row of the confusion matrix).</summary>
    public const string Outside = "O";
    private const int O = 0;

    private readonly AgreementOptions _options;
    private readonly Dictionary<string, int> _labelIds = new(StringComparer.Ordinal);
    private readonly List<string> _categoryNames = [Outside];
    private readonly Dictionary<string, AnnotatorState> _annotators = new(StringComparer.Ordinal);
    private readonly Dictionary<(string A, string B), PairState> _pairs = [];
    private readonly CategoryMatrix<double> _coincidence = new();
    private readonly CategoryMatrix<long> _confusion = new();
    private readonly UnitizingAlpha _unitizing = new();
    private readonly UnitizingAlpha _docUnitizing = new(); // one document's alpha-u, cleared for each
    private readonly Dictionary<int, List<UnitizingUnit>[]> _unitBuffers = [];
    private readonly Dictionary<int, SpanMatchCounts> _labelMatches = [];
    private readonly Dictionary<int, long> _labelSpans = [];
    private readonly List<long> _pairableTotals = [];
    private readonly List<DocumentAgreement> _documents = [];
    private readonly List<GammaDocument> _gammaSample = [];
    private readonly Random _reservoir;
    private readonly AttributeAgreementCalculator _attributeAgreement;
    private long _gammaSeen;
    private double _agreementSum;
    private long _pairableTokens;
    private int _documentCount;
    private int _pairedDocuments;
    private int _fleissRaters = -1;
    private bool _fleissRatersVary;

    private sealed class AnnotatorState
    {
        public long Spans;
        public int Documents;
    }

    private sealed class PairState
    {
        public readonly CategoryMatrix<long> Table = new();
        public readonly SpanMatchCounts Spans = new();
        public int Documents;
    }

    private sealed record GammaDocument(int Index, GammaUnit[] Units, int Annotators, double Length);

    /// <summary>An empty calculator; <paramref name="options"/> defaults to <see cref="AgreementOptions.Default"/>.</summary>
    public AgreementCalculator(AgreementOptions? options = null)
    {
        _options = options ?? AgreementOptions.Default;
        _reservoir = new Random(_options.GammaSeed);
        _attributeAgreement = new AttributeAgreementCalculator(_options.LabelAttributes);
    }

    /// <summary>The whole report of <paramref name="documents"/>, read once, in order.</summary>
    public static AgreementReport Compute(IEnumerable<AgreementDocument> documents, AgreementOptions? options = null)
    {
        var calculator = new AgreementCalculator(options);
        foreach (var d in documents) calculator.Add(d);
        return calculator.Build();
    }

    /// <summary>
    /// Adds one document's counts. Only the distinct <see cref="AgreementDocument.Annotators"/> count; spans of anyone else
    /// and empty or reversed spans (End &lt;= Start) are ignored. A document without annotators is skipped entirely; one with
    /// a single annotator counts towards the documents and annotators but not towards any pairwise measure.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Add(AgreementDocument document)
    {
        var names = DistinctSorted(document.Annotators);
        var raters = names.Length;
        if (raters == 0) return; // nobody has finished it: it says nothing about agreement
        _documentCount++;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var r = 0; r < raters; r++) index[names[r]] = r;

        var spans = new List<LabelledSpan>[raters];
        for (var r = 0; r < raters; r++) spans[r] = [];
        var saysSomething = false;
        foreach (var s in document.Spans)
        {
            if (!index.TryGetValue(s.Annotator, out var r) || s.End <= s.Start) continue;
            spans[r].Add(new LabelledSpan(s.Start, s.End, LabelId(s.Label)));
            saysSomething |= s.Attributes is { Count: > 0 };
        }
        if (saysSomething && raters >= 2) AddAttributeUnits(document.Spans, index);
        var categories = _categoryNames.Count;
        long spanCount = 0;
        for (var r = 0; r < raters; r++)
        {
            var a = Annotator(names[r]);
            a.Documents++;
            a.Spans += spans[r].Count;
            spanCount += spans[r].Count;
            foreach (var s in spans[r]) _labelSpans[s.Category] = _labelSpans.GetValueOrDefault(s.Category) + 1;
        }

        var tokens = document.Tokens;
        var tokenCount = tokens.Count;
        var starts = new int[tokenCount];
        for (var t = 0; t < tokenCount; t++) starts[t] = tokens[t].Start;
        var cats = new int[raters][];
        for (var r = 0; r < raters; r++) cats[r] = Categorize(starts, spans[r], _categoryNames);

        if (_fleissRaters < 0) _fleissRaters = raters;
        else if (_fleissRaters != raters) _fleissRatersVary = true;

        double? alpha = null, unitizing = null, fleiss = null, kappaMean = null;
        if (raters >= 2)
        {
            _pairedDocuments++;
            var totals = new long[categories];
            for (var r = 0; r < raters; r++) foreach (var c in cats[r]) totals[c]++;
            var ordered = new CategoryMatrix<long>(categories);
            CategoryMatrix<long> local;
            // Each annotator's spans sorted once for span matching, not once per pair they are in.
            var sorted = new LabelledSpan[raters][];
            for (var r = 0; r < raters; r++) sorted[r] = SpanMatchCounts.Sorted(spans[r]);
            long agreePairs = 0;
            double kappaSum = 0;
            var kappas = 0;
            for (var i = 0; i < raters; i++)
            for (var j = i + 1; j < raters; j++)
            {
                local = new CategoryMatrix<long>(categories);
                var ci = cats[i];
                var cj = cats[j];
                for (var t = 0; t < tokenCount; t++)
                {
                    int a = ci[t], b = cj[t];
                    local.Add(a, b, 1);
                    if (a == b) agreePairs++;
                }
                if (CohenKappa.FromTable(local) is { } k) { kappaSum += k; kappas++; }
                var pair = Pair(names[i], names[j]);
                pair.Documents++;
                pair.Table.EnsureSize(categories);
                for (var a = 0; a < categories; a++)
                for (var b = 0; b < categories; b++)
                {
                    var n = local[a, b];
                    if (n == 0) continue;
                    pair.Table.Add(a, b, n);
                    ordered.Add(a, b, n);
                    ordered.Add(b, a, n);
                }
                var sortedI = sorted[i];
                var sortedJ = sorted[j];
                pair.Spans.AddSorted(sortedI, sortedJ);
                AddLabelMatches(sortedI, sortedJ);
            }
            _confusion.EnsureSize(categories);
            for (var a = 0; a < categories; a++)
            for (var b = 0; b < categories; b++) _confusion.Add(a, b, ordered[a, b]);
            KrippendorffAlpha.AddPairs(_coincidence, ordered, raters);
            var docCoincidence = new CategoryMatrix<double>(categories);
            KrippendorffAlpha.AddPairs(docCoincidence, ordered, raters);
            alpha = KrippendorffAlpha.Nominal(docCoincidence);

            var meanAgreement = tokenCount == 0 ? 0 : 2.0 * agreePairs / ((double)raters * (raters - 1)) / tokenCount;
            _agreementSum += meanAgreement * tokenCount;
            _pairableTokens += tokenCount;
            while (_pairableTotals.Count < categories) _pairableTotals.Add(0);
            for (var c = 0; c < categories; c++) _pairableTotals[c] += totals[c];
            fleiss = tokenCount == 0 ? null : FleissKappa.FromSums(tokenCount, raters, meanAgreement, totals);
            kappaMean = kappas == 0 ? null : kappaSum / kappas;

            var docUnitizing = _docUnitizing;
            docUnitizing.Clear();
            docUnitizing.AddContinuum(0, document.Length, Units(spans));
            unitizing = docUnitizing.Agreement();
            _unitizing.Add(docUnitizing);

            if (_options.Gamma) Sample(spans, raters, document.Length);
        }

        if (_options.PerDocument || _options.Gamma)
            _documents.Add(new DocumentAgreement(document.Id, tokenCount, names, spanCount, alpha, unitizing, fleiss, kappaMean, null));
    }

    /// <summary>
    /// The units of the agreement on values: spans of two or more counted annotators with the same start, end and label.
    /// An annotator with several such spans (duplicates) gives, for each attribute, the ordinally smallest of their values,
    /// so the result depends neither on the order of the input nor on the annotators' names.
    /// </summary>
    private void AddAttributeUnits(IReadOnlyList<AgreementSpan> all, Dictionary<string, int> index)
    {
        var spans = new List<(AgreementSpan Span, int Rater)>();
        foreach (var s in all)
        {
            if (index.TryGetValue(s.Annotator, out var r) && s.End > s.Start) spans.Add((s, r));
        }
        spans.Sort((x, y) => x.Span.Start != y.Span.Start ? x.Span.Start.CompareTo(y.Span.Start)
            : x.Span.End != y.Span.End ? x.Span.End.CompareTo(y.Span.End)
            : string.CompareOrdinal(x.Span.Label, y.Span.Label) is var c and not 0 ? c : x.Rater.CompareTo(y.Rater));
        var values = new List<IReadOnlyDictionary<string, string>?>();
        for (var i = 0; i < spans.Count;)
        {
            var first = spans[i].Span;
            var j = i;
            values.Clear();
            var lastRater = -1;
            for (; j < spans.Count && spans[j].Span.Start == first.Start && spans[j].Span.End == first.End
                   && string.Equals(spans[j].Span.Label, first.Label, StringComparison.Ordinal); j++)
            {
                var attributes = spans[j].Span.Attributes is { Count: > 0 } a ? a : null;
                if (spans[j].Rater != lastRater) values.Add(attributes);
                else values[^1] = Smallest(values[^1], attributes);
                lastRater = spans[j].Rater;
            }
            if (values.Count >= 2) _attributeAgreement.AddUnit(first.Label, values);
            i = j;
        }
    }

    private static IReadOnlyDictionary<string, string>? Smallest(IReadOnlyDictionary<string, string>? x, IReadOnlyDictionary<string, string>? y)
    {
        if (x is null || y is null) return x ?? y;
        var merged = new Dictionary<string, string>(x, StringComparer.Ordinal);
        foreach (var (key, value) in y)
        {
            if (!merged.TryGetValue(key, out var other) || string.CompareOrdinal(value, other) < 0) merged[key] = value;
        }
        return merged;
    }

    /// <summary>The distinct names, in ordinal order.</summary>
    private static string[] DistinctSorted(IReadOnlyList<string> annotators)
    {
        var names = new List<string>(annotators.Count);
        for (var i = 0; i < annotators.Count; i++)
        {
            var name = annotators[i];
            var seen = false;
            for (var j = 0; j < names.Count && !seen; j++) seen = string.Equals(names[j], name, StringComparison.Ordinal);
            if (!seen) names.Add(name);
        }
        var result = names.ToArray();
        Array.Sort(result, StringComparer.Ordinal);
        return result;
    }

    /// <summary>Each annotator's spans as alpha-u units, in lists reused from one document to the next.</summary>
    private List<UnitizingUnit>[] Units(List<LabelledSpan>[] spans)
    {
        if (!_unitBuffers.TryGetValue(spans.Length, out var units))
        {
            units = new List<UnitizingUnit>[spans.Length];
            for (var r = 0; r < units.Length; r++) units[r] = [];
            _unitBuffers[spans.Length] = units;
        }
        for (var r = 0; r < spans.Length; r++)
        {
            var list = units[r];
            list.Clear();
            foreach (var s in spans[r]) list.Add(new UnitizingUnit(s.Start, s.End - s.Start, s.Category));
        }
        return units;
    }

    private int LabelId(string label)
    {
        if (_labelIds.TryGetValue(label, out var id)) return id;
        id = _categoryNames.Count;
        _labelIds[label] = id;
        _categoryNames.Add(label);
        return id;
    }

    private AnnotatorState Annotator(string name)
    {
        if (!_annotators.TryGetValue(name, out var a)) _annotators[name] = a = new AnnotatorState();
        return a;
    }

    private PairState Pair(string a, string b)
    {
        if (!_pairs.TryGetValue((a, b), out var p)) _pairs[(a, b)] = p = new PairState();
        return p;
    }

    /// <summary>Each token's category for one annotator: the label of their span covering its first code point, else O.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] Categorize(int[] tokenStarts, List<LabelledSpan> spans, List<string> names)
    {
        var result = new int[tokenStarts.Length];
        if (spans.Count == 0) return result;
        var ordered = spans.ToArray();
        Array.Sort(ordered, (x, y) => x.Start != y.Start ? x.Start.CompareTo(y.Start) : x.End != y.End ? y.End.CompareTo(x.End)
            : string.CompareOrdinal(names[x.Category], names[y.Category]));
        foreach (var s in ordered)
        {
            var t = Array.BinarySearch(tokenStarts, s.Start);
            if (t < 0) t = ~t;
            for (; t < tokenStarts.Length && tokenStarts[t] < s.End; t++)
                if (result[t] == O) result[t] = s.Category;
        }
        return result;
    }

    // Both sorted by label first (SpanMatchCounts.Sorted): each label's spans are one run of each array.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void AddLabelMatches(LabelledSpan[] a, LabelledSpan[] b)
    {
        int i = 0, j = 0;
        while (i < a.Length || j < b.Length)
        {
            var label = j >= b.Length || (i < a.Length && a[i].Category <= b[j].Category) ? a[i].Category : b[j].Category;
            var endI = i;
            while (endI < a.Length && a[endI].Category == label) endI++;
            var endJ = j;
            while (endJ < b.Length && b[endJ].Category == label) endJ++;
            if (!_labelMatches.TryGetValue(label, out var m)) _labelMatches[label] = m = new SpanMatchCounts();
            m.AddSorted(a.AsSpan(i, endI - i), b.AsSpan(j, endJ - j));
            i = endI;
            j = endJ;
        }
    }

    /// <summary>Seeded reservoir sampling: after n documents, each is in the sample with the same chance.</summary>
    private void Sample(List<LabelledSpan>[] spans, int raters, int length)
    {
        _gammaSeen++;
        var max = _options.GammaMaxDocuments;
        int slot;
        if (_gammaSample.Count < max) slot = _gammaSample.Count;
        else
        {
            var j = _reservoir.NextInt64(_gammaSeen);
            if (j >= max) return;
            slot = (int)j;
        }
        var units = new List<GammaUnit>();
        for (var r = 0; r < raters; r++) foreach (var s in spans[r]) units.Add(new GammaUnit(r, s.Start, s.End, s.Category));
        var entry = new GammaDocument(_documents.Count, units.ToArray(), raters, length);
        if (slot == _gammaSample.Count) _gammaSample.Add(entry); else _gammaSample[slot] = entry;
    }

    /// <summary>
    /// The report of every document added so far; gamma, which is computed here from the sample, is the only costly part.
    /// Call it after the last <see cref="Add"/>: it fills each sampled document's gamma into the per-document list, and a
    /// gamma an earlier call filled in stays even when later documents push that document out of the sample.
    /// </summary>
    public AgreementReport Build()
    {
        var pairs = _pairs.OrderBy(p => p.Key.A, StringComparer.Ordinal).ThenBy(p => p.Key.B, StringComparer.Ordinal).Select(p =>
        {
            var t = p.Value.Table;
            var n = t.Total();
            var s = p.Value.Spans;
            return new PairAgreement(p.Key.A, p.Key.B, p.Value.Documents, n, n == 0 ? null : (double)t.Diagonal() / n,
                CohenKappa.FromTable(t), GwetAc1.FromTable(t), s.PrecisionExact, s.RecallExact, s.F1Exact, s.PrecisionOverlap, s.RecallOverlap, s.F1Overlap);
        }).ToList();
        var kappas = pairs.Where(p => p.CohenKappa is not null).Select(p => p.CohenKappa!.Value).ToList();

        var annotators = _annotators.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a =>
        {
            var mine = pairs.Where(p => (p.A == a.Key || p.B == a.Key) && p.CohenKappa is not null).Select(p => p.CohenKappa!.Value).ToList();
            return new AnnotatorAgreement(a.Key, a.Value.Spans, a.Value.Documents, mine.Count == 0 ? null : mine.Average());
        }).ToList();

        var labels = new SortedDictionary<string, LabelAgreement>(StringComparer.Ordinal);
        foreach (var (name, id) in _labelIds)
        {
            var m = _labelMatches.GetValueOrDefault(id);
            labels[name] = new LabelAgreement(_labelSpans.GetValueOrDefault(id), KrippendorffAlpha.NominalBinary(_coincidence, id),
                _unitizing.CategoryAgreement(id), m?.F1Exact, m?.F1Overlap);
        }

        _confusion.EnsureSize(_categoryNames.Count);
        var confusion = new ConfusionMatrix(_categoryNames.ToList(), _confusion.ToRows());

        var meanAgreement = _pairableTokens == 0 ? 0 : _agreementSum / _pairableTokens;
        var fleiss = _fleissRatersVary || _pairableTokens == 0 ? null : FleissKappa.FromSums(_pairableTokens, _fleissRaters, meanAgreement, _pairableTotals);
        var ac1 = _pairableTokens == 0 ? null : GwetAc1.FromSums(meanAgreement, _pairableTotals);

        var gamma = ComputeGamma();
        return new AgreementReport(_documentCount, _pairedDocuments, _pairableTokens,
            new KrippendorffAlphaValues(KrippendorffAlpha.Nominal(_coincidence), _unitizing.Agreement()),
            fleiss, kappas.Count == 0 ? null : kappas.Average(), ac1, gamma, pairs, labels, confusion, annotators,
            _options.PerDocument ? _documents : null, _attributeAgreement.Build());
    }

    /// <summary>
    /// Gamma over the sampled documents: observed disorder sum over all their best alignments / sum of their mean units
    /// per annotator; expected, the same over <see cref="AgreementOptions.GammaSamples"/> shuffles of every sampled
    /// document, averaged. Also fills in each sampled document's own gamma.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private GammaReport ComputeGamma()
    {
        var samples = _options.GammaSamples;
        if (!_options.Gamma || _gammaSample.Count == 0 || samples <= 0)
            return new GammaReport(null, null, null, 0, _options.Gamma ? samples : 0, _options.GammaSeed);
        var d = _options.GammaDissimilarity;
        var random = new Random(_options.GammaSeed);
        var docs = _gammaSample.OrderBy(g => g.Index).ToList();
        double observedSum = 0, observedUnits = 0;
        var docObserved = new double[docs.Count];
        var docExpected = new double[docs.Count];
        var docSamples = new int[docs.Count];
        for (var i = 0; i < docs.Count; i++)
        {
            var g = docs[i];
            if (g.Units.Length == 0) continue;
            var sum = Gamma.BestAlignmentDisorderSum(g.Units, g.Annotators, d);
            var perAnnotator = (double)g.Units.Length / g.Annotators;
            observedSum += sum;
            observedUnits += perAnnotator;
            docObserved[i] = sum / perAnnotator;
        }
        double expectedTotal = 0;
        var validSamples = 0;
        for (var s = 0; s < samples; s++)
        {
            double sum = 0, units = 0;
            for (var i = 0; i < docs.Count; i++)
            {
                var g = docs[i];
                if (g.Units.Length == 0) continue;
                var shuffled = Gamma.Shuffle(g.Units, g.Annotators, g.Length, random);
                if (shuffled.Length == 0) continue;
                var disorder = Gamma.BestAlignmentDisorderSum(shuffled, g.Annotators, d);
                var perAnnotator = (double)shuffled.Length / g.Annotators;
                sum += disorder;
                units += perAnnotator;
                docExpected[i] += disorder / perAnnotator;
                docSamples[i]++;
            }
            if (units > 0) { expectedTotal += sum / units; validSamples++; }
        }
        double? observed = observedUnits > 0 ? observedSum / observedUnits : null;
        double? expected = validSamples > 0 ? expectedTotal / validSamples : null;
        double? value = observed is { } o && expected is { } e && e > 0 ? 1 - o / e : null;
        for (var i = 0; i < docs.Count; i++)
        {
            // A shuffle that drew only annotators without units has no disorder to compare: it is left out of the mean.
            if (docs[i].Units.Length == 0 || docSamples[i] == 0 || docExpected[i] <= 0) continue;
            var entry = _documents[docs[i].Index];
            _documents[docs[i].Index] = entry with { Gamma = 1 - docObserved[i] / (docExpected[i] / docSamples[i]) };
        }
        return new GammaReport(value, observed, expected, docs.Count, samples, _options.GammaSeed);
    }
}
