using AnnotateHub.Web.Features.Annotations;
using System.Net;
using System.Reflection;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Routing;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>An anonymous visitor reaches the sign-in page and nothing else: every routable page of the web assembly,
/// every /api endpoint and the hub are checked, so a page added later without [Authorize] fails here.</summary>
public sealed partial class AnonymousAccessTests(AppServer server) : IClassFixture<AppServer>
{
    /// <summary>The only pages an anonymous visitor may see.</summary>
    private static readonly string[] AnonymousPages = ["/Account/AccessDenied", "/Account/Lockout", "/Account/Login", "/Error", "/not-found"];

    public static TheoryData<string> ProtectedPages() => new(Routes().Where(r => !r.AllowsAnonymous).Select(r => r.Template));

    [Fact]
    public void Only_the_account_and_error_pages_allow_anonymous_visitors()
    {
        var routes = Routes();

        Assert.Equal(AnonymousPages, routes.Where(r => r.AllowsAnonymous).Select(r => r.Template).Order(StringComparer.Ordinal));
        Assert.Contains(routes, r => r.Template == "/");
        Assert.Contains(routes, r => r.Template == "/admin/users");
    }

    [Theory]
    [MemberData(nameof(ProtectedPages))]
    public async Task Anonymous_GET_of_a_page_redirects_to_the_sign_in_page(string template)
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.GetAsync(Fill(template));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/Account/Login", new Uri(server.BaseAddress, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task Anonymous_requests_to_every_api_endpoint_get_401()
    {
        var endpoints = server.Get<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.OrdinalIgnoreCase) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["GET"])
                .Select(m => (Method: m, Path: Fill(e.RoutePattern.RawText!))))
            .ToList();
        Assert.NotEmpty(endpoints);
        using var client = server.CreateHttpClient(allowAutoRedirect: false);

        foreach (var (method, path) in endpoints)
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path);
            if (method is "POST" or "PUT" or "PATCH") request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            using var response = await client.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {path} answered {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task Anonymous_hub_negotiation_gets_401()
    {
        using var client = server.CreateHttpClient(allowAutoRedirect: false);
        using var response = await client.PostAsync(AnnotationHub.Path + "/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private sealed record PageRoute(string Template, bool AllowsAnonymous);

    private static List<PageRoute> Routes() => typeof(Program).Assembly.GetTypes()
        .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract)
        .SelectMany(t => t.GetCustomAttributes<RouteAttribute>().Select(r => new PageRoute(r.Template, t.IsDefined(typeof(AllowAnonymousAttribute), inherit: true))))
        .OrderBy(r => r.Template, StringComparer.Ordinal)
        .ToList();

    /// <summary>A template with each parameter replaced by 1 (a valid int, and a valid string).</summary>
    private static string Fill(string template) => RouteParameter().Replace(template, "1");

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
