using AnnotateHub.Web.Features.Labels;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>A supervisor defines what a label's spans say in the Labels tab (issue 19): a bad definition is refused with
/// its reason and changes nothing; a good one is saved and is there after a reload. In a project of its own.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AttributeDefinitionsPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_supervisor_adds_a_choice_to_a_label_and_a_bad_definition_changes_nothing()
    {
        var projectId = await fixture.Server.CreateProjectAsync("definitions " + Guid.NewGuid().ToString("N")[..8]);
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Labels" }).ClickAsync();
        var figure = page.Locator("[data-testid=attribute-editor][data-label=\"casualty figure\"]");
        await Expect(figure.Locator("[data-testid=attribute-row] input.attr-def-name")).ToHaveCountAsync(4);
        var actor = page.Locator("[data-testid=attribute-editor][data-label=actor]");
        await Expect(actor).ToContainTextAsync("No attributes");

        // A choice without values is refused, with the reason, and nothing is saved.
        await actor.Locator("[data-testid=add-attribute]").ClickAsync();
        var row = actor.Locator("[data-testid=attribute-row]").Last;
        await row.Locator("input.attr-def-name").FillAsync("kind");
        await row.Locator("select.attr-def-type").SelectOptionAsync("Choice");
        await actor.Locator("[data-testid=save-attributes-def]").ClickAsync();
        await Expect(actor.Locator("[data-testid=attribute-errors]")).ToContainTextAsync("The choice \"kind\" needs at least one value.");
        Assert.Empty(await DefinitionsAsync(projectId, "actor"));

        await row.Locator("input.attr-def-choices").FillAsync("state, militia, outlet");
        await row.Locator("input.attr-def-default").FillAsync("militia");
        await actor.Locator("[data-testid=save-attributes-def]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Saved what “actor” spans say.");
        await fixture.ScreenshotAsync(page, "attribute-definitions");

        var saved = Assert.Single(await DefinitionsAsync(projectId, "actor"));
        Assert.Equal(("kind", AnnotateHub.Core.Labels.AttributeKind.Choice, "state|militia|outlet", "militia"), (saved.Name, saved.Kind, string.Join("|", saved.Choices!), saved.Default));
        await page.ReloadAsync();
        await Live.WaitForCircuitAsync(page);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Labels" }).ClickAsync();
        await Expect(actor.Locator("input.attr-def-choices")).ToHaveValueAsync("state, militia, outlet");

        // What annotators say about each document: the defaults, and one more.
        var documents = page.Locator("[data-testid=attribute-editor][data-label=\"(documents)\"]");
        await Expect(documents.Locator("input.attr-def-name")).ToHaveCountAsync(2);
        await documents.Locator("[data-testid=add-attribute]").ClickAsync();
        await Expect(documents.Locator("[data-testid=attribute-row]")).ToHaveCountAsync(3);
        await documents.Locator("[data-testid=attribute-row]").Last.Locator("input.attr-def-name").FillAsync("front page");
        await documents.Locator("[data-testid=attribute-row]").Last.Locator("select.attr-def-type").SelectOptionAsync("YesNo");
        await documents.Locator("[data-testid=save-attributes-def]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar", new() { HasText = "Saved what documents are labelled with." })).ToBeVisibleAsync();
        var asked = await fixture.Server.Get<DocumentLabelService>().DefinitionsAsync(projectId);
        Assert.Equal(["outlet stance", "event date", "front page"], asked.Select(d => d.Name));
        await page.Context.CloseAsync();
    }

    private async Task<IReadOnlyList<AnnotateHub.Core.Labels.AttributeDefinition>> DefinitionsAsync(int projectId, string label)
    {
        var labels = fixture.Server.Get<LabelService>();
        return (await labels.ListAsync(projectId)).Single(l => l.Name == label).Attributes;
    }
}
