using System.Text;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class CsvSpanWriterTests
{
    [Theory]
    [InlineData("=1+1", "'=1+1")]
    [InlineData("+44 20", "'+44 20")]
    [InlineData("-5 casualties", "'-5 casualties")]
    [InlineData("@home", "'@home")]
    [InlineData("\tcmd", "'\tcmd")]
    [InlineData("\rcmd", "\"'\rcmd\"")]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    public void Cells_that_would_start_a_formula_get_an_apostrophe(string value, string cell) =>
        Assert.Equal(cell, CsvSpanWriter.Cell(value));

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"no\"", "\"say \"\"no\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("1-2", "1-2")]
    public void Other_cells_are_quoted_only_where_rfc_4180_needs_it(string value, string cell) =>
        Assert.Equal(cell, CsvSpanWriter.Cell(value));

    [Fact]
    public async Task Offsets_stay_plain_numbers_while_dangerous_span_texts_are_neutralised()
    {
        var bytes = await ExportCorpus.WriteAsync(new CsvSpanWriter(), new ExportOptions { Layer = SpanLayer.OfAnnotator("bob") }, [ExportCorpus.ById("d3")]);
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));

        var formula = rows.Single(r => r[5] == "claim");
        Assert.Equal("'=1+1", formula[6]);
        Assert.Equal(ExportCorpus.Offsets(ExportCorpus.Text3, "=1+1"), (int.Parse(formula[3]), int.Parse(formula[4])));
        Assert.Equal("'@home", rows.Single(r => r[5] == "place")[6]);
    }

    [Fact]
    public async Task Soft_labels_add_voters_and_votes_columns()
    {
        var bytes = await ExportCorpus.WriteAsync(new CsvSpanWriter(), new ExportOptions { Layer = SpanLayer.OfAnnotator("bob"), SoftLabels = true }, [ExportCorpus.ById("d1")]);
        var rows = Csv.Parse(Encoding.UTF8.GetString(bytes.AsSpan(3)));

        Assert.Equal([.. CsvSpanWriter.Header, "voters", "votes"], rows[0]);
        Assert.Equal(["d1", "", "bob", "45", "55", "place", "Cafe\u0301 Noir", "", "", "", "", "3", "actor=1;place=1"],
            rows.Single(r => r[6] == "Cafe\u0301 Noir"));
    }
}
