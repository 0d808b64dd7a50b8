using System.Security.Claims;

namespace AnnotateHub.Web.Components.Shared;

public static class CurrentUser
{
    /// <summary>The signed-in user's id; pages under [Authorize] always have one.</summary>
    public static string Id(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user.");
}
