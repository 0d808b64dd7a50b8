using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Hostile;

/// <summary>Malformed REST requests answer problem details with the reason and the right status; sign-in with a hostile
/// ReturnUrl lands on a page of the app.</summary>
public sealed partial class RestHostileInputTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    [Fact]
    public async Task Binding_failures_of_every_verb_answer_400_problem_details_with_the_reason_and_change_nothing()
    {
        var projectId = await server.CreateProjectAsync("rest hostile " + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, "Officials said at least ten US soldiers were injured at the base.");
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        // The app's own origin, as its pages send it: cookie requests that change something need it (decision 0045).
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        var before = await CountAsync(documentId);
        (HttpMethod Method, string Path, string? Body, HttpStatusCode Status, string Detail)[] requests =
        [
            (HttpMethod.Put, "/api/annotations/abc", "{\"expectedVersion\":1}", HttpStatusCode.BadRequest, "Failed to bind parameter \"long annotationId\" from \"abc\"."),
            (HttpMethod.Delete, "/api/annotations/abc?expectedVersion=1", null, HttpStatusCode.BadRequest, "Failed to bind parameter \"long annotationId\" from \"abc\"."),
            (HttpMethod.Delete, "/api/annotations/5", null, HttpStatusCode.BadRequest, "Required parameter \"int expectedVersion\" was not provided from query string."),
            (HttpMethod.Delete, "/api/annotations/5?expectedVersion=x", null, HttpStatusCode.BadRequest, "Failed to bind parameter \"int expectedVersion\" from \"x\"."),
            (HttpMethod.Post, "/api/documents/abc/annotations", "{\"start\":0,\"end\":5,\"label\":\"claim\"}", HttpStatusCode.BadRequest, "Failed to bind parameter \"int documentId\" from \"abc\"."),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "{\"start\":true,\"end\":5,\"label\":\"claim\"}", HttpStatusCode.BadRequest, "The request body has a value of the wrong type at $.start (see docs/api.md"),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "{\"start\":0,", HttpStatusCode.BadRequest, "The request body is not valid JSON"),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "[1,2]", HttpStatusCode.BadRequest, "The request body"),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "{\"start\":0,\"end\":5,\"label\":\"\\ud800\"}", HttpStatusCode.BadRequest, "The request body"),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "{\"start\":-1,\"end\":5,\"label\":\"claim\"}", HttpStatusCode.UnprocessableEntity, "start -1 is negative."),
            (HttpMethod.Post, $"/api/documents/{documentId}/annotations", "{\"start\":0,\"end\":5,\"label\":\"nope\"}", HttpStatusCode.UnprocessableEntity, "Unknown label \"nope\""),
            (HttpMethod.Post, "/api/documents/2147483647/annotations", "{\"start\":0,\"end\":5,\"label\":\"claim\"}", HttpStatusCode.NotFound, "Document 2147483647 does not exist."),
            (HttpMethod.Put, "/api/annotations/999999", "{\"expectedVersion\":1}", HttpStatusCode.NotFound, "The annotation no longer exists"),
            (HttpMethod.Put, "/api/annotations/99999999999999999999", "{\"expectedVersion\":1}", HttpStatusCode.BadRequest, "Failed to bind parameter \"long annotationId\""),
            (HttpMethod.Get, "/api/projects/x/documents", null, HttpStatusCode.BadRequest, "Failed to bind parameter \"int projectId\" from \"x\"."),
            (HttpMethod.Patch, "/api/no/such/thing", null, HttpStatusCode.NotFound, "There is no API endpoint for PATCH /api/no/such/thing"),
        ];

        foreach (var (method, path, body, status, detail) in requests)
        {
            using var request = new HttpRequestMessage(method, path);
            if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            output.WriteLine($"{method} {path} -> {(int)response.StatusCode} {text}");
            Assert.Equal(status, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            using var json = JsonDocument.Parse(text);
            Assert.StartsWith(detail, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(before, await CountAsync(documentId));
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("http://evil.example/")]
    [InlineData("https:evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/projects\r\nSet-Cookie: x=1")]
    [InlineData("/\u0000")]
    [InlineData("http://[::1")]
    [InlineData("\ud800")]
    [InlineData(null)]
    public async Task A_hostile_return_url_after_a_correct_password_lands_on_the_home_page(string? returnUrl)
    {
        returnUrl ??= "/" + new string('a', 3000); // past the 2,048 characters a return URL may have, within Kestrel's request line
        using var response = await SignInAsync(returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!;
        output.WriteLine($"{returnUrl[..Math.Min(60, returnUrl.Length)]} -> {location}");
        var target = location.IsAbsoluteUri ? location : new Uri(server.BaseAddress, location);
        Assert.Equal(server.BaseAddress.Authority, target.Authority);
        Assert.Equal("/", target.AbsolutePath);
    }

    [Theory]
    [InlineData("/projects", "/projects")]
    [InlineData("projects?tab=team", "/projects")]
    public async Task A_return_url_of_the_app_is_followed(string returnUrl, string path)
    {
        using var response = await SignInAsync(returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(path, new Uri(server.BaseAddress, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task An_absolute_return_url_of_this_app_as_RedirectToLogin_sends_it_is_followed()
    {
        using var response = await SignInAsync(new Uri(server.BaseAddress, "/projects?tab=team").AbsoluteUri);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var target = new Uri(server.BaseAddress, response.Headers.Location!);
        Assert.Equal((server.BaseAddress.Authority, "/projects", "?tab=team"), (target.Authority, target.AbsolutePath, target.Query));
    }

    private async Task<HttpResponseMessage> SignInAsync(string returnUrl)
    {
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = server.BaseAddress };
        using var form = await client.GetAsync("/Account/Login");
        form.EnsureSuccessStatusCode();
        var html = await form.Content.ReadAsStringAsync();
        var fields = new Dictionary<string, string>
        {
            ["Input.UserName"] = AppServer.AdminUserName, ["Input.Password"] = AppServer.AdminPassword, ["_handler"] = "login",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value),
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login?ReturnUrl=" + Uri.EscapeDataString(returnUrl));
        var cookies = form.Headers.TryGetValues("Set-Cookie", out var values) ? values.Select(c => c.Split(';')[0]) : [];
        post.Headers.Add("Cookie", string.Join("; ", cookies));
        post.Content = new FormUrlEncodedContent(fields);
        return await client.SendAsync(post);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    private async Task<int> CountAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.CountAsync(a => a.DocumentId == documentId) + await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId);
    }
}
