using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Security;

public static class SecurityServiceExtensions
{
    /// <summary>Rate limits, the antiforgery cookie's attributes, HSTS, and how soon a sign-out, lock or role change reaches open sessions.</summary>
    public static IHostApplicationBuilder AddAnnotateHubSecurity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRequestRateLimits(builder.Configuration);
        builder.Services.AddSignInLimits(builder.Configuration);
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        builder.Services.AddHsts(o => o.MaxAge = TimeSpan.FromDays(365));
        // A locked, demoted or re-passworded user's cookie is checked against the database at most a minute later.
        builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
        // ...and against the cached stamp on every request, so a signed-out cookie stops working at once (decision 0046).
        builder.Services.AddSingleton<SessionStamps>();
        builder.Services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, SessionStamps.ValidateEveryRequest);
        return builder;
    }

    /// <summary>
    /// Call first. The client's address from a configured proxy (before anything reads it), security headers (before
    /// anything can answer, so sign-in redirects and 401s carry them too), HSTS outside Development, authentication, the
    /// cross-site request check (decision 0045), the rate limits (after authentication: /api is limited per user), the
    /// refusal of ambiguous sign-in forms, then authorization. Calling UseAuthentication/UseAuthorization here stops
    /// WebApplication adding them ahead of the headers.
    /// </summary>
    public static WebApplication UseAnnotateHubSecurity(this WebApplication app)
    {
        app.UseClientAddressFromProxy();
        app.UseSecurityHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        app.UseAuthentication();
        app.UseCrossSiteRequestCheck();
        app.UseRequestRateLimits();
        app.UseSignInFormCheck();
        app.UseAuthorization();
        return app;
    }
}
