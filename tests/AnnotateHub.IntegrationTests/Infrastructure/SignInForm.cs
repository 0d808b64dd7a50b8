using System.Net;
using System.Text.RegularExpressions;

namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// The sign-in form posted the way a browser does, with the cookies handled by hand so a test sees every Set-Cookie:
/// GET /Account/Login (antiforgery cookie and token), then POST the form back.
/// </summary>
internal static partial class SignInForm
{
    public const string IdentityCookie = ".AspNetCore.Identity.Application";

    /// <summary>A client that neither follows redirects nor keeps cookies.</summary>
    public static HttpClient CreateClient(Uri baseAddress) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = baseAddress };

    /// <summary>Fetches the form, then posts it; <paramref name="withAntiforgery"/> false leaves out the token and its cookie.
    /// <paramref name="from"/> is sent as X-Forwarded-For (the client address when the server trusts 127.0.0.1 as a proxy).</summary>
    public static Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password, bool withAntiforgery = true,
        string? from = null, Action? beforePost = null) =>
        PostFieldsAsync(client, [new("Input.UserName", userName), new("Input.Password", password)], withAntiforgery, from, beforePost: beforePost);

    /// <summary>Fetches the form, then posts exactly <paramref name="fields"/> (repeats kept) with the handler and token,
    /// to /Account/Login plus <paramref name="query"/>; <paramref name="beforePost"/> runs just before the POST is sent.</summary>
    public static async Task<HttpResponseMessage> PostFieldsAsync(HttpClient client, IEnumerable<KeyValuePair<string, string>> fields,
        bool withAntiforgery = true, string? from = null, string query = "", Action? beforePost = null)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/Account/Login");
        if (from is not null) get.Headers.Add("X-Forwarded-For", from);
        using var form = await client.SendAsync(get);
        form.EnsureSuccessStatusCode();
        var html = await form.Content.ReadAsStringAsync();
        var posted = fields.Append(new("_handler", "login")).ToList();
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login" + query);
        if (from is not null) post.Headers.Add("X-Forwarded-For", from);
        if (withAntiforgery)
        {
            posted.Add(new("__RequestVerificationToken", WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value)));
            post.Headers.Add("Cookie", string.Join("; ", SetCookies(form).Select(c => c.Split(';')[0])));
        }
        post.Content = new FormUrlEncodedContent(posted);
        beforePost?.Invoke();
        return await client.SendAsync(post);
    }

    /// <summary>The response's Set-Cookie header values.</summary>
    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    /// <summary>The Set-Cookie value that sets <paramref name="name"/> (not one that deletes it), if any.</summary>
    public static string? SetCookie(HttpResponseMessage response, string name) =>
        SetCookies(response).FirstOrDefault(c => c.StartsWith(name + "=", StringComparison.Ordinal) && !c.StartsWith(name + "=;", StringComparison.Ordinal));

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
