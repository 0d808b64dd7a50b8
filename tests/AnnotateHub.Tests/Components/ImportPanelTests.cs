using AnnotateHub.Web.Features.Import;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;

namespace AnnotateHub.Tests.Components;

public sealed class ImportPanelTests : PanelContext
{
    private readonly List<ImportReport> _imported = [];

    private IRenderedComponent<ImportPanel> RenderPanel(int? projectId) => Render<ImportPanel>(p => p
        .Add(x => x.ProjectId, projectId)
        .Add(x => x.UserId, Ana.Id)
        .Add(x => x.Imported, (ImportReport r) => _imported.Add(r)));

    private static void Choose(IRenderedComponent<ImportPanel> cut, string fileName, string content) =>
        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText(content, fileName));

    [Fact]
    public void Into_a_project_the_form_asks_for_a_file_only_and_waits_for_one()
    {
        var cut = RenderPanel(ProjectId);

        Assert.Empty(cut.FindAll("#import-project-name"));
        Assert.Equal("JSONL (interchange / doccano), .txt, .html or a .zip of them", cut.Find("[data-testid=import-file-name]").TextContent);
        Assert.True(cut.Find("button[data-testid=import-start]").HasAttribute("disabled"));
    }

    [Fact]
    public void For_a_new_project_the_form_also_asks_for_its_name()
    {
        var cut = RenderPanel(null);

        Assert.Single(cut.FindAll("input#import-project-name"));
    }

    [Fact]
    public async Task A_file_of_an_unsupported_kind_is_refused_before_the_import_and_the_button_stays_disabled()
    {
        var cut = RenderPanel(ProjectId);

        Choose(cut, "report.pdf", "%PDF-1.7");

        Assert.StartsWith("\"report.pdf\" is not a file AnnotateHub imports", cut.Find("[data-testid=import-error]").TextContent.Trim());
        Assert.True(cut.Find("button[data-testid=import-start]").HasAttribute("disabled"));
        Assert.Equal(Titles, await DocumentTitlesInDatabase());
    }

    [Fact]
    public async Task A_jsonl_with_a_bad_line_is_refused_with_its_line_and_leaves_the_project_as_it_was()
    {
        var cut = RenderPanel(ProjectId);
        Choose(cut, "bad.jsonl", """
            {"text": "A good document that would import on its own.", "meta": {"title": "Good"}}
            {bad json
            """);
        Assert.StartsWith("bad.jsonl · ", cut.Find("[data-testid=import-file-name]").TextContent);

        cut.Find("button[data-testid=import-start]").Click();

        var report = cut.WaitForElement("[data-testid=import-report]");
        Assert.Contains("mud-alert-text-error", report.ClassName);
        Assert.Equal("Nothing was imported: 1 error.", report.QuerySelector(".report-head")!.TextContent);
        Assert.Equal(["line 2: not valid JSON at character 2: 'b' is an invalid start of a property name. Expected a '\"'."],
            report.QuerySelectorAll(".report-lines li").Select(li => li.TextContent));
        Assert.False(Assert.Single(_imported).Succeeded);
        Assert.Equal(Titles, await DocumentTitlesInDatabase());
        Assert.Equal("Choose the file again to retry (it is read afresh)", cut.Find("[data-testid=import-file-name]").TextContent);
    }

    [Fact]
    public async Task A_valid_jsonl_is_imported_and_the_report_counts_its_documents_and_spans()
    {
        var cut = RenderPanel(ProjectId);
        Choose(cut, "new.jsonl", """
            {"text": "A second salvo struck the base at dawn.", "meta": {"title": "Second salvo", "outlet": "AFP"}, "label": [[2, 15, "claim"]]}
            {"text": "The Pentagon revised its count of the injured.", "meta": {"title": "Revised count"}, "annotations": [{"annotator": "bob", "start": 4, "end": 12, "label": "actor"}]}
            """);

        cut.Find("button[data-testid=import-start]").Click();

        var report = cut.WaitForElement("[data-testid=import-report]");
        Assert.Contains("mud-alert-text-success", report.ClassName);
        Assert.Equal($"Imported 2 documents into \"{ProjectName}\": 1 annotation, 1 gold span, 0 suggestions.",
            report.QuerySelector(".report-head")!.TextContent);
        var imported = Assert.Single(_imported);
        Assert.Equal((true, 2, 1, 1), (imported.Succeeded, imported.Documents, imported.Annotations, imported.GoldSpans));
        Assert.Equal([.. Titles, "Second salvo", "Revised count"], await DocumentTitlesInDatabase());
        // Into an existing project there is nothing to open: the report has no link.
        Assert.Empty(cut.FindAll("[data-testid=import-open-project]"));
    }
}
