using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Users;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>/admin/users in a real browser: what admins can do there, and that nobody else gets in.</summary>
[Collection(BrowserCollection.Name)]
public sealed class UsersPageTests(BrowserFixture fixture)
{
    private UserAdminService Users => fixture.Server.Get<UserAdminService>();

    [Fact]
    public async Task Admin_creates_a_user_who_then_signs_in()
    {
        var name = "newcomer-" + Guid.NewGuid().ToString("N")[..6];
        const string password = "Fresh-start-pw-42";
        var page = await fixture.SignedInPageAsync();

        await page.Locator("[data-testid=users-link]").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex("/admin/users$"));
        await Live.WaitForInteractiveAsync(page, "[data-testid=create-user]");
        await page.Locator("#new-user-name").FillAsync(name);
        await page.Locator("#new-user-display-name").FillAsync("Nora Newcomer");
        await page.Locator("#new-user-password").FillAsync(password);
        await page.Locator("[data-testid=create-user]").ClickAsync();

        var row = Row(page, name);
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator("[data-testid=user-role]")).ToHaveTextAsync("user");
        await Expect(row.Locator("[data-testid=user-status]")).ToHaveTextAsync("active");
        await Expect(page.Locator("[data-testid=shown-password-value]")).ToHaveTextAsync(password);
        await fixture.ScreenshotAsync(page, "admin-users");
        var created = await Users.FindAsync(name);
        Assert.Equal(("Nora Newcomer", false, false), (created!.DisplayName, created.IsAdmin, created.IsLockedOut));

        var newcomer = await fixture.SignedInPageAsync(name, password);
        await Expect(newcomer.Locator("[data-testid=users-link]")).ToHaveCountAsync(0); // no admin link for a non-admin
        await newcomer.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Weak_password_shows_the_policy_messages_and_creates_nobody()
    {
        var name = "weakling-" + Guid.NewGuid().ToString("N")[..6];
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/admin/users");
        await Live.WaitForInteractiveAsync(page, "[data-testid=create-user]");

        await page.Locator("#new-user-name").FillAsync(name);
        await page.Locator("#new-user-password").FillAsync("short");
        await page.Locator("[data-testid=create-user]").ClickAsync();

        await Expect(page.Locator("[data-testid=create-error]")).ToHaveTextAsync(
        [
            "Passwords must be at least 10 characters.",
            "Passwords must have at least one non alphanumeric character.",
            "Passwords must have at least one digit ('0'-'9').",
            "Passwords must have at least one uppercase ('A'-'Z').",
        ]);
        await Expect(Row(page, name)).ToHaveCountAsync(0);
        Assert.Null(await Users.FindAsync(name));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Admin_resets_a_password_grants_admin_and_locks_a_user()
    {
        var name = "managed-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Server.CreateUserAsync(name);
        var page = await fixture.SignedInPageAsync();
        await page.GotoAsync("/admin/users");
        await Live.WaitForInteractiveAsync(page, "[data-testid=create-user]");
        var row = Row(page, name);

        await row.Locator("[data-testid=reset-password]").ClickAsync();
        await page.Locator("#reset-password").FillAsync("Reset-by-admin-77");
        await page.Locator("[data-testid=save-password]").ClickAsync();
        await Expect(page.Locator("[data-testid=shown-password-value]")).ToHaveTextAsync("Reset-by-admin-77");
        await Expect(page.Locator("[data-testid=reset-panel]")).ToHaveCountAsync(0);
        await fixture.Server.SignInCookieAsync(name, "Reset-by-admin-77");

        await row.Locator("[data-testid=toggle-admin]").ClickAsync();
        await Expect(row.Locator("[data-testid=user-role]")).ToHaveTextAsync("admin");
        Assert.True((await Users.FindAsync(name))!.IsAdmin);

        await row.Locator("[data-testid=toggle-lock]").ClickAsync();
        await Expect(row.Locator("[data-testid=user-status]")).ToHaveTextAsync("locked");
        Assert.True((await Users.FindAsync(name))!.IsLockedOut);
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Server.SignInCookieAsync(name, "Reset-by-admin-77"));

        await row.Locator("[data-testid=toggle-lock]").ClickAsync();
        await Expect(row.Locator("[data-testid=user-status]")).ToHaveTextAsync("active");
        await fixture.Server.SignInCookieAsync(name, "Reset-by-admin-77");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Non_admin_is_refused_at_admin_users_and_sees_the_access_denied_page()
    {
        var name = "curious-" + Guid.NewGuid().ToString("N")[..6];
        await fixture.Server.CreateUserAsync(name);
        var page = await fixture.SignedInPageAsync(name, AppServer.AnnotatorPassword);

        await page.GotoAsync("/admin/users");

        await Expect(page).ToHaveURLAsync(new Regex("/Account/AccessDenied"));
        await Expect(page.Locator("h1")).ToHaveTextAsync("Access denied");
        await Expect(page.Locator("[data-testid=users-table]")).ToHaveCountAsync(0);
        await Expect(page.Locator("#new-user-name")).ToHaveCountAsync(0);
        Assert.DoesNotContain(AppServer.AdminUserName, await page.Locator("body").InnerTextAsync(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    private static ILocator Row(IPage page, string userName) =>
        page.Locator("[data-testid=users-table] tr", new() { Has = page.Locator("td[data-testid=user-name]", new() { HasTextRegex = new Regex($"^{Regex.Escape(userName)}$") }) });
}
