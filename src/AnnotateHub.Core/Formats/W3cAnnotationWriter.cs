using System.Text.Json;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// W3C Web Annotation JSON-LD: one AnnotationPage whose items are one Annotation per span, each with a tagging
/// TextualBody (the label) and a target holding a TextPositionSelector (code points, end exclusive, as the model
/// defines) and a TextQuoteSelector (exact, with up to 32 code points of prefix and suffix). One item per line. A gold
/// span's provenance: an adjudicated span's <c>creator</c> is its curator (a Person with a name), a merged or unanimous
/// span's <c>generator</c> the merge (Software, with its rule), and AnnotateHub's own terms origin and sources (the
/// annotators whose span it is) say the rest. A span with attribute values has a body array: the tagging body, then per
/// value a TextualBody with purpose describing, value "NAME: VALUE" and our term attribute NAME, and the note as a
/// commenting body.
/// </summary>
public sealed class W3cAnnotationWriter : IExportFormat
{
    /// <summary>The Web Annotation JSON-LD context every output names first.</summary>
    public const string Context = "http://www.w3.org/ns/anno.jsonld";
    /// <summary>The @vocab of AnnotateHub's own terms (split, votes, voters) and the prefix of document IRIs.</summary>
    public const string Vocabulary = "urn:annotatehub:";
    /// <summary>How many code points of prefix and suffix a TextQuoteSelector carries at most.</summary>
    public const int QuoteContext = 32;

    /// <inheritdoc/>
    public string Name => "w3c";
    /// <inheritdoc/>
    public string Description => "W3C Web Annotation JSON-LD: an AnnotationPage with TextPositionSelector and TextQuoteSelector per span.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => ".jsonld";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => "application/ld+json; profile=\"http://www.w3.org/ns/anno.jsonld\"";
    /// <inheritdoc/>
    public string? Check(ExportOptions options) => null;

    /// <summary>The IRI a document is known by in the annotations' targets.</summary>
    public static string DocumentIri(string id) => $"{Vocabulary}document:{Uri.EscapeDataString(id)}";

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        var buffer = new OutputBuffer(output);
        // Our own terms (split, votes, voters) expand under @vocab; the anno.jsonld context defines the rest.
        buffer.Write("{\"@context\":[\"http://www.w3.org/ns/anno.jsonld\",{\"@vocab\":\"urn:annotatehub:\"}],\"type\":\"AnnotationPage\",\"items\":["u8);
        var first = true;
        await foreach (var d in documents.WithCancellation(ct))
        {
            var text = new CodePointText(d.Text);
            var source = DocumentIri(d.Id);
            var split = options.SplitOf(d.Id);
            var n = 0;
            foreach (var span in LayerSelector.Select(d, options.Layer, options.SoftLabels))
            {
                buffer.Write(first ? "\n"u8 : ",\n"u8);
                first = false;
                using var json = new Utf8JsonWriter(buffer, InterchangeJsonl.Options);
                json.WriteStartObject();
                json.WriteString("id", $"{source}:annotation:{++n}");
                json.WriteString("type", "Annotation");
                json.WriteString("motivation", "tagging");
                if (span.Annotator is not null)
                {
                    json.WriteStartObject("creator");
                    json.WriteString("type", "Person");
                    json.WriteString("nickname", span.Annotator);
                    json.WriteEndObject();
                }
                if (span.Provenance is { } provenance) WriteProvenance(json, provenance);
                var values = span.Values.ToList();
                if (values.Count > 0 || span.Note is not null)
                {
                    // The label's body, then one describing body per value ("count: 10", the name also in "attribute",
                    // which expands under @vocab to urn:annotatehub:attribute) and a commenting body for the note.
                    json.WriteStartArray("body");
                    WriteBody(json, "tagging", span.Label, null);
                    foreach (var (name, value) in values) WriteBody(json, "describing", $"{name}: {value}", name);
                    if (span.Note is { } note) WriteBody(json, "commenting", note, null);
                    json.WriteEndArray();
                }
                else
                {
                    json.WritePropertyName("body");
                    WriteBody(json, "tagging", span.Label, null);
                }
                json.WriteStartObject("target");
                json.WriteString("source", source);
                json.WriteStartArray("selector");
                json.WriteStartObject();
                json.WriteString("type", "TextPositionSelector");
                json.WriteNumber("start", span.Start);
                json.WriteNumber("end", span.End);
                json.WriteEndObject();
                json.WriteStartObject();
                json.WriteString("type", "TextQuoteSelector");
                json.WriteString("exact", text.Slice(span.Start, span.End));
                json.WriteString("prefix", text.Slice(span.Start - QuoteContext, span.Start));
                json.WriteString("suffix", text.Slice(span.End, span.End + QuoteContext));
                json.WriteEndObject();
                json.WriteEndArray();
                json.WriteEndObject();
                if (split is not null) json.WriteString("split", split);
                if (span.Votes is not null)
                {
                    json.WriteNumber("voters", span.Votes.Voters);
                    json.WriteStartArray("votes");
                    foreach (var c in span.Votes.Counts)
                    {
                        json.WriteStartObject();
                        json.WriteString("label", c.Label);
                        json.WriteNumber("count", c.Count);
                        json.WriteEndObject();
                    }
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            await buffer.DrainIfFullAsync(ct);
        }
        buffer.Write("\n]}\n"u8);
        await buffer.DrainAsync(ct);
    }

    private static void WriteBody(Utf8JsonWriter json, string purpose, string value, string? attribute)
    {
        json.WriteStartObject();
        json.WriteString("type", "TextualBody");
        json.WriteString("purpose", purpose);
        json.WriteString("value", value);
        if (attribute is not null) json.WriteString("attribute", attribute);
        json.WriteEndObject();
    }

    /// <summary>The name of the software agent a merged or unanimous gold span's generator names.</summary>
    public const string MergeGenerator = "AnnotateHub merge";

    // creator (the curator, for adjudicated spans), generator (the merge, for merged and unanimous), origin, sources.
    private static void WriteProvenance(Utf8JsonWriter json, GoldProvenance p)
    {
        if (p.Curator is not null && p.Origin == GoldProvenance.Adjudicated)
        {
            json.WriteStartObject("creator");
            json.WriteString("type", "Person");
            json.WriteString("name", p.Curator);
            json.WriteEndObject();
        }
        if (p.Origin is GoldProvenance.Merged or GoldProvenance.Unanimous)
        {
            json.WriteStartObject("generator");
            json.WriteString("type", "Software");
            json.WriteString("name", MergeGenerator);
            if (p.Rule is not null) json.WriteString("rule", p.Rule);
            if (p.RuleText is { } text) json.WriteString("ruleText", text);
            json.WriteEndObject();
        }
        json.WriteString("origin", p.Origin);
        if (p.Sources.Count > 0)
        {
            json.WriteStartArray("sources");
            foreach (var s in p.Sources) json.WriteStringValue(s);
            json.WriteEndArray();
        }
    }
}
