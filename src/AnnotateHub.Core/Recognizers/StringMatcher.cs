using System.Globalization;

namespace AnnotateHub.Core.Recognizers;

/// <summary>A phrase to tag wherever it occurs, with its label: learned from the project's spans, or a gazetteer line.</summary>
/// <param name="Phrase">The words, matched case-insensitively at word boundaries.</param>
/// <param name="Label">The label its occurrences get.</param>
public sealed record StringEntry(string Phrase, string Label);

/// <summary>An occurrence of an entry in a text (UTF-16 range).</summary>
/// <param name="Start">Where it starts (UTF-16).</param>
/// <param name="End">Where it ends (UTF-16, exclusive).</param>
/// <param name="Label">The entry's label.</param>
/// <param name="Phrase">The entry that matched.</param>
public sealed record StringMatch(int Start, int End, string Label, string Phrase);

/// <summary>
/// "Tag every occurrence of this actor" (issue 19): finds the phrases of a list in a text, case-insensitively, only as
/// whole words (not "Iraq" in "Iraqi"), longest first where two overlap at the same place, each occurrence once per label.
/// The list is learned from what annotators already marked (<see cref="Learn"/>) or read from a gazetteer file
/// (<see cref="ReadGazetteer"/>: a phrase, a tab, a label per line).
/// </summary>
public static class StringMatcher
{
    /// <summary>The recognizer's name, as its suggestions give it.</summary>
    public const string Name = "string matcher";

    /// <summary>The shortest phrase worth matching, in UTF-16 units (shorter ones match everywhere).</summary>
    public const int MinPhraseLength = 3;

    /// <summary>The longest phrase kept (a whole marked sentence is no name to look for).</summary>
    public const int MaxPhraseLength = 120;

    /// <summary>
    /// The entries annotators' spans teach: each distinct (text, label) whose text is a name-like phrase (3 to 120
    /// characters, on one line, not only digits and punctuation). A phrase marked with two labels keeps the one marked
    /// more often (ties: the first in label order), so one phrase never suggests two labels.
    /// </summary>
    public static IReadOnlyList<StringEntry> Learn(IEnumerable<(string Text, string Label)> spans)
    {
        var counts = new Dictionary<string, Dictionary<string, int>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (raw, label) in spans)
        {
            var text = raw.Trim();
            if (!Usable(text)) continue;
            if (!counts.TryGetValue(text, out var byLabel)) counts[text] = byLabel = new Dictionary<string, int>(StringComparer.Ordinal);
            byLabel[label] = byLabel.GetValueOrDefault(label) + 1;
        }
        return counts
            .Select(p => new StringEntry(p.Key, p.Value.OrderByDescending(l => l.Value).ThenBy(l => l.Key, StringComparer.Ordinal).First().Key))
            .OrderBy(e => e.Phrase, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    /// <summary>
    /// Reads a gazetteer: one entry per line, the phrase, a tab, the label; blank lines and lines starting with # are
    /// skipped. Every line that is not an entry is refused with its number and why (the caller refuses the file, or
    /// reports them); a label outside <paramref name="labels"/> is refused too, when given.
    /// </summary>
    public static (IReadOnlyList<StringEntry> Entries, IReadOnlyList<string> Errors) ReadGazetteer(string content, IReadOnlyCollection<string>? labels = null)
    {
        var entries = new List<StringEntry>();
        var errors = new List<string>();
        var seen = new HashSet<(string, string)>();
        var lines = content.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            var number = (i + 1).ToString(CultureInfo.InvariantCulture);
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#')) continue;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab < 0) { errors.Add($"line {number}: no tab between the phrase and its label."); continue; }
            var phrase = line[..tab].Trim();
            var label = line[(tab + 1)..].Trim();
            if (label.Contains('\t', StringComparison.Ordinal)) { errors.Add($"line {number}: more than one tab; write the phrase, a tab, the label."); continue; }
            if (!Usable(phrase)) { errors.Add($"line {number}: \"{Clip(phrase)}\" is not a phrase to look for ({MinPhraseLength} to {MaxPhraseLength} characters, not only digits)."); continue; }
            if (label.Length == 0) { errors.Add($"line {number}: \"{Clip(phrase)}\" has no label."); continue; }
            if (labels is not null && !labels.Contains(label, StringComparer.OrdinalIgnoreCase))
            {
                errors.Add($"line {number}: \"{label}\" is not a label of this project ({string.Join(", ", labels)}).");
                continue;
            }
            var canonical = labels?.First(l => string.Equals(l, label, StringComparison.OrdinalIgnoreCase)) ?? label;
            if (seen.Add((phrase.ToLowerInvariant(), canonical))) entries.Add(new StringEntry(phrase, canonical));
        }
        return (entries, errors);
    }

    /// <summary>Every whole-word occurrence of the entries in <paramref name="text"/>, in text order; at one place the longest
    /// phrase wins, and occurrences of one label do not overlap.</summary>
    public static IReadOnlyList<StringMatch> Find(string text, IReadOnlyList<StringEntry> entries)
    {
        var found = new List<StringMatch>();
        foreach (var entry in entries.OrderByDescending(e => e.Phrase.Length))
        {
            var at = 0;
            while (at <= text.Length - entry.Phrase.Length)
            {
                var hit = text.IndexOf(entry.Phrase, at, StringComparison.OrdinalIgnoreCase);
                if (hit < 0) break;
                var end = hit + entry.Phrase.Length;
                if (WordBoundary(text, hit) && WordBoundary(text, end)
                    && !found.Any(f => f.Label == entry.Label && f.Start < end && hit < f.End))
                    found.Add(new StringMatch(hit, end, entry.Label, entry.Phrase));
                at = hit + 1;
            }
        }
        return found.OrderBy(f => f.Start).ThenBy(f => f.End).ToList();
    }

    private static bool Usable(string phrase) =>
        phrase.Length >= MinPhraseLength && phrase.Length <= MaxPhraseLength && !phrase.Any(c => c is '\n' or '\r' or '\t')
        && phrase.Any(char.IsLetter);

    // A boundary between a word character and something else (or the text's edge).
    private static bool WordBoundary(string text, int at)
    {
        var before = at > 0 && IsWord(text[at - 1]);
        var after = at < text.Length && IsWord(text[at]);
        return !(before && after);
    }

    private static bool IsWord(char c) => char.IsLetterOrDigit(c) || c == '_' || char.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark;

    private static string Clip(string value) => value.Length <= 40 ? value : value[..39] + "…";
}
