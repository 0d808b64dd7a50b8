using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Data;

/// <summary>
/// Identity's sign-in manager with the same work whatever the name (decision 0048): an unknown name is checked
/// against a dummy hash, and a locked account's password is checked before the lock is told, so neither the answer
/// nor its time says which names exist or are locked.
/// </summary>
public sealed class AppSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // Made once per process with the app's hasher, so checking it costs what checking a real user's hash costs.
    private static string? _dummyHash;

    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null)
        {
            var dummy = _dummyHash ??= UserManager.PasswordHasher.HashPassword(new AppUser(), Guid.NewGuid().ToString("N"));
            UserManager.PasswordHasher.VerifyHashedPassword(new AppUser(), dummy, password);
            return SignInResult.Failed;
        }
        if (await IsLockedOut(user))
        {
            // Only someone who knows the password learns that the account is locked.
            return await UserManager.CheckPasswordAsync(user, password) ? SignInResult.LockedOut : SignInResult.Failed;
        }
        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure);
    }
}
