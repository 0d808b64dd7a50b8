using AnnotateHub.Web.Data;
using AnnotateHub.Web.Security;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.AspNetCore.Routing;

internal static class IdentityComponentsEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Sign-out is a form POST whose antiforgery token is checked here (a minimal endpoint that binds no form is not
    /// checked by UseAntiforgery), so another site's page cannot sign anyone out. It renews the user's security stamp:
    /// the old cookie, wherever a copy of it is, stops working at once (decision 0046).
    /// </summary>
    public static IEndpointConventionBuilder MapAdditionalIdentityEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var accountGroup = endpoints.MapGroup("/Account");
        accountGroup.MapPost("/Logout", async Task<IResult> (HttpContext http, [FromServices] IAntiforgery antiforgery,
            [FromServices] SignInManager<AppUser> signInManager, [FromServices] SessionStamps stamps,
            [FromServices] AnnotateHub.Web.Features.Users.UserAdminService accounts) =>
        {
            // Without a valid cookie there is no session to end (and a token made for the user would not match anyway).
            if (http.User.Identity?.IsAuthenticated == true)
            {
                if (!await antiforgery.IsRequestValidAsync(http))
                {
                    return TypedResults.Problem("Signing out needs the form on AnnotateHub's own pages; this request came without its antiforgery token.",
                        statusCode: StatusCodes.Status403Forbidden, title: "Cross-site request refused");
                }
                if (signInManager.UserManager.GetUserId(http.User) is { } userId)
                {
                    // Recorded as a rights change: open hub connections and circuits of the user end too (decision 0042).
                    await accounts.EndSessionsAsync(userId, http.RequestAborted);
                    stamps.Forget(userId);
                }
            }
            await signInManager.SignOutAsync();
            return TypedResults.LocalRedirect("~/Account/Login");
        });
        return accountGroup;
    }
}
