using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>One problem in an input file: where (line, and field when there is one) and what, in words a person can act on.</summary>
public sealed record FormatError(int Line, string? Field, string Message)
{
    /// <summary>"line N, FIELD: message", leaving out the line when it is 0 or less (a whole-file problem) and the field when there is none.</summary>
    public override string ToString() => Line <= 0
        ? Field is null ? Message : $"{Field}: {Message}"
        : Field is null ? $"line {Line}: {Message}" : $"line {Line}, {Field}: {Message}";
}

/// <summary>One line of a JSONL file: the document it holds when it is valid, else its errors.</summary>
public sealed record InterchangeLine(int Line, InterchangeDocument? Document, IReadOnlyList<FormatError> Errors);

/// <summary>
/// Reads the JSONL interchange format (doccano-compatible) one line at a time, so a file of any size is read in
/// flat memory. Every line is checked in full: each problem is reported with its line and field, and reading
/// goes on, so one pass gives the whole report. Offsets are code points, end exclusive, checked against the text.
/// </summary>
public static partial class InterchangeReader
{
    /// <summary>The longest line read by default: 16 MiB of UTF-8, one document.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Reads <paramref name="input"/> lazily and synchronously, from its current position; it is not closed. Yields one
    /// entry per non-blank line (line numbers from 1; a UTF-8 byte-order mark is skipped, LF or CRLF ends a line), and a
    /// single entry with line 0 for a file with no content. A UTF-16 file gets one error and nothing more.
    /// </summary>
    /// <param name="input">The JSONL file.</param>
    /// <param name="maxLineBytes">Lines longer than this many bytes are reported as errors and not parsed.</param>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is null (thrown when enumeration starts).</exception>
    public static IEnumerable<InterchangeLine> Read(Stream input, int maxLineBytes = DefaultMaxLineBytes)
    {
        ArgumentNullException.ThrowIfNull(input);
        var lineNumber = 0;
        var sawContent = false;
        foreach (var (bytes, tooLong, first) in Lines(input, maxLineBytes))
        {
            lineNumber++;
            var span = bytes.AsMemory();
            if (first)
            {
                if (span.Span.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF])) span = span[3..];
                else if (span.Span.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) || span.Span.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
                {
                    yield return Fail(lineNumber, null, "the file is UTF-16; save it as UTF-8 (JSONL files are UTF-8)");
                    yield break;
                }
            }
            if (tooLong)
            {
                sawContent = true;
                yield return Fail(lineNumber, null, $"the line is longer than {maxLineBytes / (1024 * 1024)} MB; one document per line must be smaller");
                continue;
            }
            if (span.Length > 0 && span.Span[^1] == (byte)'\r') span = span[..^1];
            if (IsBlank(span.Span)) continue;
            sawContent = true;
            if (!Utf8IsValid(span.Span, out var badAt))
            {
                yield return Fail(lineNumber, null, $"not valid UTF-8 (byte {badAt + 1} of the line); save the file as UTF-8");
                continue;
            }
            yield return TryFastLine(lineNumber, span.Span) ?? ParseLineOrRefuse(lineNumber, span);
        }
        if (!sawContent) yield return Fail(0, null, "the file is empty: it holds no documents");
    }

    private static InterchangeLine Fail(int line, string? field, string message) => new(line, null, [new FormatError(line, field, message)]);

    private static bool IsBlank(ReadOnlySpan<byte> line)
    {
        foreach (var b in line) if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r')) return false;
        return true;
    }

    private static bool Utf8IsValid(ReadOnlySpan<byte> bytes, out int badAt)
    {
        badAt = -1;
        if (System.Text.Unicode.Utf8.IsValid(bytes)) return true;
        // Invalid somewhere: find the first bad byte for the message.
        var offset = 0;
        while (offset < bytes.Length)
        {
            var status = Rune.DecodeFromUtf8(bytes[offset..], out _, out var used);
            if (status != OperationStatus.Done) { badAt = offset; return false; }
            offset += used;
        }
        return true;
    }

    /// <summary>Splits the stream at line feeds; a line past the limit is skipped to its end and flagged.</summary>
    private static IEnumerable<(byte[] Bytes, bool TooLong, bool First)> Lines(Stream input, int maxLineBytes)
    {
        var buffer = new byte[64 * 1024];
        var line = new ArrayBufferWriter<byte>(4096);
        var tooLong = false;
        var first = true;
        int read;
        while ((read = input.Read(buffer, 0, buffer.Length)) > 0)
        {
            var offset = 0;
            while (offset < read)
            {
                var nl = buffer.AsSpan(offset, read - offset).IndexOf((byte)'\n');
                var partLength = nl < 0 ? read - offset : nl;
                if (!tooLong)
                {
                    if (line.WrittenCount + partLength > maxLineBytes) { tooLong = true; line.Clear(); }
                    else line.Write(buffer.AsSpan(offset, partLength));
                }
                if (nl < 0) break;
                yield return (line.WrittenSpan.ToArray(), tooLong, first);
                first = false;
                line.Clear();
                tooLong = false;
                offset += nl + 1;
            }
        }
        if (line.WrittenCount > 0 || tooLong) yield return (line.WrittenSpan.ToArray(), tooLong, first);
    }

    /// <summary>A line whose strings cannot become .NET strings (an escaped lone surrogate such as \ud800, which
    /// JsonDocument accepts but cannot read back) is an error of that line, not an exception.</summary>
    private static InterchangeLine ParseLineOrRefuse(int line, ReadOnlyMemory<byte> bytes)
    {
        try
        {
            return ParseLine(line, bytes);
        }
        catch (InvalidOperationException e) when (e.Message.Contains("surrogate", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(line, null, "holds a lone surrogate (an escape such as \\ud800 without its pair): text must be valid Unicode");
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static InterchangeLine ParseLine(int line, ReadOnlyMemory<byte> bytes)
    {
        JsonDocument json;
        try
        {
            json = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            var where = e.BytePositionInLine is { } p ? $" at character {p + 1}" : "";
            return Fail(line, null, $"not valid JSON{where}: {FirstSentence(e.Message)}");
        }
        using (json)
        {
            var root = json.RootElement;
            if (root.ValueKind != JsonValueKind.Object) return Fail(line, null, $"expected a JSON object {{\"text\": ...}}, found {Describe(root)}");
            var errors = new List<FormatError>();
            void Error(string? field, string message) => errors.Add(new FormatError(line, field, message));

            string id = "";
            if (root.TryGetProperty("id", out var idElement))
            {
                if (idElement.ValueKind == JsonValueKind.String) id = idElement.GetString()!;
                else if (idElement.ValueKind == JsonValueKind.Number) id = idElement.GetRawText();
                else if (idElement.ValueKind != JsonValueKind.Null) Error("id", $"must be a string or a number, found {Describe(idElement)}");
            }

            string? text = null;
            if (!root.TryGetProperty("text", out var textElement)) Error("text", "missing: every document needs its text");
            else if (textElement.ValueKind != JsonValueKind.String) Error("text", $"must be a string, found {Describe(textElement)}");
            else
            {
                text = textElement.GetString()!;
                if (string.IsNullOrWhiteSpace(text)) Error("text", "is empty");
            }
            var length = text is null ? -1 : new CodePointIndex(text).Length;

            var meta = new Dictionary<string, string?>(StringComparer.Ordinal);
            if (root.TryGetProperty("meta", out var metaElement) && metaElement.ValueKind != JsonValueKind.Null)
            {
                if (metaElement.ValueKind != JsonValueKind.Object) Error("meta", $"must be an object, found {Describe(metaElement)}");
                else
                {
                    foreach (var p in metaElement.EnumerateObject())
                    {
                        meta[p.Name] = p.Value.ValueKind switch
                        {
                            JsonValueKind.String => p.Value.GetString(),
                            JsonValueKind.Null => null,
                            _ => p.Value.GetRawText(),
                        };
                    }
                }
            }

            var annotators = new List<string>();
            if (root.TryGetProperty("annotators", out var annotatorsElement) && annotatorsElement.ValueKind != JsonValueKind.Null)
            {
                if (annotatorsElement.ValueKind != JsonValueKind.Array) Error("annotators", $"must be an array of names, found {Describe(annotatorsElement)}");
                else
                {
                    var i = 0;
                    foreach (var a in annotatorsElement.EnumerateArray())
                    {
                        if (a.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(a.GetString())) Error($"annotators[{i}]", $"must be a name, found {Describe(a)}");
                        else if (!annotators.Contains(a.GetString()!.Trim())) annotators.Add(a.GetString()!.Trim());
                        i++;
                    }
                }
            }

            var spans = new List<InterchangeSpan>();
            if (root.TryGetProperty("annotations", out var spansElement) && spansElement.ValueKind != JsonValueKind.Null)
            {
                if (spansElement.ValueKind != JsonValueKind.Array) Error("annotations", $"must be an array, found {Describe(spansElement)}");
                else
                {
                    var i = 0;
                    foreach (var s in spansElement.EnumerateArray())
                    {
                        // The common case, a valid span without attributes, without building the field's name for messages.
                        if (TryPlainSpan(s, length) is { } plain) { spans.Add(plain); i++; continue; }
                        var field = $"annotations[{i++}]";
                        if (s.ValueKind != JsonValueKind.Object) { Error(field, $"must be an object {{\"annotator\", \"start\", \"end\", \"label\"}}, found {Describe(s)}"); continue; }
                        var before = errors.Count;
                        var annotator = RequiredString(s, "annotator", field, Error);
                        var start = RequiredInt(s, "start", field, Error);
                        var end = RequiredInt(s, "end", field, Error);
                        var label = RequiredString(s, "label", field, Error);
                        Dictionary<string, string>? attributes = null;
                        if (s.TryGetProperty("attributes", out var attrs) && attrs.ValueKind != JsonValueKind.Null)
                        {
                            if (attrs.ValueKind != JsonValueKind.Object) Error($"{field}.attributes", $"must be an object, found {Describe(attrs)}");
                            else
                            {
                                attributes = new Dictionary<string, string>(StringComparer.Ordinal);
                                foreach (var p in attrs.EnumerateObject())
                                    attributes[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
                            }
                        }
                        if (start is { } st && end is { } en) CheckOffsets(st, en, length, field, Error);
                        if (errors.Count == before) spans.Add(new InterchangeSpan(annotator!.Trim(), start!.Value, end!.Value, label!.Trim(), attributes));
                    }
                }
            }

            var gold = new List<GoldSpan>();
            var goldAt = new Dictionary<int, int>(); // index in "label" → index in gold
            var labelCount = 0;
            if (root.TryGetProperty("label", out var goldElement) && goldElement.ValueKind != JsonValueKind.Null)
            {
                if (goldElement.ValueKind != JsonValueKind.Array) Error("label", $"must be an array of [start, end, label], found {Describe(goldElement)}");
                else
                {
                    var i = 0;
                    foreach (var g in goldElement.EnumerateArray())
                    {
                        var field = $"label[{i++}]";
                        if (g.ValueKind != JsonValueKind.Array || g.GetArrayLength() != 3
                            || g[0].ValueKind != JsonValueKind.Number || g[1].ValueKind != JsonValueKind.Number || g[2].ValueKind != JsonValueKind.String)
                        {
                            Error(field, $"must be [start, end, \"label\"], found {Describe(g)}");
                            continue;
                        }
                        if (!g[0].TryGetInt32(out var st) || !g[1].TryGetInt32(out var en)) { Error(field, "start and end must be whole numbers"); continue; }
                        var label = g[2].GetString()!;
                        if (string.IsNullOrWhiteSpace(label)) { Error(field, "the label is empty"); continue; }
                        var before = errors.Count;
                        CheckOffsets(st, en, length, field, Error);
                        if (errors.Count == before) { goldAt[i - 1] = gold.Count; gold.Add(new GoldSpan(st, en, label.Trim())); }
                    }
                    labelCount = i;
                }
            }

            if (root.TryGetProperty("gold_provenance", out var provenanceElement) && provenanceElement.ValueKind != JsonValueKind.Null)
            {
                if (provenanceElement.ValueKind != JsonValueKind.Array) Error("gold_provenance", $"must be an array with one entry per \"label\" span, found {Describe(provenanceElement)}");
                else if (provenanceElement.GetArrayLength() != labelCount)
                    Error("gold_provenance", $"has {provenanceElement.GetArrayLength()} entries but \"label\" has {labelCount} spans: it needs one entry (or null) per span, in the same order");
                else
                {
                    var i = 0;
                    foreach (var p in provenanceElement.EnumerateArray())
                    {
                        var field = $"gold_provenance[{i}]";
                        var provenance = ReadProvenance(p, field, Error);
                        if (provenance is not null && goldAt.TryGetValue(i, out var at)) gold[at] = gold[at] with { Provenance = provenance };
                        i++;
                    }
                }
            }

            if (root.TryGetProperty("gold_attributes", out var goldValuesElement) && goldValuesElement.ValueKind != JsonValueKind.Null)
            {
                if (goldValuesElement.ValueKind != JsonValueKind.Array) Error("gold_attributes", $"must be an array with one entry per \"label\" span, found {Describe(goldValuesElement)}");
                else if (goldValuesElement.GetArrayLength() != labelCount)
                    Error("gold_attributes", $"has {goldValuesElement.GetArrayLength()} entries but \"label\" has {labelCount} spans: it needs one entry (or null) per span, in the same order");
                else
                {
                    var i = 0;
                    foreach (var v in goldValuesElement.EnumerateArray())
                    {
                        var values = ReadValues(v, $"gold_attributes[{i}]", Error);
                        if (values is { Count: > 0 } && goldAt.TryGetValue(i, out var at)) gold[at] = gold[at] with { Attributes = values };
                        i++;
                    }
                }
            }

            List<InterchangeDocumentLabel>? documentLabels = null;
            if (root.TryGetProperty("document_labels", out var documentLabelsElement) && documentLabelsElement.ValueKind != JsonValueKind.Null)
            {
                if (documentLabelsElement.ValueKind != JsonValueKind.Array) Error("document_labels", $"must be an array of {{\"annotator\", \"attributes\"}}, found {Describe(documentLabelsElement)}");
                else
                {
                    documentLabels = [];
                    var i = 0;
                    foreach (var entry in documentLabelsElement.EnumerateArray())
                    {
                        var field = $"document_labels[{i++}]";
                        if (entry.ValueKind != JsonValueKind.Object) { Error(field, $"must be an object {{\"annotator\", \"attributes\"}}, found {Describe(entry)}"); continue; }
                        var before = errors.Count;
                        var annotator = RequiredString(entry, "annotator", field, Error);
                        var values = entry.TryGetProperty("attributes", out var a) ? ReadValues(a, $"{field}.attributes", Error) : null;
                        if (errors.Count != before) continue;
                        if (documentLabels.Any(l => string.Equals(l.Annotator, annotator!.Trim(), StringComparison.OrdinalIgnoreCase)))
                            Error(field, $"\"{annotator!.Trim()}\" has two entries: one annotator says one thing about a document");
                        else documentLabels.Add(new InterchangeDocumentLabel(annotator!.Trim(), values ?? new Dictionary<string, string>()));
                    }
                }
            }

            var curated = false;
            if (root.TryGetProperty("curated", out var curatedElement) && curatedElement.ValueKind != JsonValueKind.Null)
            {
                if (curatedElement.ValueKind is JsonValueKind.True or JsonValueKind.False) curated = curatedElement.GetBoolean();
                else Error("curated", $"must be true or false, found {Describe(curatedElement)}");
            }

            if (errors.Count > 0 || text is null) return new InterchangeLine(line, null, errors);
            return new InterchangeLine(line, new InterchangeDocument(id, text, meta, annotators, spans, gold, curated, documentLabels), []);
        }
    }

    // An object of values (strings; a number or a boolean as its JSON text), or null; else an error.
    private static Dictionary<string, string>? ReadValues(JsonElement v, string field, Action<string?, string> error)
    {
        if (v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.Object)
        {
            error(field, $"must be an object of values or null, found {Describe(v)}");
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in v.EnumerateObject())
        {
            if (p.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array) error($"{field}.{p.Name}", $"must be a value, found {Describe(p.Value)}");
            else if (p.Value.ValueKind != JsonValueKind.Null) values[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
        }
        return values;
    }

    // One entry of "gold_provenance": null, or {"origin", "rule", "rule_text", "curator", "sources", "note"} (rule_text
    // is written for people and not read back: the rule's name says it).
    private static GoldProvenance? ReadProvenance(JsonElement p, string field, Action<string?, string> error)
    {
        if (p.ValueKind == JsonValueKind.Null) return null;
        if (p.ValueKind != JsonValueKind.Object) { error(field, $"must be an object {{\"origin\", \"rule\", \"curator\", \"sources\", \"note\"}} or null, found {Describe(p)}"); return null; }
        var origin = RequiredString(p, "origin", field, error)?.Trim().ToLowerInvariant();
        if (origin is not null && !GoldProvenance.Origins.Contains(origin))
        {
            error($"{field}.origin", $"\"{origin}\" is not an origin; use {string.Join(", ", GoldProvenance.Origins.Select(o => $"\"{o}\""))}");
            origin = null;
        }
        var rule = OptionalString(p, "rule", field, error);
        var curator = OptionalString(p, "curator", field, error);
        var note = OptionalString(p, "note", field, error);
        var sources = new List<string>();
        if (p.TryGetProperty("sources", out var sourcesElement) && sourcesElement.ValueKind != JsonValueKind.Null)
        {
            if (sourcesElement.ValueKind != JsonValueKind.Array) error($"{field}.sources", $"must be an array of names, found {Describe(sourcesElement)}");
            else
            {
                var j = 0;
                foreach (var s in sourcesElement.EnumerateArray())
                {
                    if (s.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(s.GetString())) error($"{field}.sources[{j}]", $"must be a name, found {Describe(s)}");
                    else sources.Add(s.GetString()!.Trim());
                    j++;
                }
            }
        }
        return origin is null ? null : new GoldProvenance(origin, rule, curator, sources, note);
    }

    private static string? OptionalString(JsonElement o, string name, string field, Action<string?, string> error)
    {
        if (!o.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind != JsonValueKind.String) { error($"{field}.{name}", $"must be a string or null, found {Describe(v)}"); return null; }
        var s = v.GetString()!.Trim();
        return s.Length == 0 ? null : s;
    }

    /// <summary>A span that the full checks below would accept as it is and that has no attributes; else null (the full checks run).</summary>
    private static InterchangeSpan? TryPlainSpan(JsonElement s, int length)
    {
        if (s.ValueKind != JsonValueKind.Object
            || (s.TryGetProperty("attributes", out var attrs) && attrs.ValueKind != JsonValueKind.Null)
            || !s.TryGetProperty("annotator", out var annotator) || annotator.ValueKind != JsonValueKind.String
            || !s.TryGetProperty("label", out var label) || label.ValueKind != JsonValueKind.String
            || !s.TryGetProperty("start", out var startElement) || startElement.ValueKind != JsonValueKind.Number || !startElement.TryGetInt32(out var start)
            || !s.TryGetProperty("end", out var endElement) || endElement.ValueKind != JsonValueKind.Number || !endElement.TryGetInt32(out var end)
            || start < 0 || start >= end || (length >= 0 && end > length))
            return null;
        var annotatorName = annotator.GetString()!;
        var labelName = label.GetString()!;
        if (string.IsNullOrWhiteSpace(annotatorName) || string.IsNullOrWhiteSpace(labelName)) return null;
        return new InterchangeSpan(annotatorName.Trim(), start, end, labelName.Trim());
    }

    private static void CheckOffsets(int start, int end, int length, string field, Action<string?, string> error)
    {
        if (start < 0) error($"{field}.start", $"{start} is negative");
        else if (start >= end) error(field, $"start {start} is not before end {end}");
        else if (length >= 0 && end > length) error($"{field}.end", $"{end} is past the end of the text ({length} code points)");
    }

    private static string? RequiredString(JsonElement o, string name, string field, Action<string?, string> error)
    {
        if (!o.TryGetProperty(name, out var v)) { error($"{field}.{name}", "missing"); return null; }
        if (v.ValueKind != JsonValueKind.String) { error($"{field}.{name}", $"must be a string, found {Describe(v)}"); return null; }
        var s = v.GetString()!;
        if (string.IsNullOrWhiteSpace(s)) { error($"{field}.{name}", "is empty"); return null; }
        return s;
    }

    private static int? RequiredInt(JsonElement o, string name, string field, Action<string?, string> error)
    {
        if (!o.TryGetProperty(name, out var v)) { error($"{field}.{name}", "missing"); return null; }
        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt32(out var n)) { error($"{field}.{name}", $"must be a whole number, found {Describe(v)}"); return null; }
        return n;
    }

    private static string Describe(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => $"the string {Quote(e.GetString()!)}",
        JsonValueKind.Number => $"the number {e.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => e.GetRawText(),
        JsonValueKind.Null => "null",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => e.ValueKind.ToString(),
    };

    private static string Quote(string s) => s.Length <= 40 ? $"\"{s}\"" : $"\"{s[..37]}...\"";

    private static string FirstSentence(string message)
    {
        foreach (var marker in new[] { " Path:", " LineNumber:" })
        {
            var cut = message.IndexOf(marker, StringComparison.Ordinal);
            if (cut > 0) message = message[..cut];
        }
        return message.TrimEnd();
    }
}
