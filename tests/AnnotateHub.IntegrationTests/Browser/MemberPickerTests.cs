using System.Text.RegularExpressions;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The Team tab's member picker in Chromium: typing part of a name lists matching users (members marked with
/// their role), picking one and pressing Add makes them a member; a name nobody has is refused as before.</summary>
[Collection(BrowserCollection.Name)]
public sealed class MemberPickerTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Typing_lists_matching_users_and_picking_one_adds_them()
    {
        var server = fixture.Server;
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await server.CreateProjectAsync("Picker " + suffix);
        // Names that start with this run's suffix, so no other test's users match what is typed.
        var (amy, abe, zoe) = ($"p{suffix}-amy", $"p{suffix}-abe", $"p{suffix}-zoe");
        await server.CreateUserAsync(amy);
        await server.AddMemberAsync(await server.CreateUserAsync(abe), projectId);
        await server.CreateUserAsync(zoe);

        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync($"/projects/{projectId}");
        await Live.WaitForCircuitAsync(page);
        await page.Locator(".mud-tab", new() { HasTextRegex = new Regex("^Team$") }).ClickAsync();
        var panel = page.Locator("[data-testid=team-panel]");
        await Expect(panel).ToBeVisibleAsync();

        await panel.Locator("#member-name").ClickAsync();
        // Focus opens the list with the first users; typing before it has opened can lose keys to that render.
        await Expect(page.Locator("[data-testid=member-choice]").First).ToBeVisibleAsync();
        await panel.Locator("#member-name").PressSequentiallyAsync($"p{suffix}-a", new() { Delay = 30 });
        await Expect(panel.Locator("#member-name")).ToHaveValueAsync($"p{suffix}-a");

        var choices = page.Locator("[data-testid=member-choice]");
        await Expect(choices).ToHaveCountAsync(2);
        // In user-name order; abe is a member already and says so.
        await Expect(choices.Nth(0)).ToHaveAttributeAsync("data-user", abe);
        await Expect(choices.Nth(0)).ToContainTextAsync("already annotator");
        await Expect(choices.Nth(1)).ToHaveAttributeAsync("data-user", amy);
        await Expect(choices.Nth(1)).Not.ToContainTextAsync("already");
        await fixture.ScreenshotAsync(page, "member-picker");

        await choices.Nth(1).ClickAsync();
        await Expect(panel.Locator("#member-name")).ToHaveValueAsync(amy);
        await panel.Locator("[data-testid=add-member]").ClickAsync();
        await Expect(panel.Locator($"[data-testid=member-row][data-user='{amy}']")).ToContainTextAsync("Annotator");
        await Expect(panel.Locator("[data-testid=member-row]")).ToHaveCountAsync(3); // the admin, abe, amy

        await Expect(panel.Locator("#member-name")).ToHaveValueAsync(""); // cleared after adding
        await panel.Locator("#member-name").ClickAsync();
        await Expect(page.Locator("[data-testid=member-choice]").First).ToBeVisibleAsync();
        await panel.Locator("#member-name").PressSequentiallyAsync($"p{suffix}-nobody", new() { Delay = 30 });
        await Expect(panel.Locator("#member-name")).ToHaveValueAsync($"p{suffix}-nobody");
        await Expect(page.Locator(".mud-popover-open")).ToContainTextAsync("No user starts with or contains that.");
        await panel.Locator("[data-testid=add-member]").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync($"There is no user named \"p{suffix}-nobody\".");
        await Expect(panel.Locator("[data-testid=member-row]")).ToHaveCountAsync(3);
        await page.Context.CloseAsync();
    }
}
