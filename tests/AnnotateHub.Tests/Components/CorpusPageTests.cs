using AnnotateHub.Web.Features.Corpus;
using Bunit;

namespace AnnotateHub.Tests.Components;

public sealed class CorpusPageTests : PanelContext
{
    private IRenderedComponent<CorpusPage> RenderPage()
    {
        var cut = Render<CorpusPage>(p => p.Add(x => x.ProjectId, ProjectId));
        cut.WaitForElement("[data-testid=doc-link]");
        return cut;
    }

    private static List<string> ListedTitles(IRenderedComponent<CorpusPage> cut) => cut.FindAll("[data-testid=doc-link]").Select(a => a.TextContent).ToList();

    [Fact]
    public void The_page_lists_the_projects_documents_oldest_first_with_their_span_counts()
    {
        var cut = RenderPage();

        Assert.Equal(Titles, ListedTitles(cut));
        Assert.Equal(["0", "0", "1"], cut.FindAll("[data-testid=span-count]").Select(td => td.TextContent.Trim()));
        Assert.Equal("1–3 of 3 documents", cut.Find("[data-testid=corpus-range]").TextContent);
        Assert.Equal("Page 1 of 1", cut.Find("[data-testid=page-number]").TextContent);
        Assert.Equal("Open", cut.Find("[data-testid=project-mode]").TextContent.Trim());
    }

    [Fact]
    public void Sorting_by_title_orders_the_list_by_title_and_again_reverses_it()
    {
        var cut = RenderPage();

        cut.Find("[data-testid=sort-title]").Click();
        cut.WaitForAssertion(() => Assert.Equal(Titles.Order(StringComparer.Ordinal), ListedTitles(cut)));

        cut.Find("[data-testid=sort-title]").Click();
        cut.WaitForAssertion(() => Assert.Equal(Titles.OrderDescending(StringComparer.Ordinal), ListedTitles(cut)));
    }

    [Fact]
    public void An_annotator_sees_the_documents_assigned_to_them_with_their_status_and_no_dashboard_link()
    {
        SignIn(Bob);

        var cut = RenderPage();

        Assert.Equal(Titles, ListedTitles(cut));
        Assert.Equal(["not started", "not started", "not started"], cut.FindAll("[data-testid=doc-state]").Select(td => td.TextContent.Trim()));
        Assert.Empty(cut.FindAll("[data-testid=agreement-link]"));
    }

    [Fact]
    public void The_supervisor_has_the_dashboard_link_and_no_status_column()
    {
        var cut = RenderPage();

        Assert.Equal($"/projects/{ProjectId}/agreement", cut.Find("[data-testid=agreement-link]").GetAttribute("href"));
        Assert.Empty(cut.FindAll("[data-testid=doc-state]"));
    }
}
