using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Text;
using AnnotateHub.Tests.Support;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>
/// Every format, read back with an independent parser, gives spans whose text is the code-point slice of the
/// document text (Python's text[start:end]) on a corpus with emoji, combining marks, CJK and Arabic.
/// </summary>
public sealed class ExportedSpanTextTests
{
    /// <summary>A span as read back from an export: its document, offsets, label, annotator, and the text the file states for it (if any).</summary>
    private sealed record ReadSpan(string DocumentId, int Start, int End, string Label, string? Annotator, string? StatedText = null);

    private static readonly ExportOptions AllWithSplits = new() { Layer = SpanLayer.All, Splits = ExportCorpus.Splits };

    // What the layer holds, with each span's text cut from the corpus text by the slow oracle.
    private static HashSet<(string, string, string?, string)> Expected(SpanLayer layer) =>
        ExportCorpus.Documents.SelectMany(d => LayerSelector.Select(d, layer)
            .Select(s => (d.Id, s.Label, s.Annotator, PythonText.Slice(d.Text, s.Start, s.End)))).ToHashSet();

    private static void AssertTexts(IReadOnlyList<ReadSpan> spans, SpanLayer layer)
    {
        Assert.NotEmpty(spans);
        foreach (var s in spans)
        {
            var slice = PythonText.Slice(ExportCorpus.ById(s.DocumentId).Text, s.Start, s.End);
            if (s.StatedText is not null) Assert.Equal(slice, s.StatedText);
        }
        var actual = spans.Select(s => (s.DocumentId, s.Label, s.Annotator, PythonText.Slice(ExportCorpus.ById(s.DocumentId).Text, s.Start, s.End))).ToHashSet();
        Assert.Equal(Expected(layer).OrderBy(x => x.ToString()), actual.OrderBy(x => x.ToString()));
    }

