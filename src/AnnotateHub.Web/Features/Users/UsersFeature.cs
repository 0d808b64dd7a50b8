using AnnotateHub.Web.Data;
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
        // Beside Identity's own rules (AddAnnotateHubData): not a common word or the user name dressed up (decision 0012).
        // What IdentityBuilder.AddPasswordValidator registers, after Identity's default validator as before.
        services.AddScoped<IPasswordValidator<AppUser>, CommonPasswordValidator>();
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

    /// <summary>The first admin, made after the migrations by <see cref="DatabaseInitializer"/> (decision 0053). Register
    /// before the demo corpus's seeder: the demo project is this admin's.</summary>
    public static IServiceCollection AddFirstAdminSeeding(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<FirstAdminOptions>(configuration.GetSection(FirstAdminOptions.Section));
        services.AddScoped<IDatabaseSeeder, FirstAdminSeeder>();
        return services;
    }
}
