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
}

/// <summary>
/// Makes the first admin (and the Admin role) on the first start, printing a generated password once; later starts find
/// the account and leave it alone. Runs after the migrations (<see cref="DatabaseInitializer"/>), before the demo corpus,
/// which belongs to this admin.
/// </summary>
public sealed class FirstAdminSeeder(UserManager<AppUser> users, RoleManager<IdentityRole> roles, AnnotateHubDbContext db,
    IOptions<FirstAdminOptions> options) : IDatabaseSeeder
{
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

        var password = string.IsNullOrEmpty(options.Value.AdminPassword) ? PasswordGenerator.Generate() : options.Value.AdminPassword;
        var admin = new AppUser { UserName = name, DisplayName = "Administrator", EmailConfirmed = true };
        Check(await users.CreateAsync(admin, password));
        Check(await users.AddToRoleAsync(admin, AppRoles.Admin));
        if (string.IsNullOrEmpty(options.Value.AdminPassword))
        {
            // Printed once, on the run that creates the account; it is not stored anywhere in clear.
            Console.WriteLine();
            Console.WriteLine("==================================================================");
            Console.WriteLine($"  First run: sign in as '{name}' with password: {password}");
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
