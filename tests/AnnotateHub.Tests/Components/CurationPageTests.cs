using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Curation;
using Bunit;
using AnnotateHub.Web.Features.Labels;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.Tests.Components;

/// <summary>The curation page and the project's curation tab over the real services: Ana supervises, Bob and Cy annotated
/// both documents and are done. On the first, Bob has "Rockets" as a claim (Cy nothing: an extra span) and both have
/// "Ain al-Asad", Bob as actor, Cy as claim; on the second they agree on one claim.</summary>
public sealed class CurationPageTests : AppServicesContext
{
    private const string Text = "Rockets hit Ain al-Asad air base.";
    private readonly AppUser _cy = new() { UserName = "cy", NormalizedUserName = "CY", DisplayName = "Cy", SecurityStamp = Guid.NewGuid().ToString() };
    private const string AgreedText = "Iran denied it.";
    private int _documentId, _agreedId, _projectId;

    protected override async Task SeedAsync()
    {
        var document = NewDocument("Rockets", Text);
        var agreed = NewDocument("Agreed", AgreedText);
        var project = await AddProjectAsync("Curation (tests)", document, agreed);
        (_documentId, _agreedId, _projectId) = (document.Id, agreed.Id, project.Id);
        var labels = project.Labels.ToDictionary(l => l.Name, l => l.Id);
        await using var db = await DbFactory.CreateDbContextAsync();
        db.Users.Add(_cy);
        db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = _cy.Id, Role = ProjectRole.Annotator });
        db.Assignments.AddRange(
            new Assignment { DocumentId = document.Id, UserId = _cy.Id, ProjectId = project.Id },
            new Assignment { DocumentId = agreed.Id, UserId = _cy.Id, ProjectId = project.Id });
        await db.SaveChangesAsync();
        await db.Assignments.Where(a => a.ProjectId == project.Id).ExecuteUpdateAsync(a => a.SetProperty(x => x.State, AssignmentState.Done));
        var place = Text.IndexOf("Ain al-Asad", StringComparison.Ordinal);
        db.Annotations.AddRange(
            Span(Bob.Id, 0, 7, labels["claim"]),
            Span(Bob.Id, place, place + 11, labels["actor"]),
            Span(_cy.Id, place, place + 11, labels["claim"]),
            Span(Bob.Id, 0, 4, labels["claim"], agreed.Id),
            Span(_cy.Id, 0, 4, labels["claim"], agreed.Id));
        await db.SaveChangesAsync();

        Annotation Span(string who, int start, int end, int label, int? on = null) => new()
        {
            DocumentId = on ?? document.Id, AnnotatorId = who, Start = start, End = end, LabelId = label, CreatedAt = DateTime.UtcNow,
            UpdatedAt = DateTime.UtcNow, Version = 1,
        };
    }

    private IRenderedComponent<CurationPage> RenderPage()
    {
        var cut = Render<CurationPage>(p => p.Add(x => x.DocumentId, _documentId));
        cut.WaitForElement("[data-testid=unit-current]");
        return cut;
    }

    private async Task<List<GoldAnnotation>> GoldInDatabase()
    {
        await using var db = await DbFactory.CreateDbContextAsync();
        return await db.GoldAnnotations.Where(g => g.DocumentId == _documentId).OrderBy(g => g.Start).ToListAsync();
    }

    [Fact]
    public void The_units_show_in_order_with_their_kind_and_a_lane_per_annotator()
    {
        var cut = RenderPage();

        Assert.Equal(["“Rockets”", "“Ain al-Asad”"], cut.FindAll("[data-testid=unit-text]").Select(e => e.TextContent));
        Assert.Equal(["extra", "wrong label"], cut.FindAll("[data-testid=unit-kind]").Select(e => e.TextContent));
        Assert.Equal("2 of 2 units undecided · 2 disagreements", cut.Find("[data-testid=curation-counts]").TextContent);
        Assert.Equal("0", cut.Find("[data-testid=unit-current]").GetAttribute("data-unit"));
        Assert.Equal(["1 · bob", "2 · cy"], cut.Find("[data-testid=unit-current]").QuerySelectorAll("[data-testid=lane] .lane-name").Select(e => e.TextContent));
        Assert.True(cut.Find("[data-testid=finish]").HasAttribute("disabled"));
    }

    [Fact]
    public async Task Anonymous_curation_names_the_lanes_by_number_and_hides_who_a_gold_span_came_from()
    {
        Services.GetRequiredService<NavigationManager>().NavigateTo($"/documents/{_documentId}/curate?anonymous=true");
        var cut = Render<CurationPage>(p => p.Add(x => x.DocumentId, _documentId));
        cut.WaitForElement("[data-testid=unit-current]");

        Assert.Equal(["1 · Annotator 1", "2 · Annotator 2"], cut.Find("[data-testid=unit-current]").QuerySelectorAll("[data-testid=lane] .lane-name").Select(e => e.TextContent));
        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("next"));
        cut.Find("[data-testid=unit-current] [data-testid=accept-1]").Click();
        cut.WaitForAssertion(() => Assert.Equal("from 1 annotator", cut.Find("[data-unit='1'] [data-testid=gold-sources]").TextContent));
        Assert.DoesNotMatch(@"\bbob\b", cut.Markup);
    }

    [Fact]
    public async Task Accepting_a_lane_makes_adjudicated_gold_and_moves_the_cursor_to_the_next_undecided_unit()
    {
        var cut = RenderPage();

        cut.Find("[data-testid=unit-current] [data-testid=accept-1]").Click();

        cut.WaitForAssertion(() => Assert.Equal("1", cut.Find("[data-testid=unit-current]").GetAttribute("data-unit")));
        Assert.Equal("adjudicated by ana", cut.Find("[data-unit='0'] [data-testid=gold-provenance]").TextContent);
        Assert.Equal("from bob", cut.Find("[data-unit='0'] [data-testid=gold-sources]").TextContent);
        var gold = Assert.Single(await GoldInDatabase());
        Assert.Equal((0, 7, GoldOrigin.Adjudicated, Ana.Id, "bob"), (gold.Start, gold.End, gold.Origin, gold.CuratorId, gold.Sources));
    }

    [Fact]
    public async Task Keys_reject_and_undo_and_the_history_reverts_a_decision()
    {
        var cut = RenderPage();

        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("2"));
        cut.WaitForAssertion(() => Assert.Equal("cy has no span in this unit: press x to reject it.", cut.Find("[data-testid=cursor-hint]").TextContent));
        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("next"));
        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("2"));
        cut.WaitForAssertion(() => Assert.Equal("1 of 2 units undecided · 2 disagreements", cut.Find("[data-testid=curation-counts]").TextContent));
        Assert.Equal("0", cut.Find("[data-testid=unit-current]").GetAttribute("data-unit")); // the only undecided one left
        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("reject"));
        cut.WaitForAssertion(() => Assert.Equal("0 of 2 units undecided · 2 disagreements", cut.Find("[data-testid=curation-counts]").TextContent));
        await cut.InvokeAsync(() => cut.Instance.OnCurationKey("undo"));
        cut.WaitForAssertion(() => Assert.Equal("false", cut.Find("[data-unit='0']").GetAttribute("data-decided")));

        cut.Find("[data-unit='1'] [data-testid=gold-history]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=history-entry]")));
        cut.Find("[data-testid=history-revert]").Click();

        cut.WaitForAssertion(() => Assert.Equal("2 of 2 units undecided · 2 disagreements", cut.Find("[data-testid=curation-counts]").TextContent));
        Assert.Empty(await GoldInDatabase());
    }

    [Fact]
    public async Task The_curation_tab_counts_the_documents_and_finishes_those_without_disagreement_as_unanimous_gold()
    {
        var labels = await Services.GetRequiredService<LabelService>().ListAsync(_projectId);
        var cut = Render<CurationQueuePanel>(p => p.Add(x => x.ProjectId, _projectId).Add(x => x.UserId, Ana.Id).Add(x => x.Labels, labels));
        cut.WaitForAssertion(() => Assert.Equal("0 of 2 curated", cut.Find("[data-testid=curation-progress]").TextContent));
        Assert.Equal(["2", "0"], cut.FindAll("[data-testid=queue-row-disagreements]").Select(e => e.TextContent));

        cut.Find("[data-testid=finish-agreed]").Click();

        cut.WaitForAssertion(() => Assert.Equal("1 of 2 curated", cut.Find("[data-testid=curation-progress]").TextContent));
        Assert.Equal(["Ready", "Curated"], cut.FindAll("[data-testid=queue-row-status]").Select(e => e.TextContent));
        await using var db = await DbFactory.CreateDbContextAsync();
        var gold = Assert.Single(await db.GoldAnnotations.Where(g => g.DocumentId == _agreedId).ToListAsync());
        Assert.Equal((0, 4, GoldOrigin.Unanimous, "bob,cy"), (gold.Start, gold.End, gold.Origin, gold.Sources));
    }

    [Fact]
    public async Task The_curation_tab_follows_a_decision_made_elsewhere_without_a_reload()
    {
        var labels = await Services.GetRequiredService<LabelService>().ListAsync(_projectId);
        var cut = Render<CurationQueuePanel>(p => p.Add(x => x.ProjectId, _projectId).Add(x => x.UserId, Ana.Id).Add(x => x.Labels, labels));
        cut.WaitForAssertion(() => Assert.Equal("0 of 2 curated", cut.Find("[data-testid=curation-progress]").TextContent));

        // Another curator finishes the agreed document through the service (another circuit, the command line).
        var curation = Services.GetRequiredService<CurationService>();
        Assert.True((await curation.MergeAsync(_agreedId, Ana.Id, new AnnotateHub.Core.Curation.MergeRule.AllAgree())).Succeeded);
        Assert.True((await curation.FinishAsync(_agreedId, Ana.Id)).Succeeded);

        cut.WaitForAssertion(() => Assert.Equal("1 of 2 curated", cut.Find("[data-testid=curation-progress]").TextContent), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_gold_span_s_boundaries_are_edited_like_any_span_and_bad_ones_are_refused()
    {
        var cut = RenderPage();
        cut.Find("[data-testid=unit-current] [data-testid=accept-1]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-unit='0'] [data-testid=gold-span]")));

        cut.Find("[data-unit='0'] [data-testid=gold-edit-bounds]").Click();
        cut.Find("[data-testid=gold-end]").Change(4);
        cut.Find("[data-testid=gold-save-bounds]").Click();
        cut.WaitForAssertion(() => Assert.Empty(cut.FindAll("[data-testid=gold-bounds]")));
        var gold = Assert.Single(await GoldInDatabase());
        Assert.Equal((0, 4, GoldOrigin.Adjudicated), (gold.Start, gold.End, gold.Origin));

        // Past the end of the document: refused, nothing changes, the editor stays open with what was typed.
        cut.Find("[data-testid=gold-edit-bounds]").Click();
        cut.Find("[data-testid=gold-end]").Change(100_000);
        cut.Find("[data-testid=gold-save-bounds]").Click();
        cut.WaitForAssertion(() => Assert.Single(cut.FindAll("[data-testid=gold-bounds]")));
        Assert.Equal((0, 4), (Assert.Single(await GoldInDatabase()).Start, Assert.Single(await GoldInDatabase()).End));
    }

    [Fact]
    public async Task Add_gold_puts_a_span_over_the_unit_with_the_chosen_label()
    {
        var popovers = Render<MudBlazor.MudPopoverProvider>();
        var cut = RenderPage();
        cut.Find("[data-unit='0'] [data-testid=gold-add] button").Click();
        popovers.WaitForAssertion(() => Assert.NotEmpty(popovers.FindAll("[data-testid=gold-add-option]")));
        popovers.FindAll("[data-testid=gold-add-option]").Single(e => e.TextContent.Contains("actor", StringComparison.Ordinal)).Click();

        cut.WaitForAssertion(() => Assert.Equal("actor", cut.Find("[data-unit='0'] [data-testid=gold-label]").TextContent));
        var gold = Assert.Single(await GoldInDatabase());
        Assert.Equal((0, 7, GoldOrigin.Adjudicated, Ana.Id), (gold.Start, gold.End, gold.Origin, gold.CuratorId));
        Assert.Null(gold.Sources); // nobody had an actor there
    }
}
