using System.Text;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// CoNLL-2003 style token-per-line: <c>token -X- -X- TAG</c> (a fifth column of soft labels on request),
/// <c>-DOCSTART- -X- -X- O</c> before each document, a blank line after each sentence. Tokens come from
/// <see cref="Tokenizer"/>; the sentence rule and tag schemes are in docs/formats.md. With a split the output is a
/// zip of train.conll, dev.conll and test.conll (each gathered in a temporary file while the export runs).
/// </summary>
public sealed class ConllWriter : IExportFormat
{
    /// <summary>The line written before each document (CoNLL-2003's document separator).</summary>
    public const string DocStart = "-DOCSTART- -X- -X- O";
    private static readonly Encoding Utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

    /// <inheritdoc/>
    public string Name => "conll";
    /// <inheritdoc/>
    public string Description => "CoNLL-2003 style token per line with BIO (IOB2), IOB1, BILOU or BIOES tags; a zip per split.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => options.Splits is null ? ".conll" : ".zip";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => options.Splits is null ? "text/plain; charset=utf-8" : "application/zip";

    /// <inheritdoc/>
    /// <remarks>Refuses the layer all: a token has one tag. The default layer auto is gold for curated documents and majority for the others.</remarks>
    public string? Check(ExportOptions options) => options.Layer.Kind == SpanLayerKind.All
        ? "CoNLL holds one tag per token, so it needs one layer: auto (gold where a document is curated, else majority), gold, majority or annotator:NAME (add soft labels to see every annotator's labels per token)."
        : null;

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        if (Check(options) is { } problem) throw new ArgumentException(problem, nameof(options));
        if (options.Splits is null)
        {
            var buffer = new OutputBuffer(output);
            await using var writer = new StreamWriter(buffer, Utf8, leaveOpen: true) { NewLine = "\n" };
            await foreach (var d in documents.WithCancellation(ct))
            {
                WriteDocument(writer, d, options);
                writer.Flush(); // into the buffer, not the output
                await buffer.DrainIfFullAsync(ct);
            }
            writer.Flush();
            await buffer.DrainAsync(ct);
            return;
        }

        // One temporary file per split, so documents can come in any order and memory stays flat.
        var parts = new Dictionary<string, (FileStream File, OutputBuffer Buffer, StreamWriter Writer)>(StringComparer.Ordinal);
        try
        {
            await foreach (var d in documents.WithCancellation(ct))
            {
                var split = options.SplitOf(d.Id) ?? "unsplit";
                if (!parts.TryGetValue(split, out var part))
                {
                    var file = new FileStream(Path.Combine(Path.GetTempPath(), $"annotatehub-conll-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew,
                        FileAccess.ReadWrite, FileShare.None, 64 * 1024, FileOptions.Asynchronous | FileOptions.DeleteOnClose);
                    var partBuffer = new OutputBuffer(file);
                    parts[split] = part = (file, partBuffer, new StreamWriter(partBuffer, Utf8, leaveOpen: true) { NewLine = "\n" });
                }
                WriteDocument(part.Writer, d, options);
                part.Writer.Flush();
                await part.Buffer.DrainIfFullAsync(ct);
            }
            await using var zip = new ZipOutput(output);
            var order = SplitSpec.Names.Concat(parts.Keys.Except(SplitSpec.Names).Order(StringComparer.Ordinal));
            foreach (var split in order)
            {
                if (!parts.TryGetValue(split, out var part)) continue;
                part.Writer.Flush();
                await part.Buffer.DrainAsync(ct);
                await zip.AddFromAsync($"{SafeFileName(split)}.conll", part.File, ct);
            }
            await zip.FinishAsync(ct);
        }
        finally
        {
            foreach (var part in parts.Values)
            {
                await part.Writer.DisposeAsync();
                await part.File.DisposeAsync();
            }
        }
    }

