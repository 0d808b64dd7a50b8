using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Recognizers;
using AnnotateHub.Tests.Support;

namespace AnnotateHub.Tests.Core;

public sealed class CasualtyRecognizerTests
{
    private static string Describe(RecognizedFigure f) =>
        $"{f.Text} | count={f.Attributes.GetValueOrDefault("count", "-")} status={f.Attributes["status"]} who={f.Attributes.GetValueOrDefault("who", "-")} qualifier={f.Attributes["qualifier"]}";

    public static TheoryData<string, string[]> Seeds => new()
    {
        { "000", [
            "several casualties | count=- status=unknown who=- qualifier=vague",
            "several US casualties | count=- status=unknown who=US qualifier=vague",
            "at least ten US soldiers were injured | count=10 status=injured who=US soldiers qualifier=at least",
            "two American soldiers were killed | count=2 status=killed who=American soldiers qualifier=exact",
            "nearly 40,000 | count=40000 status=killed who=- qualifier=nearly",
        ] },
        { "001", [
            "Several American Personnel Injured | count=- status=injured who=American Personnel qualifier=vague",
            "several American personnel | count=- status=injured who=American personnel qualifier=vague",
            "several US personnel were injured | count=- status=injured who=US personnel qualifier=vague",
            "four members | count=4 status=killed who=members qualifier=exact",
            "more than 39,600 people | count=39600 status=killed who=people qualifier=more than",
        ] },
        { "002", [
            "no injuries | count=0 status=none who=- qualifier=exact",
            "no injuries | count=0 status=none who=- qualifier=exact",
            "a dozen pro-militiamen | count=12 status=killed who=pro-militiamen qualifier=exact",
        ] },
        { "003", [
            "several American troopers | count=- status=injured who=American troopers qualifier=vague",
            "More than 39,700 Palestinians, mostly women and children, have been killed | count=39700 status=killed who=Palestinians qualifier=more than",
        ] },
        { "004", [
            "more than 100 American forces suffered “traumatic brain injuries | count=100 status=injured who=American forces qualifier=more than",
        ] },
    };

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Finds_each_figure_of_the_seed_articles_with_its_attributes(string seed, string[] expected)
    {
        var text = ArticleText.Normalize(RepositoryFiles.ReadSeed(seed));

        var found = CasualtyRecognizer.Find(text);

        Assert.Equal(expected, found.Select(Describe).ToArray());
        foreach (var f in found)
        {
            Assert.Equal(f.Text, text[f.Start..f.End]);
            // What it fills in is valid for the demo label's attributes.
            var check = AttributeRules.Check(AttributeRules.Defaults["casualty figure"], f.Attributes.ToDictionary(a => a.Key, a => (string?)a.Value));
            Assert.True(check.Succeeded, string.Join("; ", check.Errors));
        }
        Assert.All(found.Zip(found.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start)); // in order, none overlapping
    }

    [Theory]
    [InlineData("Officials said at least ten US soldiers were injured.", "at least ten US soldiers were injured", "10", "injured", "at least", "US soldiers")]
    [InlineData("The war has martyred more than 39,600 people.", "more than 39,600 people", "39600", "killed", "more than", "people")]
    [InlineData("Up to twenty-five guards were wounded overnight.", "Up to twenty-five guards were wounded", "25", "injured", "up to", "guards")]
    [InlineData("Dozens were reported missing after the strike.", "Dozens were reported missing", null, "missing", "vague", null)]
    public void Reads_the_issues_examples_and_number_words(string text, string span, string? count, string status, string qualifier, string? who)
    {
        var figure = Assert.Single(CasualtyRecognizer.Find(text));

        Assert.Equal(span, figure.Text);
        Assert.Equal(count, figure.Attributes.GetValueOrDefault("count"));
        Assert.Equal(status, figure.Attributes["status"]);
        Assert.Equal(qualifier, figure.Attributes["qualifier"]);
        Assert.Equal(who, figure.Attributes.GetValueOrDefault("who"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Two rockets hit the base twice in 12 hours, 160 kilometers west of Baghdad.")]
    [InlineData("Two days earlier, injuring nobody, the drones turned back.")]
    [InlineData("The soldiers were injured. Ten days later the base reopened.")]
    [InlineData("<script>alert(1)</script> 😀 ⁦ no ⁩")]
    public void Finds_nothing_where_no_number_counts_casualties(string text) => Assert.Empty(CasualtyRecognizer.Find(text));
}
