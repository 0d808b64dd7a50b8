using System.Net;
using AnnotateHub.IntegrationTests.Infrastructure;

namespace AnnotateHub.IntegrationTests.Security;

public sealed class SecurityHeadersTests(AppServer server) : IClassFixture<AppServer>
{
    private const string ExpectedPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

    [Theory]
    [InlineData("/Account/Login", HttpStatusCode.OK)]
    [InlineData("/", HttpStatusCode.Redirect)]
    [InlineData("/_framework/blazor.web.js", HttpStatusCode.OK)]
    [InlineData("/app.css", HttpStatusCode.OK)]
    [InlineData("/api/me", HttpStatusCode.Unauthorized)]
    [InlineData("/no/such/page", HttpStatusCode.NotFound)]
    public async Task Every_response_carries_the_security_headers(string path, HttpStatusCode status)
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.GetAsync(path);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(ExpectedPolicy, Header(response, "Content-Security-Policy"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("same-origin", Header(response, "Cross-Origin-Opener-Policy"));
        Assert.Equal("accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()",
            Header(response, "Permissions-Policy"));
    }

    [Fact]
    public async Task Pages_have_no_inline_script_the_policy_would_block()
    {
        using var client = server.CreateHttpClient();
        var html = await client.GetStringAsync("/Account/Login");

        // Every <script> loads a file from our origin: an inline one (such as Blazor's import map) would be refused.
        var scripts = System.Text.RegularExpressions.Regex.Matches(html, "<script\\b[^>]*>").Select(m => m.Value).ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, tag => Assert.Matches("\\bsrc=\"[^\":]+\"", tag));
    }

    [Fact]
    public async Task Development_over_http_sends_no_HSTS()
    {
        using var client = server.CreateHttpClient();
        using var response = await client.GetAsync("/Account/Login");

        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Production_over_https_sends_HSTS_for_a_year()
    {
        await using var app = new ProductionApp();
        using var client = app.CreateHttpsClient();
        using var response = await client.GetAsync("/Account/Login");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("max-age=31536000", Header(response, "Strict-Transport-Security"));
        Assert.Equal(ExpectedPolicy, Header(response, "Content-Security-Policy"));
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(", ", values)
            : $"(no {name} header)";
}
