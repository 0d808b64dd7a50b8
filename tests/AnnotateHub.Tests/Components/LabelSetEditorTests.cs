using AnnotateHub.Web.Features.Labels;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace AnnotateHub.Tests.Components;

public sealed class LabelSetEditorTests : PanelContext
{
    private int _changes;

    private async Task<IRenderedComponent<LabelSetEditor>> RenderEditor()
    {
        var labels = await Services.GetRequiredService<LabelService>().ListAsync(ProjectId);
        var cut = Render<LabelSetEditor>(p => p
            .Add(x => x.ProjectId, ProjectId)
            .Add(x => x.Labels, labels)
            .Add(x => x.LabelsChanged, () => _changes++));
        return cut;
    }

    private static IElement Row(IRenderedComponent<LabelSetEditor> cut, string? label) =>
        cut.FindAll("tr[data-testid=label-row]").Single(r => r.GetAttribute("data-label") == label);

    private IEnumerable<string?> Snackbars => Services.GetRequiredService<ISnackbar>().ShownSnackbars.Select(s => s.Message);

    [Fact]
    public async Task A_supervisor_sees_every_label_and_a_blank_row_to_add_one()
    {
        var cut = await RenderEditor();

        cut.WaitForAssertion(() => Assert.Equal(["claim", "actor", "casualty figure", null],
            cut.FindAll("tr[data-testid=label-row]").Select(r => r.GetAttribute("data-label"))));
        Assert.Equal("4", Row(cut, null).QuerySelector("select")!.GetAttribute("value"));
        Assert.Empty(cut.FindAll("[data-testid=label-errors]"));
    }

    [Fact]
    public async Task A_label_added_in_the_blank_row_is_stored_with_the_next_free_hotkey()
    {
        var cut = await RenderEditor();
        cut.WaitForAssertion(() => Assert.Null(Row(cut, null).QuerySelector("input.label-name")!.GetAttribute("disabled")));

        Row(cut, null).QuerySelector("input.label-name")!.Input("place");
        Row(cut, null).QuerySelector("input.label-description")!.Input("A town, base or country");
        Row(cut, null).QuerySelector("button")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(1, _changes));
        var stored = (await LabelsInDatabase()).Select(l => $"{l.Name}|{l.Hotkey}|{l.Color}|{l.Description}").ToList();
        Assert.Equal(4, stored.Count);
        Assert.Equal("place|4|#607d8b|A town, base or country", stored[3]);
        Assert.Contains("Label added.", Snackbars);
    }

    [Fact]
    public async Task A_renamed_label_is_stored_under_its_new_name_with_the_same_id()
    {
        var cut = await RenderEditor();
        cut.WaitForAssertion(() => Assert.Single(Row(cut, "actor").QuerySelectorAll("[data-testid=save-label]")));

        Row(cut, "actor").QuerySelector("input.label-name")!.Input("person");
        Row(cut, "actor").QuerySelector("[data-testid=save-label]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal(1, _changes));
        var labels = await LabelsInDatabase();
        Assert.Equal(["claim", "person", "casualty figure"], labels.Select(l => l.Name));
        Assert.Equal(LabelIds["actor"], labels[1].Id);
        Assert.Contains("Label saved.", Snackbars);
    }

    [Fact]
    public async Task Renaming_a_label_to_a_name_the_project_has_is_refused_and_nothing_is_stored()
    {
        var cut = await RenderEditor();
        cut.WaitForAssertion(() => Assert.Single(Row(cut, "actor").QuerySelectorAll("[data-testid=save-label]")));

        Row(cut, "actor").QuerySelector("input.label-name")!.Input("claim");
        Row(cut, "actor").QuerySelector("[data-testid=save-label]")!.Click();

        cut.WaitForAssertion(() => Assert.Equal("The project already has a label named \"claim\".", cut.Find("[data-testid=label-errors]").TextContent.Trim()));
        Assert.Equal(0, _changes);
        Assert.Equal(["claim", "actor", "casualty figure"], (await LabelsInDatabase()).Select(l => l.Name));
    }

    [Fact]
    public async Task An_annotator_sees_the_labels_but_cannot_change_them()
    {
        SignIn(Bob);
        var cut = await RenderEditor();

        cut.WaitForAssertion(() => Assert.Equal(["claim", "actor", "casualty figure"],
            cut.FindAll("tr[data-testid=label-row]").Select(r => r.GetAttribute("data-label"))));
        Assert.Contains("Only the project's supervisors can change the label set.", cut.Markup);
        Assert.All(cut.FindAll("input.label-name"), i => Assert.True(i.HasAttribute("disabled")));
        Assert.Empty(cut.FindAll("[data-testid=label-row] button"));
    }
}
