using AnnotateHub.Core.Labels;

namespace AnnotateHub.Tests.Core.Labels;

public sealed class LabelRulesTests
{
    private static readonly LabelSpec Place = new("place", "#43a047", "4", "A named location.");

    [Fact]
    public void A_new_label_that_clashes_with_nothing_is_valid()
    {
        Assert.Empty(LabelRules.Validate(Place, LabelRules.Defaults));
    }

    [Theory]
    [InlineData("claim")]
    [InlineData("Claim")]
    [InlineData("CASUALTY FIGURE")]
    [InlineData("  actor ")]
    public void A_name_already_in_the_project_is_rejected_whatever_its_case(string name)
    {
        var errors = LabelRules.Validate(Place with { Name = name }, LabelRules.Defaults);

        var error = Assert.Single(errors);
        Assert.Contains("already has a label named", error);
    }

    [Fact]
    public void A_hotkey_already_in_the_project_is_rejected()
    {
        var errors = LabelRules.Validate(Place with { Hotkey = "2" }, LabelRules.Defaults);

        Assert.Equal(["Hotkey 2 is already used by \"actor\"."], errors);
    }

    [Fact]
    public void Labels_without_hotkeys_do_not_clash_with_each_other()
    {
        var others = new[] { new LabelSpec("quote", "#000000", null), new LabelSpec("source", "#111111", "") };

        Assert.Empty(LabelRules.Validate(Place with { Hotkey = null }, others));
        Assert.Empty(LabelRules.Validate(Place with { Hotkey = "" }, others));
    }

    [Theory]
    [InlineData("red")]
    [InlineData("#12345")]
    [InlineData("#1234567")]
    [InlineData("#gggggg")]
    [InlineData("1e88e5")]
    [InlineData("#1e88e5;background:url(x)")]
    [InlineData("")]
    public void A_colour_that_is_not_six_hex_digits_is_rejected(string color)
    {
        var errors = LabelRules.Validate(Place with { Color = color }, []);

        Assert.Equal(["The colour must look like #1e88e5."], errors);
    }

    [Theory]
    [InlineData("#1E88E5")]
    [InlineData("#000000")]
    public void A_six_digit_hex_colour_in_either_case_is_accepted(string color)
    {
        Assert.Empty(LabelRules.Validate(Place with { Color = color }, []));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("10")]
    [InlineData("a")]
    [InlineData(" 1")]
    [InlineData("１")] // full-width digit one
    public void A_hotkey_other_than_one_digit_from_1_to_9_is_rejected(string hotkey)
    {
        var errors = LabelRules.Validate(Place with { Hotkey = hotkey }, []);

        Assert.Equal(["The hotkey must be a single digit from 1 to 9, or empty."], errors);
    }

    [Fact]
    public void A_colour_with_a_trailing_newline_is_rejected()
    {
        // '$' in a .NET regex also matches before a final '\n', so that anchor alone does not pin the end.
        Assert.Equal(["The colour must look like #1e88e5."], LabelRules.Validate(Place with { Color = "#1e88e5\n" }, []));
    }

    [Fact]
    public void A_hotkey_with_a_trailing_newline_is_rejected()
    {
        Assert.Equal(["The hotkey must be a single digit from 1 to 9, or empty."],
            LabelRules.Validate(Place with { Hotkey = "4\n" }, []));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void A_label_needs_a_name(string name)
    {
        Assert.Equal(["A label needs a name."], LabelRules.Validate(Place with { Name = name }, []));
    }

    [Fact]
    public void A_name_may_have_64_characters_but_not_65()
    {
        Assert.Empty(LabelRules.Validate(Place with { Name = new string('n', 64) }, []));
        Assert.Equal(["A label name is at most 64 characters."], LabelRules.Validate(Place with { Name = new string('n', 65) }, []));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = LabelRules.Validate(new LabelSpec("Actor", "blue", "3"), LabelRules.Defaults);

        Assert.Equal(3, errors.Count);
    }

    [Fact]
    public void The_defaults_are_claim_actor_and_casualty_figure_on_keys_1_to_3()
    {
        Assert.Equal(
            [("claim", "1"), ("actor", "2"), ("casualty figure", "3")],
            LabelRules.Defaults.Select(l => (l.Name, l.Hotkey)));
    }

    [Fact]
    public void Each_default_is_valid_against_the_others()
    {
        foreach (var label in LabelRules.Defaults)
        {
            Assert.Empty(LabelRules.Validate(label, LabelRules.Defaults.Where(l => !ReferenceEquals(l, label))));
        }
    }

    [Fact]
    public void The_defaults_have_distinct_names_hotkeys_and_colours()
    {
        var defaults = LabelRules.Defaults;

        Assert.Equal(defaults.Count, defaults.Select(l => l.Name.ToLowerInvariant()).Distinct().Count());
        Assert.Equal(defaults.Count, defaults.Select(l => l.Hotkey).Distinct().Count());
        Assert.Equal(defaults.Count, defaults.Select(l => l.Color.ToLowerInvariant()).Distinct().Count());
        Assert.All(defaults, l => Assert.False(string.IsNullOrWhiteSpace(l.Description)));
    }
}
