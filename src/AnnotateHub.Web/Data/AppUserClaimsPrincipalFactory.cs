using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Identity's claims (name, id, security stamp, roles) plus <see cref="MustChangePasswordClaim"/> for a user who has to set
/// their own password first, so the gate that keeps them on that page reads the cookie, not the database, on every request.
/// Identity makes the claims again at sign-in, at a refresh after the password is set, and at its once-a-minute check.
/// </summary>
public sealed class AppUserClaimsPrincipalFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    public const string MustChangePasswordClaim = "annotatehub:must-change-password";

    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (user.MustChangePassword) identity.AddClaim(new Claim(MustChangePasswordClaim, "true"));
        return identity;
    }
}
