using Microsoft.AspNetCore.Components;

namespace AnnotateHub.Web.Components.Account;

/// <summary>Where the sign-in page sends the user next: the page they came for, if it is a page of this app.</summary>
internal sealed class IdentityRedirectManager(NavigationManager navigationManager)
{
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
}
