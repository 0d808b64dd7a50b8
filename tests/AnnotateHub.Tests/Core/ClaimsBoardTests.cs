using AnnotateHub.Core.Claims;

namespace AnnotateHub.Tests.Core;

public sealed class ClaimsBoardTests
{
    private static readonly BoardDocument Reuters = new(1, "Ten injured", "Reuters", new DateOnly(2020, 1, 9));
    private static readonly BoardDocument Ynet = new(2, "Two killed", "Ynet", new DateOnly(2020, 1, 8));
    private static readonly BoardDocument Cnn = new(3, "No injuries", "CNN", new DateOnly(2020, 1, 8));
    private static readonly BoardDocument Quiet = new(4, "Nothing here", "AP", null);

    private static BoardSpan Figure(long id, int doc, int start, string text, string who, string status, string? count, string qualifier = "exact", string annotator = "ana") =>
        new(id, doc, start, start + text.Length, BoardKind.Figure, text,
            new Dictionary<string, string> { ["who"] = who, ["status"] = status, ["qualifier"] = qualifier }
                .Concat(count is null ? [] : new[] { KeyValuePair.Create("count", count) }).ToDictionary(p => p.Key, p => p.Value), annotator);

    [Fact]
    public void Figures_are_grouped_by_who_and_status_a_column_per_document_and_disagreements_named()
    {
        var board = ClaimsBoard.Build([Reuters, Ynet, Cnn, Quiet],
        [
            Figure(1, 1, 10, "at least ten US soldiers were injured", "US soldiers", "injured", "10", "at least"),
            Figure(2, 1, 10, "at least ten US soldiers were injured", "US soldiers", "injured", "10", "at least", annotator: "bo"),
            Figure(3, 2, 5, "twelve US soldiers were hurt", "the US soldiers", "injured", "12"),
            Figure(4, 2, 50, "two US soldiers were killed", "US soldiers", "killed", "2"),
            Figure(5, 3, 7, "no injuries", "US soldiers", "none", "0"),
            Figure(6, 3, 30, "several civilians", "", "unknown", null, "vague"),
        ]);

        // Columns: the documents with something to show, by date, then outlet; the quiet one is left out.
        Assert.Equal([3, 2, 1], board.Columns.Select(c => c.Id));
        Assert.Equal([("US soldiers", "killed"), ("US soldiers", "injured"), ("US soldiers", "none"), (ClaimsBoard.NotSaid, "unknown")],
            board.Figures.Select(r => (r.Who, r.Status!)));
        var injured = board.Figures[1];
        // Two annotators' identical spans are one value; "the US soldiers" is the same group.
        var ten = Assert.Single(injured.Cells[1]);
        Assert.Equal(["ana", "bo"], ten.Annotators);
        Assert.Equal("at least 10", ten.Figure);
        Assert.Equal("12", Assert.Single(injured.Cells[2]).Figure);
        Assert.Equal("The counts differ: 10, 12.", injured.Disagreement);
        Assert.Equal("Another report says there were none.", board.Figures[0].Disagreement);
        Assert.Equal("Other reports count killed and injured US soldiers.", board.Figures[2].Disagreement);
        Assert.Null(board.Figures[3].Disagreement);
        Assert.Equal("several civilians", Assert.Single(board.Figures[3].Cells[3]).Figure);
    }

    [Fact]
    public void Claims_are_grouped_by_source_and_a_denial_beside_an_assertion_is_a_disagreement()
    {
        BoardSpan Claim(long id, int doc, string source, string stance) =>
            new(id, doc, 0, 5, BoardKind.Claim, "words", new Dictionary<string, string> { ["source"] = source, ["stance"] = stance }, "ana");

        var board = ClaimsBoard.Build([Reuters, Ynet, Cnn], [Claim(1, 1, "Pentagon", "asserted"), Claim(2, 3, "pentagon", "denied"), Claim(3, 2, "IRGC", "reported")]);

        Assert.Equal(["IRGC", "Pentagon"], board.Claims.Select(r => r.Who));
        Assert.Equal("Reported as asserted and as denied.", board.Claims[1].Disagreement);
        Assert.Null(board.Claims[0].Disagreement);
    }

    [Fact]
    public void The_csv_has_a_row_per_value_and_defuses_formulas()
    {
        var board = ClaimsBoard.Build([Reuters], [Figure(1, 1, 0, "=HYPERLINK(\"x\")", "US, allied troops", "injured", "10", "at least")]);

        var lines = board.ToCsv().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("kind,who_or_source,status,disagreement,document_id,title,outlet,published,count,qualifier,stance,text,annotators,span_id", lines[0]);
        Assert.Equal("figure,\"US, allied troops\",injured,,1,Ten injured,Reuters,2020-01-09,10,at least,,\"'=HYPERLINK(\"\"x\"\")\",ana,1", lines[1]);
        Assert.Equal(2, lines.Length);
    }
}
