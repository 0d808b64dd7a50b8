using System.Text.Encodings.Web;
using System.Text.Json;

namespace AnnotateHub.Core.Formats;

/// <summary>One annotator's span in the interchange format; offsets in code points, end exclusive.</summary>
public sealed record InterchangeSpan(string Annotator, int Start, int End, string Label, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>A gold span (the "label" field, doccano's shape).</summary>
public sealed record GoldSpan(int Start, int End, string Label);

/// <summary>One document of the JSONL interchange format (doccano-compatible), as described in docs/formats.md.</summary>
public sealed record InterchangeDocument(
    string Id,
    string Text,
    IReadOnlyDictionary<string, string?> Meta,
    IReadOnlyList<string> Annotators,
    IReadOnlyList<InterchangeSpan> Annotations,
    IReadOnlyList<GoldSpan> Gold);

/// <summary>Writes the JSONL interchange format: one document per line, UTF-8, no byte-order mark.</summary>
public static class InterchangeJsonl
{
    // Relaxed escaping keeps non-ASCII text readable in the file; this output is never embedded in HTML.
    /// <summary>The JSON writer settings of every JSONL export: compact, non-ASCII written as is.</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = false };

    /// <summary>The line separator of JSONL output: a single line feed.</summary>
    public static readonly byte[] NewLine = "\n"u8.ToArray();

    /// <summary>Writes one document as one line (with its line feed).</summary>
    public static void WriteLine(Stream output, InterchangeDocument document) => WriteLine(output, document, null);

    /// <summary>Writes one document as one line; <paramref name="extra"/> adds top-level properties after the standard ones.</summary>
    public static void WriteLine(Stream output, InterchangeDocument document, Action<Utf8JsonWriter>? extra)
    {
        using (var json = new Utf8JsonWriter(output, Options))
        {
            Write(json, document, extra);
        }
        output.Write(NewLine);
    }

    private static void Write(Utf8JsonWriter json, InterchangeDocument d, Action<Utf8JsonWriter>? extra)
    {
        json.WriteStartObject();
        json.WriteString("id", d.Id);
        json.WriteString("text", d.Text);
        json.WriteStartObject("meta");
        foreach (var (key, value) in d.Meta)
        {
            if (value is null) json.WriteNull(key); else json.WriteString(key, value);
        }
        json.WriteEndObject();
        json.WriteStartArray("annotators");
        foreach (var a in d.Annotators) json.WriteStringValue(a);
        json.WriteEndArray();
        json.WriteStartArray("annotations");
        foreach (var s in d.Annotations)
        {
            json.WriteStartObject();
            json.WriteString("annotator", s.Annotator);
            json.WriteNumber("start", s.Start);
            json.WriteNumber("end", s.End);
            json.WriteString("label", s.Label);
            json.WriteStartObject("attributes");
            foreach (var (key, value) in s.Attributes ?? new Dictionary<string, string>()) json.WriteString(key, value);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("label");
        foreach (var g in d.Gold)
        {
            json.WriteStartArray();
            json.WriteNumberValue(g.Start);
            json.WriteNumberValue(g.End);
            json.WriteStringValue(g.Label);
            json.WriteEndArray();
        }
        json.WriteEndArray();
        extra?.Invoke(json);
        json.WriteEndObject();
    }
}
