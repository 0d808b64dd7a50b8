using System.Security.Cryptography;

namespace AnnotateHub.Web.Features.Users;

/// <summary>Random passwords for new accounts and resets: four groups of five characters, about 110 bits.</summary>
public static class PasswordGenerator
{
    // No 0/O, 1/l/I: the password is read off a screen and typed by a person.
    private const string Alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string Generate()
    {
        while (true)
        {
            var groups = Enumerable.Range(0, 4).Select(_ => string.Concat(Enumerable.Range(0, 5).Select(_ => Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)])));
            var password = string.Join('-', groups); // the hyphens are the symbol the policy asks for
            // The policy also wants a digit, an upper- and a lower-case letter; almost every draw has them.
            if (password.Any(char.IsDigit) && password.Any(char.IsUpper) && password.Any(char.IsLower)) return password;
        }
    }
}
