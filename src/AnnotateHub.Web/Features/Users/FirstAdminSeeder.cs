using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Features.Users;

/// <summary>The first admin's part of the <c>Seed</c> section of the configuration (decision 0006).</summary>
public sealed class FirstAdminOptions
{
    public const string Section = "Seed";
    public string AdminUserName { get; set; } = "admin";
    /// <summary>When empty, the first run makes a random password and prints it once.</summary>
    public string? AdminPassword { get; set; }
    /// <summary>
    /// Whether the first admin must set a new password at first sign-in (decision 0085). Unset: yes for a generated
    /// password, and for a chosen one outside Development (it sits in a deployment's environment or scripts); false lets
    /// test and benchmark servers sign in with the password they chose.
    /// </summary>
    public bool? AdminMustChangePassword { get; set; }
}

/// <summary>
/// Makes the first admin (and the Admin role) on the first start, printing a generated password once; later starts find
/// the account and leave it alone. Runs after the migrations (<see cref="DatabaseInitializer"/>), before the demo corpus,
/// which belongs to this admin.
/// </summary>
public sealed class FirstAdminSeeder(UserManager<AppUser> users, RoleManager<IdentityRole> roles, AnnotateHubDbContext db,
    IOptions<FirstAdminOptions> options, IHostEnvironment environment) : IDatabaseSeeder
{
    /// <summary>
    /// Null when <c>Seed:AdminPassword</c> is unset or passes the password policy (Identity's rules and
    /// <see cref="CommonPasswordValidator"/>); otherwise the paragraph Program.cs prints on stderr before it exits with 1.
    /// Asked before the server starts, whether or not the admin exists yet: a weak value there is a mistake either way.
    /// Reads no database.
    /// </summary>
    public static async Task<string?> SeedPasswordRefusalAsync(IServiceProvider services)
    {
        var seed = services.GetRequiredService<IOptions<FirstAdminOptions>>().Value;
        if (string.IsNullOrEmpty(seed.AdminPassword)) return null;
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var candidate = new AppUser { UserName = seed.AdminUserName };
        var reasons = new List<string>();
        foreach (var validator in users.PasswordValidators)
            reasons.AddRange((await validator.ValidateAsync(users, candidate, seed.AdminPassword)).Errors.Select(e => e.Description));
        if (reasons.Count == 0) return null;
        var length = users.Options.Password.RequiredLength;
        return $"AnnotateHub did not start: the first admin's password in Seed:AdminPassword (the environment variable "
            + $"Seed__AdminPassword) is too weak. {string.Join(" ", reasons)} Choose one of at least {length} characters with upper "
            + "and lower case letters, a digit and a symbol that is not a common word or the user name, or leave Seed__AdminPassword "
            + "unset: the first start then makes a password and prints it once. Nothing was changed.";
    }

    public async Task SeedAsync(CancellationToken ct)
    {
        // One transaction (Identity's stores share the scope's context): a start killed between creating the account
        // and granting the role leaves no admin who is not an admin; the next start makes it again.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (!await roles.RoleExistsAsync(AppRoles.Admin))
            Check(await roles.CreateAsync(new IdentityRole(AppRoles.Admin)));

        var name = options.Value.AdminUserName;
        if (await users.FindByNameAsync(name) is not null)
        {
            await transaction.CommitAsync(ct);
            return;
        }

        var generated = string.IsNullOrEmpty(options.Value.AdminPassword);
        var password = generated ? PasswordGenerator.Generate() : options.Value.AdminPassword!;
        var admin = new AppUser
        {
            UserName = name, DisplayName = "Administrator", EmailConfirmed = true,
            MustChangePassword = options.Value.AdminMustChangePassword ?? (generated || !environment.IsDevelopment()),
        };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, AppRoles.Admin));
        if (generated)
        {
            // Printed once, on the run that creates the account; it is not stored anywhere in clear.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine($"  First run: sign in as '{name}' with password: {password}");
            if (admin.MustChangePassword) Console.WriteLine("  (a one-time password: you choose your own at the first sign-in)");
            Console.WriteLine("==================================================================");
            Console.WriteLine();
        }
        // After printing: killed in between, the next start prints a new password rather than none.
        await transaction.CommitAsync(ct);
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }
}
