namespace AnnotateHub.Web.Features.Tokens;

public static class ApiTokenDefaults
{
    /// <summary>The authentication scheme that reads <c>Authorization: Bearer ah_…</c> (and <c>access_token</c> on /hubs/).</summary>
    public const string AuthenticationScheme = "ApiToken";

    /// <summary>Authorization policy for endpoints that programs use: the sign-in cookie or an API token.</summary>
    public const string CookieOrToken = "CookieOrToken";

    /// <summary>The claim that names the token a request (or hub connection) signed in with: its id.</summary>
    public const string TokenIdClaim = "annotatehub:token";

    /// <summary>Paths where the query string may carry the token: browsers cannot set headers on WebSockets.</summary>
    public const string HubsPath = "/hubs";

    /// <summary>Paths answered with 401/403 instead of a redirect to the sign-in page.</summary>
    public const string ApiPath = "/api";
}
