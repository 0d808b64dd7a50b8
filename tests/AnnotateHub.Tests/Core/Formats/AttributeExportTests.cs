using System.IO.Compression;
using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>Span attribute values (and the note beside them) through every format that holds them (decision 0079).</summary>
public sealed class AttributeExportTests
{
    private const string Text = "Rockets hit the base; 10 US soldiers were injured, an official said.";

    // who holds every character the brat pairs escape; the note too.
    private static readonly Dictionary<string, string> AliceValues = new(StringComparer.Ordinal)
    {
        ["count"] = "10", ["status"] = "injured", ["who"] = "US soldiers; 2nd | unit = a:b \\ x", ["qualifier"] = "at least",
        ["named"] = "yes", ["note"] = "check\twith AP\nlater",
    };
    private static readonly Dictionary<string, string> BobValues = new(StringComparer.Ordinal) { ["status"] = "killed", ["named"] = "no" };
    private static readonly Dictionary<string, string> ClaimValues = new(StringComparer.Ordinal) { ["stance"] = "reported", ["source"] = "an official" };

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>> Definitions =
        new Dictionary<string, IReadOnlyList<AttributeDefinition>>(StringComparer.Ordinal)
        {
            ["casualty figure"] = [.. AttributeRules.Defaults["casualty figure"], new("named", AttributeKind.YesNo)],
            ["claim"] = AttributeRules.Defaults["claim"],
        };

    private static InterchangeDocument Document()
    {
        var (s1, e1) = ExportCorpus.Offsets(Text, "10 US soldiers");
        var (s2, e2) = ExportCorpus.Offsets(Text, "an official said");
        var (s3, e3) = ExportCorpus.Offsets(Text, "base");
        return ExportCorpus.Doc("a1", Text, "AP", "2024-01-05", ["alice", "bob"],
        [
            new InterchangeSpan("alice", s1, e1, "casualty figure", AliceValues),
            new InterchangeSpan("bob", s1, e1, "casualty figure", BobValues),
            new InterchangeSpan("alice", s2, e2, "claim", ClaimValues),
            new InterchangeSpan("bob", s3, e3, "place"),
        ], []);
    }

    private static ExportOptions Options => new()
    {
        Layer = SpanLayer.All, AttributeDefinitions = Definitions, AttributeNames = LayerSelector.AttributeNames([Document()], SpanLayer.All),
    };

    private static object Key(InterchangeSpan s) => (s.Annotator, s.Start, s.End, s.Label, AttributeJson.Values(s.Attributes));

