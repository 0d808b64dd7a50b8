using AnnotateHub.Core.Formats;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// Writes a reproducible JSONL interchange file for <c>agreement --input</c> (and the NLTK baseline, nltk_alpha.py):
/// the corpus <see cref="AgreementBenchmark"/> generates, 3 annotators with noise, about 23 spans per document as in
/// issue 18 (93,000 spans on 4,000 documents). Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks --
/// agreement-file --documents 16000 --out /tmp/agreement-16000.jsonl [--spans N (default 23.25 per document)
/// --annotators 3 --seed 42].
/// </summary>
public static class AgreementFile
{
    public static void Run(string[] args)
    {
        string? Text(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        int Arg(string name, int fallback) => Text(name) is { } v ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;
        var documents = Arg("--documents", 4_000);
        var spans = Arg("--spans", (int)(documents * 93_000L / 4_000));
        var annotators = Arg("--annotators", 3);
        var seed = Arg("--seed", 42);
        var path = Text("--out") ?? throw new ArgumentException("--out PATH is required");

        var corpus = AgreementBenchmark.Generate(documents, spans, annotators, seed);
        using (var output = new BufferedStream(File.Create(path), 1 << 16))
        {
            var noMeta = new Dictionary<string, string?>();
            foreach (var g in corpus)
            {
                var annotations = g.Spans.Select(s => new InterchangeSpan(s.Annotator, s.Start, s.End, s.Label)).ToList();
                InterchangeJsonl.WriteLine(output, new InterchangeDocument(g.Id, g.Text, noMeta, g.Annotators, annotations, []));
            }
        }
        Console.WriteLine($"wrote {path}: {corpus.Count:N0} documents, {corpus.Sum(d => d.Spans.Count):N0} spans, {annotators} annotators, " +
                          $"{new FileInfo(path).Length / (1024.0 * 1024.0):F1} MB (seed {seed})");
    }
}
