using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Another web site on another 127.0.0.1 port: the same site as the app (so SameSite=Strict cookies go along), not the
/// same origin. It serves whatever pages a test gives it, such as a form that submits itself to the app.
/// </summary>
internal sealed class OtherSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _pages = new(StringComparer.Ordinal);

    private OtherSite(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public static async Task<OtherSite> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(o => o.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        OtherSite? site = null;
        app.MapGet("/{name}", (string name) => site!._pages.TryGetValue(name, out var html)
            ? Results.Content(html, "text/html; charset=utf-8")
            : Results.NotFound());
        await app.StartAsync();
        site = new OtherSite(app, new Uri(app.Urls.Single()));
        return site;
    }

    /// <summary>Serves <paramref name="html"/> at /<paramref name="name"/> and returns its address.</summary>
    public Uri Serve(string name, string html)
    {
        _pages[name] = html;
        return new Uri(BaseAddress, name);
    }

    /// <summary>A page whose only form posts <paramref name="fields"/> to <paramref name="action"/> as soon as it loads.</summary>
    public Uri ServeAutoSubmit(string name, Uri action, string enctype, params (string Name, string Value)[] fields)
    {
        var inputs = string.Concat(fields.Select(f =>
            $"<textarea name=\"{WebUtility.HtmlEncode(f.Name)}\">{WebUtility.HtmlEncode(f.Value)}</textarea>"));
        return Serve(name, $"""
            <!doctype html><html><body>
            <form method="post" action="{WebUtility.HtmlEncode(action.ToString())}" enctype="{enctype}">{inputs}</form>
            <script>document.forms[0].submit();</script>
            </body></html>
            """);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
