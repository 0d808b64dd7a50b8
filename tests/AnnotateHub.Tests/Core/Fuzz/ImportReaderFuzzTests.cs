using System.Globalization;
using System.IO.Compression;
using System.Text;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.Features.Import;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace AnnotateHub.Tests.Core.Fuzz;

/// <summary>
/// The import readers on hostile input (FsCheck): random bytes, JSON with hostile values (control characters, lone
/// surrogates, negative and huge offsets, deep nesting, huge strings), zips with traversal names and random content.
/// Whatever comes in, no exception escapes and every line that is not a document carries at least one reason.
/// </summary>
public sealed class ImportReaderFuzzTests
{
    private static readonly string[] Offsets = ["0", "1", "-1", "-2147483648", "2147483647", "2147483648", "9223372036854775808", "1e308", "0.5", "null", "\"3\"", "[]", "{}", "true"];
    private static readonly string[] Kinds = [".jsonl", ".txt", ".html", ".zip"];

    /// <summary>One JSON value a hostile file might hold where a string or number belongs.</summary>
    public static Gen<string> HostileValue() => Gen.OneOf(
        Gen.Elements(Offsets),
        ArbMap.Default.GeneratorFor<string>().Select(s => Quote(s ?? "")),
        Gen.Choose(1, 3000).Select(n => new string('[', n) + new string(']', n)),
        Gen.Choose(1, 100_000).Select(n => Quote(new string('x', n))),
        Gen.Elements("\"\\ud800\"", "\"a\\udc00b\"", "\"\\u0000\\u001b\\u007f\"", "\"\\u202e\"", "\"\\ud83d\\ude00\""));

    /// <summary>A JSONL line shaped like the interchange format, with hostile values in its fields.</summary>
    public static Arbitrary<string> HostileLines() =>
        HostileValue().ArrayOf(6).Select(v => v.Length < 6 ? "{}" :
            $"{{\"id\":{v[0]},\"text\":{v[1]},\"label\":[[{v[2]},{v[3]},{v[4]}]],\"annotations\":[{{\"start\":{v[2]},\"end\":{v[3]},\"label\":{v[4]}}}],\"meta\":{{\"title\":{v[5]}}}}}")
            .ToArbitrary();

    [Property(MaxTest = 300)]
    public bool Random_bytes_as_any_kind_of_file_are_read_without_an_exception_and_every_refusal_has_a_reason(byte[] bytes, NonNegativeInt kind)
    {
        var name = "fuzz" + Kinds[kind.Get % Kinds.Length];
        return Answered(ImportFileReader.Read(new MemoryStream(bytes), name, maxZipBytes: 1 << 20));
    }

    [Property(MaxTest = 300)]
    public bool Random_text_with_control_characters_and_lone_surrogates_is_read_or_refused_with_a_reason(string text, bool html)
    {
        // Encoded the way a file would hold it: a lone surrogate becomes U+FFFD in UTF-8, the raw bytes of UTF-16 keep it.
        var bytes = html ? [0xFF, 0xFE, .. Encoding.Unicode.GetBytes("<p>" + (text ?? "") + "</p>")] : Encoding.UTF8.GetBytes(text ?? "");
        return Answered(ImportFileReader.Read(new MemoryStream(bytes), html ? "fuzz.html" : "fuzz.txt"));
    }

