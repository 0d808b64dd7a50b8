using System.Text;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;

namespace AnnotateHub.Tests.Core.Formats;

/// <summary>What gold spans say and what annotators said about whole documents, through the formats (issue 19).</summary>
public sealed class GoldValuesExportTests
{
    private const string Text = "Rockets hit the base; 10 US soldiers were injured, an official said.";

    private static readonly Dictionary<string, string> Figure = new(StringComparer.Ordinal)
    {
        ["count"] = "10", ["status"] = "injured", ["who"] = "US soldiers", ["qualifier"] = "at least",
    };

    private static InterchangeDocument Document()
    {
        var (s1, e1) = ExportCorpus.Offsets(Text, "10 US soldiers");
        var (s2, e2) = ExportCorpus.Offsets(Text, "base");
        return ExportCorpus.Doc("g1", Text, "AP", "2024-01-05", ["alice"],
            [new InterchangeSpan("alice", s1, e1, "casualty figure", Figure)],
            [new GoldSpan(s2, e2, "place"), new GoldSpan(s1, e1, "casualty figure", Attributes: Figure)]) with
        {
            DocumentLabels = [new InterchangeDocumentLabel("alice", new Dictionary<string, string> { ["outlet stance"] = "neutral", ["event date"] = "2024-01-05" })],
        };
    }

    private static ExportOptions Options(SpanLayer layer) => new()
    {
        Layer = layer, AttributeDefinitions = AttributeRules.Defaults, AttributeNames = ["count", "qualifier", "status", "who"],
    };

    private static object Key(GoldSpan g) => (g.Start, g.End, g.Label, AttributeJson.Values(g.Attributes));

    [Fact]
    public async Task Jsonl_writes_gold_values_parallel_to_label_and_document_labels_and_reads_them_back()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), Options(SpanLayer.All), [Document()]);
        var line = Encoding.UTF8.GetString(bytes);
        var back = InterchangeReader.Read(new MemoryStream(bytes)).Single();

        Assert.Empty(back.Errors);
        Assert.Contains("\"gold_attributes\":[null,{\"count\":\"10\",\"qualifier\":\"at least\",\"status\":\"injured\",\"who\":\"US soldiers\"}]", line, StringComparison.Ordinal);
        Assert.Equal(Document().Gold.Select(Key).OrderBy(k => k.ToString()), back.Document!.Gold.Select(Key).OrderBy(k => k.ToString()));
        var said = Assert.Single(back.Document.DocumentLabels!);
        Assert.Equal(("alice", "neutral", "2024-01-05"), (said.Annotator, said.Values["outlet stance"], said.Values["event date"]));
    }

    [Fact]
    public async Task The_gold_layer_keeps_the_values_but_no_ones_document_labels()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), Options(SpanLayer.Gold), [Document()]);
        var back = InterchangeReader.Read(new MemoryStream(bytes)).Single().Document!;

        Assert.Equal("10", back.Gold.Single(g => g.Label == "casualty figure").Attributes!["count"]);
        Assert.Null(back.DocumentLabels);
        var annotator = InterchangeReader.Read(new MemoryStream(await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), Options(SpanLayer.OfAnnotator("bob")), [Document()]))).Single().Document!;
        Assert.Empty(annotator.DocumentLabels ?? []);
    }

    [Fact]
    public async Task Brat_gold_spans_keep_their_values_through_export_and_import()
    {
        var bytes = await ExportCorpus.WriteAsync(new BratWriter(), Options(SpanLayer.Gold), [Document()]);
        var back = BratReader.Read(new MemoryStream(bytes)).Single();

        Assert.Empty(back.Errors);
        Assert.Equal(Document().Gold.Select(Key).OrderBy(k => k.ToString()), back.Document!.Gold.Select(Key).OrderBy(k => k.ToString()));
    }

    [Fact]
    public async Task Csv_writes_the_gold_spans_values_in_their_columns()
    {
        var text = Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new CsvSpanWriter(), Options(SpanLayer.Gold), [Document()])).TrimStart('\uFEFF');

        Assert.EndsWith(",10,at least,injured,US soldiers", text.Split("\r\n").Single(l => l.Contains("casualty figure", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("one and the same", """{"a":"1","b":"x"}""", """{"a":"1","b":"x"}""", """{"a":"1","b":"x"}""")]
    [InlineData("one value differs", """{"a":"1","b":"x"}""", """{"a":"2","b":"x"}""", """{"b":"x"}""")]
    [InlineData("one lacks a value", """{"a":"1","b":"x"}""", """{"b":"x"}""", """{"b":"x"}""")]
    [InlineData("nothing alike", """{"a":"1"}""", """{"a":"2"}""", null)]
    [InlineData("both say nothing", null, null, null)]
    public void Agreed_values_are_those_every_span_has_the_same(string why, string? first, string? second, string? agreed)
    {
        Assert.True(why.Length > 0);
        Assert.Equal(agreed, AttributeJson.Agreed([first, second]));
        Assert.Equal(agreed, AttributeJson.Agreed([second, first]));
    }
}
