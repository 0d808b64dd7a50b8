using System.Net;
using System.Net.Http.Headers;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Tokens;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>The /api rate limit with a low limit set through configuration (sign-in's own limits: SignInLimitTests). The
/// window is an hour, so it cannot roll over while a test runs and the counts are exact.</summary>
public sealed class RateLimitTests : IAsyncLifetime
{
    private const int Limit = 3;

    private readonly AppServer _server = new(new Dictionary<string, string?>
    {
        ["RateLimits:Api:PermitLimit"] = Limit.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:Api:WindowSeconds"] = "3600",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Api_requests_past_the_limit_for_one_token_get_429_while_another_token_goes_on()
    {
        var tokens = _server.Get<ApiTokenService>();
        var busy = await tokens.CreateAsync(await _server.CreateUserAsync("api-busy"), "busy script");
        var calm = await tokens.CreateAsync(await _server.CreateUserAsync("api-calm"), "calm script");
        using var client = _server.CreateHttpClient(allowAutoRedirect: false);

        for (var i = 0; i < Limit; i++)
        {
            using var allowed = await client.SendAsync(Me(busy.Plaintext));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var refused = await client.SendAsync(Me(busy.Plaintext));
        using var other = await client.SendAsync(Me(calm.Plaintext));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = Assert.Single(refused.Headers.GetValues("Retry-After"));
        Assert.Equal($"Too many requests. Wait {retryAfter} seconds, then try again.", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Two_tokens_of_one_user_share_one_budget_and_the_user_s_cookie_pays_from_it_too()
    {
        var tokens = _server.Get<ApiTokenService>();
        var owner = await _server.CreateUserAsync("api-two-tokens");
        var first = await tokens.CreateAsync(owner, "first script");
        var second = await tokens.CreateAsync(owner, "second script");
        using var client = _server.CreateHttpClient(allowAutoRedirect: false);

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < Limit; i++)
        {
            using var response = await client.SendAsync(Me(i % 2 == 0 ? first.Plaintext : second.Plaintext));
            statuses.Add(response.StatusCode);
        }
        using var fresh = await client.SendAsync(Me(second.Plaintext));
        using var cookieRequest = new HttpRequestMessage(HttpMethod.Get, ApiTokenDefaults.ApiPath + "/me");
        cookieRequest.Headers.Add("Cookie", await _server.SignInCookieAsync("api-two-tokens", AppServer.AnnotatorPassword));
        using var byCookie = await client.SendAsync(cookieRequest);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(HttpStatusCode.TooManyRequests, fresh.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, byCookie.StatusCode);
    }

    private static HttpRequestMessage Me(string token) => new(HttpMethod.Get, ApiTokenDefaults.ApiPath + "/me")
    {
        Headers = { Authorization = new AuthenticationHeaderValue("Bearer", token) },
    };
}
