namespace AnnotateHub.Web.Features.Users;

/// <summary>The password policy (Identity's options in AddAnnotateHubData and <see cref="CommonPasswordValidator"/>,
/// decision 0012) in words, for the pages that ask for a new password.</summary>
public static class PasswordRules
{
    public const string Text = "At least 10 characters, with upper and lower case letters, a digit and a symbol; "
        + "not a common word or your user name with digits added.";
}
