using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Features.Users;

public static class UserServiceExtensions
{
    /// <summary>Account administration for the admin page and the command line; every cookie request asks
    /// <see cref="CallerStanding"/> (registered with the feature services) too.</summary>
    public static IHostApplicationBuilder AddUserAdministration(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<UserAdminService>();
        // Before Identity's once-a-minute security stamp check: a lock or "end sessions" takes effect on the next request
        // (CallerStanding's cache is dropped by the change, here or in another process), not within the minute.
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
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
        return builder;
    }
}
