using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class LoginTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Admin_signs_in_and_sees_the_demo_project()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Account/Login");
        await fixture.ScreenshotAsync(page, "login");

        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(AppServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
        Assert.Equal("/", new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("a[data-testid=project-link]", new() { HasText = AppServer.DemoProjectName })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Wrong_password_shows_an_error_and_does_not_sign_in()
    {
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Account/Login");

        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync("not-the-password-1A!");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("The user name or password is not right.");
        Assert.Equal("/Account/Login", new Uri(page.Url).AbsolutePath);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == ".AspNetCore.Identity.Application");
        await fixture.ScreenshotAsync(page, "login-error");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Failed_sign_in_does_not_send_the_password_back_in_the_page()
    {
        const string typed = "my-real-bank-password-1A!";
        var page = await fixture.NewPageAsync();
        await page.GotoAsync("/Account/Login");

        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(typed);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page.Locator("[data-testid=login-error]")).ToBeVisibleAsync();
        // The page after the POST is rendered by the server: whatever the field shows came back in its HTML.
        Assert.DoesNotContain(typed, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(page.Locator("#password")).ToHaveValueAsync("");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Signing_in_from_a_protected_page_returns_to_it()
    {
        var projectId = await fixture.Server.DemoProjectIdAsync();
        var page = await fixture.NewPageAsync();
        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));

        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(AppServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        await Expect(page.Locator("h4", new() { HasText = AppServer.DemoProjectName })).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
