namespace AnnotateHub.Web.Security;

/// <summary>
/// Why a request's sign-in cookie was refused (the account locked or removed, its sessions ended), kept for that one
/// request so the sign-in page it lands on can say so: a person sent back to sign in without a word thinks the app
/// broke. Set by the cookie checks (<see cref="SessionStamps"/>, the users feature's standing check).
/// </summary>
public static class SignedOutReason
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string reason) => context.Items[Key] = reason;

    public static string? Get(HttpContext context) => context.Items[Key] as string;
}
