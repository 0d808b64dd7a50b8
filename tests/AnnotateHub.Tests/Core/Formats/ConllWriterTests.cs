using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Text;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class ConllWriterTests
{
    // Tokens: Alice Smith met Bob Jones in New York City today .
    private const string Sentence = "Alice Smith met Bob Jones in New York City today.";

    private static string[] TagsFor(TagScheme scheme, params (string Part, string Label)[] spans)
    {
        var exported = spans.Select(s =>
        {
            var (start, end) = ExportCorpus.Offsets(Sentence, s.Part);
            return new ExportSpan(start, end, s.Label);
        }).ToList();
        return ConllWriter.Tags(Tokenizer.Tokenize(Sentence), exported, scheme, out _);
    }

    private static readonly (string, string)[] Spans = [("Alice Smith", "PER"), ("Bob Jones", "PER"), ("New York City", "LOC"), ("today", "DATE")];

    [Fact]
    public void Bio_marks_each_span_start_with_B() =>
        Assert.Equal(["B-PER", "I-PER", "O", "B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-LOC", "B-DATE", "O"], TagsFor(TagScheme.Bio, Spans));

    [Fact]
    public void Iob1_uses_B_only_where_a_span_directly_follows_one_of_the_same_label()
    {
        Assert.Equal(["I-PER", "I-PER", "O", "I-PER", "I-PER", "O", "I-LOC", "I-LOC", "I-LOC", "I-DATE", "O"], TagsFor(TagScheme.Iob1, Spans));
        Assert.Equal(["I-PER", "B-PER", "O", "O", "O", "O", "I-LOC", "I-LOC", "B-LOC", "O", "O"],
            TagsFor(TagScheme.Iob1, ("Alice", "PER"), ("Smith", "PER"), ("New York", "LOC"), ("City", "LOC")));
    }

    [Fact]
    public void Bilou_marks_last_tokens_with_L_and_single_tokens_with_U() =>
        Assert.Equal(["B-PER", "L-PER", "O", "B-PER", "L-PER", "O", "B-LOC", "I-LOC", "L-LOC", "U-DATE", "O"], TagsFor(TagScheme.Bilou, Spans));

    [Fact]
    public void Bioes_marks_last_tokens_with_E_and_single_tokens_with_S() =>
        Assert.Equal(["B-PER", "E-PER", "O", "B-PER", "E-PER", "O", "B-LOC", "I-LOC", "E-LOC", "S-DATE", "O"], TagsFor(TagScheme.Bioes, Spans));

    // The table in docs/formats.md: adjacent spans of one label are where the schemes differ.
    [Theory]
    [InlineData(TagScheme.Bio, "B-PER I-PER O B-PER B-PER O B-LOC I-LOC I-LOC")]
    [InlineData(TagScheme.Iob1, "I-PER I-PER O I-PER B-PER O I-LOC I-LOC I-LOC")]
    [InlineData(TagScheme.Bilou, "B-PER L-PER O U-PER U-PER O B-LOC I-LOC L-LOC")]
    [InlineData(TagScheme.Bioes, "B-PER E-PER O S-PER S-PER O B-LOC I-LOC E-LOC")]
    public void Adjacent_spans_of_one_label_are_tagged_as_the_docs_table_says(TagScheme scheme, string tags)
    {
        const string text = "Alice Smith met Bob Jones in New York City";
        var spans = new[] { ("Alice Smith", "PER"), ("Bob", "PER"), ("Jones", "PER"), ("New York City", "LOC") }
            .Select(s => { var (start, end) = ExportCorpus.Offsets(text, s.Item1); return new ExportSpan(start, end, s.Item2); }).ToList();

        Assert.Equal(tags, string.Join(' ', ConllWriter.Tags(Tokenizer.Tokenize(text), spans, scheme, out _)));
    }

    [Fact]
    public void Overlapping_spans_keep_the_one_that_starts_first_then_the_longer() =>
        Assert.Equal(["O", "O", "O", "O", "O", "O", "B-LOC", "I-LOC", "I-LOC", "O", "O"],
            TagsFor(TagScheme.Bio, ("York City", "ORG"), ("New York City", "LOC"), ("New York", "GPE")));

    [Fact]
    public void Labels_with_spaces_become_underscores_in_tags() =>
        Assert.Equal("B-casualty_figure", TagsFor(TagScheme.Bio, ("Alice", "casualty figure"))[0]);

    [Fact]
    public async Task Documents_start_with_docstart_and_sentences_end_at_terminators_followed_by_space_and_at_line_breaks()
    {
        var document = ExportCorpus.Doc("s", "It rose 3.5 points. U.S. troops left!\nNext line 基地。三人", null, null, ["a"],
            [ExportCorpus.Span("a", "It rose 3.5 points. U.S. troops left!\nNext line 基地。三人", "troops", "actor")], []);
        var output = await ExportCorpus.WriteAsync(new ConllWriter(), new ExportOptions { Layer = SpanLayer.OfAnnotator("a") }, [document]);

        Assert.Equal(
            "-DOCSTART- -X- -X- O\n\n" +
            "It -X- -X- O\nrose -X- -X- O\n3 -X- -X- O\n. -X- -X- O\n5 -X- -X- O\npoints -X- -X- O\n. -X- -X- O\n\n" +
            "U -X- -X- O\n. -X- -X- O\nS -X- -X- O\n. -X- -X- O\n\n" +
            "troops -X- -X- B-actor\nleft -X- -X- O\n! -X- -X- O\n\n" +
            "Next -X- -X- O\nline -X- -X- O\n基地 -X- -X- O\n。 -X- -X- O\n\n" +
            "三人 -X- -X- O\n\n",
            System.Text.Encoding.UTF8.GetString(output));
    }

    [Fact]
    public async Task Soft_labels_add_a_column_of_each_annotators_label_per_token()
    {
        var options = new ExportOptions { Layer = SpanLayer.Majority, SoftLabels = true };
        var text = System.Text.Encoding.UTF8.GetString(await ExportCorpus.WriteAsync(new ConllWriter(), options, [ExportCorpus.ById("d1")]));
        var lines = text.Split('\n').Select(l => l.Split(' ')).ToList();

        Assert.Equal(["Cafe\u0301", "-X-", "-X-", "O", "O=1;actor=1;place=1"], lines.Single(l => l[0] == "Cafe\u0301"));
        Assert.Equal(["Erbil", "-X-", "-X-", "B-place", "place=2;claim=1"], lines.Single(l => l[0] == "Erbil"));
        // Alice's claim starts before her "Erbil", so it is her label there; on "hit" it is her only span.
        Assert.Equal(["hit", "-X-", "-X-", "O", "O=2;claim=1"], lines.Single(l => l[0] == "hit"));
    }

    [Fact]
    public void The_all_layer_is_refused_because_a_tag_column_holds_one_layer() =>
        Assert.Contains("one layer", new ConllWriter().Check(new ExportOptions { Layer = SpanLayer.All }));

    [Fact]
    public async Task With_a_split_the_output_is_a_zip_of_one_conll_file_per_split()
    {
        var options = new ExportOptions { Layer = SpanLayer.Gold, Splits = ExportCorpus.Splits };
        var bytes = await ExportCorpus.WriteAsync(new ConllWriter(), options);
        using var zip = new System.IO.Compression.ZipArchive(new MemoryStream(bytes));

        Assert.Equal(["train.conll", "dev.conll", "test.conll"], zip.Entries.Select(e => e.FullName));
        using var train = new StreamReader(zip.GetEntry("train.conll")!.Open());
        var content = await train.ReadToEndAsync();
        Assert.Equal(2, content.Split(ConllWriter.DocStart).Length - 1);
        Assert.Contains("基地遭到火箭袭击 -X- -X- B-place", content);
        Assert.Equal(".zip", new ConllWriter().FileExtension(options));
    }
}
