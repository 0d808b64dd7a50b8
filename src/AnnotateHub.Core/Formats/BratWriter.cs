using System.Text;
using AnnotateHub.Core.Labels;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// brat standoff as a zip: per document <c>[split/]ID.txt</c> (the exact text) and <c>[split/]ID.ann</c>; at the root
/// <c>annotation.conf</c> (the labels as entity types) and <c>visual.conf</c> (each type's original label). Offsets
/// are code points, as brat (Python) counts them; a span across a line break becomes fragments <c>start end;start end</c>.
/// An annotator and soft labels go in an AnnotatorNotes line. Attribute values: a choice or yes/no that brat can hold
/// (its name and choices letters, digits, '-' and '_', and the label's definitions known from
/// <see cref="ExportOptions.AttributeDefinitions"/>) is an attribute line, <c>A1\tstatus T3 injured</c>, yes as the binary
/// <c>A2\tnamed T3</c>, declared in annotation.conf's [attributes]; every other value (numbers, text, dates, a yes/no
/// "no", and the span's note) is a <c>name=value</c> pair in the AnnotatorNotes line, <c>count=10; who=US soldiers; note=...</c>,
/// with \ ; | = : tab and line breaks escaped by a backslash (<see cref="BratAttributes"/>).
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
        var brat = new BratAttributes(options.AttributeDefinitions);
        await foreach (var d in documents.WithCancellation(ct))
        {
            ordinal++;
            var folder = options.SplitOf(d.Id) is { } split ? split + "/" : "";
            var name = d.Id.Length > 0 ? BratNames.FileNameOf(d.Id) : $"document-{ordinal}";
            var spans = LayerSelector.Select(d, options.Layer, options.SoftLabels);
            await zip.AddAsync($"{folder}{name}.txt", d.Text, ct);
            await zip.AddAsync($"{folder}{name}.ann", Ann(new CodePointText(d.Text), spans, label => TypeFor(label, types, labels), brat), ct);
        }
        await zip.AddAsync("annotation.conf", AnnotationConf(labels.Keys, brat.Conf(types)), ct);
        await zip.AddAsync("visual.conf", VisualConf(labels), ct);
        await zip.FinishAsync(ct);
    }

    /// <summary>The .ann text of one document.</summary>
    public static string Ann(CodePointText text, IReadOnlyList<ExportSpan> spans, Func<string, string> typeOf) => Ann(text, spans, typeOf, new BratAttributes(null));

    /// <summary>The .ann text of one document, attribute values written as <paramref name="attributes"/> decides.</summary>
    public static string Ann(CodePointText text, IReadOnlyList<ExportSpan> spans, Func<string, string> typeOf, BratAttributes attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var ann = new StringBuilder();
        var t = 0;
        var note = 0;
        var a = 0;
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
            var pairs = new List<KeyValuePair<string, string>>();
            foreach (var (name, value) in span.Values)
            {
                switch (attributes.KindOf(span.Label, name))
                {
                    case AttributeKind.Choice:
                        ann.Append('A').Append(++a).Append('\t').Append(name).Append(" T").Append(t).Append(' ').Append(value).Append('\n');
                        break;
                    case AttributeKind.YesNo when value == "yes":
                        ann.Append('A').Append(++a).Append('\t').Append(name).Append(" T").Append(t).Append('\n');
                        break;
                    default:
                        pairs.Add(new(name, value));
                        break;
                }
            }
            if (span.Note is { } spanNote) pairs.Add(new(AttributeRules.ReservedName, spanNote));
            if (pairs.Count > 0) notes.Add(BratAttributes.Pairs(pairs));
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

    private static string AnnotationConf(IEnumerable<string> types, string attributes) =>
        "# Written by AnnotateHub: one entity type per label.\n[entities]\n" + string.Concat(types.Order(StringComparer.Ordinal).Select(t => t + "\n"))
        + "\n[relations]\n\n[events]\n\n[attributes]\n" + attributes;

    // brat shows "Full name" from [labels]; the reader uses it to give a cleaned-up type its original label back.
    private static string VisualConf(Dictionary<string, string> labels) =>
        "[labels]\n" + string.Concat(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key} | {l.Value}\n")) + "\n[drawing]\n";
}
