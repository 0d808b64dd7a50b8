using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Turns an uploaded or local file into interchange documents, whatever its kind: JSONL (one document per line),
/// a plain-text article, an HTML article, or a zip of text and HTML articles. Errors come back as lines with
/// <see cref="FormatError"/>s, in file order, so one pass gives the whole report.
/// </summary>
public static class ImportFileReader
{
    /// <summary>The largest single document (a text file, an HTML page, a zip entry, a JSONL line).</summary>
    public const int MaxDocumentBytes = InterchangeReader.DefaultMaxLineBytes;
    public const int MaxZipEntries = 100_000;

    public static readonly string[] Extensions = [".jsonl", ".ndjson", ".txt", ".html", ".htm", ".zip"];

    public static string? UnsupportedReason(string fileName)
    {
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        return Extensions.Contains(ext) ? null
            : $"\"{Path.GetFileName(fileName)}\" is not a file AnnotateHub imports: use JSONL (.jsonl), plain text (.txt), HTML (.html) or a .zip of text and HTML files (or a brat standoff zip).";
    }

    /// <summary>The file's documents and errors in file order; a zip expands to at most <paramref name="maxZipBytes"/> in all
    /// (<see cref="ImportLimits.MaxZipExpandedBytes"/>).</summary>
    public static IEnumerable<InterchangeLine> Read(Stream input, string fileName, long maxZipBytes = ImportLimits.DefaultMaxZipExpandedBytes)
    {
        switch (Path.GetExtension(fileName).ToLowerInvariant())
        {
            case ".jsonl" or ".ndjson":
                return InterchangeReader.Read(input);
            case ".zip":
                return ReadZip(input, new ZipExpansionBudget(MaxDocumentBytes, maxZipBytes));
            case ".txt" or ".html" or ".htm":
                return [ReadArticle(ReadAll(input, fileName, out var tooLarge), tooLarge, Path.GetFileName(fileName))];
            default:
                return [new InterchangeLine(0, null, [new FormatError(0, null, UnsupportedReason(fileName)!)])];
        }
    }

