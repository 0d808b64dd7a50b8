using System.Diagnostics;
using System.Text;
using AnnotateHub.Core.Agreement;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// The agreement report over a generated project: 10,000 documents, 3 annotators each, 1,000,000 spans in all, from a
/// fixed seed. Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks -- agreement [--documents N --spans N
/// --annotators N --runs N]. Prints numbers; asserts nothing.
/// </summary>
public static class AgreementBenchmark
{
    private static readonly string[] Words =
        ["rockets", "struck", "the", "base", "on", "monday", "officials", "said", "ten", "soldiers", "were", "injured", "iran",
         "claimed", "strike", "attack", "military", "forces", "reported", "casualties", "according", "to", "a", "statement",
         "al-asad", "air", "in", "western", "iraq", "missile", "launched", "from", "territory", "u.s.", "troops", "damage"];

    private static readonly string[] Labels = ["claim", "actor", "casualty figure"];

    public static void Run(string[] args)
    {
        int Arg(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
        var documentCount = Arg("--documents", 10_000);
        var spanCount = Arg("--spans", 1_000_000);
        var annotators = Arg("--annotators", 3);
        var runs = Arg("--runs", 3);
        var seed = Arg("--seed", 42);

        var sw = Stopwatch.StartNew();
        var corpus = Generate(documentCount, spanCount, annotators, seed);
        var generated = sw.Elapsed.TotalMilliseconds;
        Console.WriteLine($"generated {corpus.Count:N0} documents, {corpus.Sum(d => d.Spans.Count):N0} spans, {annotators} annotators each, " +
                          $"{corpus.Sum(d => d.Text.Length):N0} characters (seed {seed}) in {generated:F0} ms");
        Console.WriteLine($"processors visible to .NET: {Environment.ProcessorCount}; server GC: {System.Runtime.GCSettings.IsServerGC}");

        // Warm-up (JIT), then measured runs.
        Measure(corpus, AgreementOptions.Default, out _);
        foreach (var (name, options) in new[] { ("full report (gamma on 100 sampled documents, 30 samples)", AgreementOptions.Default),
                     ("without gamma", AgreementOptions.Default with { Gamma = false }) })
        {
            var tokenize = new List<double>();
            var report = new List<double>();
            AgreementReport? last = null;
            for (var r = 0; r < runs; r++)
            {
                var (t, rep) = Measure(corpus, options, out last);
                tokenize.Add(t);
                report.Add(rep);
            }
            var totals = tokenize.Zip(report, (a, b) => a + b).ToList();
            Console.WriteLine($"{name}, {runs} runs: total (tokenize + report) median {Median(totals):F0} ms, min {totals.Min():F0} ms; " +
                              $"of which tokenizing median {Median(tokenize):F0} ms, report median {Median(report):F0} ms");
            Console.WriteLine($"  tokens compared: {last!.Tokens:N0}; nominal alpha {last.KrippendorffAlpha.NominalTokens:F4}, alpha-u {last.KrippendorffAlpha.Unitizing:F4}, " +
                              $"Fleiss {last.FleissKappa:F4}, mean Cohen {last.CohenKappaMean:F4}, AC1 {last.GwetAc1:F4}, gamma {last.Gamma.Value:F4}");
        }
        Console.WriteLine($"peak working set: {Process.GetCurrentProcess().PeakWorkingSet64 / (1024 * 1024):N0} MB (includes the generated corpus)");
    }

    private static (double Tokenize, double Report) Measure(List<Generated> corpus, AgreementOptions options, out AgreementReport report)
    {
        // Documents are tokenized as the calculator reads them, as the CLI and the service stream them.
        double tokenizing = 0;
        IEnumerable<AgreementDocument> Stream()
        {
            foreach (var g in corpus)
            {
                var t = Stopwatch.GetTimestamp();
                var doc = AgreementDocument.FromText(g.Id, g.Text, g.Annotators, g.Spans);
                tokenizing += Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                yield return doc;
            }
        }
        var sw = Stopwatch.StartNew();
        report = AgreementCalculator.Compute(Stream(), options);
        var total = sw.Elapsed.TotalMilliseconds;
        return (tokenizing, total - tokenizing);
    }

    internal sealed record Generated(string Id, string Text, string[] Annotators, List<AgreementSpan> Spans);

    /// <summary>
    /// Each document has "true" spans over whole words; each annotator copies them with noise: mostly exact, sometimes
    /// a boundary off by a word, another label, or a span of their own instead.
    /// </summary>
    internal static List<Generated> Generate(int documentCount, int spanCount, int annotatorCount, int seed)
    {
        var random = new Random(seed);
        var names = Enumerable.Range(0, annotatorCount).Select(i => $"annotator{i + 1}").ToArray();
        var perAnnotator = Math.Max(1, spanCount / documentCount / annotatorCount);
        // What the even split leaves over goes to the documents as one-word spans of their own (see extras below).
        var leftOver = spanCount - perAnnotator * documentCount * annotatorCount;
        var result = new List<Generated>(documentCount);
        var text = new StringBuilder();
        for (var d = 0; d < documentCount; d++)
        {
            text.Clear();
            var wordStarts = new List<(int Start, int End)>();
            var words = perAnnotator * 4 + random.Next(40, 120);
            for (var w = 0; w < words; w++)
            {
                if (w > 0) text.Append(w % 17 == 0 ? ". " : " ");
                var word = Words[random.Next(Words.Length)];
                wordStarts.Add((text.Length, text.Length + word.Length));
                text.Append(word);
            }
            text.Append('.');
            var truth = new List<(int FirstWord, int Words, int Label)>();
            var step = wordStarts.Count / perAnnotator;
            for (var s = 0; s < perAnnotator; s++) truth.Add((s * step + random.Next(0, Math.Max(1, step - 3)), random.Next(1, 4), random.Next(Labels.Length)));
            var spans = new List<AgreementSpan>(perAnnotator * annotatorCount);
            foreach (var name in names)
            {
                foreach (var (first, count, label) in truth)
                {
                    int f = first, n = count, l = label;
                    var roll = random.NextDouble();
                    if (roll < 0.10) n = Math.Max(1, n + (random.Next(2) == 0 ? -1 : 1));
                    else if (roll < 0.15) l = random.Next(Labels.Length);
                    else if (roll < 0.20) f = random.Next(wordStarts.Count - 4);
                    var last = Math.Min(f + n - 1, wordStarts.Count - 1);
                    spans.Add(new AgreementSpan(name, wordStarts[f].Start, wordStarts[last].End, Labels[l]));
                }
            }
            // Spread evenly: each document gets leftOver / documentCount extras, the first (leftOver % documentCount) one more;
            // the k-th extra of a document goes to annotator k (mod the count): with at most one extra each, all to the first.
            var extras = leftOver / documentCount + (d < leftOver % documentCount ? 1 : 0);
            for (var k = 0; k < extras; k++)
            {
                var w = random.Next(wordStarts.Count);
                spans.Add(new AgreementSpan(names[k % names.Length], wordStarts[w].Start, wordStarts[w].End, Labels[random.Next(Labels.Length)]));
            }
            result.Add(new Generated($"doc{d + 1}", text.ToString(), names, spans));
        }
        return result;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
