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

    /// <summary>Fetches the form, then posts it; <paramref name="withAntiforgery"/> false leaves out the token and its cookie.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string userName, string password, bool withAntiforgery = true)
    {
        using var form = await client.GetAsync("/Account/Login");
        form.EnsureSuccessStatusCode();
        var html = await form.Content.ReadAsStringAsync();
        var fields = new Dictionary<string, string>
        {
            ["Input.UserName"] = userName, ["Input.Password"] = password, ["_handler"] = "login",
        };
        using var post = new HttpRequestMessage(HttpMethod.Post, "/Account/Login");
        if (withAntiforgery)
        {
            fields["__RequestVerificationToken"] = WebUtility.HtmlDecode(TokenField().Match(html).Groups[1].Value);
            post.Headers.Add("Cookie", string.Join("; ", SetCookies(form).Select(c => c.Split(';')[0])));
        }
        post.Content = new FormUrlEncodedContent(fields);
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
