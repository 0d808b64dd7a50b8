using System.Globalization;
using System.IO.Compression;
using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>One document of a brat zip: its .txt path, the document when it is valid, else the errors of its .ann by line.</summary>
public sealed record BratDocument(string Path, InterchangeDocument? Document, IReadOnlyList<FormatError> Errors)
{
    /// <summary>The .txt path alone when valid, else one line "PATH: error" per error.</summary>
    public override string ToString() => Errors.Count == 0 ? Path : string.Join("\n", Errors.Select(e => $"{Path}: {e}"));
}

/// <summary>
/// Reads a brat zip (as <see cref="BratWriter"/> writes it, or by hand): each .txt with its .ann becomes a document
/// whose id is the file name and whose split is the folder. Spans with an "annotator: NAME" note are that
/// annotator's; spans without one are gold. visual.conf [labels] turns types back into label names. Attributes of
/// text-bound annotations (A lines; a binary one is "yes") and the <c>name=value</c> pairs of an AnnotatorNotes line
/// become the span's attribute values, any other text of the note its note ("note"), as <see cref="BratWriter"/> writes
/// them; a span without an annotator is gold, with its values, any other text of its note the note of its provenance. Relations, events and their
/// attributes are skipped. Offsets are code points; every span's text is checked against the .txt.
/// </summary>
public static class BratReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// The documents of a brat zip in path order. With a <paramref name="budget"/> every file is read against it: a file
    /// too large is an error of its path, and once the zip passes its total the reading stops after an error saying so
    /// (<see cref="ZipExpansionBudget.Exhausted"/> tells the caller).
    /// </summary>
    public static IEnumerable<BratDocument> Read(Stream zip, ZipExpansionBudget? budget = null)
    {
        ArgumentNullException.ThrowIfNull(zip);
        budget ??= new ZipExpansionBudget(long.MaxValue, long.MaxValue);
        using var archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        var entries = archive.Entries.Where(e => !e.FullName.EndsWith('/')).ToDictionary(e => e.FullName, StringComparer.Ordinal);
        var labels = entries.TryGetValue("visual.conf", out var visual) ? VisualLabels(ReadText(visual, budget, out _) ?? "") : [];
        if (budget.Exhausted)
        {
            yield return new BratDocument("visual.conf", null, [new FormatError(0, null, TooMuch(budget))]);
            yield break;
        }
        foreach (var (path, entry) in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            if (path.EndsWith(".ann", StringComparison.Ordinal) && !entries.ContainsKey(path[..^4] + ".txt"))
                yield return new BratDocument(path, null, [new FormatError(0, null, "has no .txt beside it")]);
            if (!path.EndsWith(".txt", StringComparison.Ordinal)) continue;
            var text = ReadText(entry, budget, out var textProblem);
            if (text is null)
            {
                yield return new BratDocument(path, null, [new FormatError(0, null, textProblem!)]);
                if (budget.Exhausted) yield break;
                continue;
            }
            var annPath = path[..^4] + ".ann";
            string? annProblem = null;
            var ann = entries.TryGetValue(annPath, out var annEntry) ? ReadText(annEntry, budget, out annProblem) : "";
            if (ann is null)
            {
                yield return new BratDocument(annPath, null, [new FormatError(0, null, annProblem!)]);
                if (budget.Exhausted) yield break;
                continue;
            }
            var slash = path.LastIndexOf('/');
            var folder = slash < 0 ? "" : path[..slash];
            var id = BratNames.IdOf(path[(slash + 1)..^4]);
            yield return Parse(annPath, id, folder, text, ann, labels);
        }
    }

    /// <summary>Parses one .ann against its text.</summary>
    public static BratDocument Parse(string annPath, string id, string folder, string text, string ann, IReadOnlyDictionary<string, string> labels)
    {
        var errors = new List<FormatError>();
        var cpText = new CodePointText(text);
        var spans = new Dictionary<string, (int Start, int End, string Label)>(StringComparer.Ordinal);
        var order = new List<string>();
        var annotatorOf = new Dictionary<string, string>(StringComparer.Ordinal);
        var notes = new List<(int Line, string Id, string Target)>();
        var valuesOf = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var freeNotes = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        Dictionary<string, string> Values(string target) =>
            valuesOf.TryGetValue(target, out var v) ? v : valuesOf[target] = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var raw in ann.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0) continue;
            var fields = line.Split('\t');
            var key = fields[0];
            void Error(string message) => errors.Add(new FormatError(lineNumber, key, message));
            switch (key.Length > 0 ? key[0] : ' ')
            {
                case 'T':
                    if (fields.Length < 3) { Error("a text-bound annotation needs three tab-separated fields: ID, \"TYPE START END\", text"); break; }
                    if (spans.ContainsKey(key)) { Error("this id is used twice"); break; }
                    var typeAndOffsets = fields[1].Split(' ', 2);
                    if (typeAndOffsets.Length < 2) { Error($"\"{fields[1]}\" must be \"TYPE START END\""); break; }
                    var fragments = new List<(int Start, int End)>();
                    var ok = true;
                    foreach (var part in typeAndOffsets[1].Split(';'))
                    {
                        var numbers = part.Trim().Split(' ');
                        if (numbers.Length != 2 || !int.TryParse(numbers[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                            || !int.TryParse(numbers[1], NumberStyles.None, CultureInfo.InvariantCulture, out var e))
                        {
                            Error($"\"{part}\" must be two whole numbers START END"); ok = false; break;
                        }
                        if (s >= e) { Error($"start {s} is not before end {e}"); ok = false; break; }
                        if (e > cpText.Length) { Error($"end {e} is past the end of the text ({cpText.Length} code points)"); ok = false; break; }
                        fragments.Add((s, e));
                    }
                    if (!ok) break;
                    for (var i = 1; i < fragments.Count; i++)
                    {
                        if (fragments[i].Start < fragments[i - 1].End) { Error("fragments must be in order and must not overlap"); ok = false; break; }
                        if (cpText.Slice(fragments[i - 1].End, fragments[i].Start).Trim().Length > 0)
                        {
                            Error("a discontinuous span (fragments with text between them) cannot be imported; only line breaks may separate fragments");
                            ok = false;
                            break;
                        }
                    }
                    if (!ok) break;
                    var expected = string.Join(' ', fragments.Select(f => cpText.Slice(f.Start, f.End)));
                    if (!string.Equals(expected, string.Join('\t', fields.Skip(2)), StringComparison.Ordinal))
                    {
                        Error($"the text \"{Short(string.Join('\t', fields.Skip(2)))}\" differs from the .txt at those offsets (\"{Short(expected)}\"); offsets count code points");
                        break;
                    }
                    var type = typeAndOffsets[0];
                    spans[key] = (fragments[0].Start, fragments[^1].End, labels.GetValueOrDefault(type, type));
                    order.Add(key);
                    break;
                case '#':
                    if (fields.Length < 3) { Error("a note needs three tab-separated fields: ID, \"AnnotatorNotes TARGET\", note"); break; }
                    var target = fields[1].Split(' ');
                    if (target.Length != 2 || target[0] != "AnnotatorNotes") break; // other note kinds carry nothing we import
                    notes.Add((lineNumber, key, target[1]));
                    foreach (var part in string.Join('\t', fields.Skip(2)).Split(" | "))
                    {
                        if (part.StartsWith("annotator: ", StringComparison.Ordinal) && part.Length > "annotator: ".Length)
                            annotatorOf[target[1]] = part["annotator: ".Length..].Trim();
                        else if (part.StartsWith("votes: ", StringComparison.Ordinal)) { } // soft labels: counted again from the spans
                        else if (BratAttributes.TryParsePairs(part, out var pairs))
                        {
                            foreach (var (name, value) in pairs) Values(target[1])[name] = value;
                        }
                        else if (part.Trim().Length > 0)
                        {
                            if (!freeNotes.TryGetValue(target[1], out var free)) freeNotes[target[1]] = free = [];
                            free.Add(part);
                        }
                    }
                    break;
                case 'A' or 'M':
                    // "A1\tname T3 value", or "A1\tname T3" for a binary attribute; M is brat's old name for A.
                    var attribute = fields.Length >= 2 ? fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
                    if (attribute.Length is < 2 or > 3) { Error("an attribute needs two tab-separated fields: ID, \"NAME TARGET [VALUE]\""); break; }
                    if (!attribute[1].StartsWith('T')) break; // an event's or relation's attribute: not part of AnnotateHub's model
                    notes.Add((lineNumber, key, attribute[1]));
                    Values(attribute[1])[attribute[0]] = attribute.Length == 3 ? attribute[2] : "yes";
                    break;
                case 'R' or 'E' or 'N' or '*':
                    break; // relations, events, normalisations: not part of AnnotateHub's model
                default:
                    Error("unknown annotation line; brat lines start with T, R, E, A, M, N, # or *");
                    break;
            }
        }
        foreach (var (line, noteId, target) in notes.Where(n => !spans.ContainsKey(n.Target)))
            errors.Add(new FormatError(line, noteId, $"the {(noteId.StartsWith('#') ? "note" : "attribute")} is about {target}, which is not a text-bound annotation of this file"));
        if (errors.Count > 0) return new BratDocument(annPath, null, errors);

        var annotations = new List<InterchangeSpan>();
        var gold = new List<GoldSpan>();
        foreach (var key in order)
        {
            var (s, e, label) = spans[key];
            if (annotatorOf.TryGetValue(key, out var annotator))
            {
                var values = valuesOf.GetValueOrDefault(key) ?? new Dictionary<string, string>(StringComparer.Ordinal);
                if (freeNotes.TryGetValue(key, out var free)) values[Labels.AttributeRules.ReservedName] = string.Join(" | ", free);
                annotations.Add(new InterchangeSpan(annotator, s, e, label, values.Count > 0 ? values : null));
            }
            else
            {
                // A gold span's values are its own; any other text of its note becomes the note of its provenance.
                var values = valuesOf.GetValueOrDefault(key);
                var provenance = freeNotes.TryGetValue(key, out var free)
                    ? new GoldProvenance(GoldProvenance.Imported, null, null, [], string.Join(" | ", free)) : null;
                gold.Add(new GoldSpan(s, e, label, provenance, values is { Count: > 0 } ? values : null));
            }
        }
        var meta = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (folder.Length > 0) meta["split"] = folder;
        var annotators = annotations.Select(a => a.Annotator).Distinct(StringComparer.Ordinal).ToList();
        return new BratDocument(annPath, new InterchangeDocument(id, text, meta, annotators, annotations, gold), []);
    }

    /// <summary>visual.conf [labels] lines "TYPE | Full name | ...": type → full name.</summary>
    public static Dictionary<string, string> VisualLabels(string visualConf)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var inLabels = false;
        foreach (var raw in visualConf.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith('[')) { inLabels = line == "[labels]"; continue; }
            if (!inLabels || line.Length == 0 || line.StartsWith('#')) continue;
            var parts = line.Split('|', StringSplitOptions.TrimEntries);
            if (parts.Length >= 2 && parts[0].Length > 0 && parts[1].Length > 0) labels[parts[0]] = parts[1];
        }
        return labels;
    }

    /// <summary>The entry as UTF-8 text; null with the reason when it is too large, the zip's budget is spent, or it is not UTF-8.</summary>
    private static string? ReadText(ZipArchiveEntry entry, ZipExpansionBudget budget, out string? problem)
    {
        byte[]? bytes;
        bool tooLarge;
        try
        {
            bytes = budget.Read(entry, out tooLarge);
        }
        catch (InvalidDataException e)
        {
            problem = $"cannot be read from the zip ({e.Message.TrimEnd('.')})";
            return null;
        }
        problem = budget.Exhausted ? TooMuch(budget) : tooLarge ? $"is larger than {budget.MaxEntryBytes} bytes" : null;
        if (bytes is null) return null;
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            problem = "is not valid UTF-8; brat files are UTF-8";
            return null;
        }
    }

    private static string TooMuch(ZipExpansionBudget budget) => $"the zip expands to more than {budget.MaxTotalBytes} bytes";

    private static string Short(string s) => s.Length <= 40 ? s : s[..37] + "...";
}
