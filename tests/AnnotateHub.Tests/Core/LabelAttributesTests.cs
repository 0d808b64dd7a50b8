using AnnotateHub.Core.Labels;

namespace AnnotateHub.Tests.Core;

public sealed class LabelAttributesTests
{
    private static IReadOnlyList<AttributeDefinition> Casualty => AttributeRules.Defaults["casualty figure"];

    [Fact]
    public void The_demo_labels_carry_the_attributes_the_issue_lists_and_their_definitions_are_valid()
    {
        Assert.Equal(["count", "status", "who", "qualifier"], Casualty.Select(d => d.Name));
        Assert.Equal([AttributeKind.Number, AttributeKind.Choice, AttributeKind.Text, AttributeKind.Choice], Casualty.Select(d => d.Kind));
        Assert.Equal(["killed", "injured", "missing", "none", "unknown"], Casualty[1].Choices!);
        Assert.Equal(["exact", "at least", "more than", "nearly", "up to", "vague"], Casualty[3].Choices!);
        var claim = AttributeRules.Defaults["claim"];
        Assert.Equal(["stance", "source"], claim.Select(d => d.Name));
        Assert.Equal(["asserted", "reported", "denied", "unverified"], claim[0].Choices!);
        Assert.All(AttributeRules.Defaults.Values, d => Assert.Empty(AttributeRules.ValidateDefinitions(d)));
        Assert.Equal(new Dictionary<string, string> { ["qualifier"] = "exact" }, AttributeRules.DefaultsOf(Casualty));
    }

    [Fact]
    public void Good_values_come_back_canonical()
    {
        var check = AttributeRules.Check(Casualty, new Dictionary<string, string?>
        {
            ["count"] = " 39,600 ", ["Status"] = "Injured", ["who"] = "  US soldiers ", ["qualifier"] = "MORE THAN",
        });

        Assert.True(check.Succeeded, string.Join("; ", check.Errors));
        Assert.Equal(new Dictionary<string, string> { ["count"] = "39600", ["status"] = "injured", ["who"] = "US soldiers", ["qualifier"] = "more than" }, check.Values);
    }

    [Theory]
    [InlineData("count", "ten", "count: \"ten\" is not a number")]
    [InlineData("count", "-2", "count: -2 is below the smallest allowed, 0.")]
    [InlineData("status", "wounded", "status: \"wounded\" is not one of killed, injured, missing, none, unknown.")]
    [InlineData("who", "two\nlines", "who: a text cannot hold control characters or line breaks.")]
    [InlineData("side", "coalition", "This label has no attribute \"side\"")]
    public void A_bad_value_is_refused_with_its_reason_and_nothing_is_returned(string name, string value, string reason)
    {
        var check = AttributeRules.Check(Casualty, new Dictionary<string, string?> { [name] = value, ["qualifier"] = "exact" });

        Assert.False(check.Succeeded);
        Assert.Contains(check.Errors, e => e.StartsWith(reason, StringComparison.Ordinal));
        Assert.Empty(check.Values);
    }

    [Fact]
    public void Yes_no_dates_required_values_ranges_and_long_texts()
    {
        AttributeDefinition[] definitions =
        [
            new("confirmed", AttributeKind.YesNo, Required: true),
            new("on", AttributeKind.Date),
            new("share", AttributeKind.Number, Min: 0, Max: 1),
            new("remark", AttributeKind.Text),
        ];
        Assert.Empty(AttributeRules.ValidateDefinitions(definitions));

        var good = AttributeRules.Check(definitions, new Dictionary<string, string?> { ["confirmed"] = "TRUE", ["on"] = "2020-01-08", ["share"] = "0.50", ["remark"] = "" });
        Assert.True(good.Succeeded, string.Join("; ", good.Errors));
        Assert.Equal(new Dictionary<string, string> { ["confirmed"] = "yes", ["on"] = "2020-01-08", ["share"] = "0.5" }, good.Values);

        var bad = AttributeRules.Check(definitions, new Dictionary<string, string?> { ["on"] = "08/01/2020", ["share"] = "1.5", ["remark"] = new string('x', 501) });
        Assert.Equal(
        [
            "on: \"08/01/2020\" is not a date written as 2020-01-08.",
            "share: 1.5 is above the largest allowed, 1.",
            "remark: a text is at most 500 characters (this one has 501).",
            "confirmed: a value is required.",
        ], bad.Errors);
    }

    [Fact]
    public void Bad_definitions_are_refused_each_with_its_reason()
    {
        AttributeDefinition[] definitions =
        [
            new("", AttributeKind.Text),
            new("status", AttributeKind.Choice, []),
            new("Status", AttributeKind.Text),
            new("count", AttributeKind.Number, Min: 5, Max: 1),
            new("who", AttributeKind.Text, Min: 1),
            new("qualifier", AttributeKind.Choice, ["exact", "Exact"], Default: "roughly"),
            new("stance", AttributeKind.Text, Choices: ["asserted"]),
        ];

        Assert.Equal(
        [
            "An attribute needs a name.",
            "The choice \"status\" needs at least one value.",
            "Two attributes are named \"Status\".",
            "The range of \"count\" is empty (5 > 1).",
            "Only a number has a range; \"who\" is a text.",
            "\"qualifier\" lists \"Exact\" twice.",
            "The default of \"qualifier\" is not valid: \"roughly\" is not one of exact, Exact.",
            "Only a choice has values to pick from; \"stance\" is a text.",
        ], AttributeRules.ValidateDefinitions(definitions));
        Assert.Single(AttributeRules.ValidateDefinitions([.. Enumerable.Range(0, 21).Select(i => new AttributeDefinition($"a{i}", AttributeKind.Text))]));
    }
}
