using System.Net;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;

namespace AnnotateHub.IntegrationTests;

public sealed partial class ServerTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public void Server_listens_on_the_loopback_address_only()
    {
        Assert.Equal("127.0.0.1", server.BaseAddress.Host);
        Assert.NotEqual(0, server.BaseAddress.Port);
    }

    [Theory]
    [InlineData("/_content/MudBlazor/MudBlazor.min.css", "text/css", ".mud-")]
    [InlineData("/_content/MudBlazor/MudBlazor.min.js", "text/javascript", "MudBlazor")]
    [InlineData("/js/annotator.js", "text/javascript", "window.annotateHub")]
    [InlineData("/js/curation.js", "text/javascript", "window.annotateHubCuration")]
    [InlineData("/_framework/blazor.web.js", "text/javascript", "Blazor")]
    public async Task Static_asset_is_served(string path, string mediaType, string expectedContent)
    {
        using var client = server.CreateHttpClient();
        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expectedContent, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_stylesheet_and_script_the_login_page_links_is_served()
    {
        using var client = server.CreateHttpClient();
        var html = await client.GetStringAsync("/Account/Login");
        var assets = AssetReference().Matches(html).Select(m => m.Groups["url"].Value).Distinct().ToList();

        Assert.Contains(assets, a => a.Contains("MudBlazor", StringComparison.Ordinal) && a.EndsWith(".css", StringComparison.Ordinal));
        Assert.Contains(assets, a => a.Contains("annotator", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            using var response = await client.GetAsync(asset.TrimStart('/'));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Anonymous_request_for_the_project_list_redirects_to_login()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location;
        Assert.NotNull(location);
        Assert.Equal("/Account/Login", new Uri(server.BaseAddress, location).AbsolutePath);
    }

    [Fact]
    public async Task Anonymous_request_for_a_document_redirects_to_login()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.GetAsync("/documents/1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", new Uri(server.BaseAddress, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task Login_page_is_served_to_anonymous_users()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.GetAsync("/Account/Login");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("id=\"username\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"password\"", html, StringComparison.Ordinal);
    }

    [GeneratedRegex("""<(?:link[^>]*\bhref|script[^>]*\bsrc)="(?<url>[^"]+\.(?:css|js))"[^>]*>""")]
    private static partial Regex AssetReference();
}
