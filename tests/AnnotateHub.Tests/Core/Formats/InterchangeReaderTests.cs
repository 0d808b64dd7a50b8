using System.Text;
using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class InterchangeReaderTests
{
    private static List<InterchangeLine> Read(string content) => InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes(content))).ToList();

    [Fact]
    public void A_doccano_line_is_read_with_meta_annotators_spans_and_gold()
    {
        var line = Read("""{"id": 7, "text": "Iran fired", "meta": {"outlet": "X", "n": 3}, "annotators": ["ana"], "annotations": [{"annotator": "ana", "start": 0, "end": 4, "label": "actor", "attributes": {"note": "state"}}], "label": [[5, 10, "claim"]]}""").Single();

        var d = line.Document!;
        Assert.Equal(("7", "Iran fired", "X", "3"), (d.Id, d.Text, d.Meta["outlet"], d.Meta["n"]));
        Assert.Equal(["ana"], d.Annotators);
        Assert.Equal(new InterchangeSpan("ana", 0, 4, "actor", null), d.Annotations[0] with { Attributes = null });
        Assert.Equal("state", d.Annotations[0].Attributes!["note"]);
        Assert.Equal([new GoldSpan(5, 10, "claim")], d.Gold);
    }

    [Fact]
    public void Offsets_are_checked_in_code_points()
    {
        // Two emoji are four UTF-16 units but two code points: end 2 is the end of the text, 3 is past it.
        var ok = Read("""{"text": "👍👍", "label": [[0, 2, "x"]]}""").Single();
        var past = Read("""{"text": "👍👍", "label": [[0, 3, "x"]]}""").Single();
        Assert.NotNull(ok.Document);
        Assert.Equal("line 1, label[0].end: 3 is past the end of the text (2 code points)", past.Errors.Single().ToString());
    }

    [Fact]
    public void Every_problem_of_a_line_is_reported_with_its_field()
    {
        var line = Read("""{"text": "abc", "meta": [], "annotators": [1], "annotations": [{"start": "0", "end": 2, "label": ""}, 5], "label": [["a"]]}""").Single();
        Assert.Equal(
        [
            "line 1, meta: must be an object, found an array",
            "line 1, annotators[0]: must be a name, found the number 1",
            "line 1, annotations[0].annotator: missing",
            "line 1, annotations[0].start: must be a whole number, found the string \"0\"",
            "line 1, annotations[0].label: is empty",
            "line 1, annotations[1]: must be an object {\"annotator\", \"start\", \"end\", \"label\"}, found the number 5",
            "line 1, label[0]: must be [start, end, \"label\"], found an array",
        ], line.Errors.Select(e => e.ToString()));
    }

    [Fact]
    public void Blank_lines_and_crlf_endings_are_fine_and_line_numbers_count_them()
    {
        var lines = Read("{\"text\": \"a\"}\r\n\r\n{\"text\": \"b\"}\r\n");
        Assert.Equal([1, 3], lines.Select(l => l.Line));
        Assert.All(lines, l => Assert.NotNull(l.Document));
    }

    [Fact]
    public void A_line_longer_than_the_limit_is_reported_and_the_next_line_is_still_read()
    {
        var lines = InterchangeReader.Read(new MemoryStream(Encoding.UTF8.GetBytes("{\"text\": \"" + new string('a', 3000) + "\"}\n{\"text\": \"b\"}\n")), maxLineBytes: 1024 * 1024 / 512).ToList();
        Assert.Single(lines[0].Errors);
        Assert.StartsWith("line 1: the line is longer than", lines[0].Errors[0].ToString(), StringComparison.Ordinal);
        Assert.Equal("b", lines[1].Document!.Text);
    }
}
