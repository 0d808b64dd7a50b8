using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

public static partial class InterchangeReader
{
    private static readonly JsonReaderOptions FastOptions = new() { MaxDepth = 16 };

    /// <summary>
    /// A line read in one pass with <see cref="Utf8JsonReader"/>, without building a <see cref="JsonDocument"/>: it handles
    /// the common shape of a valid document and returns null at the first thing it does not accept as it is (any error,
    /// a repeated field, gold provenance or values, document labels, a non-string value in meta or attributes), so that <see cref="ParseLine"/> reads
    /// the line again and reports exactly what it always has. Its result for a line it accepts is the same document.
    /// </summary>
    private static InterchangeLine? TryFastLine(int line, ReadOnlySpan<byte> bytes)
    {
        try
        {
            return FastLine(line, bytes);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            return null;
        }
    }

    private static InterchangeLine? FastLine(int line, ReadOnlySpan<byte> bytes)
    {
        var reader = new Utf8JsonReader(bytes, FastOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return null;
        var id = "";
        string? text = null;
        Dictionary<string, string?>? meta = null;
        var annotators = new List<string>();
        var spans = new List<InterchangeSpan>();
        var gold = new List<GoldSpan>();
        var curated = false;
        var seen = 0;
        while (true)
        {
            if (!reader.Read()) return null;
            if (reader.TokenType == JsonTokenType.EndObject) break;
            int field;
            if (reader.ValueTextEquals("id"u8)) field = 1;
            else if (reader.ValueTextEquals("text"u8)) field = 2;
            else if (reader.ValueTextEquals("meta"u8)) field = 4;
            else if (reader.ValueTextEquals("annotators"u8)) field = 8;
            else if (reader.ValueTextEquals("annotations"u8)) field = 16;
            else if (reader.ValueTextEquals("label"u8)) field = 32;
            else if (reader.ValueTextEquals("curated"u8)) field = 64;
            else if (reader.ValueTextEquals("gold_provenance"u8) || reader.ValueTextEquals("gold_attributes"u8) || reader.ValueTextEquals("document_labels"u8))
            {
                // Rare and checked in detail: only their absence (or null) is read here.
                if (!reader.Read()) return null;
                if (reader.TokenType != JsonTokenType.Null) return null;
                continue;
            }
            else
            {
                // A field the format does not read: JsonDocument ignores it too, but a repeated unknown name is harmless.
                if (!reader.Read()) return null;
                reader.Skip();
                continue;
            }
            if ((seen & field) != 0) return null; // a repeated field: the full reader decides which one counts
            seen |= field;
            if (!reader.Read()) return null;
            var token = reader.TokenType;
            switch (field)
            {
                case 1:
                    if (token == JsonTokenType.String) id = reader.GetString()!;
                    else if (token == JsonTokenType.Number) id = Encoding.UTF8.GetString(reader.ValueSpan);
                    else if (token != JsonTokenType.Null) return null;
                    break;
                case 2:
                    if (token != JsonTokenType.String) return null;
                    text = reader.GetString()!;
                    if (string.IsNullOrWhiteSpace(text)) return null;
                    break;
                case 4:
                    if (token == JsonTokenType.Null) break;
                    if (token != JsonTokenType.StartObject) return null;
                    meta = new Dictionary<string, string?>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = reader.GetString()!;
                        if (!reader.Read()) return null;
                        if (reader.TokenType == JsonTokenType.String) meta[name] = reader.GetString();
                        else if (reader.TokenType == JsonTokenType.Null) meta[name] = null;
                        else return null;
                    }
                    if (reader.TokenType != JsonTokenType.EndObject) return null;
                    break;
                case 8:
                    if (token == JsonTokenType.Null) break;
                    if (token != JsonTokenType.StartArray) return null;
                    while (reader.Read() && reader.TokenType == JsonTokenType.String)
                    {
                        var name = reader.GetString()!;
                        if (string.IsNullOrWhiteSpace(name)) return null;
                        name = name.Trim();
                        if (!annotators.Contains(name)) annotators.Add(name);
                    }
                    if (reader.TokenType != JsonTokenType.EndArray) return null;
                    break;
                case 16:
                    if (token == JsonTokenType.Null) break;
                    if (token != JsonTokenType.StartArray) return null;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
                    {
                        if (FastSpan(ref reader) is not { } span) return null;
                        spans.Add(span);
                    }
                    if (reader.TokenType != JsonTokenType.EndArray) return null;
                    break;
                case 32:
                    if (token == JsonTokenType.Null) break;
                    if (token != JsonTokenType.StartArray) return null;
                    while (reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                    {
                        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var start)) return null;
                        if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var end)) return null;
                        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return null;
                        var label = reader.GetString()!;
                        if (string.IsNullOrWhiteSpace(label)) return null;
                        if (!reader.Read() || reader.TokenType != JsonTokenType.EndArray) return null;
                        gold.Add(new GoldSpan(start, end, label.Trim()));
                    }
                    if (reader.TokenType != JsonTokenType.EndArray) return null;
                    break;
                case 64:
                    if (token is JsonTokenType.True or JsonTokenType.False) curated = token == JsonTokenType.True;
                    else if (token != JsonTokenType.Null) return null;
                    break;
                default:
                    return null;
            }
        }
        if (reader.Read()) return null; // anything after the object is the full reader's error
        if (text is null) return null;
        var length = new CodePointIndex(text).Length;
        foreach (var s in spans) if (s.Start < 0 || s.Start >= s.End || s.End > length) return null;
        foreach (var g in gold) if (g.Start < 0 || g.Start >= g.End || g.End > length) return null;
        return new InterchangeLine(line, new InterchangeDocument(id, text, meta ?? new Dictionary<string, string?>(StringComparer.Ordinal), annotators, spans, gold, curated), []);
    }

    /// <summary>One entry of "annotations", the reader on its start; null for anything but a valid span with string attributes.</summary>
    private static InterchangeSpan? FastSpan(ref Utf8JsonReader reader)
    {
        string? annotator = null, label = null;
        int? start = null, end = null;
        Dictionary<string, string>? attributes = null;
        var seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int field;
            if (reader.ValueTextEquals("annotator"u8)) field = 1;
            else if (reader.ValueTextEquals("start"u8)) field = 2;
            else if (reader.ValueTextEquals("end"u8)) field = 4;
            else if (reader.ValueTextEquals("label"u8)) field = 8;
            else if (reader.ValueTextEquals("attributes"u8)) field = 16;
            else
            {
                if (!reader.Read()) return null;
                reader.Skip();
                continue;
            }
            if ((seen & field) != 0) return null;
            seen |= field;
            if (!reader.Read()) return null;
            var token = reader.TokenType;
            switch (field)
            {
                case 1:
                case 8:
                    if (token != JsonTokenType.String) return null;
                    var value = reader.GetString()!;
                    if (string.IsNullOrWhiteSpace(value)) return null;
                    if (field == 1) annotator = value; else label = value;
                    break;
                case 2:
                case 4:
                    if (token != JsonTokenType.Number || !reader.TryGetInt32(out var n)) return null;
                    if (field == 2) start = n; else end = n;
                    break;
                default:
                    if (token == JsonTokenType.Null) break;
                    if (token != JsonTokenType.StartObject) return null;
                    attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                    while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                    {
                        var name = reader.GetString()!;
                        if (!reader.Read() || reader.TokenType != JsonTokenType.String) return null;
                        attributes[name] = reader.GetString()!;
                    }
                    if (reader.TokenType != JsonTokenType.EndObject) return null;
                    break;
            }
        }
        if (reader.TokenType != JsonTokenType.EndObject || annotator is null || label is null || start is null || end is null) return null;
        return new InterchangeSpan(annotator.Trim(), start.Value, end.Value, label.Trim(), attributes);
    }
}
