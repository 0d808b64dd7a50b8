using AnnotateHub.Core.Recognizers;

namespace AnnotateHub.Tests.Core;

public sealed class StringMatcherTests
{
    private const string Text = "Iraqi forces and the Popular Mobilization Units met in Iraq; the Popular Mobilization said IRAQ was calm.";

    [Fact]
    public void Finds_whole_words_case_insensitively_and_the_longest_phrase_at_one_place()
    {
        var entries = new[] { new StringEntry("Iraq", "actor"), new StringEntry("Popular Mobilization", "actor"), new StringEntry("Popular Mobilization Units", "actor") };

        var found = StringMatcher.Find(Text, entries);

        Assert.Equal(["Popular Mobilization Units", "Iraq", "Popular Mobilization", "IRAQ"], found.Select(f => Text[f.Start..f.End]));
        Assert.All(found, f => Assert.Equal("actor", f.Label));
        Assert.DoesNotContain(found, f => f.Start == 0); // not "Iraq" inside "Iraqi"
    }

    [Fact]
    public void Learning_keeps_name_like_phrases_and_one_label_per_phrase()
    {
        var learned = StringMatcher.Learn([
            ("Popular Mobilization Units", "actor"), ("popular mobilization units", "actor"), ("Popular Mobilization Units", "claim"),
            ("10", "casualty figure"), ("US", "actor"), ("a whole\nline", "claim"), ("  Iraq  ", "actor"),
        ]);

        Assert.Equal([new StringEntry("Iraq", "actor"), new StringEntry("Popular Mobilization Units", "actor")], learned);
    }

    [Fact]
    public void A_gazetteer_reads_phrase_tab_label_and_refuses_every_other_line_with_its_number()
    {
        const string file = "# actors\nPopular Mobilization Units\tactor\nno tab here\nIraq\tplace\n\t actor\nKataib Hezbollah\tActor\nKataib Hezbollah\tactor\n";

        var (entries, errors) = StringMatcher.ReadGazetteer(file, ["claim", "actor", "casualty figure"]);

        Assert.Equal([new StringEntry("Popular Mobilization Units", "actor"), new StringEntry("Kataib Hezbollah", "actor")], entries);
        Assert.Equal([
            "line 3: no tab between the phrase and its label.",
            "line 4: \"place\" is not a label of this project (claim, actor, casualty figure).",
            "line 5: \"\" is not a phrase to look for (3 to 120 characters, not only digits).",
        ], errors);
    }
}
