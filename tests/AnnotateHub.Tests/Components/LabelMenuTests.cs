using AnnotateHub.Core.Labels;
using AnnotateHub.Web.Features.Documents;
using AnnotateHub.Web.Features.Labels;
using Bunit;

namespace AnnotateHub.Tests.Components;

public sealed class LabelMenuTests : MudBunitContext
{
    private static readonly IReadOnlyList<LabelView> Labels =
    [
        .. LabelRules.Defaults.Select((l, i) => new LabelView(10 + i, 1, l.Name, l.Color, l.Hotkey, l.Description, i)),
        new LabelView(20, 1, "place", "#43a047", null, null, 3),
    ];

    [Fact]
    public void Each_label_is_one_item_with_its_hotkey()
    {
        var cut = Render<LabelMenu>(p => p
            .Add(m => m.Labels, Labels)
            .Add(m => m.SelectedText, "at least ten US soldiers were injured"));

        var items = cut.FindAll("button.label-menu-item");
        Assert.Equal(["claim", "actor", "casualty figure", "place"], items.Select(i => i.GetAttribute("data-label")));
        Assert.Equal(["claim", "actor", "casualty figure", "place"], items.Select(i => i.QuerySelector(".name")!.TextContent));
        Assert.Equal(["1", "2", "3", null], items.Select(i => i.QuerySelector("kbd")?.TextContent));
    }

    [Fact]
    public void Each_item_shows_its_labels_colour()
    {
        var cut = Render<LabelMenu>(p => p
            .Add(m => m.Labels, Labels)
            .Add(m => m.SelectedText, "x"));

        Assert.Equal(["background:#1e88e5", "background:#8e24aa", "background:#e53935", "background:#43a047"],
            cut.FindAll("button.label-menu-item .swatch").Select(s => s.GetAttribute("style")));
    }

    [Fact]
    public void Clicking_an_item_picks_that_label()
    {
        var picked = new List<LabelView>();
        var cut = Render<LabelMenu>(p => p
            .Add(m => m.Labels, Labels)
            .Add(m => m.SelectedText, "ten US soldiers")
            .Add(m => m.OnPick, (LabelView l) => picked.Add(l)));

        cut.Find("button[data-label='casualty figure']").Click();

        var label = Assert.Single(picked);
        Assert.Equal(12, label.Id);
        Assert.Equal("casualty figure", label.Name);
    }

    [Fact]
    public void The_preview_quotes_a_short_selection_whole()
    {
        var cut = Render<LabelMenu>(p => p
            .Add(m => m.Labels, Labels)
            .Add(m => m.SelectedText, "ten US soldiers"));

        Assert.Equal("“ten US soldiers”", cut.Find(".label-menu-preview").TextContent);
    }

    [Fact]
    public void The_preview_of_a_long_selection_keeps_its_start_and_end()
    {
        var text = string.Concat(Enumerable.Range(0, 10).Select(i => $"word{i} ")) + "the end";

        var cut = Render<LabelMenu>(p => p
            .Add(m => m.Labels, Labels)
            .Add(m => m.SelectedText, text));

        var preview = cut.Find(".label-menu-preview");
        Assert.Equal($"“{text[..28]} … {text[^28..]}”", preview.TextContent);
        Assert.Equal(text, preview.GetAttribute("title"));
    }

    [Fact]
    public void The_menu_is_placed_just_under_the_pointer_whatever_the_culture()
    {
        var previous = System.Globalization.CultureInfo.CurrentCulture;
        System.Globalization.CultureInfo.CurrentCulture = new System.Globalization.CultureInfo("de-DE");
        try
        {
            var cut = Render<LabelMenu>(p => p
                .Add(m => m.Labels, Labels)
                .Add(m => m.SelectedText, "x")
                .Add(m => m.X, 12.5)
                .Add(m => m.Y, 40.25));

            Assert.Equal("left:12.5px;top:46.25px", cut.Find("[data-testid=label-menu]").GetAttribute("style"));
        }
        finally
        {
            System.Globalization.CultureInfo.CurrentCulture = previous;
        }
    }
}
