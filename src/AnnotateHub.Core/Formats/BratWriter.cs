using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// brat standoff as a zip: per document <c>[split/]ID.txt</c> (the exact text) and <c>[split/]ID.ann</c>; at the root
/// <c>annotation.conf</c> (the labels as entity types) and <c>visual.conf</c> (each type's original label). Offsets
/// are code points, as brat (Python) counts them; a span across a line break becomes fragments <c>start end;start end</c>.
/// An annotator and soft labels go in an AnnotatorNotes line.
/// </summary>
public sealed class BratWriter : IExportFormat
{
    /// <inheritdoc/>
    public string Name => "brat";
    /// <inheritdoc/>
    public string Description => "brat standoff: a zip of .txt and .ann per document with annotation.conf, in train/dev/test folders.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => ".zip";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => "application/zip";
    /// <inheritdoc/>
    public string? Check(ExportOptions options) => null;

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        await using var zip = new ZipOutput(output);
        var types = new Dictionary<string, string>(StringComparer.Ordinal); // label → brat type
        var labels = new Dictionary<string, string>(StringComparer.Ordinal); // brat type → label
        var ordinal = 0;
        await foreach (var d in documents.WithCancellation(ct))
        {
            ordinal++;
            var folder = options.SplitOf(d.Id) is { } split ? split + "/" : "";
            var name = d.Id.Length > 0 ? BratNames.FileNameOf(d.Id) : $"document-{ordinal}";
            var spans = LayerSelector.Select(d, options.Layer, options.SoftLabels);
            await zip.AddAsync($"{folder}{name}.txt", d.Text, ct);
            await zip.AddAsync($"{folder}{name}.ann", Ann(new CodePointText(d.Text), spans, label => TypeFor(label, types, labels)), ct);
        }
        await zip.AddAsync("annotation.conf", AnnotationConf(labels.Keys), ct);
        await zip.AddAsync("visual.conf", VisualConf(labels), ct);
        await zip.FinishAsync(ct);
    }

    /// <summary>The .ann text of one document.</summary>
    public static string Ann(CodePointText text, IReadOnlyList<ExportSpan> spans, Func<string, string> typeOf)
    {
        var ann = new StringBuilder();
        var t = 0;
        var note = 0;
        foreach (var span in spans)
        {
            var fragments = Fragments(text, span.Start, span.End);
            if (fragments.Count == 0) continue; // nothing but line breaks: brat cannot hold it
            t++;
            ann.Append('T').Append(t).Append('\t').Append(typeOf(span.Label)).Append(' ')
                .AppendJoin(';', fragments.Select(f => $"{f.Start} {f.End}")).Append('\t')
                .AppendJoin(' ', fragments.Select(f => text.Slice(f.Start, f.End))).Append('\n');
            var notes = new List<string>();
            if (span.Annotator is not null) notes.Add($"annotator: {span.Annotator}");
            if (span.Votes is not null) notes.Add($"votes: {span.Votes.ToCompactString()} of {span.Votes.Voters}");
            if (notes.Count > 0) ann.Append('#').Append(++note).Append("\tAnnotatorNotes T").Append(t).Append('\t').AppendJoin(" | ", notes).Append('\n');
        }
        return ann.ToString();
    }

    /// <summary>The pieces of [start, end) between line breaks (brat spans cannot contain one), empty pieces dropped.</summary>
    public static List<(int Start, int End)> Fragments(CodePointText text, int start, int end)
    {
        var fragments = new List<(int, int)>();
        var slice = text.Slice(start, end);
        var pieceStart = start;
        var cp = start;
        for (var i = 0; i < slice.Length; i++)
        {
            if (char.IsLowSurrogate(slice[i])) continue; // second half of a code point already counted
            if (slice[i] is '\n' or '\r')
            {
                if (cp > pieceStart) fragments.Add((pieceStart, cp));
                pieceStart = cp + 1;
            }
            cp++;
        }
        if (end > pieceStart) fragments.Add((pieceStart, end));
        return fragments;
    }

    private static string TypeFor(string label, Dictionary<string, string> types, Dictionary<string, string> labels)
    {
        if (types.TryGetValue(label, out var type)) return type;
        type = BratNames.TypeOf(label);
        for (var n = 2; labels.ContainsKey(type); n++) type = $"{BratNames.TypeOf(label)}_{n}"; // two labels that clean up alike
        types[label] = type;
        labels[type] = label;
        return type;
    }

    private static string AnnotationConf(IEnumerable<string> types) =>
        "# Written by AnnotateHub: one entity type per label.\n[entities]\n" + string.Concat(types.Order(StringComparer.Ordinal).Select(t => t + "\n"))
        + "\n[relations]\n\n[events]\n\n[attributes]\n";

    // brat shows "Full name" from [labels]; the reader uses it to give a cleaned-up type its original label back.
    private static string VisualConf(Dictionary<string, string> labels) =>
        "[labels]\n" + string.Concat(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} | {l.Value}\n")) + "\n[drawing]\n";
}