    [Fact]
    public async Task Jsonl_spans_slice_to_their_text()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), AllWithSplits);
        var lines = InterchangeReader.Read(new MemoryStream(bytes)).ToList();
        Assert.All(lines, l => Assert.Empty(l.Errors));
        var spans = lines.SelectMany(l => l.Document!.Annotations.Select(a => new ReadSpan(l.Document.Id, a.Start, a.End, a.Label, a.Annotator))).ToList();
        Assert.All(lines, l => Assert.Equal(ExportCorpus.ById(l.Document!.Id).Text, l.Document.Text));
        AssertTexts(spans, SpanLayer.All);
    }

    [Fact]
    public async Task Spacy_spans_slice_to_their_text()
    {
        var bytes = await ExportCorpus.WriteAsync(new SpacyJsonlWriter(), AllWithSplits);
        var spans = new List<ReadSpan>();
        foreach (var line in Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            using var json = JsonDocument.Parse(line);
            var id = json.RootElement.GetProperty("id").GetString()!;
            Assert.Equal(ExportCorpus.ById(id).Text, json.RootElement.GetProperty("text").GetString());
            Assert.Equal(ExportCorpus.Splits[id], json.RootElement.GetProperty("meta").GetProperty("split").GetString());
            foreach (var s in json.RootElement.GetProperty("spans").EnumerateArray())
                spans.Add(new ReadSpan(id, s.GetProperty("start").GetInt32(), s.GetProperty("end").GetInt32(), s.GetProperty("label").GetString()!, s.GetProperty("annotator").GetString()));
        }
        AssertTexts(spans, SpanLayer.All);
    }

    [Fact]
    public async Task Brat_fragments_slice_to_the_text_they_state()
    {
        var bytes = await ExportCorpus.WriteAsync(new BratWriter(), AllWithSplits);
        using var zip = new ZipArchive(new MemoryStream(bytes), ZipArchiveMode.Read);
        var spans = new List<ReadSpan>();
        var fragmented = 0;
        foreach (var ann in zip.Entries.Where(e => e.FullName.EndsWith(".ann", StringComparison.Ordinal)))
        {
            var text = Read(zip.GetEntry(ann.FullName[..^4] + ".txt")!);
            var id = BratNames.IdOf(ann.Name[..^4]);
            Assert.Equal(ExportCorpus.ById(id).Text, text);
            Assert.Equal(ExportCorpus.Splits[id], ann.FullName.Split('/')[0]);
            var lines = Read(ann).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var notes = lines.Where(l => l.StartsWith('#')).Select(l => l.Split('\t')).ToDictionary(f => f[1].Split(' ')[1], f => f[2]);
            foreach (var fields in lines.Where(l => l.StartsWith('T')).Select(l => l.Split('\t')))
            {
                var typeAndOffsets = fields[1].Split(' ', 2);
                var fragments = typeAndOffsets[1].Split(';').Select(f => f.Split(' ').Select(int.Parse).ToArray()).ToList();
                // brat: each fragment is text[start:end] and the stated text is the fragments joined by a space.
                Assert.Equal(string.Join(' ', fragments.Select(f => PythonText.Slice(text, f[0], f[1]))), fields[2]);
                Assert.All(fragments, f => Assert.DoesNotContain('\n', PythonText.Slice(text, f[0], f[1])));
                if (fragments.Count > 1) fragmented++;
                var label = typeAndOffsets[0] == "casualty_figure" ? "casualty figure" : typeAndOffsets[0];
                spans.Add(new ReadSpan(id, fragments[0][0], fragments[^1][1], label, notes[fields[0]]["annotator: ".Length..]));
            }
        }
        Assert.Equal(1, fragmented); // the claim across the line break
        AssertTexts(spans, SpanLayer.All);
        Assert.Contains("casualty_figure", Read(zip.GetEntry("annotation.conf")!).Split('\n'));
    }

    [Fact]
    public async Task W3c_positions_slice_to_the_exact_quote()
    {
        var bytes = await ExportCorpus.WriteAsync(new W3cAnnotationWriter(), AllWithSplits);
        using var json = JsonDocument.Parse(bytes);
        Assert.Equal("AnnotationPage", json.RootElement.GetProperty("type").GetString());
        Assert.Equal(W3cAnnotationWriter.Context, json.RootElement.GetProperty("@context")[0].GetString());
        var spans = new List<ReadSpan>();
        foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
        {
            var source = item.GetProperty("target").GetProperty("source").GetString()!;
            var document = ExportCorpus.Documents.Single(d => W3cAnnotationWriter.DocumentIri(d.Id) == source);
            var selectors = item.GetProperty("target").GetProperty("selector");
            var position = selectors.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "TextPositionSelector");
            var quote = selectors.EnumerateArray().Single(s => s.GetProperty("type").GetString() == "TextQuoteSelector");
            int start = position.GetProperty("start").GetInt32(), end = position.GetProperty("end").GetInt32();
            var runes = PythonText.Runes(document.Text).Length;
            Assert.Equal(PythonText.Slice(document.Text, Math.Max(0, start - 32), start), quote.GetProperty("prefix").GetString());
            Assert.Equal(PythonText.Slice(document.Text, end, Math.Min(runes, end + 32)), quote.GetProperty("suffix").GetString());
            Assert.Equal("tagging", item.GetProperty("body").GetProperty("purpose").GetString());
            Assert.Equal(ExportCorpus.Splits[document.Id], item.GetProperty("split").GetString());
            spans.Add(new ReadSpan(document.Id, start, end, item.GetProperty("body").GetProperty("value").GetString()!,
                item.GetProperty("creator").GetProperty("nickname").GetString(), quote.GetProperty("exact").GetString()));
        }
        AssertTexts(spans, SpanLayer.All);
    }

    [Fact]
    public async Task Csv_offsets_slice_to_the_text_column()
    {
        var bytes = await ExportCorpus.WriteAsync(new CsvSpanWriter(), AllWithSplits);
        Assert.True(bytes.AsSpan().StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]));
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));
        Assert.Equal(CsvSpanWriter.Header, rows[0]);
        var spans = rows.Skip(1).Select(r =>
        {
            var (id, start, end) = (r[0], int.Parse(r[3]), int.Parse(r[4]));
            var slice = PythonText.Slice(ExportCorpus.ById(id).Text, start, end);
            // A text that would start a formula carries the apostrophe; undo it only there.
            var stated = slice.Length > 0 && slice[0] is '=' or '+' or '-' or '@' ? r[6][1..] : r[6];
            Assert.Equal(ExportCorpus.Splits[id], r[1]);
            return new ReadSpan(id, start, end, r[5], r[2], stated);
        }).ToList();
        AssertTexts(spans, SpanLayer.All);
    }

    [Fact]
    public async Task Parquet_spans_slice_to_their_text()
    {
        var bytes = await ExportCorpus.WriteAsync(new ParquetDatasetWriter(), AllWithSplits with { ParquetRowGroupSize = 3 });
        var rows = (await ParquetSerializer.DeserializeAsync<ParquetRow>(new MemoryStream(bytes))).Data;
        Assert.Equal(4, rows.Count);
        var spans = new List<ReadSpan>();
        foreach (var row in rows)
        {
            Assert.Equal(ExportCorpus.ById(row.id).Text, row.text);
            Assert.Equal(ExportCorpus.Splits[row.id], row.split);
            Assert.Equal(ExportCorpus.ById(row.id).Meta["outlet"], row.outlet);
            spans.AddRange(row.spans!.Select(s => new ReadSpan(row.id, s.start, s.end, s.label, s.annotator)));
        }
        AssertTexts(spans, SpanLayer.All);
    }

    [Fact]
    public async Task Parquet_soft_labels_are_a_list_of_label_counts_per_span()
    {
        var bytes = await ExportCorpus.WriteAsync(new ParquetDatasetWriter(), new ExportOptions { Layer = SpanLayer.Majority, SoftLabels = true });
        var rows = (await ParquetSerializer.DeserializeAsync<ParquetSoftRow>(new MemoryStream(bytes))).Data;
        var d1 = rows.Single(r => r.id == "d1");
        var erbil = d1.spans!.Single(s => PythonText.Slice(ExportCorpus.Text1, s.start, s.end) == "Erbil");
        Assert.Equal(3, erbil.voters);
        Assert.Equal([("place", 3)], erbil.votes!.Select(v => (v.label, v.count)));
        Assert.Null(erbil.annotator);
        var cafe = d1.spans!.SingleOrDefault(s => PythonText.Slice(ExportCorpus.Text1, s.start, s.end) == "Cafe\u0301 Noir");
        Assert.Null(cafe); // actor 1, place 1 of 3: no majority
        Assert.Single(rows.Single(r => r.id == "d/4 é").spans!); // one vote of one annotator is a majority
    }

    [Fact]
    public async Task Conll_tokens_are_the_tokenizer_slices_and_tags_cover_the_spans()
    {
        var options = new ExportOptions { Layer = SpanLayer.OfAnnotator("alice"), Scheme = TagScheme.Bio };
        var text = Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new ConllWriter(), options));
        var blocks = text.Split(ConllWriter.DocStart + "\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(ExportCorpus.Documents.Count, blocks.Length);
        var spans = new List<ReadSpan>();
        foreach (var (document, block) in ExportCorpus.Documents.Zip(blocks))
        {
            var lines = block.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ')).ToList();
            var tokens = Tokenizer.Tokenize(document.Text);
            Assert.Equal(tokens.Select(t => PythonText.Slice(document.Text, t.Start, t.End)), lines.Select(l => l[0]));
            Assert.All(lines, l => Assert.Equal(4, l.Length));
            for (var i = 0; i < lines.Count; i++)
            {
                if (!lines[i][3].StartsWith("B-", StringComparison.Ordinal)) continue;
                var j = i + 1;
                while (j < lines.Count && lines[j][3] == "I-" + lines[i][3][2..]) j++;
                spans.Add(new ReadSpan(document.Id, tokens[i].Start, tokens[j - 1].End, lines[i][3][2..].Replace('_', ' '), "alice"));
            }
        }
        // The tag column holds Alice's spans but the two that overlap her earlier claim across the line break; a span
        // inside a token run (CJK has no spaces) widens to the whole tokens it starts.
        var overlapped = new[] { "Erbil", $"{ExportCorpus.Family} family" };
        var expected = ExportCorpus.Documents.SelectMany(d => LayerSelector.Select(d, SpanLayer.OfAnnotator("alice"))
            .Where(s => !(d.Id == "d1" && overlapped.Contains(PythonText.Slice(d.Text, s.Start, s.End))))
            .Select(s =>
            {
                var covered = Tokenizer.Tokenize(d.Text).Where(t => t.Start >= s.Start && t.Start < s.End).ToList();
                return (d.Id, s.Label, PythonText.Slice(d.Text, covered[0].Start, covered[^1].End));
            })).ToHashSet();
        Assert.Contains(("d2", "place", "基地遭到火箭袭击"), expected);
        var actual = spans.Select(s => (s.DocumentId, s.Label, PythonText.Slice(ExportCorpus.ById(s.DocumentId).Text, s.Start, s.End))).ToHashSet();
        Assert.Equal(expected.OrderBy(x => x.ToString()), actual.OrderBy(x => x.ToString()));
    }

    private static string Read(ZipArchiveEntry entry)
    {
        using var reader = new StreamReader(entry.Open(), Encoding.UTF8);
        return reader.ReadToEnd();
    }

    // Parquet.Net maps columns to properties by name; the names are the file's column names.
