using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class ExportRoundTripTests
{
    private static object Key(InterchangeSpan s) => (s.Annotator, s.Start, s.End, s.Label);
    private static object Key(GoldSpan s) => (s.Start, s.End, s.Label);

    [Fact]
    public async Task Jsonl_export_then_import_gives_the_same_documents_and_spans()
    {
        var bytes = await ExportCorpus.WriteAsync(new InterchangeJsonlWriter(), new ExportOptions { Layer = SpanLayer.All, Splits = ExportCorpus.Splits });
        var read = InterchangeReader.Read(new MemoryStream(bytes)).Select(l => l.Document!).ToList();

        Assert.Equal(ExportCorpus.Documents.Select(d => d.Id), read.Select(d => d.Id));
        foreach (var (original, back) in ExportCorpus.Documents.Zip(read))
        {
            Assert.Equal(original.Text, back.Text);
            Assert.Equal(original.Annotators, back.Annotators);
            Assert.Equal(original.Annotations.Select(Key), back.Annotations.Select(Key));
            Assert.Equal(original.Gold.Select(Key), back.Gold.Select(Key));
            Assert.Equal(original.Meta.Append(new("split", ExportCorpus.Splits[original.Id])).OrderBy(m => m.Key), back.Meta.OrderBy(m => m.Key));
        }
    }

    [Fact]
    public async Task Brat_export_then_import_gives_the_same_documents_and_annotators_spans()
    {
        var bytes = await ExportCorpus.WriteAsync(new BratWriter(), new ExportOptions { Layer = SpanLayer.All, Splits = ExportCorpus.Splits });
        var read = BratReader.Read(new MemoryStream(bytes)).ToList();

        Assert.All(read, r => Assert.Empty(r.Errors));
        var byId = read.ToDictionary(r => r.Document!.Id, r => r.Document!);
        Assert.Equal(ExportCorpus.Documents.Select(d => d.Id).Order(), byId.Keys.Order());
        foreach (var original in ExportCorpus.Documents)
        {
            var back = byId[original.Id];
            Assert.Equal(original.Text, back.Text);
            Assert.Equal(ExportCorpus.Splits[original.Id], back.Meta["split"]);
            Assert.Equal(original.Annotations.Select(Key).OrderBy(k => k.ToString()), back.Annotations.Select(Key).OrderBy(k => k.ToString()));
            Assert.Empty(back.Gold);
        }
    }

    [Fact]
    public async Task Brat_gold_export_then_import_gives_the_gold_spans_with_labels_that_have_spaces()
    {
        var bytes = await ExportCorpus.WriteAsync(new BratWriter(), new ExportOptions { Layer = SpanLayer.Gold });
        var byId = BratReader.Read(new MemoryStream(bytes)).ToDictionary(r => r.Document!.Id, r => r.Document!);

        foreach (var original in ExportCorpus.Documents)
        {
            Assert.Equal(original.Gold.Select(Key), byId[original.Id].Gold.Select(Key));
            Assert.Empty(byId[original.Id].Annotations);
        }
        Assert.Contains(byId["d2"].Gold, g => g.Label == "casualty figure");
    }

    [Fact]
    public void Brat_reader_reports_bad_lines_by_file_line_and_annotation_id()
    {
        const string text = "Cafe\u0301 👍🏽 ok";
        var ann = "T1\tplace 0 5\tCafe\u0301\nT2\tplace 0 2\tXX\nT3\tplace 4 99\tok\nT4 no tabs\n#1\tAnnotatorNotes T9\tannotator: bob\nR1\tRel Arg1:T1 Arg2:T1\nX1\twhat\n";
        var result = BratReader.Parse("train/7.ann", "7", "train", text, ann, new Dictionary<string, string>());

        Assert.Null(result.Document);
        Assert.Equal(
        [
            "line 2, T2: the text \"XX\" differs from the .txt at those offsets (\"Ca\"); offsets count code points",
            "line 3, T3: end 99 is past the end of the text (11 code points)",
            "line 4, T4 no tabs: a text-bound annotation needs three tab-separated fields: ID, \"TYPE START END\", text",
            "line 7, X1: unknown annotation line; brat lines start with T, R, E, A, M, N, # or *",
            "line 5, #1: the note is about T9, which is not a text-bound annotation of this file",
        ], result.Errors.Select(e => e.ToString()));
        Assert.StartsWith("train/7.ann: line 2, T2:", result.ToString());
    }

    [Fact]
    public void Brat_reader_counts_offsets_in_code_points_and_joins_fragments_split_at_line_breaks()
    {
        const string text = "👍🏽 Base\nhit";
        var result = BratReader.Parse("1.ann", "1", "", text, "T1\tclaim 3 7;8 11\tBase hit\n#1\tAnnotatorNotes T1\tannotator: alice | votes: claim=1 of 1\n", new Dictionary<string, string>());

        var span = Assert.Single(result.Document!.Annotations);
        Assert.Equal(new InterchangeSpan("alice", 3, 11, "claim"), span with { Attributes = null });
    }
}
