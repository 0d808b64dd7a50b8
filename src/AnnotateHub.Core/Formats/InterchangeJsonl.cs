using System.Text.Encodings.Web;
using System.Text.Json;

namespace AnnotateHub.Core.Formats;

/// <summary>One annotator's span in the interchange format; offsets in code points, end exclusive.</summary>
public sealed record InterchangeSpan(string Annotator, int Start, int End, string Label, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>
/// Where a gold span came from: its <see cref="Origin"/> ("imported", "unanimous", "merged" or "adjudicated"), the
/// merge rule's name for merged and unanimous spans, the curator for adjudicated ones, the user names of the annotators
/// whose span it is, and the curator's note. Two provenances are equal when every field is, sources in order.
/// </summary>
public sealed record GoldProvenance(string Origin, string? Rule, string? Curator, IReadOnlyList<string> Sources, string? Note)
{
    /// <summary>Read from an imported file's gold layer.</summary>
    public const string Imported = "imported";
    /// <summary>Every annotator of the document had exactly this span.</summary>
    public const string Unanimous = "unanimous";
    /// <summary>Proposed by an automatic merge under <see cref="Rule"/>.</summary>
    public const string Merged = "merged";
    /// <summary>Decided by <see cref="Curator"/>.</summary>
    public const string Adjudicated = "adjudicated";

    /// <summary>The origins, as written in exports.</summary>
    public static readonly IReadOnlyList<string> Origins = [Imported, Unanimous, Merged, Adjudicated];

    /// <summary>The human wording of <see cref="Rule"/> ("all annotators agree"), or null when there is no rule or it does not parse.</summary>
    public string? RuleText => Rule is null ? null : Curation.MergeRule.Parse(Rule).Rule?.Describe();

    /// <summary>Field by field, <see cref="Sources"/> by sequence.</summary>
    public bool Equals(GoldProvenance? other) =>
        other is not null && Origin == other.Origin && Rule == other.Rule && Curator == other.Curator && Note == other.Note
        && Sources.SequenceEqual(other.Sources, StringComparer.Ordinal);

    /// <summary>A hash of every field, consistent with <see cref="Equals(GoldProvenance?)"/>.</summary>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        hash.Add(Origin);
        hash.Add(Rule);
        hash.Add(Curator);
        hash.Add(Note);
        foreach (var s in Sources) hash.Add(s, StringComparer.Ordinal);
        return hash.ToHashCode();
    }
}

/// <summary>A gold span (the "label" field, doccano's shape), with its provenance when it is known ("gold_provenance") and
/// what it says, by attribute name ("gold_attributes"; null for nothing).</summary>
public sealed record GoldSpan(int Start, int End, string Label, GoldProvenance? Provenance = null, IReadOnlyDictionary<string, string>? Attributes = null);

/// <summary>What one annotator said about a whole document (the outlet's stance, the event's date), by attribute name
/// ("document_labels").</summary>
public sealed record InterchangeDocumentLabel(string Annotator, IReadOnlyDictionary<string, string> Values);

/// <summary>
/// One document of the JSONL interchange format (doccano-compatible), as described in docs/formats.md;
/// <see cref="Curated"/> when a curator finished the document (its gold is final).
/// </summary>
public sealed record InterchangeDocument(
    string Id,
    string Text,
    IReadOnlyDictionary<string, string?> Meta,
    IReadOnlyList<string> Annotators,
    IReadOnlyList<InterchangeSpan> Annotations,
    IReadOnlyList<GoldSpan> Gold,
    bool Curated = false,
    IReadOnlyList<InterchangeDocumentLabel>? DocumentLabels = null);

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
        if (d.Gold.Any(g => g.Provenance is not null))
        {
            // Parallel to "label", in the same order; null for a span whose provenance is not known.
            json.WriteStartArray("gold_provenance");
            foreach (var g in d.Gold)
            {
                if (g.Provenance is { } p) WriteProvenance(json, p); else json.WriteNullValue();
            }
            json.WriteEndArray();
        }
        if (d.Gold.Any(g => g.Attributes is { Count: > 0 }))
        {
            // Parallel to "label" like "gold_provenance": an object of values, or null for a span that says nothing.
            json.WriteStartArray("gold_attributes");
            foreach (var g in d.Gold)
            {
                if (g.Attributes is not { Count: > 0 } values) { json.WriteNullValue(); continue; }
                json.WriteStartObject();
                foreach (var (key, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (d.DocumentLabels is { Count: > 0 } labels)
        {
            json.WriteStartArray("document_labels");
            foreach (var l in labels)
            {
                json.WriteStartObject();
                json.WriteString("annotator", l.Annotator);
                json.WriteStartObject("attributes");
                foreach (var (key, value) in l.Values.OrderBy(v => v.Key, StringComparer.Ordinal)) json.WriteString(key, value);
                json.WriteEndObject();
                json.WriteEndObject();
            }
            json.WriteEndArray();
        }
        if (d.Curated) json.WriteBoolean("curated", true);
        extra?.Invoke(json);
        json.WriteEndObject();
    }

    /// <summary>{"origin", "rule", "rule_text", "curator", "sources": [...], "note"}: one entry of "gold_provenance".</summary>
    public static void WriteProvenance(Utf8JsonWriter json, GoldProvenance p)
    {
        json.WriteStartObject();
        json.WriteString("origin", p.Origin);
        WriteStringOrNull(json, "rule", p.Rule);
        WriteStringOrNull(json, "rule_text", p.RuleText);
        WriteStringOrNull(json, "curator", p.Curator);
        json.WriteStartArray("sources");
        foreach (var s in p.Sources) json.WriteStringValue(s);
        json.WriteEndArray();
        WriteStringOrNull(json, "note", p.Note);
        json.WriteEndObject();
    }

    private static void WriteStringOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null) json.WriteNull(name); else json.WriteString(name, value);
    }
}