    [Fact]
    public async Task Jsonl_export_then_import_gives_the_same_values()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), Options, [Document()]);
        var back = InterchangeReader.Read(new MemoryStream(bytes)).Single().Document!;

        Assert.Equal(Document().Annotations.Select(Key), back.Annotations.Select(Key));
        Assert.Equal("10", back.Annotations[0].Attributes!["count"]);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Brat_export_then_import_gives_the_same_values_and_note_with_or_without_definitions(bool definitions)
    {
        var options = definitions ? Options : Options with { AttributeDefinitions = null };
        var bytes = await ExportCorpus.WriteAsync(new BratWriter(), options, [Document()]);
        var back = BratReader.Read(new MemoryStream(bytes)).Single();

        Assert.Empty(back.Errors);
        Assert.Equal(Document().Annotations.Select(Key).OrderBy(k => k.ToString()), back.Document!.Annotations.Select(Key).OrderBy(k => k.ToString()));
    }

    [Fact]
    public async Task Brat_writes_choices_and_yes_as_attributes_declared_in_the_conf_and_the_rest_as_note_pairs()
    {
        using var zip = new ZipArchive(new MemoryStream(await ExportCorpus.WriteAsync(new BratWriter(), Options, [Document()])));
        string Entry(string name) { using var r = new StreamReader(zip.GetEntry(name)!.Open()); return r.ReadToEnd(); }
        var ann = Entry("a1.ann").Split('\n');
        var conf = Entry("annotation.conf");

        // T1 bob's place ("base" comes first), T2 alice's figure, T3 bob's, T4 the claim.
        Assert.Contains("A1\tnamed T2", ann);
        Assert.Contains("A2\tstatus T2 injured", ann);
        Assert.Contains("#2\tAnnotatorNotes T2\tannotator: alice | count=10; qualifier=at least; who=US soldiers\\; 2nd \\| unit \\= a\\:b \\\\ x; note=check\\twith AP\\nlater", ann);
        Assert.Contains("A3\tstatus T3 killed", ann);
        Assert.Contains("#3\tAnnotatorNotes T3\tannotator: bob | named=no", ann);
        Assert.Contains("A4\tstance T4 reported", ann);
        Assert.Contains("#1\tAnnotatorNotes T1\tannotator: bob", ann);
        Assert.Contains("named\tArg:casualty_figure", conf.Split('\n'));
        Assert.Contains("status\tArg:casualty_figure, Value:killed|injured|missing|none|unknown", conf.Split('\n'));
        Assert.Contains("stance\tArg:claim, Value:asserted|reported|denied|unverified", conf.Split('\n'));
        Assert.DoesNotContain("qualifier", conf, StringComparison.Ordinal); // "at least" is no brat value: a note pair
    }

    [Fact]
    public void Brat_reader_keeps_a_hand_written_note_and_reads_binary_attributes_as_yes()
    {
        var ann = "T1\tcasualty_figure 22 36\t10 US soldiers\nA1\tnamed T1\nA2\tstatus T1 injured\n#1\tAnnotatorNotes T1\tannotator: alice | count=10 | seems high\n";
        var result = BratReader.Parse("a.ann", "a", "", Text, ann, new Dictionary<string, string> { ["casualty_figure"] = "casualty figure" });

        Assert.Empty(result.Errors);
        var values = result.Document!.Annotations.Single().Attributes!;
        Assert.Equal(new Dictionary<string, string> { ["named"] = "yes", ["status"] = "injured", ["count"] = "10", ["note"] = "seems high" }.OrderBy(v => v.Key),
            values.OrderBy(v => v.Key));
    }

    [Fact]
    public void Brat_reader_refuses_an_attribute_of_a_span_the_file_does_not_have()
    {
        var result = BratReader.Parse("a.ann", "a", "", Text, "A1\tstatus T7 injured\nA2\tNegation E1\n", new Dictionary<string, string>());

        Assert.Equal(["line 1, A1: the attribute is about T7, which is not a text-bound annotation of this file"], result.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public async Task Spacy_spans_have_their_values_in_attrs()
    {
        var line = Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new SpacyJsonlWriter(), Options, [Document()]));
        var spans = JsonDocument.Parse(line).RootElement.GetProperty("spans").EnumerateArray().ToList();

        var alice = spans.Single(s => s.GetProperty("annotator").GetString() == "alice" && s.GetProperty("label").GetString() == "casualty figure");
        Assert.Equal(AliceValues.OrderBy(v => v.Key), alice.GetProperty("attrs").EnumerateObject().Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)));
        Assert.False(spans.Single(s => s.GetProperty("label").GetString() == "place").TryGetProperty("attrs", out _));
    }

    [Fact]
    public async Task W3c_annotations_have_a_describing_body_per_value_and_the_note_as_a_comment()
    {
        var json = JsonDocument.Parse(await ExportCorpus.WriteAsync(new W3cAnnotationWriter(), Options, [Document()]));
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();

        var claim = items.Single(i => i.GetProperty("body").ValueKind == JsonValueKind.Array && i.GetProperty("body")[0].GetProperty("value").GetString() == "claim");
        Assert.Equal(
        [
            ("tagging", "claim", null),
            ("describing", "source: an official", "source"),
            ("describing", "stance: reported", "stance"),
        ], claim.GetProperty("body").EnumerateArray().Select(b => (b.GetProperty("purpose").GetString(), b.GetProperty("value").GetString(),
            b.TryGetProperty("attribute", out var a) ? a.GetString() : null)));
        var alice = items.First(i => i.GetProperty("body").ValueKind == JsonValueKind.Array && i.GetProperty("creator").GetProperty("nickname").GetString() == "alice");
        Assert.Equal("check\twith AP\nlater", alice.GetProperty("body").EnumerateArray().Single(b => b.GetProperty("purpose").GetString() == "commenting").GetProperty("value").GetString());
        // A span without values keeps the single body object.
        Assert.Equal(JsonValueKind.Object, items.Single(i => i.GetProperty("body").ValueKind == JsonValueKind.Object).GetProperty("body").ValueKind);
    }

    [Fact]
    public async Task Csv_has_one_column_per_attribute_name_in_order()
    {
        var text = Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new CsvSpanWriter(), Options, [Document()])).TrimStart('\uFEFF');
        var lines = text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal([.. CsvSpanWriter.Header, "attr_count", "attr_named", "attr_qualifier", "attr_source", "attr_stance", "attr_status", "attr_who"], lines[0].Split(','));
        Assert.EndsWith(",10,yes,at least,,,injured,US soldiers; 2nd | unit = a:b \\ x", lines.Single(l => l.Contains(",alice,", StringComparison.Ordinal) && l.Contains("casualty figure", StringComparison.Ordinal)));
        Assert.EndsWith(",,no,,,,killed,", lines.Single(l => l.Contains(",bob,", StringComparison.Ordinal) && l.Contains("casualty figure", StringComparison.Ordinal)));
        Assert.EndsWith(",,,,,,,", lines.Single(l => l.Contains(",place,", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Parquet_spans_have_an_attr_field_per_attribute_name()
    {
        var bytes = await ExportCorpus.WriteAsync(new ParquetDatasetWriter(), Options, [Document()]);
        var spans = (await ParquetSerializer.DeserializeAsync<AttrRow>(new MemoryStream(bytes))).Data.Single().spans!;

        Assert.Equal(
        [
            ("alice", "casualty figure", "10", "injured", "US soldiers; 2nd | unit = a:b \\ x", "yes", null),
            ("bob", "casualty figure", null, "killed", null, "no", null),
            ("alice", "claim", null, null, null, null, "reported"),
            ("bob", "place", null, null, null, null, null),
        ], spans.OrderBy(s => s.label, StringComparer.Ordinal).ThenBy(s => s.annotator, StringComparer.Ordinal)
            .Select(s => (s.annotator, s.label, s.attr_count, s.attr_status, s.attr_who, s.attr_named, s.attr_stance)));
    }

    [Fact]
    public void The_suggestions_layer_parses_and_exports_its_spans_with_their_sources_and_values()
    {
        Assert.Equal(SpanLayer.Suggestions, SpanLayer.Parse(" Suggestions ").Layer);
        Assert.Equal("suggestions", SpanLayer.Suggestions.ToString());
        var d = Document() with { Curated = true };

        var spans = LayerSelector.Select(d, SpanLayer.Suggestions);
        Assert.Equal(4, spans.Count);
        Assert.Equal("10", spans.Single(s => s.Annotator == "alice" && s.Label == "casualty figure").Attributes!["count"]);
        var jsonl = InterchangeJsonlWriter.ForLayer(d, new ExportOptions { Layer = SpanLayer.Suggestions });
        Assert.Equal((4, 0, 0, false), (jsonl.Annotations.Count, jsonl.Annotators.Count, jsonl.Gold.Count, jsonl.Curated));
    }

    public sealed class AttrRow
    {
        [ParquetRequired] public string id { get; set; } = "";
        public List<AttrSpan>? spans { get; set; }
    }

    public sealed class AttrSpan
    {
        public int start { get; set; }
        [ParquetRequired] public string label { get; set; } = "";
        public string? annotator { get; set; }
        public string? attr_count { get; set; }
        public string? attr_status { get; set; }
        public string? attr_who { get; set; }
        public string? attr_named { get; set; }
        public string? attr_stance { get; set; }
    }
}
