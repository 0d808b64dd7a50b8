using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The sign-in limit as a person meets it: the login page again, with the reason and the wait (decision 0048).</summary>
[Collection(BrowserCollection.Name)]
public sealed class SignInLimitPageTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Sign_in_past_the_account_limit_shows_the_429_message_on_the_login_page()
    {
        // Its own server: the shared one lets the suites sign in as often as they like.
        await using var server = new LimitedServer();
        await server.Server.InitializeAsync();
        await using var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.Server.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        await page.GotoAsync("/Account/Login");

        await SubmitAsync(page, "not-the-password-1A!");
        await Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("The user name or password is not right.");
        var refused = await page.RunAndWaitForResponseAsync(() => SubmitAsync(page, AppServer.AdminPassword),
            r => r.Request.Method == "POST" && r.Url.Contains("/Account/Login", StringComparison.Ordinal));

        Assert.Equal(429, refused.Status);
        Assert.Matches("^[1-9][0-9]*$", await refused.HeaderValueAsync("retry-after") ?? "");
        await Expect(page.Locator("[data-testid=login-error]"))
            .ToHaveTextAsync(new Regex("^Too many sign-in attempts for this user name. Wait 60 minutes, then try again.$"));
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == SignInForm.IdentityCookie);
        await fixture.ScreenshotAsync(page, "login-429");
    }

    private static async Task SubmitAsync(IPage page, string password)
    {
        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>A server allowing one sign-in attempt per account per hour.</summary>
    private sealed class LimitedServer : IAsyncDisposable
    {
        public AppServer Server { get; } = new(new Dictionary<string, string?>
        {
            ["RateLimits:SignIn:PerAccount:PermitLimit"] = "1",
            ["RateLimits:SignIn:PerAccount:WindowSeconds"] = "3600",
        });

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
