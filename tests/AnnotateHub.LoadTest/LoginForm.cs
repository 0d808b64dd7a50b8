using System.Net;
using System.Text.RegularExpressions;

namespace AnnotateHub.LoadTest;

/// <summary>
/// Signs in the way a browser does: GET /Account/Login, post the form back with its antiforgery token and
/// handler name, and keep the Identity cookie. The field names are read from the page, not assumed.
/// </summary>
internal static partial class LoginForm
{
    public const string IdentityCookie = ".AspNetCore.Identity.Application";

    public static async Task<CookieContainer> SignInAsync(Uri baseAddress, string userName, string password, CancellationToken ct)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var page = await http.GetStringAsync("/Account/Login", ct);
        var form = FormRegex().Matches(page).Select(m => m.Value).FirstOrDefault(f => f.Contains("__RequestVerificationToken", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("GET /Account/Login has no form with an antiforgery token.");

        var fields = new List<KeyValuePair<string, string>>();
        string? userField = null, passwordField = null;
        foreach (Match input in InputRegex().Matches(form))
        {
            var tag = input.Value;
            var name = Attribute(tag, "name");
            if (name is null) continue;
            var type = Attribute(tag, "type")?.ToLowerInvariant() ?? "text";
            if (type is "checkbox" or "radio" or "submit" or "button") continue; // unchecked: not posted
            if (type == "password") { passwordField = name; continue; }
            if (type == "hidden") { fields.Add(new(name, Attribute(tag, "value") ?? "")); continue; }
            if (userField is null && name.Contains("user", StringComparison.OrdinalIgnoreCase)) { userField = name; continue; }
            fields.Add(new(name, Attribute(tag, "value") ?? ""));
        }
        if (userField is null || passwordField is null)
            throw new InvalidOperationException("The sign-in form has no user-name or password field.");
        fields.Add(new(userField, userName));
        fields.Add(new(passwordField, password));

        var action = Attribute(FormOpeningRegex().Match(form).Value, "action");
        var postTo = string.IsNullOrEmpty(action) ? new Uri(baseAddress, "/Account/Login") : new Uri(new Uri(baseAddress, "/Account/Login"), action);
        using var response = await http.PostAsync(postTo, new FormUrlEncodedContent(fields), ct);
        var signedIn = cookies.GetCookies(baseAddress).Any(c => c.Name == IdentityCookie);
        if (!signedIn)
        {
            var body = await response.Content.ReadAsStringAsync(ct);
            var error = ErrorRegex().Match(body) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value.Trim()) : $"HTTP {(int)response.StatusCode}";
            throw new InvalidOperationException($"Signing in as '{userName}' failed: {error}");
        }
        return cookies;
    }

    private static string? Attribute(string tag, string name)
    {
        var m = Regex.Match(tag, $"""\s{name}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", RegexOptions.IgnoreCase);
        if (!m.Success) return null;
        var raw = m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Success ? m.Groups[2].Value : m.Groups[3].Value;
        return WebUtility.HtmlDecode(raw);
    }

    [GeneratedRegex("<form\\b[^>]*>.*?</form>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex FormRegex();

    [GeneratedRegex("<form\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex FormOpeningRegex();

    [GeneratedRegex("<input\\b[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InputRegex();

    [GeneratedRegex("data-testid=\"login-error\"[^>]*>(.*?)<", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex ErrorRegex();
}
