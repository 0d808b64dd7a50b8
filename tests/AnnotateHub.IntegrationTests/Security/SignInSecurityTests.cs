using System.Net;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>No lockout on failures, antiforgery and cookie attributes of the real sign-in form, over HTTP.</summary>
public sealed class SignInSecurityTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public async Task Wrong_passwords_never_lock_the_account_so_the_right_one_then_signs_in()
    {
        // This server lets the pair's wait start only after 100000 failures; SignInLimitTests test the wait.
        var name = "lockme-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateUserAsync(name);
        using var client = SignInForm.CreateClient(server.BaseAddress);

        for (var attempt = 1; attempt <= 8; attempt++)
        {
            using var wrong = await SignInForm.PostAsync(client, name, "Wrong-password-" + attempt);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
            Assert.Contains("The user name or password is not right.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using var right = await SignInForm.PostAsync(client, name, AppServer.AnnotatorPassword);

        Assert.Equal("/", RedirectPath(right));
        Assert.NotNull(SignInForm.SetCookie(right, SignInForm.IdentityCookie));
        using var scope = server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = (await users.FindByNameAsync(name))!;
        Assert.False(await users.IsLockedOutAsync(user));
        Assert.Equal(0, user.AccessFailedCount);
    }

    [Fact]
    public async Task Sign_in_post_without_the_antiforgery_token_is_refused_and_signs_nobody_in()
    {
        using var client = SignInForm.CreateClient(server.BaseAddress);

        using var response = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword, withAntiforgery: false);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(SignInForm.SetCookie(response, SignInForm.IdentityCookie));
    }

    [Fact]
    public async Task Same_sign_in_with_the_antiforgery_token_succeeds()
    {
        // The control for the test above: the only difference is the token.
        using var client = SignInForm.CreateClient(server.BaseAddress);

        using var response = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword);

        Assert.Equal("/", RedirectPath(response));
        Assert.NotNull(SignInForm.SetCookie(response, SignInForm.IdentityCookie));
    }

    [Fact]
    public async Task Over_http_the_sign_in_and_antiforgery_cookies_are_HttpOnly_and_SameSite_Strict_but_not_Secure()
    {
        using var client = SignInForm.CreateClient(server.BaseAddress);
        using var form = await client.GetAsync("/Account/Login");
        using var signedIn = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword);

        var antiforgery = Attributes(SignInForm.SetCookies(form).Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)));
        var identity = Attributes(SignInForm.SetCookie(signedIn, SignInForm.IdentityCookie)!);

        Assert.Equal(["httponly", "path=/", "samesite=strict"], antiforgery);
        Assert.Equal(["httponly", "path=/", "samesite=strict"], identity);
    }

    [Fact]
    public async Task Over_https_the_sign_in_and_antiforgery_cookies_are_also_Secure()
    {
        await using var app = new ProductionApp();
        using var client = app.CreateHttpsClient();
        using var form = await client.GetAsync("/Account/Login");
        using var signedIn = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword);

        var antiforgery = Attributes(SignInForm.SetCookies(form).Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)));
        var identity = Attributes(SignInForm.SetCookie(signedIn, SignInForm.IdentityCookie)!);

        Assert.Equal(["httponly", "path=/", "samesite=strict", "secure"], antiforgery);
        Assert.Equal(["httponly", "path=/", "samesite=strict", "secure"], identity);
    }

    /// <summary>A Set-Cookie value's attributes, lower-cased and sorted (expiry dates left out).</summary>
    private static List<string> Attributes(string setCookie) => setCookie.Split(';').Skip(1)
        .Select(a => a.Trim().ToLowerInvariant())
        .Where(a => !a.StartsWith("expires=", StringComparison.Ordinal) && !a.StartsWith("max-age=", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal)
        .ToList();

    private static string? RedirectPath(HttpResponseMessage response) =>
        (int)response.StatusCode is 302 or 303 && response.Headers.Location is { } location
            ? new Uri(new Uri("http://x"), location).AbsolutePath
            : $"(no redirect: {(int)response.StatusCode})";
}