    private static byte[] ReadAll(Stream input, string name, out bool tooLarge)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        tooLarge = false;
        while ((read = input.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > MaxDocumentBytes) { tooLarge = true; return []; }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static IEnumerable<InterchangeLine> ReadZip(Stream input, ZipExpansionBudget budget)
    {
        if (!input.CanSeek)
        {
            // A zip's directory is at its end: read it into memory (uploads arrive as seekable temp files anyway).
            var copy = new MemoryStream();
            input.CopyTo(copy);
            copy.Position = 0;
            input = copy;
        }
        ZipArchive zip;
        string? openError = null;
        try
        {
            zip = new ZipArchive(input, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException e)
        {
            zip = null!;
            openError = $"not a readable zip file ({e.Message.TrimEnd('.')})";
        }
        if (openError is not null)
        {
            yield return new InterchangeLine(0, null, [new FormatError(0, null, openError)]);
            yield break;
        }
        using (zip)
        {
            var entries = zip.Entries.Where(e => !IsSkipped(e.FullName)).OrderBy(e => e.FullName, StringComparer.Ordinal).ToList();
            // What the entries say they hold refuses an honest zip before anything is decompressed; the budget counts the
            // bytes actually read, for a zip whose entries lie about their size.
            if (budget.DeclaredTooLarge(entries))
            {
                yield return TooMuch(budget);
                yield break;
            }
            if (entries.Any(e => e.FullName.EndsWith(".ann", StringComparison.Ordinal) || e.FullName == "annotation.conf"))
            {
                // brat standoff: .txt + .ann pairs (as the brat export writes them, or from brat itself).
                if (entries.Any(e => e.Length > MaxDocumentBytes))
                {
                    yield return new InterchangeLine(0, null, [new FormatError(0, null, $"a file in the zip is larger than {MaxDocumentBytes / (1024 * 1024)} MB")]);
                    yield break;
                }
                input.Position = 0;
                foreach (var brat in BratReader.Read(input, budget))
                {
                    if (budget.Exhausted)
                    {
                        yield return TooMuch(budget);
                        yield break;
                    }
                    yield return brat.Document is not null
                        ? new InterchangeLine(0, brat.Document, [])
                        : new InterchangeLine(0, null, brat.Errors.Select(e => new FormatError(e.Line, e.Field is null ? brat.Path : $"{brat.Path} {e.Field}", e.Message)).ToList());
                }
                yield break;
            }
            if (entries.Count > MaxZipEntries)
            {
                yield return new InterchangeLine(0, null, [new FormatError(0, null, $"the zip holds {entries.Count} files; at most {MaxZipEntries} can be imported at once")]);
                yield break;
            }
            if (entries.Count == 0)
            {
                yield return new InterchangeLine(0, null, [new FormatError(0, null, "the zip holds no text or HTML files")]);
                yield break;
            }
            foreach (var entry in entries)
            {
                var ext = Path.GetExtension(entry.FullName).ToLowerInvariant();
                if (ext is not (".txt" or ".html" or ".htm"))
                {
                    yield return new InterchangeLine(0, null, [new FormatError(0, entry.FullName, "only .txt and .html files are imported from a zip")]);
                    continue;
                }
                byte[]? bytes;
                bool tooLarge;
                string? readError = null;
                try
                {
                    bytes = budget.Read(entry, out tooLarge);
                }
                catch (InvalidDataException e)
                {
                    bytes = [];
                    tooLarge = false;
                    readError = $"cannot be read from the zip ({e.Message.TrimEnd('.')})";
                }
                if (budget.Exhausted)
                {
                    yield return TooMuch(budget);
                    yield break;
                }
                yield return readError is not null
                    ? new InterchangeLine(0, null, [new FormatError(0, entry.FullName, readError)])
                    : ReadArticle(bytes ?? [], tooLarge, entry.FullName);
            }
        }
    }

    private static InterchangeLine TooMuch(ZipExpansionBudget budget) => new(0, null, [new FormatError(0, null,
        $"the zip's files expand to more than {ImportLimits.Describe(budget.MaxTotalBytes)}; at most that much is read from one zip, so split it into smaller zips")]);

    private static bool IsSkipped(string name) =>
        name.EndsWith('/') || name.StartsWith("__MACOSX/", StringComparison.Ordinal) || Path.GetFileName(name).StartsWith('.');

    /// <summary>One text or HTML article; errors name the file.</summary>
    private static InterchangeLine ReadArticle(byte[] bytes, bool tooLarge, string name)
    {
        InterchangeLine Fail(string message) => new(0, null, [new FormatError(0, name, message)]);
        if (tooLarge) return Fail($"larger than {MaxDocumentBytes / (1024 * 1024)} MB");
        if (bytes.Length == 0) return Fail("the file is empty");
        var content = Decode(bytes, out var error);
        if (content is null) return Fail(error!);
        var isHtml = Path.GetExtension(name).ToLowerInvariant() is ".html" or ".htm" || HtmlArticle.LooksLikeHtml(content);
        string text;
        string? title, outlet, url;
        DateOnly? published;
        if (isHtml)
        {
            if (HtmlNesting.FindTooDeep(content) is { } deepLine)
                return Fail($"the HTML nests elements more than {HtmlNesting.MaxDepth} levels deep (line {deepLine}); no article is that deep, so it is refused unread");
            var article = HtmlArticle.Extract(content);
            (text, title, outlet, published, url) = (article.Text, article.Title, article.Outlet, article.Published, article.Url);
            if (string.IsNullOrWhiteSpace(text)) return Fail("no article text found in the HTML");
            var fromText = ArticleText.ReadMetadata(text, Path.GetFileNameWithoutExtension(name));
            title ??= fromText.Title;
            outlet ??= fromText.Outlet;
            published ??= fromText.Published;
        }
        else
        {
            text = ArticleText.Normalize(content);
            if (string.IsNullOrWhiteSpace(text)) return Fail("the file holds only whitespace");
            var meta = ArticleText.ReadMetadata(text, Path.GetFileNameWithoutExtension(name));
            (title, outlet, published, url) = (meta.Title, meta.Outlet, meta.Published, null);
        }
        var metadata = new Dictionary<string, string?>
        {
            ["title"] = title, ["outlet"] = outlet, ["published"] = published?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), ["url"] = url, ["source"] = name,
        };
        return new InterchangeLine(0, new InterchangeDocument(Path.GetFileNameWithoutExtension(name), text, metadata, [], [], []), []);
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark; anything else is refused, not guessed.</summary>
    public static string? Decode(byte[] bytes, out string? error)
    {
        error = null;
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE])) return Encoding.Unicode.GetString(bytes, 2, bytes.Length - 2);
        if (bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF])) return Encoding.BigEndianUnicode.GetString(bytes, 2, bytes.Length - 2);
        var start = bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        if (bytes.AsSpan(start).IndexOf((byte)0) >= 0)
        {
            error = "looks like a binary file, not text (it holds NUL bytes)";
            return null;
        }
        try
        {
            return StrictUtf8.GetString(bytes, start, bytes.Length - start);
        }
        catch (DecoderFallbackException e)
        {
            error = $"not valid UTF-8 (byte {start + e.Index + 1}); save the file as UTF-8";
            return null;
        }
    }
}
