using System.Text;
using System.Text.Json;
using AnnotateHub.Core.Formats;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>
/// Gold spans with provenance (unanimous, merged by a rule, adjudicated by a curator) in every format that carries it,
/// and the default layer auto: gold for a curated document, every annotator's spans (majority for CoNLL) for the others.
/// </summary>
public sealed class GoldProvenanceExportTests
{
    private static readonly string Text = "Rockets hit Erbil base; two hurt.";

    private static readonly GoldProvenance Unanimous = new(GoldProvenance.Unanimous, "all-agree", null, ["alice", "bob"], null);
    private static readonly GoldProvenance Merged = new(GoldProvenance.Merged, "vote:1:0.5", null, ["bob"], null);
    private static readonly GoldProvenance Adjudicated = new(GoldProvenance.Adjudicated, null, "carol", ["alice"], "alice's boundary, bob's label");

    /// <summary>A curated document: three gold spans with provenance, and the annotators' spans they came from.</summary>
    private static readonly InterchangeDocument Curated = new("c1", Text, new Dictionary<string, string?> { ["title"] = "Curated" }, ["alice", "bob"],
    [
        ExportCorpus.Span("alice", Text, "Rockets", "weapon"),
        ExportCorpus.Span("bob", Text, "Rockets", "weapon"),
        ExportCorpus.Span("alice", Text, "Erbil base", "place"),
        ExportCorpus.Span("bob", Text, "Erbil", "place"),
        ExportCorpus.Span("bob", Text, "two", "casualty figure"),
    ],
    [
        ExportCorpus.Gold(Text, "Rockets", "weapon") with { Provenance = Unanimous },
        ExportCorpus.Gold(Text, "Erbil base", "place") with { Provenance = Adjudicated },
        ExportCorpus.Gold(Text, "two", "casualty figure") with { Provenance = Merged },
    ],
    Curated: true);

    /// <summary>A document not curated yet: its gold (a merge proposal) is not the default layer.</summary>
    private static readonly InterchangeDocument Open = new("o1", Text, new Dictionary<string, string?> { ["title"] = "Open" }, ["alice", "bob"],
    [
        ExportCorpus.Span("alice", Text, "Rockets", "weapon"),
        ExportCorpus.Span("bob", Text, "Rockets", "weapon"),
        ExportCorpus.Span("bob", Text, "two", "casualty figure"),
    ],
    [ExportCorpus.Gold(Text, "Rockets", "weapon") with { Provenance = Unanimous }]);

    private static readonly InterchangeDocument[] Both = [Curated, Open];

    private static (int, int) At(string part) => ExportCorpus.Offsets(Text, part);

    private static List<JsonElement> JsonLines(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    [Fact]
    public void Auto_is_gold_for_a_curated_document_and_every_annotators_spans_for_the_others()
    {
        var curated = LayerSelector.Select(Curated, SpanLayer.Auto);
        var open = LayerSelector.Select(Open, SpanLayer.Auto);

        Assert.Equal([(At("Rockets"), "weapon", Unanimous), (At("Erbil base"), "place", Adjudicated), (At("two"), "casualty figure", Merged)],
            curated.Select(s => ((s.Start, s.End), s.Label, s.Provenance!)));
        Assert.All(curated, s => Assert.Null(s.Annotator));
        Assert.Equal(["alice:weapon", "bob:weapon", "bob:casualty figure"], open.Select(s => $"{s.Annotator}:{s.Label}"));
        Assert.All(open, s => Assert.Null(s.Provenance));
    }

    [Fact]
    public void Auto_for_a_one_layer_format_is_gold_where_curated_and_majority_elsewhere()
    {
        Assert.Equal(SpanLayer.Gold, SpanLayer.Auto.For(Curated, singleLayer: true));
        Assert.Equal(SpanLayer.Majority, SpanLayer.Auto.For(Open, singleLayer: true));
        Assert.Equal(SpanLayer.All, SpanLayer.Auto.For(Open));
        // An explicit layer is the layer, curated or not.
        Assert.Equal(SpanLayer.All, SpanLayer.All.For(Curated, singleLayer: true));
        Assert.Equal(SpanLayer.Majority, SpanLayer.Majority.For(Curated));
    }

    [Fact]
    public void The_default_options_are_auto() => Assert.Equal(SpanLayer.Auto, new ExportOptions().Layer);

    [Fact]
    public void Rule_text_is_the_rules_description() =>
        Assert.Equal(("all annotators agree", null), (Unanimous.RuleText, Adjudicated.RuleText));

    [Fact]
    public async Task Jsonl_default_layer_writes_gold_with_provenance_for_the_curated_document_and_all_spans_for_the_other()
    {
        var lines = JsonLines(await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), new ExportOptions(), Both));

