using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Every signed-in user changes their own password on /account (issue 20): a wrong current password, two different new
/// ones and a weak one are refused and change nothing; a good change keeps this session and ends the user's others.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccountPageTests(BrowserFixture fixture)
{
    private const string NewPassword = "Brand-new-pw-4821";

    [Fact]
    public async Task Changing_your_own_password_refuses_a_wrong_current_one_keeps_this_session_and_ends_the_others()
    {
        var name = "pw-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Server.CreateUserAsync(name);
        var page = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword);
        var other = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword);

        await page.Locator("[data-testid=account-link]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/account$"));
        await Expect(page.Locator("h4", new() { HasText = "Your account" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=account-user-name]")).ToHaveTextAsync(name);
        await fixture.ScreenshotAsync(page, "account-page");

        await ChangeAsync(page, "Not-my-password-7", NewPassword, NewPassword);
        await Expect(page.Locator("[data-testid=password-error]")).ToHaveTextAsync("Your current password is not right.");
        // Nothing typed comes back in the page.
        await Expect(page.Locator("#current-password")).ToHaveValueAsync("");
        await Expect(page.Locator("#new-password")).ToHaveValueAsync("");
        await fixture.ScreenshotAsync(page, "account-password-wrong-current");

        await ChangeAsync(page, AppServer.AnnotatorPassword, NewPassword, NewPassword + "x");
        await Expect(page.Locator("[data-testid=password-error]")).ToHaveTextAsync("The two new passwords are not the same.");
        await ChangeAsync(page, AppServer.AnnotatorPassword, "short-1A", "short-1A");
        await Expect(page.Locator("[data-testid=password-error]")).ToContainTextAsync("at least 10 characters");
        Assert.True(await PasswordIsAsync(name, AppServer.AnnotatorPassword), "a refused change changed the password");

        await ChangeAsync(page, AppServer.AnnotatorPassword, NewPassword, NewPassword);
        await Expect(page.Locator("[data-testid=password-changed]")).ToContainTextAsync("Your password was changed.");
        await Expect(page.Locator("[data-testid=password-error]")).ToHaveCountAsync(0);
        await fixture.ScreenshotAsync(page, "account-password-changed");
        Assert.True(await PasswordIsAsync(name, NewPassword));

        // The other session's open page is signed out by itself (its circuit hears of the change), and told why ...
        await Expect(other).ToHaveURLAsync(new Regex("/Account/Login"), new() { Timeout = 15_000 });
        await Expect(other.Locator("[data-testid=signed-out-reason]")).ToContainTextAsync("signed out");
        // ... and its cookie opens nothing; this session goes on with its refreshed cookie.
        await other.GotoAsync("/");
        await Expect(other).ToHaveURLAsync(new Regex("/Account/Login"));
        await page.GotoAsync("/");
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(name);
        await Live.WaitForCircuitAsync(page);
        await page.Context.CloseAsync();
        await other.Context.CloseAsync();

        var again = await fixture.SignedInPageAsync(name, NewPassword);
        await again.Context.CloseAsync();
    }

    private async Task<bool> PasswordIsAsync(string userName, string password)
    {
        using var scope = fixture.Server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await users.CheckPasswordAsync((await users.FindByNameAsync(userName))!, password);
    }

    private static async Task ChangeAsync(IPage page, string current, string password, string confirm)
    {
        await page.Locator("#current-password").FillAsync(current);
        await page.Locator("#new-password").FillAsync(password);
        await page.Locator("#confirm-password").FillAsync(confirm);
        await page.Locator("[data-testid=change-password]").ClickAsync();
    }
}
