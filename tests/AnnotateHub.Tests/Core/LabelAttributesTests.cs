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
            new("Note", AttributeKind.Text),
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
            "\"note\" is every span's own note; give the attribute another name.",
        ], AttributeRules.ValidateDefinitions(definitions));
        Assert.Single(AttributeRules.ValidateDefinitions([.. Enumerable.Range(0, 21).Select(i => new AttributeDefinition($"a{i}", AttributeKind.Text))]));
    }
}

public sealed class AttributeFittingTests
{
    [Fact]
    public void Only_the_values_the_definitions_define_and_allow_are_kept_canonical()
    {
        var kept = AttributeRules.Fitting(AttributeRules.Defaults["casualty figure"],
            new Dictionary<string, string> { ["count"] = "39,600", ["status"] = "Injured", ["qualifier"] = "roughly", ["stance"] = "denied" });

        Assert.Equal(new Dictionary<string, string> { ["count"] = "39600", ["status"] = "injured" }, kept);
        Assert.Empty(AttributeRules.Fitting(AttributeRules.Defaults["claim"], null));
    }
}

public sealed class AttributeJsonTests
{
    [Fact]
    public void Values_are_one_object_in_name_order_and_equal_values_are_equal_text()
    {
        var a = AttributeJson.Values(new Dictionary<string, string> { ["who"] = "US soldiers", ["count"] = "10" });
        var b = AttributeJson.Values(new Dictionary<string, string> { ["count"] = "10", ["who"] = "US soldiers" });

        Assert.Equal("""{"count":"10","who":"US soldiers"}""", a);
        Assert.Equal(a, b);
        Assert.Null(AttributeJson.Values(new Dictionary<string, string>()));
        Assert.Equal(new Dictionary<string, string> { ["count"] = "10", ["who"] = "US soldiers" }, AttributeJson.ParseValues(a));
        Assert.Empty(AttributeJson.ParseValues("not json"));
        Assert.Equal("\"<b>\" & 'x'", AttributeJson.ParseValues(AttributeJson.Values(new Dictionary<string, string> { ["who"] = "\"<b>\" & 'x'" }))["who"]);
    }

    [Fact]
    public void Definitions_round_trip_and_a_bad_definition_file_is_refused_with_the_reason()
    {
        var defaults = AttributeRules.Defaults["casualty figure"];
        var json = AttributeJson.Definitions(defaults);

        Assert.Equal(defaults.Select(d => (d.Name, d.Kind, string.Join("|", d.Choices ?? []), d.Default, d.Min)),
            AttributeJson.ParseDefinitions(json).Select(d => (d.Name, d.Kind, string.Join("|", d.Choices ?? []), d.Default, d.Min)));
        Assert.Empty(AttributeJson.ParseDefinitions((string?)null));

        Assert.Null(AttributeJson.ParseDefinitions("""[{"name":"x","type":"colour"}]""", out var kindError));
        Assert.Contains("the types are number, choice, text, yesno and date", kindError, StringComparison.Ordinal);
        Assert.Null(AttributeJson.ParseDefinitions("""{"name":"x"}""", out var shapeError));
        Assert.Equal("Attributes must be a JSON array of objects.", shapeError);
        Assert.Null(AttributeJson.ParseDefinitions("[{", out var syntaxError));
        Assert.StartsWith("The attributes are not valid JSON", syntaxError, StringComparison.Ordinal);
    }

    [Fact]
    public void Describe_follows_the_labels_order_of_attributes()
    {
        var values = new Dictionary<string, string> { ["who"] = "US soldiers", ["count"] = "10", ["qualifier"] = "at least", ["extra"] = "kept" };

        Assert.Equal("count 10, who US soldiers, qualifier at least, extra kept", AttributeJson.Describe(AttributeRules.Defaults["casualty figure"], values));
    }
}
