using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Components.Account;

public static class AccountServiceExtensions
{
    /// <summary>
    /// The Identity cookie (the pages' default scheme; API tokens add theirs in <c>AddApiTokens</c>), the sign-in state
    /// the pages cascade and revalidate, and authorization. Rate limits and session checks: <c>AddAnnotateHubSecurity</c>.
    /// </summary>
    public static IHostApplicationBuilder AddAnnotateHubAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddScoped<IdentityRedirectManager>();
        builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
        builder.Services.AddAuthentication(o =>
            {
                o.DefaultScheme = IdentityConstants.ApplicationScheme;
                o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        builder.Services.ConfigureApplicationCookie(o =>
        {
            o.LoginPath = "/Account/Login";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddAuthorization();
        return builder;
    }
}
