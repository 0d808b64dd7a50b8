using System.Collections.Frozen;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace AnnotateHub.Web.Features.Users;

/// <summary>
/// Refuses passwords whose letters are only a word everyone tries first, or the user name, dressed up with digits and
/// symbols to pass the length and character-class rules ("Password123!", "Welcome2024!", "Alice-12345").
/// </summary>
public sealed class CommonPasswordValidator : IPasswordValidator<AppUser>
{
    public const string CommonCode = "CommonPassword";
    public const string UserNameCode = "PasswordIsUserName";

    // Bases of the most common leaked passwords (the digits and symbols people add are ignored when comparing).
    private static readonly FrozenSet<string> CommonWords = new[]
    {
        "password", "passw", "passwd", "pass", "pw", "pwd", "welcome", "qwerty", "qwertz", "azerty", "asdf", "asdfgh", "zxcvbn",
        "qwertyuiop", "letmein", "admin", "administrator", "root", "login", "changeme", "secret", "test", "testing", "guest",
        "user", "default", "master", "iloveyou", "monkey", "dragon", "sunshine", "princess", "football", "baseball", "soccer",
        "superman", "batman", "trustno", "whatever", "shadow", "michael", "jessica", "charlie", "abc", "abcd", "abcde",
        "abcdef", "abcdefg", "abcdefgh", "aa", "aaa", "aaaa", "qazwsx", "hello", "freedom", "starwars", "summer", "winter",
        "spring", "autumn", "january", "february", "march", "april", "june", "july", "august", "september", "october",
        "november", "december", "monday", "friday", "annotatehub", "annotate", "annotator", "company", "access", "computer",
    }.ToFrozenSet(StringComparer.Ordinal);

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var letters = Letters(password ?? "");
        if (CommonWords.Contains(letters))
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = CommonCode,
                Description = "Passwords must not be a common word with digits or symbols added; choose something less guessable.",
            }));
        }
        if (user.UserName is { Length: > 0 } name && Letters(name) is { Length: > 0 } nameLetters && letters == nameLetters)
        {
            return Task.FromResult(IdentityResult.Failed(new IdentityError
            {
                Code = UserNameCode,
                Description = "Passwords must not be the user name with digits or symbols added.",
            }));
        }
        return Task.FromResult(IdentityResult.Success);
    }

    private static string Letters(string text) => string.Concat(text.Where(char.IsLetter).Select(char.ToLowerInvariant));
}