    /// <summary>Writes one document: the -DOCSTART- line, a blank line, then each sentence and a blank line.</summary>
    public static void WriteDocument(TextWriter writer, InterchangeDocument document, ExportOptions options)
    {
        var text = new CodePointText(document.Text);
        var tokens = Tokenizer.Tokenize(document.Text);
        var tags = Tags(tokens, LayerSelector.Select(document, options.Layer.For(document, singleLayer: true)), options.Scheme, out var spanOfToken);
        var votes = options.SoftLabels ? LayerSelector.TokenVotes(document, tokens) : null;
        writer.WriteLine(DocStart);
        writer.WriteLine();
        for (var t = 0; t < tokens.Count; t++)
        {
            writer.Write(text.Slice(tokens[t].Start, tokens[t].End));
            writer.Write(" -X- -X- ");
            writer.Write(tags[t]);
            if (votes is not null)
            {
                writer.Write(' ');
                writer.Write(string.Join(";", votes[t].Counts.Select(c => $"{TagLabel(c.Label)}={c.Count}")));
            }
            writer.WriteLine();
            var last = t == tokens.Count - 1;
            // A sentence never ends inside a span.
            if (last || (EndsSentence(text, tokens, t) && (spanOfToken[t] < 0 || spanOfToken[t] != spanOfToken[t + 1]))) writer.WriteLine();
        }
    }

    /// <summary>
    /// The tag of each token under <paramref name="scheme"/>. Spans that overlap an earlier (then longer) span, or
    /// cover no token start, are left out: one column holds one tag per token.
    /// </summary>
    public static string[] Tags(IReadOnlyList<Token> tokens, IReadOnlyList<ExportSpan> spans, TagScheme scheme, out int[] spanOfToken)
    {
        var tags = new string[tokens.Count];
        Array.Fill(tags, "O");
        spanOfToken = new int[tokens.Count];
        Array.Fill(spanOfToken, -1);
        var previousEnd = -1;
        string? previousLabel = null;
        foreach (var (span, first, end) in TokenCover.NonOverlapping(tokens, spans))
        {
            var label = TagLabel(spans[span].Label);
            var single = end - first == 1;
            for (var t = first; t < end; t++)
            {
                spanOfToken[t] = span;
                var position = t == first ? (single ? 'U' : 'B') : t == end - 1 ? 'L' : 'I';
                tags[t] = scheme switch
                {
                    TagScheme.Bio => (position is 'B' or 'U' ? "B-" : "I-") + label,
                    TagScheme.Iob1 => (t == first && previousEnd == first && previousLabel == label ? "B-" : "I-") + label,
                    TagScheme.Bilou => position + "-" + label,
                    TagScheme.Bioes => position switch { 'U' => "S-", 'L' => "E-", _ => position + "-" } + label,
                    _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown tag scheme."),
                };
            }
            previousEnd = end;
            previousLabel = label;
        }
        return tags;
    }

    /// <summary>A label as it appears in a tag: whitespace becomes "_" so a line still splits into its columns.</summary>
    public static string TagLabel(string label)
    {
        var builder = new StringBuilder(label.Length);
        foreach (var c in label) builder.Append(char.IsWhiteSpace(c) ? '_' : c);
        return builder.ToString();
    }

    private static readonly HashSet<string> Terminators = [".", "!", "?", "…", "؟", "۔"];
    private static readonly HashSet<string> WideTerminators = ["。", "！", "？"];

    /// <summary>
    /// Whether a sentence ends after token <paramref name="t"/> (not the last): a line break before the next token, a
    /// full-width 。！？, or . ! ? … ؟ ۔ followed by whitespace ("3.5" and "U.S" stay whole; "U.S. Army" does not).
    /// </summary>
    public static bool EndsSentence(CodePointText text, IReadOnlyList<Token> tokens, int t)
    {
        var between = text.Slice(tokens[t].End, tokens[t + 1].Start);
        if (between.AsSpan().IndexOfAny("\n\r\u2028\u2029") >= 0) return true;
        var token = text.Slice(tokens[t].Start, tokens[t].End);
        if (WideTerminators.Contains(token)) return true;
        return Terminators.Contains(token) && between.Length > 0;
    }

    private static string SafeFileName(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name) builder.Append(char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_');
        return builder.ToString();
    }
}