#pragma warning disable IDE1006
    public sealed class ParquetRow
    {
        [ParquetRequired] public string id { get; set; } = "";
        [ParquetRequired] public string text { get; set; } = "";
        public string? split { get; set; }
        public string? title { get; set; }
        public string? outlet { get; set; }
        public string? published { get; set; }
        public string? url { get; set; }
        public List<ParquetSpan>? spans { get; set; }
    }

    public sealed class ParquetSpan
    {
        public int start { get; set; }
        public int end { get; set; }
        [ParquetRequired] public string label { get; set; } = "";
        public string? annotator { get; set; }
    }

    public sealed class ParquetSoftRow
    {
        [ParquetRequired] public string id { get; set; } = "";
        public List<ParquetSoftSpan>? spans { get; set; }
    }

    public sealed class ParquetSoftSpan
    {
        public int start { get; set; }
        public int end { get; set; }
        [ParquetRequired] public string label { get; set; } = "";
        public string? annotator { get; set; }
        public int voters { get; set; }
        public List<ParquetVote>? votes { get; set; }
    }

    public sealed class ParquetVote
    {
        [ParquetRequired] public string label { get; set; } = "";
        public int count { get; set; }
    }
#pragma warning restore IDE1006
}

/// <summary>A strict RFC 4180 reader for the tests: quoted cells, doubled quotes, CRLF records.</summary>
public static class Csv
{
    public static List<string[]> Parse(string text)
    {
        var rows = new List<string[]>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"') { cell.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else cell.Append(c);
            }
            else if (c == '"' && cell.Length == 0) quoted = true;
            else if (c == ',') { row.Add(cell.ToString()); cell.Clear(); }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString()); cell.Clear();
                rows.Add([.. row]); row.Clear();
                i++;
            }
            else if (c is '\r' or '\n') throw new FormatException($"A bare line break outside quotes at {i}.");
            else cell.Append(c);
        }
        if (cell.Length > 0 || row.Count > 0) { row.Add(cell.ToString()); rows.Add([.. row]); }
        return rows;
    }
}
