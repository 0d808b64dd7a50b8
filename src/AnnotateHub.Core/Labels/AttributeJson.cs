using System.Globalization;
using System.Text.Json;

namespace AnnotateHub.Core.Labels;

/// <summary>
/// How attribute definitions and values are written as text: the label set's column, a span's column, the change log, the
/// hub and the formats. Values are one JSON object of canonical strings with the names in ordinal order, so two equal sets
/// of values are the same text (a span's view compares them as text); no values is null.
/// </summary>
public static class AttributeJson
{
    /// <summary>The values as one JSON object, names in ordinal order; null when there are none.</summary>
    public static string? Values(IReadOnlyDictionary<string, string>? values)
    {
        if (values is null || values.Count == 0) return null;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in values.OrderBy(v => v.Key, StringComparer.Ordinal)) writer.WriteString(name, value);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The values written by <see cref="Values(IReadOnlyDictionary{string, string}?)"/>; empty for null or text that
    /// is not such an object.</summary>
    public static IReadOnlyDictionary<string, string> ParseValues(string? json)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json)) return values;
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Object) return values;
            foreach (var p in doc.RootElement.EnumerateObject())
                if (p.Value.ValueKind == JsonValueKind.String) values[p.Name] = p.Value.GetString()!;
        }
        catch (JsonException)
        {
            values.Clear();
        }
        return values;
    }

    /// <summary>
    /// What several spans agree they say, as <see cref="Values(IReadOnlyDictionary{string, string}?)"/> writes it: each value
    /// every one of <paramref name="values"/> has, the same (a merged gold span's values from its sources); null when they
    /// agree on nothing. Equal texts are equal values (they are canonical), so the common case parses nothing.
    /// </summary>
    public static string? Agreed(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0) return null;
        if (values.All(v => string.Equals(v, values[0], StringComparison.Ordinal))) return values[0];
        var agreed = new Dictionary<string, string>(ParseValues(values[0]), StringComparer.Ordinal);
        foreach (var other in values.Skip(1).Select(ParseValues))
            foreach (var name in agreed.Keys.ToList())
                if (!other.TryGetValue(name, out var v) || !string.Equals(v, agreed[name], StringComparison.Ordinal)) agreed.Remove(name);
        return Values(agreed);
    }

    /// <summary>The definitions as a JSON array (name, type, choices, required, default, min, max); null when there are none.</summary>
    public static string? Definitions(IReadOnlyList<AttributeDefinition>? definitions)
    {
        if (definitions is null || definitions.Count == 0) return null;
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartArray();
            foreach (var d in definitions)
            {
                writer.WriteStartObject();
                writer.WriteString("name", d.Name.Trim());
                writer.WriteString("type", KindName(d.Kind));
                if (d.Choices is { Count: > 0 } choices)
                {
                    writer.WriteStartArray("choices");
                    foreach (var c in choices) writer.WriteStringValue(c.Trim());
                    writer.WriteEndArray();
                }
                if (d.Required) writer.WriteBoolean("required", true);
                if (d.Default is not null) writer.WriteString("default", d.Default);
                if (d.Min is { } min) writer.WriteNumber("min", min);
                if (d.Max is { } max) writer.WriteNumber("max", max);
                writer.WriteEndObject();
            }
            writer.WriteEndArray();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Reads definitions written by <see cref="Definitions"/> (or by a person, in a label set file): an array of objects
    /// with "name" and "type" (number, choice, text, yesno, date). Null or empty text is no definitions; anything else
    /// that cannot be read is refused with the reason in <paramref name="error"/>.
    /// </summary>
    public static IReadOnlyList<AttributeDefinition>? ParseDefinitions(string? json, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(json)) return [];
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array) { error = "Attributes must be a JSON array of objects."; return null; }
            var list = new List<AttributeDefinition>();
            foreach (var e in doc.RootElement.EnumerateArray())
            {
                if (e.ValueKind != JsonValueKind.Object) { error = "Each attribute must be a JSON object with a name and a type."; return null; }
                var name = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                var type = e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "";
                if (ParseKind(type) is not { } kind) { error = $"\"{name}\" has the type \"{type}\"; the types are number, choice, text, yesno and date."; return null; }
                List<string>? choices = null;
                if (e.TryGetProperty("choices", out var cs))
                {
                    if (cs.ValueKind != JsonValueKind.Array || cs.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
                    { error = $"The choices of \"{name}\" must be an array of strings."; return null; }
                    choices = cs.EnumerateArray().Select(c => c.GetString()!).ToList();
                }
                var required = e.TryGetProperty("required", out var r) && r.ValueKind == JsonValueKind.True;
                string? fallback = e.TryGetProperty("default", out var f) ? f.ValueKind switch
                {
                    JsonValueKind.String => f.GetString(),
                    JsonValueKind.Number => f.GetRawText(),
                    JsonValueKind.True => "yes",
                    JsonValueKind.False => "no",
                    _ => null,
                } : null;
                decimal? min = e.TryGetProperty("min", out var mi) && mi.ValueKind == JsonValueKind.Number ? mi.GetDecimal() : null;
                decimal? max = e.TryGetProperty("max", out var ma) && ma.ValueKind == JsonValueKind.Number ? ma.GetDecimal() : null;
                list.Add(new AttributeDefinition(name, kind, choices, required, fallback, min, max));
            }
            return list;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or OverflowException)
        {
            error = $"The attributes are not valid JSON: {ex.Message}";
            return null;
        }
    }

    /// <summary>Definitions this code wrote itself (a label set's column): read, or none if the text cannot be read.</summary>
    public static IReadOnlyList<AttributeDefinition> ParseDefinitions(string? json) => ParseDefinitions(json, out _) ?? [];

    /// <summary>The type's name in JSON: number, choice, text, yesno, date.</summary>
    public static string KindName(AttributeKind kind) => kind switch
    {
        AttributeKind.Number => "number",
        AttributeKind.Choice => "choice",
        AttributeKind.Text => "text",
        AttributeKind.YesNo => "yesno",
        AttributeKind.Date => "date",
        _ => kind.ToString().ToLowerInvariant(),
    };

    /// <summary>The type named <paramref name="name"/> (as <see cref="KindName"/> writes it, any case; "yes/no" and "boolean" too).</summary>
    public static AttributeKind? ParseKind(string? name) => name?.Trim().ToLowerInvariant() switch
    {
        "number" => AttributeKind.Number,
        "choice" => AttributeKind.Choice,
        "text" => AttributeKind.Text,
        "yesno" or "yes/no" or "boolean" or "bool" => AttributeKind.YesNo,
        "date" => AttributeKind.Date,
        _ => null,
    };

    /// <summary>The values in the order of the label's definitions, as "name value" pairs for a reader ("count 10, status injured").</summary>
    public static string Describe(IReadOnlyList<AttributeDefinition> definitions, IReadOnlyDictionary<string, string> values)
    {
        var parts = new List<string>();
        foreach (var d in definitions)
            if (values.TryGetValue(d.Name.Trim(), out var v)) parts.Add(string.Create(CultureInfo.InvariantCulture, $"{d.Name.Trim()} {v}"));
        foreach (var (name, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal))
            if (!definitions.Any(d => d.Name.Trim() == name)) parts.Add($"{name} {v}");
        return string.Join(", ", parts);
    }
}
