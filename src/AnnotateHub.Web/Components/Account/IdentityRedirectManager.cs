using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;
using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Components.Account;

internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
    public const string StatusCookieName = "Identity.StatusMessage";

    private static readonly CookieBuilder StatusCookieBuilder = new()
    {
        SameSite = SameSiteMode.Strict,
        HttpOnly = true,
        IsEssential = true,
        MaxAge = TimeSpan.FromSeconds(5),
    };

    public void RedirectTo(string? uri)
    {
        navigationManager.NavigateTo(LocalOrHome(uri));
    }

    /// <summary>
    /// Where a redirect may go: a path of this app, else its home page. Refuses what the template's check let through to
    /// a 500 or off the site: other origins (<c>http://x</c>, <c>//evil</c>, <c>/\evil</c>, which browsers read as
    /// <c>//evil</c>), schemes such as <c>javascript:</c>, control characters and over-long values.
    /// </summary>
    private string LocalOrHome(string? uri)
    {
        const string home = "/";
        if (string.IsNullOrEmpty(uri)) return home;
        if (uri.Length > 2048 || uri.Contains('\\') || uri.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || char.IsSurrogate(c))) return home;
        var colon = uri.IndexOf(':');
        var pathStart = uri.IndexOfAny(['/', '?', '#']);
        if (colon >= 0 && (pathStart < 0 || colon < pathStart))
        {
            // A scheme: only an absolute URL of this very app is followed (as its path), never another site or javascript:.
            var baseUri = new Uri(navigationManager.BaseUri);
            return Uri.TryCreate(uri, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
                && Uri.Compare(absolute, baseUri, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
                && absolute.AbsoluteUri.StartsWith(navigationManager.BaseUri, StringComparison.OrdinalIgnoreCase)
                ? "/" + navigationManager.ToBaseRelativePath(absolute.AbsoluteUri)
                : home;
        }
        if (uri.StartsWith("//", StringComparison.Ordinal) || !Uri.IsWellFormedUriString(uri, UriKind.Relative)) return home;
        return uri;
    }

    public void RedirectTo(string uri, Dictionary<string, object?> queryParameters)
    {
        var uriWithoutQuery = navigationManager.ToAbsoluteUri(uri).GetLeftPart(UriPartial.Path);
        var newUri = navigationManager.GetUriWithQueryParameters(uriWithoutQuery, queryParameters);
        RedirectTo(newUri);
    }

    public void RedirectToWithStatus(string uri, string message, HttpContext context)
    {
        context.Response.Cookies.Append(StatusCookieName, message, StatusCookieBuilder.Build(context));
        RedirectTo(uri);
    }

    private string CurrentPath => navigationManager.ToAbsoluteUri(navigationManager.Uri).GetLeftPart(UriPartial.Path);

    public void RedirectToCurrentPage() => RedirectTo(CurrentPath);

    public void RedirectToCurrentPageWithStatus(string message, HttpContext context)
        => RedirectToWithStatus(CurrentPath, message, context);

    public void RedirectToInvalidUser(UserManager<AppUser> userManager, HttpContext context)
        => RedirectToWithStatus("Account/InvalidUser", $"Error: Unable to load user with ID '{userManager.GetUserId(context.User)}'.", context);
}
