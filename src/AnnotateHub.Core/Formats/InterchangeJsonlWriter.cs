using System.Text.Json;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// The JSONL interchange format (doccano-compatible, read back by <see cref="InterchangeReader"/>) for one layer:
/// annotators' spans go in "annotations" (layers all and annotator:NAME), a single consensus layer in "label"
/// (gold and majority), with parallel "gold_provenance" and "gold_attributes" lists when gold spans carry provenance or
/// values, annotators' "document_labels", and "curated": true on a curated document. The default layer auto is each document's own: gold when it is curated, else all. The split goes
/// in meta.split; soft labels in a top-level "soft_labels" list.
/// </summary>
public sealed class InterchangeJsonlWriter : IExportFormat
{
    /// <inheritdoc/>
    public string Name => "jsonl";
    /// <inheritdoc/>
    public string Description => "JSONL interchange (doccano-compatible): one document per line with annotators' spans and gold labels.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => ".jsonl";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => "application/x-ndjson; charset=utf-8";
    /// <inheritdoc/>
    public string? Check(ExportOptions options) => null;

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        var buffer = new OutputBuffer(output);
        await foreach (var document in documents.WithCancellation(ct))
        {
            var layered = ForLayer(document, options);
            Action<Utf8JsonWriter>? extra = null;
            if (options.SoftLabels)
            {
                var spans = LayerSelector.Select(document, options.Layer, softLabels: true);
                extra = json => WriteSoftLabels(json, spans);
            }
            InterchangeJsonl.WriteLine(buffer, layered, extra);
            await buffer.DrainIfFullAsync(ct);
        }
        await buffer.DrainAsync(ct);
    }

    /// <summary>The document as this layer exports it (attributes of annotators' spans are kept).</summary>
    public static InterchangeDocument ForLayer(InterchangeDocument d, ExportOptions options)
    {
        var meta = WithSplit(d.Meta, options.SplitOf(d.Id));
        var layer = options.Layer.For(d);
        return layer.Kind switch
        {
            SpanLayerKind.All => d with { Meta = meta },
            // The suggestions are the annotations (their sources the annotators); no one finished them, and there is no gold.
            SpanLayerKind.Suggestions => d with { Meta = meta, Annotators = [], Gold = [], Curated = false, DocumentLabels = null },
            SpanLayerKind.Annotator => d with
            {
                Meta = meta,
                Annotators = d.Annotators.Where(a => LayerSelector.Names.Equals(a, layer.AnnotatorName)).ToList(),
                Annotations = d.Annotations.Where(a => LayerSelector.Names.Equals(a.Annotator, layer.AnnotatorName)).ToList(),
                Gold = [],
                DocumentLabels = d.DocumentLabels?.Where(l => LayerSelector.Names.Equals(l.Annotator, layer.AnnotatorName)).ToList(),
            },
            _ => d with
            {
                Meta = meta,
                Annotators = [],
                Annotations = [],
                // A consensus layer has no annotators, so no one's document labels (docs/formats.md).
                DocumentLabels = null,
                Gold = LayerSelector.Select(d, layer).Select(s => new GoldSpan(s.Start, s.End, s.Label, s.Provenance, s.Attributes)).ToList(),
            },
        };
    }

    /// <summary>The meta with "split" set (or left out when there is no split).</summary>
    public static IReadOnlyDictionary<string, string?> WithSplit(IReadOnlyDictionary<string, string?> meta, string? split)
    {
        if (split is null) return meta;
        var copy = new Dictionary<string, string?>(meta, StringComparer.Ordinal) { ["split"] = split };
        return copy;
    }

    // One entry per distinct offsets of the layer: {"start", "end", "voters", "votes": {"LABEL": n}}.
    private static void WriteSoftLabels(Utf8JsonWriter json, IReadOnlyList<ExportSpan> spans)
    {
        json.WriteStartArray("soft_labels");
        foreach (var s in spans.DistinctBy(s => (s.Start, s.End)))
        {
            json.WriteStartObject();
            json.WriteNumber("start", s.Start);
            json.WriteNumber("end", s.End);
            JsonParts.WriteVotes(json, s.Votes!);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}

/// <summary>JSON pieces several formats share.</summary>
internal static class JsonParts
{
    /// <summary>"voters": 3, "votes": {"PER": 2, "ORG": 1}</summary>
    public static void WriteVotes(Utf8JsonWriter json, LabelVotes votes)
    {
        json.WriteNumber("voters", votes.Voters);
        json.WriteStartObject("votes");
        foreach (var c in votes.Counts) json.WriteNumber(c.Label, c.Count);
        json.WriteEndObject();
    }

    public static void WriteMeta(Utf8JsonWriter json, IReadOnlyDictionary<string, string?> meta)
    {
        json.WriteStartObject("meta");
        foreach (var (key, value) in meta)
        {
            if (value is null) json.WriteNull(key); else json.WriteString(key, value);
        }
        json.WriteEndObject();
    }
}
