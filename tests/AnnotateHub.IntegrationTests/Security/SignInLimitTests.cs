using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>
/// The sign-in limits of decision 0048 over HTTP, one server per test. The server trusts 127.0.0.1 as a proxy
/// (ForwardedHeaders:KnownProxies, decision 0049), so each test speaks from the addresses it names in X-Forwarded-For.
/// Windows and waits are an hour, so nothing rolls over while a test runs and the counts are exact.
/// </summary>
public sealed partial class SignInLimitTests : IAsyncLifetime
{
    private const int PerAddress = 30;
    private const int PerAccount = 10;
    private const int PairFailures = 5;
    private const string NotRight = "The user name or password is not right.";

    private readonly AppServer _server = new(new Dictionary<string, string?>
    {
        ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1",
        ["RateLimits:SignIn:PerAddress:PermitLimit"] = PerAddress.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignIn:PerAddress:WindowSeconds"] = "3600",
        ["RateLimits:SignIn:PerAccount:PermitLimit"] = PerAccount.ToString(CultureInfo.InvariantCulture),
        ["RateLimits:SignIn:PerAccount:WindowSeconds"] = "3600",
        ["RateLimits:SignIn:PairFailuresBeforeDelay"] = PairFailures.ToString(CultureInfo.InvariantCulture),
        // Spraying is shown against the address window here; the address's own wait has a unit test.
        ["RateLimits:SignIn:AddressFailuresBeforeDelay"] = "1000",
        ["RateLimits:SignIn:FirstDelaySeconds"] = "3600",
        ["RateLimits:SignIn:MaxDelaySeconds"] = "3600",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Spraying_60_names_from_one_address_gets_429_after_the_address_budget()
    {
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        var statuses = new List<int>();
        HttpResponseMessage? firstRefused = null;

        for (var i = 0; i < 60; i++)
        {
            var response = await SignInForm.PostAsync(client, $"sprayed-{i}", "Wrong-password-1A!", from: "10.0.0.1");
            statuses.Add((int)response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && firstRefused is null) firstRefused = response;
            else response.Dispose();
        }
        using var elsewhere = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword, from: "10.0.0.2");

        Assert.Equal(Enumerable.Repeat(200, PerAddress).Concat(Enumerable.Repeat(429, 60 - PerAddress)), statuses);
        using (firstRefused)
        {
            var retryAfter = int.Parse(Assert.Single(firstRefused!.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
            Assert.InRange(retryAfter, 3541, 3600); // the window began with the first post, a few seconds ago
            Assert.Equal("Too many sign-in attempts from your address. Wait 60 minutes, then try again.", await ErrorOnPageAsync(firstRefused));
            Assert.Null(SignInForm.SetCookie(firstRefused, SignInForm.IdentityCookie));
        }
        Assert.NotNull(SignInForm.SetCookie(elsewhere, SignInForm.IdentityCookie));
    }

    [Fact]
    public async Task One_name_from_many_addresses_gets_429_after_the_account_budget_whatever_its_case_or_spaces()
    {
        await _server.CreateUserAsync("shared-name");
        string[] spellings = ["shared-name", " SHARED-NAME ", "Shared-Name"];
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        var errors = new List<string>();

        for (var i = 0; i < PerAccount + 2; i++)
        {
            using var response = await SignInForm.PostAsync(client, spellings[i % spellings.Length], "Wrong-password-1A!", from: $"10.1.0.{i + 1}");
            errors.Add($"{(int)response.StatusCode} {WaitAsN(await ErrorOnPageAsync(response))}");
        }
        using var rightPassword = await SignInForm.PostAsync(client, "shared-name", AppServer.AnnotatorPassword, from: "10.1.1.1");

        const string accountRefusal = "429 Too many sign-in attempts for this user name. Wait N, then try again.";
        Assert.Equal(Enumerable.Repeat("200 " + NotRight, PerAccount).Concat([accountRefusal, accountRefusal]), errors);
        Assert.Equal(HttpStatusCode.TooManyRequests, rightPassword.StatusCode);
        Assert.Null(SignInForm.SetCookie(rightPassword, SignInForm.IdentityCookie));
    }

    public static TheoryData<string, string[], string> AmbiguousForms => new()
    {
        { "the user name twice", ["Input.UserName", "someone-else", "Input.UserName", AppServer.AdminUserName], "" },
        { "in another case", ["input.username", "someone-else", "Input.UserName", AppServer.AdminUserName], "" },
        { "with a space around it", ["Input.UserName ", "someone-else", "Input.UserName", AppServer.AdminUserName], "" },
        { "in the query and the form", ["Input.UserName", AppServer.AdminUserName], "?Input.UserName=someone-else" },
        { "the password twice", ["Input.UserName", AppServer.AdminUserName, "Input.Password", "Wrong-password-1A!"], "" },
    };

    [Theory]
    [MemberData(nameof(AmbiguousForms))]
    public async Task A_sign_in_form_that_gives_a_field_twice_is_refused_with_400_and_signs_nobody_in(string what, string[] pairs, string query)
    {
        var fields = Fields(pairs).Append(new("Input.Password", AppServer.AdminPassword));
        using var client = SignInForm.CreateClient(_server.BaseAddress);

        using var response = await SignInForm.PostFieldsAsync(client, fields, from: "10.3.0.1", query: query);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {(int)response.StatusCode}");
        Assert.Matches("^The sign-in form gives the field [^ ]+ more than once. Send each field once.$", await response.Content.ReadAsStringAsync());
        Assert.Null(SignInForm.SetCookie(response, SignInForm.IdentityCookie));
    }

    [Fact]
    public async Task Refused_duplicated_forms_spend_the_address_budget_so_they_cannot_probe_for_free()
    {
        var duplicated = Fields(["Input.UserName", "a", "Input.UserName", "b", "Input.Password", "Wrong-password-1A!"]);
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        var statuses = new List<int>();

        for (var i = 0; i <= PerAddress; i++)
        {
            using var response = await SignInForm.PostFieldsAsync(client, duplicated, from: "10.4.0.1");
            statuses.Add((int)response.StatusCode);
        }
        using var plain = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword, from: "10.4.0.1");

        Assert.Equal(Enumerable.Repeat(400, PerAddress).Append(429), statuses);
        Assert.Equal(HttpStatusCode.TooManyRequests, plain.StatusCode);
        Assert.Null(SignInForm.SetCookie(plain, SignInForm.IdentityCookie));
    }

    [Fact]
    public async Task A_strangers_20_wrong_passwords_for_admin_from_one_address_do_not_stop_admin_signing_in_from_another()
    {
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        var errors = new List<string>();

        for (var i = 0; i < 20; i++)
        {
            using var response = await SignInForm.PostAsync(client, AppServer.AdminUserName, "Wrong-password-1A!" + i, from: "10.2.0.66");
            errors.Add($"{(int)response.StatusCode} {WaitAsN(await ErrorOnPageAsync(response))}");
        }
        using var admin = await SignInForm.PostAsync(client, AppServer.AdminUserName, AppServer.AdminPassword, from: "10.2.0.1");

        const string pairWait = "429 Too many wrong passwords for this user name from your address. Wait N, then try again.";
        Assert.Equal(Enumerable.Repeat("200 " + NotRight, PairFailures).Concat(Enumerable.Repeat(pairWait, 20 - PairFailures)), errors);
        Assert.Equal("/", new Uri(new Uri("http://x"), admin.Headers.Location!).AbsolutePath);
        Assert.NotNull(SignInForm.SetCookie(admin, SignInForm.IdentityCookie));
        await using var db = _server.CreateDbContext();
        var stored = await db.Users.SingleAsync(u => u.UserName == AppServer.AdminUserName);
        Assert.Equal((0, null), (stored.AccessFailedCount, stored.LockoutEnd));
    }

    [Fact]
    public async Task A_user_locked_by_an_admin_is_refused_with_the_right_password_and_told_nothing_with_a_wrong_one()
    {
        await _server.CreateUserAsync("locked-by-admin");
        Assert.True((await _server.Get<UserAdminService>().LockAsync("locked-by-admin")).Succeeded);
        using var client = SignInForm.CreateClient(_server.BaseAddress);

        using var right = await SignInForm.PostAsync(client, "locked-by-admin", AppServer.AnnotatorPassword, from: "10.5.0.1");
        using var wrong = await SignInForm.PostAsync(client, "locked-by-admin", "Wrong-password-1A!", from: "10.5.0.1");
        var lockoutPage = await client.GetStringAsync("/Account/Lockout");

        Assert.Equal("/Account/Lockout", new Uri(new Uri("http://x"), right.Headers.Location!).AbsolutePath);
        Assert.Null(SignInForm.SetCookie(right, SignInForm.IdentityCookie));
        Assert.Equal(NotRight, await ErrorOnPageAsync(wrong));
        Assert.Contains("This account is locked. Ask an administrator to unlock it.", lockoutPage, StringComparison.Ordinal);
        using var scope = _server.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        Assert.True(await users.IsLockedOutAsync((await users.FindByNameAsync("locked-by-admin"))!));
    }

    /// <summary>The text of the page's sign-in error, or "(none)".</summary>
    private static async Task<string> ErrorOnPageAsync(HttpResponseMessage response)
    {
        var match = LoginError().Match(await response.Content.ReadAsStringAsync());
        return match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : "(none)";
    }

    private static string WaitAsN(string message) => WaitFor().Replace(message, "Wait N");

    private static IEnumerable<KeyValuePair<string, string>> Fields(string[] pairs) =>
        pairs.Chunk(2).Select(p => new KeyValuePair<string, string>(p[0], p[1]));

    [GeneratedRegex("data-testid=\"login-error\">([^<]*)<")]
    private static partial Regex LoginError();

    [GeneratedRegex(@"Wait \d+ (seconds|minutes)")]
    private static partial Regex WaitFor();
}
