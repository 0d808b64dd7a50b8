using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// The first admin's first sign-in (issue 20, decision 0085): with the password the first start generated and printed,
/// they land on "Set a new password" and stay there until they have; then the app works with the new one only.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class FirstSignInTests(BrowserFixture fixture)
{
    private const string NewPassword = "Fresh-start-pw-2931";

    [Fact]
    public async Task First_sign_in_with_the_generated_password_forces_a_new_one_and_then_the_app_works_with_it()
    {
        var folder = Directory.CreateTempSubdirectory("annotatehub-first-").FullName;
        try
        {
            using var app = AppProcess.Start(Path.Combine(folder, "first.db"), new Dictionary<string, string>
            {
                // No chosen password: the first start makes one and prints it, as README's first run does.
                ["Seed__AdminPassword"] = "",
                ["Seed__AdminMustChangePassword"] = "",
                // Development serves the framework's static files from the build output (see TwoProcessTests).
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["DOTNET_ENVIRONMENT"] = "Development",
            });
            await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(90));
            var printed = Regex.Match(app.Output, "sign in as 'admin' with password: (\\S+)");
            Assert.True(printed.Success, app.Output);
            Assert.Contains("you choose your own at the first sign-in", app.Output, StringComparison.Ordinal);
            await FirstSignInAsync(app.BaseAddress, printed.Groups[1].Value);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    private async Task FirstSignInAsync(Uri baseAddress, string generated)
    {
        var page = await fixture.NewPageAsync(baseAddress);
        await SignInAsync(page, generated);
        await Expect(page).ToHaveURLAsync(new Regex("/Account/NewPassword(\\?ReturnUrl=%2F)?$"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Set a new password");
        await Expect(page.Locator("[data-testid=new-password-reason]")).ToContainTextAsync("one-time password");
        await fixture.ScreenshotAsync(page, "first-sign-in-new-password");

        // Every page leads back here (and remembers where it was going); the API refuses.
        await page.GotoAsync("/account/tokens");
        await Expect(page).ToHaveURLAsync(new Regex("/Account/NewPassword\\?ReturnUrl=%2Faccount%2Ftokens$"));
        Assert.Equal(403, (await page.APIRequest.GetAsync("/api/me")).Status);

        await SetAsync(page, NewPassword, NewPassword + "x");
        await Expect(page.Locator("[data-testid=new-password-error]")).ToHaveTextAsync("The two new passwords are not the same.");
        await SetAsync(page, generated, generated);
        await Expect(page.Locator("[data-testid=new-password-error]")).ToHaveTextAsync("Choose a password other than the one you signed in with.");
        await SetAsync(page, "Password2024!", "Password2024!");
        await Expect(page.Locator("[data-testid=new-password-error]")).ToContainTextAsync("common word");
        await Expect(page.Locator("#new-password")).ToHaveValueAsync("");
        await fixture.ScreenshotAsync(page, "first-sign-in-new-password-refused");

        await SetAsync(page, NewPassword, NewPassword);
        await Expect(page).ToHaveURLAsync(new Regex("/account/tokens$"));
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
        await Live.WaitForInteractiveAsync(page, "#token-name");
        Assert.Equal(200, (await page.APIRequest.GetAsync("/api/me")).Status);
        await page.GotoAsync("/");
        await Expect(page.GetByText(AppServer.DemoProjectName).First).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        // The one-time password is gone; the new one signs straight in.
        var again = await fixture.NewPageAsync(baseAddress);
        await SignInAsync(again, generated);
        await Expect(again.Locator("[data-testid=login-error]")).ToHaveTextAsync("The user name or password is not right.");
        await SignInAsync(again, NewPassword);
        await Expect(again.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
        await Expect(again).Not.ToHaveURLAsync(new Regex("NewPassword"));
        await again.Context.CloseAsync();
    }

    private static async Task SignInAsync(IPage page, string password)
    {
        await page.GotoAsync("/Account/Login");
        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    private static async Task SetAsync(IPage page, string password, string confirm)
    {
        await page.Locator("#new-password").FillAsync(password);
        await page.Locator("#confirm-password").FillAsync(confirm);
        await page.GetByRole(AriaRole.Button, new() { Name = "Set password" }).ClickAsync();
    }
}
