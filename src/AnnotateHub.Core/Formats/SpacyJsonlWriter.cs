using System.Text.Json;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// Prodigy/spaCy-style JSONL: <c>{"id", "text", "spans": [{"start", "end", "label"}], "meta"}</c> per line. Offsets are
/// code points, which is what Python's str and spaCy's <c>Doc.char_span</c> count. A span with attribute values (or a
/// note) has <c>"attrs": {"count": "10", "note": "..."}</c>, for spaCy's <c>span._</c> extension attributes.
/// </summary>
public sealed class SpacyJsonlWriter : IExportFormat
{
    /// <inheritdoc/>
    public string Name => "spacy";
    /// <inheritdoc/>
    public string Description => "spaCy/Prodigy JSONL: {\"text\", \"spans\": [{\"start\", \"end\", \"label\"}]} per line, for Doc.char_span.";
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
        await foreach (var d in documents.WithCancellation(ct))
        {
            var spans = LayerSelector.Select(d, options.Layer, options.SoftLabels);
            using (var json = new Utf8JsonWriter(buffer, InterchangeJsonl.Options))
            {
                json.WriteStartObject();
                json.WriteString("id", d.Id);
                json.WriteString("text", d.Text);
                json.WriteStartArray("spans");
                foreach (var s in spans)
                {
                    json.WriteStartObject();
                    json.WriteNumber("start", s.Start);
                    json.WriteNumber("end", s.End);
                    json.WriteString("label", s.Label);
                    if (s.Annotator is not null) json.WriteString("annotator", s.Annotator);
                    if (s.Votes is not null) JsonParts.WriteVotes(json, s.Votes);
                    if (s.Attributes is { Count: > 0 } attrs)
                    {
                        // Like spaCy's span._ extension attributes: the values by name, the note under "note".
                        json.WriteStartObject("attrs");
                        foreach (var (name, value) in attrs.OrderBy(a => a.Key, StringComparer.Ordinal)) json.WriteString(name, value);
                        json.WriteEndObject();
                    }
                    json.WriteEndObject();
                }
                json.WriteEndArray();
                JsonParts.WriteMeta(json, InterchangeJsonlWriter.WithSplit(d.Meta, options.SplitOf(d.Id)));
                json.WriteEndObject();
            }
            buffer.Write(InterchangeJsonl.NewLine);
            await buffer.DrainIfFullAsync(ct);
        }
        await buffer.DrainAsync(ct);
    }
}
