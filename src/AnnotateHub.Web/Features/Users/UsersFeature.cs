using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Features.Users;

public static class UsersFeature
{
    /// <summary>Account administration for the admin page and the command line, and <see cref="CallerStanding"/>, which
    /// every cookie request, circuit and hub call asks.</summary>
    public static IServiceCollection AddUsers(this IServiceCollection services)
    {
        services.AddSingleton<CallerStanding>();
        services.AddSingleton<UserAdminService>();
        // Before Identity's once-a-minute security stamp check: a lock or "end sessions" takes effect on the next request
        // (CallerStanding's cache is dropped by the change, here or in another process), not within the minute.
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            var validate = o.Events.OnValidatePrincipal;
            o.Events.OnValidatePrincipal = async context =>
            {
                var standing = context.HttpContext.RequestServices.GetRequiredService<CallerStanding>();
                if (context.Principal is { } principal && await standing.RefusalAsync(principal, ct: context.HttpContext.RequestAborted) is { } refusal)
                {
                    Security.SignedOutReason.Set(context.HttpContext, "You were signed out. " + refusal);
                    context.RejectPrincipal();
                    await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
                    return;
                }
                await validate(context);
            };
        });
        return services;
    }
}
