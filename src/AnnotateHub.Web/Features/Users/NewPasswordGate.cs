using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Components.Endpoints;

namespace AnnotateHub.Web.Features.Users;

/// <summary>
/// Keeps a user who must set their own password (<see cref="AppUser.MustChangePassword"/>, the first admin with a seeded
/// or generated one: decision 0085) on the "Set a new password" page until they have: every other page sends them there
/// (and back where they were going afterwards), and /api, the hubs and the circuits refuse them with 403. Sign-out and
/// static files stay open. It reads the claim the cookie carries (<see cref="AppUserClaimsPrincipalFactory"/>).
/// </summary>
public static class NewPasswordGate
{
    /// <summary>The page that sets the new password (Components/Account/Pages/NewPasswordPage.razor).</summary>
    public const string PagePath = "/Account/NewPassword";

    /// <summary>After authentication and authorization (UseAnnotateHubSecurity), before the endpoints.</summary>
    public static WebApplication UseNewPasswordGate(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (!context.User.HasClaim(c => c.Type == AppUserClaimsPrincipalFactory.MustChangePasswordClaim))
            {
                await next(context);
                return;
            }
            var path = context.Request.Path;
            if (path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor"))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                await Results.Problem(title: "Set a new password first",
                    detail: $"This account signed in with a one-time password: set your own on {PagePath} first.",
                    statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
                return;
            }
            if (context.GetEndpoint()?.Metadata.GetMetadata<ComponentTypeMetadata>() is not null
                && !path.Equals(PagePath, StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Redirect(PagePath + "?ReturnUrl=" + Uri.EscapeDataString(path + context.Request.QueryString));
                return;
            }
            await next(context);
        });
        return app;
    }
}
