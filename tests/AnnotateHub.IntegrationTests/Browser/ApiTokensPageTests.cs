using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class ApiTokensPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Token_is_shown_once_listed_by_prefix_after_reload_and_revoked_after_confirmation()
    {
        var page = await fixture.SignedInPageAsync();
        await page.Locator("[data-testid=api-tokens-link]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account/tokens$"));
        await Expect(page.Locator("h4", new() { HasText = "API tokens" })).ToBeVisibleAsync();
        await Live.WaitForInteractiveAsync(page, "#token-name");

        var name = "browser test " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#token-name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();

        await Expect(page.Locator("[data-testid=new-token-warning]")).ToContainTextAsync("It will not be shown again.");
        var field = page.Locator("#new-token-value");
        await Expect(field).ToHaveValueAsync(new Regex("^ah_[A-Za-z0-9_-]{43}$"));
        Assert.False(await field.IsEditableAsync());
        var token = await field.InputValueAsync();
        var prefix = token[..8];
        var row = page.Locator($"[data-testid=token-row][data-prefix='{prefix}']");
        await Expect(row).ToContainTextAsync(name);
        await Expect(row.Locator("[data-testid=token-status]")).ToHaveTextAsync("active");
        await fixture.ScreenshotAsync(page, "api-tokens-created");

        // The token works as a Bearer token from a client without the browser's cookie.
        using var api = fixture.Server.CreateHttpClient(allowAutoRedirect: false);
        using (var me = await api.SendAsync(Me(token)))
        {
            Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        }

        await page.ReloadAsync();
        await Live.WaitForCircuitAsync(page);
        await Expect(row).ToBeVisibleAsync();
        await Expect(row.Locator("code")).ToHaveTextAsync(prefix + "…");
        await Expect(page.Locator("#new-token-value")).ToHaveCountAsync(0);
        Assert.DoesNotContain(token, await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(row.Locator("[data-testid=token-last-used]")).ToHaveTextAsync(new Regex(@"^\d{4}-\d\d-\d\d \d\d:\d\d$"));

        await row.Locator("[data-testid=revoke-token]").ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog);
        await Expect(dialog).ToContainTextAsync("will stop working");
        await fixture.ScreenshotAsync(page, "api-tokens-revoke-confirm");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        await Expect(row.Locator("[data-testid=token-status]")).ToContainTextAsync("revoked");
        await Expect(row.Locator("[data-testid=revoke-token]")).ToHaveCountAsync(0);
        using (var me = await api.SendAsync(Me(token)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        }
        await fixture.ScreenshotAsync(page, "api-tokens-revoked");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Cancelling_the_confirmation_keeps_the_token()
    {
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/account/tokens");
        await Live.WaitForInteractiveAsync(page, "#token-name");
        var name = "kept " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#token-name").FillAsync(name);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create token" }).ClickAsync();
        var prefix = (await page.Locator("#new-token-value").InputValueAsync())[..8];
        var row = page.Locator($"[data-testid=token-row][data-prefix='{prefix}']");

        await row.Locator("[data-testid=revoke-token]").ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Dialog)).ToHaveCountAsync(0);
        await Expect(row.Locator("[data-testid=token-status]")).ToHaveTextAsync("active");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Cookie_session_reaches_the_api_too()
    {
        var page = await fixture.SignedInPageAsync();

        var me = await page.Context.APIRequest.GetAsync("/api/me");

        Assert.Equal((int)HttpStatusCode.OK, me.Status);
        Assert.Contains("\"userName\":\"admin\"", await me.TextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private static HttpRequestMessage Me(string token) =>
        new(HttpMethod.Get, "/api/me") { Headers = { Authorization = new("Bearer", token) } };
}
