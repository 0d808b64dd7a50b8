using System.Text.Json;
using AnnotateHub.Core.Formats;
using AnnotateHub.Web.Features.Export;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Extensions;

namespace AnnotateHub.Tests.Components;

public sealed class ExportPanelTests : PanelContext
{
    private IRenderedComponent<MudPopoverProvider> _popovers = default!;

    private IRenderedComponent<ExportPanel> RenderPanel()
    {
        // The select's items render in the popover provider, as in the app's layout.
        _popovers = Render<MudPopoverProvider>();
        return Render<ExportPanel>(p => p.Add(x => x.ProjectId, ProjectId).Add(x => x.UserId, Ana.Id));
    }

    private static IRenderedComponent<MudSelect<string>> Select(IRenderedComponent<ExportPanel> cut, string label) =>
        cut.FindComponents<MudSelect<string>>().Single(s => s.Instance.Label == label);

    /// <summary>Opens the select: its items show in the popover provider.</summary>
    private static void Open(IRenderedComponent<ExportPanel> cut, string label)
    {
        var select = Select(cut, label);
        select.InvokeAsync(select.Instance.OpenMenu);
    }

    /// <summary>The line under the options that says what the chosen format is.</summary>
    private static string Description(IRenderedComponent<ExportPanel> cut) => cut.Find(".export-panel > p.muted").TextContent;

    /// <summary>The items of the open list, as the user reads them.</summary>
    private List<string> Items() => _popovers.FindAll(".mud-popover-open .mud-list-item").Select(i => i.TextContent.Trim()).ToList();

    [Fact]
    public void The_format_list_offers_every_export_format_and_starts_on_the_interchange_jsonl()
    {
        var cut = RenderPanel();

        Assert.Equal("jsonl", Select(cut, "Format").Instance.GetState(x => x.Value));
        Assert.Equal(ExportFormats.Find("jsonl")!.Description, Description(cut));

        Open(cut, "Format");

        _popovers.WaitForAssertion(() => Assert.Equal(
            ["JSONL interchange (doccano)", "spaCy / Prodigy JSONL", "CoNLL (token per line)", "brat standoff (zip)",
             "W3C Web Annotation (JSON-LD)", "CSV (one row per span)", "Parquet (Hugging Face datasets)"],
            Items()));
    }

    [Fact]
    public void The_layer_list_names_each_annotator_of_the_project()
    {
        var cut = RenderPanel();

        Open(cut, "Layer");

        _popovers.WaitForAssertion(() => Assert.Equal(["Auto (gold where curated)", "Every annotator", "Majority vote", "Gold", "Pending suggestions", "Annotator: bob"], Items()));
    }

    [Fact]
    public void Choosing_conll_asks_for_its_tag_scheme()
    {
        var cut = RenderPanel();
        Assert.Empty(cut.FindAll("[data-testid=export-scheme]"));

        Open(cut, "Format");
        _popovers.WaitForElement(".mud-popover-open .mud-list-item");
        _popovers.FindAll(".mud-popover-open .mud-list-item").Single(i => i.TextContent.Trim() == "CoNLL (token per line)").Click();

        cut.WaitForAssertion(() => Assert.Equal("bio", Select(cut, "Tag scheme").Instance.GetState(x => x.Value)));
        Assert.Equal("conll", Select(cut, "Format").Instance.GetState(x => x.Value));
        Assert.Equal(ExportFormats.Find("conll")!.Description, Description(cut));
    }

    [Fact]
    public void Prepare_export_writes_the_projects_documents_with_their_spans_for_the_user_to_download()
    {
        var cut = RenderPanel();

        cut.Find("button[data-testid=export-start]").Click();

        var ready = cut.WaitForElement("[data-testid=export-ready]");
        Assert.StartsWith("3 documents exported.", ready.TextContent.Trim());
        var link = cut.Find("[data-testid=export-download]");
        var fileName = $"project-{ProjectId}-jsonl.jsonl";
        Assert.Equal(fileName, link.GetAttribute("download"));
        var token = link.GetAttribute("href")!["api/exports/".Length..];
        var prepared = Services.GetRequiredService<PreparedExports>().Find(token, Ana.Id);
        Assert.NotNull(prepared);
        Assert.Null(Services.GetRequiredService<PreparedExports>().Find(token, Bob.Id));

        var lines = File.ReadAllLines(prepared.Path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(Titles.Order(StringComparer.Ordinal), lines.Select(l => l.GetProperty("meta").GetProperty("title").GetString()).Order(StringComparer.Ordinal));
        var injured = lines.Single(l => l.GetProperty("text").GetString() == InjuredText);
        var span = Assert.Single(injured.GetProperty("annotations").EnumerateArray());
        Assert.Equal("bob|15|33|casualty figure",
            $"{span.GetProperty("annotator").GetString()}|{span.GetProperty("start").GetInt32()}|{span.GetProperty("end").GetInt32()}|{span.GetProperty("label").GetString()}");
    }
}
