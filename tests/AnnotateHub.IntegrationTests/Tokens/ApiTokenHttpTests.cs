using AnnotateHub.Web.Data;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Http;

namespace AnnotateHub.IntegrationTests.Tokens;

/// <summary>The "ApiToken" scheme over real HTTP: <c>GET /api/me</c> and the hub's negotiation, both under the CookieOrToken policy.</summary>
public sealed class ApiTokenHttpTests(AppServer server) : IClassFixture<AppServer>
{
    private ApiTokenService Tokens => server.Get<ApiTokenService>();

    [Fact]
    public async Task Good_token_signs_the_request_in_as_its_owner_with_the_owners_roles()
    {
        var created = await Tokens.CreateAsync(await server.AdminIdAsync(), "http test");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Get("/api/me", created.Plaintext));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.Content.ReadFromJsonAsync<MeResponse>();
        Assert.NotNull(me);
        Assert.Equal((await server.AdminIdAsync(), AppServer.AdminUserName), (me.UserId, me.UserName));
        Assert.Equal([AppRoles.Admin], me.Roles);
    }

    [Fact]
    public async Task Unknown_token_gets_401_not_a_redirect_to_the_sign_in_page()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Get("/api/me", "ah_" + new string('A', 43)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter == "error=\"invalid_token\"");
        Assert.Equal("", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Malformed_bearer_value_gets_401()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Get("/api/me", "garbage"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Revoked_token_gets_401()
    {
        var userId = await server.CreateUserAsync("revoked-" + Guid.NewGuid().ToString("N")[..8]);
        var created = await Tokens.CreateAsync(userId, "soon revoked");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using (var before = await client.SendAsync(Get("/api/me", created.Plaintext)))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        await Tokens.RevokeAsync(userId, created.Token.Id);
        using var after = await client.SendAsync(Get("/api/me", created.Plaintext));

        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Null(after.Headers.Location);
    }

    [Fact]
    public async Task Anonymous_api_request_gets_401_with_a_bearer_challenge()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.GetAsync("/api/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer" && h.Parameter is null);
    }

    [Fact]
    public async Task Token_in_the_query_string_is_ignored_outside_hubs()
    {
        var created = await Tokens.CreateAsync(await server.AdminIdAsync(), "query string");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.GetAsync("/api/me?access_token=" + created.Plaintext);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Token_does_not_open_pages_and_does_not_redirect()
    {
        // Pages take the sign-in cookie only; a program that asks for one is told 401 rather than sent to a form.
        var created = await Tokens.CreateAsync(await server.AdminIdAsync(), "page");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Get("/", created.Plaintext));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Browser_without_a_token_is_still_redirected_to_sign_in()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.GetAsync("/account/tokens");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", new Uri(server.BaseAddress, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task Hub_negotiation_accepts_a_good_token()
    {
        var created = await Tokens.CreateAsync(await server.AdminIdAsync(), "hub");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Negotiate(created.Plaintext));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"connectionToken\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hub_negotiation_accepts_the_token_as_access_token_query_parameter()
    {
        var created = await Tokens.CreateAsync(await server.AdminIdAsync(), "hub query");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.PostAsync($"{NegotiatePath}&access_token={created.Plaintext}", null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("ah_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData(null)]
    public async Task Hub_negotiation_with_a_bad_or_no_token_gets_401_not_a_redirect(string? token)
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Negotiate(token));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task Hub_negotiation_with_a_revoked_token_gets_401()
    {
        var userId = await server.CreateUserAsync("hub-revoked-" + Guid.NewGuid().ToString("N")[..8]);
        var created = await Tokens.CreateAsync(userId, "hub, revoked");
        await Tokens.RevokeAsync(userId, created.Token.Id);
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        using var response = await client.SendAsync(Negotiate(created.Plaintext));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("/hubs/annotations", "Bearer ah_header", "ah_query", "ah_header")]
    [InlineData("/hubs/annotations", null, "ah_query", "ah_query")]
    [InlineData("/hubs/annotations/negotiate", null, "ah_query", "ah_query")]
    [InlineData("/api/me", null, "ah_query", null)]
    [InlineData("/hubsx", null, "ah_query", null)]
    [InlineData("/api/me", "bearer ah_header", null, "ah_header")]
    [InlineData("/api/me", "Bearer eyJhbGciOi.jwt", null, null)]
    [InlineData("/api/me", "Basic YWRtaW46cHc=", null, null)]
    public void Token_is_read_from_the_bearer_header_or_on_hubs_from_the_query(string path, string? authorization, string? query, string? expected)
    {
        var context = new DefaultHttpContext();
        context.Request.Path = path;
        if (authorization is not null) context.Request.Headers.Authorization = authorization;
        if (query is not null) context.Request.QueryString = QueryString.Create("access_token", query);

        Assert.Equal(expected, ApiTokenAuthenticationHandler.ReadToken(context.Request));
    }

    private const string NegotiatePath = "/hubs/annotations/negotiate?negotiateVersion=1";

    private static HttpRequestMessage Negotiate(string? token)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, NegotiatePath);
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static HttpRequestMessage Get(string path, string token) =>
        new(HttpMethod.Get, path) { Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) } };
}
