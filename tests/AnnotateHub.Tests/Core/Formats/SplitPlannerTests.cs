using AnnotateHub.Core.Formats;

namespace AnnotateHub.Tests.Core.Formats;

public sealed class SplitPlannerTests
{
    private static readonly string[] Outlets = ["Reuters", "AP", "AFP", "Xinhua", "Al Jazeera", "BBC", "DW", "TASS", "NHK", "ANSA", "EFE", "PTI"];

    // 300 documents over 12 outlets (Reuters has 80, the others 20 each) and 30 days.
    private static List<DocumentFacts> Facts() => Enumerable.Range(1, 300)
        .Select(i => new DocumentFacts(i.ToString(), i <= 60 ? "Reuters" : Outlets[i % Outlets.Length], $"2024-03-{i % 30 + 1:00}")).ToList();

    private static SplitSpec Spec(string ratios, int seed = 7, string? groupBy = null) => SplitSpec.Parse(ratios, seed.ToString(), groupBy).Spec!;

    [Fact]
    public void The_same_seed_gives_the_same_plan_whatever_the_document_order()
    {
        var facts = Facts();
        var plan = SplitPlanner.Plan(facts, Spec("80/10/10"));
        var shuffled = SplitPlanner.Plan(Enumerable.Reverse(facts), Spec("80/10/10"));

        Assert.Equal(plan.OrderBy(p => p.Key), shuffled.OrderBy(p => p.Key));
        Assert.NotEqual(plan.OrderBy(p => p.Key), SplitPlanner.Plan(facts, Spec("80/10/10", seed: 8)).OrderBy(p => p.Key));
    }

    [Theory]
    [InlineData("80/10/10", 300, 240, 30, 30)]
    [InlineData("0.7/0.15/0.15", 301, 211, 45, 45)]
    [InlineData("90/10", 7, 6, 0, 1)]
    [InlineData("1/1/1", 10, 4, 3, 3)]
    public void Ratios_give_exact_counts_as_close_to_the_ratio_as_whole_documents_allow(string ratios, int documents, int train, int dev, int test)
    {
        var plan = SplitPlanner.Plan(Facts().Take(documents).Concat(Enumerable.Range(1000, Math.Max(0, documents - 300)).Select(i => new DocumentFacts(i.ToString()))), Spec(ratios));

        Assert.Equal(documents, plan.Count);
        Assert.Equal([train, dev, test], SplitSpec.Names.Select(n => plan.Values.Count(v => v == n)));
    }

    [Theory]
    [InlineData("outlet")]
    [InlineData("date")]
    public void Grouping_never_puts_one_group_in_two_splits(string groupBy)
    {
        var facts = Facts();
        var plan = SplitPlanner.Plan(facts, Spec("80/10/10", groupBy: groupBy));

        var groups = facts.GroupBy(f => groupBy == "outlet" ? f.Outlet : f.Published);
        Assert.All(groups, g => Assert.Single(g.Select(f => plan[f.Id]).Distinct()));
        Assert.Equal(300, plan.Count);
        // Whole groups cannot hit 240/30/30 exactly, but dev and test both get some and train most.
        var counts = SplitSpec.Names.Select(n => plan.Values.Count(v => v == n)).ToArray();
        Assert.InRange(counts[0], 200, 270);
        Assert.True(counts[1] > 0 && counts[2] > 0);
    }

    [Fact]
    public void Outlet_grouping_ignores_case_and_a_missing_outlet_is_one_group()
    {
        var facts = new[] { new DocumentFacts("1", "Reuters"), new DocumentFacts("2", "reuters "), new DocumentFacts("3"), new DocumentFacts("4", null), new DocumentFacts("5", "AP") };
        var plan = SplitPlanner.Plan(facts, Spec("60/20/20", groupBy: "outlet"));

        Assert.Equal(plan["1"], plan["2"]);
        Assert.Equal(plan["3"], plan["4"]);
    }

    [Fact]
    public void A_split_with_ratio_zero_gets_no_documents_even_when_grouped()
    {
        var plan = SplitPlanner.Plan(Facts(), Spec("90/0/10", groupBy: "outlet"));

        Assert.DoesNotContain("dev", plan.Values);
    }

    [Fact]
    public void An_explicit_list_assigns_the_listed_documents_and_leaves_the_rest_without_a_split()
    {
        var plan = SplitPlanner.Plan(Facts().Take(3), SplitSpec.FromList(new Dictionary<string, string> { ["1"] = "test", ["2"] = "train", ["999"] = "dev" }));

        Assert.Equal(new Dictionary<string, string> { ["1"] = "test", ["2"] = "train" }, plan);
    }

    [Theory]
    [InlineData("80/10", null, null)]
    [InlineData("80/10/x", null, "\"x\" is not a number")]
    [InlineData("80", null, "two (train/test) or three")]
    [InlineData("0/0/0", null, "must give some documents")]
    [InlineData("80/10/10", "seven", "The seed \"seven\" must be a whole number.")]
    [InlineData("80/10/10", "7", null)]
    public void Parse_explains_what_is_wrong(string ratios, string? seed, string? error)
    {
        var (spec, message) = SplitSpec.Parse(ratios, seed);

        if (error is null) Assert.NotNull(spec);
        else Assert.Contains(error, message);
    }
}
