using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>
/// Cross-site request forgery over plain HTTP (decision 0045) and server-side sign-out (decision 0046): what a
/// browser on another site's page would send, what our own pages send, and what programs send.
/// </summary>
public sealed partial class CrossSiteRequestTests(AppServer server) : IClassFixture<AppServer>
{
    private const string AntiforgeryHeader = "RequestVerificationToken";

    [Fact]
    public async Task Cookie_POST_without_Origin_Sec_Fetch_Site_or_antiforgery_gets_403_and_changes_nothing()
    {
        var (documentId, label) = await DocumentAsync();
        using var client = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);

        using var response = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 4, label, null, null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Cross-site request refused", problem.RootElement.GetProperty("title").GetString());
        Assert.Contains("API token", problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal(0, await SpansAsync(documentId));
    }

    [Theory]
    [InlineData("Origin", "other-port")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "https-same-host")]
    [InlineData("Sec-Fetch-Site", "same-site")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    [InlineData("Sec-Fetch-Site", "none")]
    public async Task Cookie_requests_from_another_origin_get_403_for_every_unsafe_method(string header, string value)
    {
        var (documentId, label) = await DocumentAsync();
        using var client = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        client.DefaultRequestHeaders.Add(header, value switch
        {
            "other-port" => $"http://127.0.0.1:{server.BaseAddress.Port + 1}",
            "https-same-host" => $"https://{server.BaseAddress.Authority}",
            _ => value,
        });

        using var post = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 4, label, null, null));
        using var put = await client.PutAsJsonAsync("/api/annotations/1", new UpdateAnnotationBody(1, label, null, null));
        using var delete = await client.DeleteAsync("/api/annotations/1?expectedVersion=1");
        using var patch = await client.PatchAsync("/api/annotations/1", JsonContent.Create(new { }));

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden],
            new[] { post.StatusCode, put.StatusCode, delete.StatusCode, patch.StatusCode });
        Assert.Equal(0, await SpansAsync(documentId));
    }

    [Fact]
    public async Task Cookie_POST_from_our_own_origin_or_with_Sec_Fetch_Site_same_origin_works()
    {
        var (documentId, label) = await DocumentAsync();
        using var byOrigin = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        byOrigin.DefaultRequestHeaders.Add("Origin", server.Origin);
        using var byFetchSite = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        byFetchSite.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");

        using var first = await byOrigin.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 4, label, null, null));
        using var second = await byFetchSite.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(5, 9, label, null, null));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Created), (first.StatusCode, second.StatusCode));
        Assert.Equal(2, await SpansAsync(documentId));
    }

    [Fact]
    public async Task Sec_Fetch_Site_same_site_is_refused_even_with_a_matching_Origin()
    {
        var (documentId, label) = await DocumentAsync();
        using var client = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-site");

        using var response = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 4, label, null, null));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await SpansAsync(documentId));
    }

    [Fact]
    public async Task Cookie_POST_with_the_antiforgery_token_in_a_header_works_and_a_wrong_token_gets_403()
    {
        var (documentId, label) = await DocumentAsync();
        var cookie = await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        var (antiforgeryCookie, token) = await AntiforgeryAsync(cookie);

        using var good = await PostWith(cookie + "; " + antiforgeryCookie, token, new CreateAnnotationBody(0, 4, label, null, null));
        using var wrong = await PostWith(cookie + "; " + antiforgeryCookie, token[..^4] + "AAAA", new CreateAnnotationBody(5, 9, label, null, null));
        using var noCookie = await PostWith(cookie, token, new CreateAnnotationBody(5, 9, label, null, null));

        Assert.Equal((HttpStatusCode.Created, HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (good.StatusCode, wrong.StatusCode, noCookie.StatusCode));
        Assert.Equal(1, await SpansAsync(documentId));

        async Task<HttpResponseMessage> PostWith(string cookies, string antiforgery, CreateAnnotationBody body)
        {
            using var client = server.CreateHttpClient(allowAutoRedirect: false);
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/documents/{documentId}/annotations") { Content = JsonContent.Create(body) };
            request.Headers.Add("Cookie", cookies);
            request.Headers.Add(AntiforgeryHeader, antiforgery);
            return await client.SendAsync(request);
        }
    }

    [Fact]
    public async Task Bearer_token_POST_without_Origin_works()
    {
        var (documentId, label) = await DocumentAsync();
        var token = await server.Get<ApiTokenService>().CreateAsync(await server.AdminIdAsync(), "csrf test");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.Plaintext);

        using var response = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations", new CreateAnnotationBody(0, 4, label, null, null));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, await SpansAsync(documentId));
    }

    [Fact]
    public async Task Cookie_GET_without_Origin_still_works()
    {
        using var client = await CookieClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);

        using var response = await client.GetAsync("/api/projects");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Hub_negotiation_with_the_cookie_from_another_origin_gets_403_and_from_a_dotnet_client_works()
    {
        var cookie = await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var foreign = await Negotiate(("Origin", $"http://127.0.0.1:{server.BaseAddress.Port + 1}"));
        using var sameSite = await Negotiate(("Sec-Fetch-Site", "same-site"));
        using var ours = await Negotiate(("Origin", server.Origin));
        using var program = await Negotiate();

        Assert.Equal([HttpStatusCode.Forbidden, HttpStatusCode.Forbidden, HttpStatusCode.OK, HttpStatusCode.OK],
            new[] { foreign.StatusCode, sameSite.StatusCode, ours.StatusCode, program.StatusCode });

        async Task<HttpResponseMessage> Negotiate(params (string Name, string Value)[] headers)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/annotations/negotiate?negotiateVersion=1");
            request.Headers.Add("Cookie", cookie);
            foreach (var (name, value) in headers) request.Headers.Add(name, value);
            return await client.SendAsync(request);
        }
    }

    [Fact]
    public async Task Logout_without_its_antiforgery_token_gets_403_and_the_cookie_keeps_working()
    {
        var userName = await UserAsync();
        var cookie = await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword);
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        // What another site's auto-submitting form sends: the cookie (same site), an empty form, no token.
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Logout") { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", $"http://127.0.0.1:{server.BaseAddress.Port + 1}");
        using var logout = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, logout.StatusCode);
        Assert.Null(SignInForm.SetCookie(logout, SignInForm.IdentityCookie));
        Assert.DoesNotContain(SignInForm.SetCookies(logout), c => c.StartsWith(SignInForm.IdentityCookie + "=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(cookie));
    }

    [Fact]
    public async Task After_sign_out_the_old_cookie_gets_401_on_the_api_and_the_hub()
    {
        var userName = await UserAsync();
        var cookie = await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword);
        var otherSession = await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword);
        Assert.Equal(HttpStatusCode.OK, await MeAsync(cookie));
        var (antiforgeryCookie, token) = await AntiforgeryAsync(cookie);

        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/Account/Logout")
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("Cookie", cookie + "; " + antiforgeryCookie);
        using var logout = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        Assert.EndsWith("/Account/Login", logout.Headers.Location?.OriginalString);
        // The browser is told to drop the cookie; a copy kept anywhere (or replayed) no longer works either.
        Assert.Contains(SignInForm.SetCookies(logout), c => c.StartsWith(SignInForm.IdentityCookie + "=;", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(cookie));
        // The security stamp is the user's: signing out ends the user's other sessions too (decision 0046).
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(otherSession));

        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AnnotateHub.Web.Features.Annotations.AnnotationHub.Path), o =>
            {
                o.Transports = Microsoft.AspNetCore.Http.Connections.HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();
        await using (hub)
        {
            var refused = await Assert.ThrowsAnyAsync<HttpRequestException>(() => hub.StartAsync());
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        // Signing in again gives a cookie that works.
        Assert.Equal(HttpStatusCode.OK, await MeAsync(await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword)));
    }

    private async Task<HttpClient> CookieClientAsync(string userName, string password)
    {
        var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(userName, password));
        return client;
    }

    private async Task<HttpStatusCode> MeAsync(string cookie)
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    /// <summary>The antiforgery cookie and the token of the sign-out form, as a signed-in page renders them.</summary>
    private async Task<(string Cookie, string Token)> AntiforgeryAsync(string signInCookie)
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.Add("Cookie", signInCookie);
        using var page = await client.SendAsync(request);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
        var cookie = SignInForm.SetCookies(page).Select(c => c.Split(';')[0]).Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.NotEqual("", token);
        return (cookie, token);
    }

    private async Task<string> UserAsync()
    {
        var userName = "csrf-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateUserAsync(userName);
        return userName;
    }

    /// <summary>A fresh document in a fresh project (admin is its supervisor) and one of its label names.</summary>
    private async Task<(int DocumentId, string Label)> DocumentAsync()
    {
        var projectId = await server.CreateProjectAsync("csrf-" + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, "Some text to annotate here.");
        await using var db = server.CreateDbContext();
        var label = await db.Labels.Where(l => l.ProjectId == projectId).OrderBy(l => l.Id).Select(l => l.Name).FirstAsync();
        return (documentId, label);
    }

    private async Task<int> SpansAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.CountAsync(a => a.DocumentId == documentId);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