    [Property(Arbitrary = [typeof(ImportReaderFuzzTests)], MaxTest = 300)]
    public bool Interchange_lines_with_hostile_values_are_each_answered_by_line(string[] lines)
    {
        var file = string.Join("\n", lines.Take(10));
        var read = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(file))).ToList();
        // Line 0 is the file's own error (an empty file); every other answer names its line.
        return Answered(read) && read.All(l => l.Line >= 1 || l.Errors.Count > 0);
    }

    [Property(MaxTest = 200)]
    public bool Zips_with_traversal_names_and_random_content_are_read_without_an_exception(string[] names, byte[][] contents)
    {
        string[] hostile = ["../../etc/passwd.txt", "/abs/path.txt", "C:\\windows\\x.html", "a/../../b.txt", "\u0000.txt", "..\\..\\x.ann", "annotation.conf", new string('n', 5000) + ".txt"];
        var entries = names.Take(8).Select((n, i) => (Name: (n ?? "") + hostile[i % hostile.Length], Bytes: contents.Length == 0 ? [] : contents[i % contents.Length] ?? []))
            .DistinctBy(e => e.Name).ToList();
        var zip = Zip(entries);
        return Answered(ImportFileReader.Read(new MemoryStream(zip), "fuzz.zip", maxZipBytes: 1 << 20))
            && BratReader.Read(new MemoryStream(zip), new ZipExpansionBudget(1 << 20, 1 << 20)).All(d => d.Document is not null || Reasoned(d.Errors));
    }

    [Property(MaxTest = 300)]
    public bool Brat_annotation_lines_against_any_text_parse_or_refuse_with_a_reason(string text, string[] lines, int start, int end)
    {
        var ann = string.Join("\n", (lines ?? []).Take(6).Select((l, i) => i % 2 == 0
            ? $"T{i}\tclaim {start} {end}\t{l}"
            : $"T{i}\t{l} {start};{end} {end}\t{l}").Append($"#1\tAnnotatorNotes T0\t{text}"));
        var parsed = BratReader.Parse("fuzz.ann", "fuzz", "", text ?? "", ann, new Dictionary<string, string>());
        return parsed.Document is not null || Reasoned(parsed.Errors);
    }

    [Fact]
    public void Deep_nesting_is_refused_by_line_without_reading_further()
    {
        var deepJson = new string('[', 100_000) + new string(']', 100_000);
        var deepObject = string.Concat(Enumerable.Repeat("{\"a\":", 50_000)) + "1" + new string('}', 50_000);
        var deepHtml = string.Concat(Enumerable.Repeat("<div>", 200_000));

        var json = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(deepJson + "\n" + deepObject + "\n"))).ToList();
        var html = ImportFileReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(deepHtml)), "deep.html").Single();

        Assert.Equal([1, 2], json.Select(l => l.Line));
        Assert.All(json, l => Assert.StartsWith("not valid JSON", Assert.Single(l.Errors).Message, StringComparison.Ordinal));
        Assert.StartsWith("the HTML nests elements more than 512 levels deep", Assert.Single(html.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lone_surrogate_escape_in_a_line_is_an_error_of_that_line()
    {
        var file = "{\"text\":\"ok \\ud800 no\"}\n{\"text\":\"fine\"}\n{\"id\":\"\\udfff\",\"text\":\"x\"}\n";

        var read = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(file))).ToList();

        Assert.Equal([1, 2, 3], read.Select(l => l.Line));
        Assert.StartsWith("holds a lone surrogate", Assert.Single(read[0].Errors).Message, StringComparison.Ordinal);
        Assert.NotNull(read[1].Document);
        Assert.StartsWith("holds a lone surrogate", Assert.Single(read[2].Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_zip_bomb_stops_at_its_budget_with_memory_bounded()
    {
        // 150 entries of 8 MB of repeated text each: about 1.2 GB expanded from a zip of a few MB, read against a 64 MB budget.
        var chunk = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("Rockets hit the base. ", 4096)));
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            for (var i = 0; i < 150; i++)
            {
                using var entry = archive.CreateEntry($"a{i:000}.txt", CompressionLevel.SmallestSize).Open();
                for (var written = 0; written < 8 << 20; written += chunk.Length) entry.Write(chunk);
            }
        }
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var read = ImportFileReader.Read(new MemoryStream(zip.ToArray()), "bomb.zip", maxZipBytes: 64L << 20).ToList();

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        Console.WriteLine($"zip {zip.Length / 1024} KB, {read.Count} lines read, {allocated / (1 << 20)} MB allocated");
        Assert.StartsWith("the zip's files expand to more than 64 MB", Assert.Single(read.Last().Errors).Message, StringComparison.Ordinal);
        Assert.InRange(allocated, 0, 1L << 30);
    }

    private static bool Answered(IEnumerable<InterchangeLine> lines) => lines.All(l => l.Document is not null || Reasoned(l.Errors));

    private static bool Reasoned(IReadOnlyList<FormatError> errors) => errors.Count > 0 && errors.All(e => !string.IsNullOrWhiteSpace(e.Message));

    /// <summary>A JSON string with every character outside printable ASCII escaped, so lone surrogates travel as \uD800.</summary>
    private static string Quote(string s)
    {
        var b = new StringBuilder("\"");
        foreach (var c in s)
        {
            if (c is >= ' ' and <= '~' and not '"' and not '\\') b.Append(c);
            else b.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }
        return b.Append('"').ToString();
    }

    private static byte[] Zip(IEnumerable<(string Name, byte[] Bytes)> entries)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, bytes) in entries)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(bytes);
            }
        }
        return zip.ToArray();
    }
}
