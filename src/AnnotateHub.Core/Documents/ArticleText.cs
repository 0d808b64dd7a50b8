using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AnnotateHub.Core.Documents;

/// <summary>What an article's own text says about itself.</summary>
public sealed record ArticleMetadata(string Title, string? Outlet, DateOnly? Published);

/// <summary>Normalises article text, hashes it, and reads title, outlet and date from the text where it states them.</summary>
public static partial class ArticleText
{
    /// <summary>The longest title <see cref="ReadMetadata"/> takes from the text, in UTF-16 code units; a longer line is shortened.</summary>
    public const int MaxTitleLength = 160;

    /// <summary>Line endings become \n and a byte-order mark is dropped; nothing else changes, so offsets stay meaningful.</summary>
    public static string Normalize(string text) =>
        text.TrimStart('\uFEFF').Replace("\r\n", "\n").Replace('\r', '\n');

    /// <summary>
    /// Normalises like <see cref="Normalize"/> and also returns how code-point offsets into the original text move:
    /// null when nothing moved, else an array giving, for each original offset 0..length, the normalised offset.
    /// </summary>
    public static (string Text, int[]? OffsetMap) NormalizeWithOffsets(string text)
    {
        if (!text.Contains('\r') && !text.StartsWith('\uFEFF')) return (text, null);
        var cpLength = new Text.CodePointIndex(text).Length;
        var map = new int[cpLength + 1];
        var sb = new System.Text.StringBuilder(text.Length);
        int cp = 0, outCp = 0;
        for (var i = 0; i < text.Length; i++)
        {
            map[cp] = outCp;
            var c = text[i];
            if (c == '\uFEFF' && i == 0) { cp++; continue; }
            if (c == '\r')
            {
                cp++;
                if (i + 1 < text.Length && text[i + 1] == '\n') continue; // the \n that follows is kept
                sb.Append('\n');
                outCp++;
                continue;
            }
            sb.Append(c);
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) sb.Append(text[++i]);
            cp++;
            outCp++;
        }
        map[cp] = outCp;
        return (sb.ToString(), map);
    }

    /// <summary>SHA-256 of the normalised text, lower-case hex: the identity used to detect duplicate documents.</summary>
    public static string ContentHash(string text) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalize(text))));

    /// <summary>
    /// Reads metadata from the first lines of an article. The title is the first of the first six non-blank lines that is
    /// not a breadcrumb ("News / Iraq") or a byline ("By ..."), after any leading "date yyyy-mm-dd"; a longer one than
    /// <see cref="MaxTitleLength"/> ends before its first . ! or ? when that comes within the limit, else is cut at a space
    /// and given an ellipsis. The date is the first such leading date, else the first yyyy-mm-dd anywhere in the text;
    /// the outlet is the name before "'s website", if any.
    /// </summary>
    /// <param name="text">The article's plain text.</param>
    /// <param name="fallbackTitle">The title when no line qualifies (for example the file name).</param>
    public static ArticleMetadata ReadMetadata(string text, string fallbackTitle)
    {
        var lines = Normalize(text).Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        DateOnly? published = null;
        string? title = null;

        foreach (var line in lines.Take(6))
        {
            var candidate = line;
            var dated = LeadingDate().Match(candidate);
            if (dated.Success)
            {
                if (DateOnly.TryParseExact(dated.Groups["date"].Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                    published ??= d;
                candidate = candidate[dated.Length..].Trim();
            }
            if (candidate.Length == 0 || IsBreadcrumb(candidate) || IsByline(candidate)) continue;
            title = candidate.Length <= MaxTitleLength ? candidate : Shorten(candidate);
            break;
        }

        published ??= FindDate(text);
        var outlet = OutletPattern().Match(text) is { Success: true } m ? m.Groups["outlet"].Value.Trim() : null;
        return new ArticleMetadata(string.IsNullOrWhiteSpace(title) ? fallbackTitle : title, outlet, published);
    }

    private static DateOnly? FindDate(string text)
    {
        var m = IsoDate().Match(text);
        return m.Success && DateOnly.TryParseExact(m.Value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
    }

    // "News / Iraq / Editor's Choice": navigation, not a title.
    private static bool IsBreadcrumb(string line) => line.Contains(" / ", StringComparison.Ordinal) && line.Length < 80;

    private static bool IsByline(string line) => line.StartsWith("By ", StringComparison.Ordinal) && line.Length < 60;

    private static string Shorten(string line)
    {
        var sentenceEnd = line.IndexOfAny(['.', '!', '?']);
        if (sentenceEnd > 0 && sentenceEnd < MaxTitleLength) return line[..sentenceEnd];
        var cut = line.LastIndexOf(' ', MaxTitleLength - 1);
        return line[..(cut > 40 ? cut : MaxTitleLength - 1)] + "…";
    }

    [GeneratedRegex(@"^date\s+(?<date>\d{4}-\d{2}-\d{2})\b", RegexOptions.IgnoreCase)]
    private static partial Regex LeadingDate();

    [GeneratedRegex(@"\b\d{4}-\d{2}-\d{2}\b")]
    private static partial Regex IsoDate();

    // Outlets that name themselves: "Press TV’s website can also be accessed ...".
    [GeneratedRegex(@"(?<outlet>[A-Z][\w.&\- ]{1,40}?)[’']s website")]
    private static partial Regex OutletPattern();
}
