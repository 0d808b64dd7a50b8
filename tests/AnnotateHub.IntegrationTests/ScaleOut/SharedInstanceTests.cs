using System.Net;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;

namespace AnnotateHub.IntegrationTests.ScaleOut;

/// <summary>
/// What several instances on one database share, with two app servers in this process on one database (one SQLite file,
/// or one PostgreSQL database when the suite runs there): the data protection key ring (a sign-in cookie and an
/// antiforgery token from A work on B), the health endpoints, and the scheme from a known reverse proxy.
/// </summary>
public sealed class SharedInstanceTests : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "annotatehub-two-" + Guid.NewGuid().ToString("N"));
    private AppServer _a = null!;
    private AppServer _b = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_directory);
        var path = Path.Combine(_directory, "shared.db");
        _a = new AppServer(path);
        await _a.InitializeAsync();
        _b = new AppServer(path, new Dictionary<string, string?> { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await AppServer.DropPostgresDatabaseAsync(Path.Combine(_directory, "shared.db"));
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }

    [Fact]
    public async Task A_sign_in_cookie_from_one_instance_is_accepted_by_the_other()
    {
        var cookie = await _a.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var onB = _b.CreateHttpClient(allowAutoRedirect: false);
        onB.DefaultRequestHeaders.Add("Cookie", cookie);

        using var me = await onB.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Contains($"\"{AppServer.AdminUserName}\"", await me.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // And without the cookie B does not know the caller.
        using var anonymous = _b.CreateHttpClient(allowAutoRedirect: false);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/me")).StatusCode);
    }

    [Fact]
    public async Task The_sign_in_form_from_one_instance_posts_to_the_other()
    {
        var cookies = new CookieContainer();
        using var onA = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = _a.BaseAddress };
        var form = await onA.GetStringAsync("/Account/Login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = string.Join("; ", cookies.GetCookies(_a.BaseAddress).Select(c => $"{c.Name}={c.Value}"));

        using var onB = _b.CreateHttpClient(allowAutoRedirect: false);
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.UserName"] = AppServer.AdminUserName, ["Input.Password"] = AppServer.AdminPassword,
                ["__RequestVerificationToken"] = token, ["_handler"] = "login",
            }),
        };
        post.Headers.Add("Cookie", antiforgery);
        using var answer = await onB.SendAsync(post);

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.Contains(answer.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("/health/live")]
    [InlineData("/health/ready")]
    [InlineData("/health")]
    public async Task Health_endpoints_answer_healthy_without_signing_in(string path)
    {
        using var http = _a.CreateHttpClient();
        using var answer = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Equal("Healthy", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Behind_a_known_proxy_that_ends_tls_the_sign_in_cookie_is_secure_and_without_one_it_is_not()
    {
        Assert.Contains("secure", await SignInCookieHeaderAsync(_b, forwardedProto: "https"), StringComparison.OrdinalIgnoreCase);
        // A (no known proxy) ignores the header: the request came over plain HTTP.
        Assert.DoesNotContain("secure", await SignInCookieHeaderAsync(_a, forwardedProto: "https"), StringComparison.OrdinalIgnoreCase);
    }

    private static async Task<string> SignInCookieHeaderAsync(AppServer server, string forwardedProto)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = server.BaseAddress };
        var form = await http.GetStringAsync("/Account/Login");
        var token = Regex.Match(form, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["Input.UserName"] = AppServer.AdminUserName, ["Input.Password"] = AppServer.AdminPassword,
                ["__RequestVerificationToken"] = token, ["_handler"] = "login",
            }),
        };
        post.Headers.Add("X-Forwarded-Proto", forwardedProto);
        post.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var answer = await http.SendAsync(post);
        return answer.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
    }
}
