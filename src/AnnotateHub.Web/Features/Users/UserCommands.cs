using AnnotateHub.Web.CommandLine;

namespace AnnotateHub.Web.Features.Users;

// The "users ..." commands of the command line (docs/decisions/0009). Each is a thin shell over UserAdminService,
// the same service the admin page uses, so both refuse the same things with the same messages.

public sealed class UsersAddCommand : Command
{
    public override string Name => "users add";
    public override string Summary => "Create a user; without a password, a strong one is generated and printed once.";
    public override IReadOnlyList<string> Parameters => ["NAME"];
    public override IReadOnlyList<CommandOption> Options =>
    [
        UserCommandOptions.Role,
        new("--display-name", "TEXT", "the name shown next to the user's spans (default: NAME)"),
        UserCommandOptions.Password,
        UserCommandOptions.PasswordStdin,
    ];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var isAdmin = UserCommandOptions.ReadRole(context.Arguments) ?? false;
        var (password, generated) = UserCommandOptions.ReadPassword(context, generateIfMissing: true);
        var result = await context.Services.GetRequiredService<UserAdminService>()
            .CreateAsync(name, context.Arguments.Value("--display-name"), password, isAdmin, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);

        context.Out.WriteLine($"Created user '{name}'{(isAdmin ? " (admin)" : "")}.");
        if (generated) context.Out.WriteLine($"Password (shown once, not stored in clear): {password}");
        return ExitCodes.Ok;
    }
}

public sealed class UsersListCommand : Command
{
    public override string Name => "users list";
    public override string Summary => "List users: name, display name, admin, locked out.";

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var users = await context.Services.GetRequiredService<UserAdminService>().ListAsync(ct);
        var rows = users.Select(u => new[] { u.UserName, u.DisplayName ?? "", u.IsAdmin ? "yes" : "no", u.IsLockedOut ? "yes" : "no" }).ToList();
        string[] header = ["NAME", "DISPLAY NAME", "ADMIN", "LOCKED OUT"];
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        foreach (var row in rows.Prepend(header))
            context.Out.WriteLine(string.Join("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).TrimEnd());
        return ExitCodes.Ok;
    }
}

public sealed class UsersSetPasswordCommand : Command
{
    public override string Name => "users set-password";
    public override string Summary => "Give a user a new password (ends their sessions); without one, a strong one is generated.";
    public override IReadOnlyList<string> Parameters => ["NAME"];
    public override IReadOnlyList<CommandOption> Options => [UserCommandOptions.Password, UserCommandOptions.PasswordStdin];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var (password, generated) = UserCommandOptions.ReadPassword(context, generateIfMissing: true);
        var result = await context.Services.GetRequiredService<UserAdminService>().SetPasswordAsync(name, password, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);

        context.Out.WriteLine($"Password of '{name}' changed.");
        if (generated) context.Out.WriteLine($"Password (shown once, not stored in clear): {password}");
        return ExitCodes.Ok;
    }
}

public sealed class UsersSetRoleCommand : Command
{
    public override string Name => "users set-role";
    public override string Summary => "Make a user an admin, or an ordinary user.";
    public override IReadOnlyList<string> Parameters => ["NAME"];
    public override IReadOnlyList<CommandOption> Options => [UserCommandOptions.Role];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var isAdmin = UserCommandOptions.ReadRole(context.Arguments) ?? throw new CommandUsageException("--role is required (admin or user).");
        var result = await context.Services.GetRequiredService<UserAdminService>().SetAdminAsync(name, isAdmin, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);
        context.Out.WriteLine($"'{name}' is now {(isAdmin ? "an admin" : "an ordinary user")}.");
        return ExitCodes.Ok;
    }
}

public sealed class UsersLockCommand : Command
{
    public override string Name => "users lock";
    public override string Summary => "Lock a user out until unlocked, and end their sessions.";
    public override IReadOnlyList<string> Parameters => ["NAME"];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var result = await context.Services.GetRequiredService<UserAdminService>().LockAsync(name, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);
        context.Out.WriteLine($"'{name}' is locked out.");
        return ExitCodes.Ok;
    }
}

public sealed class UsersUnlockCommand : Command
{
    public override string Name => "users unlock";
    public override string Summary => "Unlock a user (locked by an admin or by failed sign-ins).";
    public override IReadOnlyList<string> Parameters => ["NAME"];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var result = await context.Services.GetRequiredService<UserAdminService>().UnlockAsync(name, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);
        context.Out.WriteLine($"'{name}' is unlocked.");
        return ExitCodes.Ok;
    }
}

public sealed class UsersRemoveCommand : Command
{
    public override string Name => "users remove";
    public override string Summary => "Delete a user who has no spans or projects (otherwise: lock them).";
    public override IReadOnlyList<string> Parameters => ["NAME"];

    public override async Task<int> RunAsync(CommandContext context, CancellationToken ct)
    {
        var name = context.Arguments.Positional[0];
        var result = await context.Services.GetRequiredService<UserAdminService>().RemoveAsync(name, ct);
        if (!result.Succeeded) return context.Refuse(result.Errors);
        context.Out.WriteLine($"'{name}' is removed.");
        return ExitCodes.Ok;
    }
}

internal static class UserCommandOptions
{
    public static readonly CommandOption Role = new("--role", "admin|user", "admin: may manage users and every project");
    public static readonly CommandOption Password = new("--password", "P", "the password (visible in the shell history: prefer --password-stdin)");
    public static readonly CommandOption PasswordStdin = new("--password-stdin", null, "read the password from the first line of standard input");

    /// <summary>True for admin, false for user, null when --role is not given.</summary>
    public static bool? ReadRole(CommandArguments args) => args.Value("--role") switch
    {
        null => null,
        var r when r.Equals("admin", StringComparison.OrdinalIgnoreCase) => true,
        var r when r.Equals("user", StringComparison.OrdinalIgnoreCase) => false,
        var r => throw new CommandUsageException($"--role must be admin or user, not '{r}'."),
    };

    public static (string Password, bool Generated) ReadPassword(CommandContext context, bool generateIfMissing)
    {
        var args = context.Arguments;
        if (args.Has("--password") && args.Has("--password-stdin"))
            throw new CommandUsageException("Give --password or --password-stdin, not both.");
        if (args.Value("--password") is { } given) return (given, false);
        if (args.Has("--password-stdin"))
        {
            var line = context.In.ReadLine() ?? throw new CommandUsageException("--password-stdin: standard input is empty.");
            return (line.TrimEnd('\r', '\n'), false);
        }
        if (!generateIfMissing) throw new CommandUsageException("A password is required.");
        return (PasswordGenerator.Generate(), true);
    }
}