        var curated = lines[0];
        Assert.True(curated.GetProperty("curated").GetBoolean());
        Assert.Equal(0, curated.GetProperty("annotations").GetArrayLength());
        // doccano's shape, unchanged.
        Assert.Equal($"[[0,7,\"weapon\"],[12,22,\"place\"],[24,27,\"casualty figure\"]]", curated.GetProperty("label").GetRawText());
        var provenance = curated.GetProperty("gold_provenance").EnumerateArray().ToList();
        Assert.Equal(3, provenance.Count);
        Assert.Equal(
            """{"origin":"unanimous","rule":"all-agree","rule_text":"all annotators agree","curator":null,"sources":["alice","bob"],"note":null}""",
            provenance[0].GetRawText());
        Assert.Equal(
            """{"origin":"adjudicated","rule":null,"rule_text":null,"curator":"carol","sources":["alice"],"note":"alice's boundary, bob's label"}""",
            provenance[1].GetRawText());
        Assert.Equal("merged", provenance[2].GetProperty("origin").GetString());
        Assert.Equal("vote:1:0.5", provenance[2].GetProperty("rule").GetString());

        var open = lines[1];
        Assert.False(open.TryGetProperty("curated", out _));
        Assert.Equal(3, open.GetProperty("annotations").GetArrayLength());
        // Layer all (auto's choice for an open document) keeps the document's gold as it is, with its provenance.
        Assert.Equal("[[0,7,\"weapon\"]]", open.GetProperty("label").GetRawText());
        Assert.Equal("unanimous", open.GetProperty("gold_provenance")[0].GetProperty("origin").GetString());
    }

    [Fact]
    public async Task Jsonl_with_provenance_reads_back_to_the_same_gold_and_curated_state()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), new ExportOptions { Layer = SpanLayer.All }, Both);

        var read = InterchangeReader.Read(new MemoryStream(bytes)).ToList();

        Assert.All(read, l => Assert.Empty(l.Errors));
        Assert.Equal(Curated.Gold, read[0].Document!.Gold);
        Assert.True(read[0].Document!.Curated);
        Assert.Equal(Curated.Annotations.Select(a => (a.Annotator, a.Start, a.End, a.Label)), read[0].Document!.Annotations.Select(a => (a.Annotator, a.Start, a.End, a.Label)));
        Assert.Equal(Open.Gold, read[1].Document!.Gold);
        Assert.False(read[1].Document!.Curated);
    }

    [Fact]
    public async Task Majority_and_gold_without_provenance_write_no_provenance()
    {
        var lines = JsonLines(await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), new ExportOptions { Layer = SpanLayer.Majority }, [Open]));
        Assert.False(lines[0].TryGetProperty("gold_provenance", out _));

        var plain = JsonLines(await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), new ExportOptions { Layer = SpanLayer.Gold }, [ExportCorpus.ById("d2")]));
        Assert.False(plain[0].TryGetProperty("gold_provenance", out _));
        Assert.False(plain[0].TryGetProperty("curated", out _));
    }

    [Theory]
    [InlineData("""[{"origin": "merged"}]""", "gold_provenance", "has 1 entries but \"label\" has 2 spans")]
    [InlineData("""[{"origin": "guessed"}, null]""", "gold_provenance[0].origin", "\"guessed\" is not an origin")]
    [InlineData("""[null, {"origin": "merged", "sources": "alice"}]""", "gold_provenance[1].sources", "must be an array of names")]
    [InlineData("""[{"rule": "all-agree"}, null]""", "gold_provenance[0].origin", "missing")]
    [InlineData("""{"origin": "merged"}""", "gold_provenance", "must be an array")]
    public void Bad_provenance_is_reported_by_field(string provenance, string field, string message)
    {
        var line = $$"""{"text": "one two", "label": [[0, 3, "X"], [4, 7, "Y"]], "gold_provenance": {{provenance}}}""";

        var read = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(line))).Single();

        Assert.Null(read.Document);
        var error = Assert.Single(read.Errors);
        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_null_provenance_entry_leaves_that_span_without_provenance_and_curated_false_is_read()
    {
        var line = """{"text": "one two", "label": [[0, 3, "X"], [4, 7, "Y"]], "gold_provenance": [null, {"origin": "Adjudicated", "curator": "carol"}], "curated": false}""";

        var document = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(line))).Single().Document!;

        Assert.Null(document.Gold[0].Provenance);
        Assert.Equal(new GoldProvenance("adjudicated", null, "carol", [], null), document.Gold[1].Provenance);
        Assert.False(document.Curated);
    }

    [Fact]
    public async Task Csv_rows_of_gold_spans_carry_origin_rule_curator_and_sources()
    {
        var bytes = await ExportCorpus.WriteAsync(new CsvSpanWriter(), new ExportOptions(), Both);
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));

        Assert.Equal(["document_id", "split", "annotator", "start", "end", "label", "text", "gold_origin", "gold_rule", "gold_curator", "gold_sources"], rows[0]);
        Assert.Equal(
        [
            ["c1", "", "", "0", "7", "weapon", "Rockets", "unanimous", "all-agree", "", "alice,bob"],
            ["c1", "", "", "12", "22", "place", "Erbil base", "adjudicated", "", "carol", "alice"],
            ["c1", "", "", "24", "27", "casualty figure", "two", "merged", "vote:1:0.5", "", "bob"],
            ["o1", "", "alice", "0", "7", "weapon", "Rockets", "", "", "", ""],
            ["o1", "", "bob", "0", "7", "weapon", "Rockets", "", "", "", ""],
            ["o1", "", "bob", "24", "27", "casualty figure", "two", "", "", "", ""],
        ], rows.Skip(1).Select(r => r.ToArray()).ToList());
    }

    [Fact]
    public async Task W3c_gold_names_the_curator_as_creator_and_the_merge_as_generator()
    {
        var bytes = await ExportCorpus.WriteAsync(new W3cAnnotationWriter(), new ExportOptions(), Both);
        using var json = JsonDocument.Parse(bytes);
        var items = json.RootElement.GetProperty("items").EnumerateArray().ToList();

        Assert.Equal(6, items.Count);
        var (unanimous, adjudicated, merged) = (items[0], items[1], items[2]);
        Assert.Equal("""{"type":"Software","name":"AnnotateHub merge","rule":"all-agree","ruleText":"all annotators agree"}""", unanimous.GetProperty("generator").GetRawText());
        Assert.False(unanimous.TryGetProperty("creator", out _));
        Assert.Equal("unanimous", unanimous.GetProperty("origin").GetString());
        Assert.Equal(["alice", "bob"], unanimous.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));

        Assert.Equal("""{"type":"Person","name":"carol"}""", adjudicated.GetProperty("creator").GetRawText());
        Assert.False(adjudicated.TryGetProperty("generator", out _));
        Assert.Equal("adjudicated", adjudicated.GetProperty("origin").GetString());

        Assert.Equal("vote:1:0.5", merged.GetProperty("generator").GetProperty("rule").GetString());
        // The open document's spans: an annotator's, with no provenance.
        Assert.Equal("alice", items[3].GetProperty("creator").GetProperty("nickname").GetString());
        Assert.False(items[3].TryGetProperty("origin", out _));
        Assert.False(items[3].TryGetProperty("generator", out _));
    }

    [Fact]
    public async Task Parquet_spans_have_nullable_gold_provenance_fields()
    {
        var bytes = await ExportCorpus.WriteAsync(new ParquetDatasetWriter(), new ExportOptions(), Both);
        var rows = (await ParquetSerializer.DeserializeAsync<ProvenanceRow>(new MemoryStream(bytes))).Data;

        Assert.Equal(
        [
            ("weapon", null, "unanimous", "all-agree", null, "alice,bob"),
            ("place", null, "adjudicated", null, "carol", "alice"),
            ("casualty figure", null, "merged", "vote:1:0.5", null, "bob"),
        ], rows.Single(r => r.id == "c1").spans!.Select(s => (s.label, s.annotator, s.gold_origin, s.gold_rule, s.gold_curator, s.gold_sources)));
        var open = rows.Single(r => r.id == "o1").spans!;
        Assert.Equal(["alice", "bob", "bob"], open.Select(s => s.annotator));
        Assert.All(open, s => Assert.Equal((null, null, null, null), (s.gold_origin, s.gold_rule, s.gold_curator, s.gold_sources)));
    }

    [Fact]
    public async Task Conll_default_layer_tags_gold_where_curated_and_the_majority_elsewhere()
    {
        var text = Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new ConllWriter(), new ExportOptions(), Both));
        var documents = text.Split(ConllWriter.DocStart + "\n", StringSplitOptions.RemoveEmptyEntries);

        string TagOf(string document, string token) =>
            document.Split('\n').Select(l => l.Split(' ')).First(l => l[0] == token)[3];
        // Curated: the gold "Erbil base" and "two". Open: only the unanimous "Rockets" is a majority; bob's "two" is one of two.
        Assert.Equal(["B-weapon", "B-place", "I-place", "B-casualty_figure"], new[] { "Rockets", "Erbil", "base", "two" }.Select(t => TagOf(documents[0], t)));
        Assert.Equal(["B-weapon", "O", "O"], new[] { "Rockets", "Erbil", "two" }.Select(t => TagOf(documents[1], t)));
    }

    public sealed class ProvenanceRow
    {
        [ParquetRequired] public string id { get; set; } = "";
        public List<ProvenanceSpan>? spans { get; set; }
    }

    public sealed class ProvenanceSpan
    {
        public int start { get; set; }
        public int end { get; set; }
        [ParquetRequired] public string label { get; set; } = "";
        public string? annotator { get; set; }
        public string? gold_origin { get; set; }
        public string? gold_rule { get; set; }
        public string? gold_curator { get; set; }
        public string? gold_sources { get; set; }
    }
}
