using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Users;

/// <summary>One account as administrators see it.</summary>
public sealed record UserSummary(string Id, string UserName, string? DisplayName, bool IsAdmin, bool IsLockedOut, DateTimeOffset? LockoutEnd);

/// <summary>The outcome of an account change: empty <see cref="Errors"/> on success, else why it was refused (Identity's
/// password-policy messages verbatim).</summary>
public sealed record UserAdminResult(IReadOnlyList<string> Errors)
{
    public static UserAdminResult Ok { get; } = new([]);
    public bool Succeeded => Errors.Count == 0;
    public static UserAdminResult Refused(string error) => new([error]);
    public static UserAdminResult From(IdentityResult result) => new(result.Errors.Select(e => e.Description).ToList());
}

/// <summary>
/// Account administration shared by the admin page (/admin/users) and the command line (users ...): create, reset a
/// password, grant or revoke Admin, lock, unlock, remove. Each operation runs in its own DI scope, so Identity's
/// UserManager gets a fresh DbContext (a circuit lives long; its scope must not hold one). A change that can take rights
/// away (lock, unlock, new password, Admin granted or revoked, removal) writes an <see cref="AccessChange"/> row in its
/// transaction and then tells this process's listeners (<see cref="UserAccessChangedEvent"/>); other processes see the
/// row (docs/decisions/0042).
/// </summary>
public sealed class UserAdminService(IServiceScopeFactory scopes, IDbContextFactory<AnnotateHubDbContext> dbFactory, TimeProvider time,
    AccessChangeLog accessLog, EventBus bus)
{
    public async Task<IReadOnlyList<UserSummary>> ListAsync(CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var adminIds = await AdminIdsQuery(db).ToListAsync(ct);
        var users = await db.Users.AsNoTracking()
            .Select(u => new { u.Id, u.UserName, u.DisplayName, u.LockoutEnabled, u.LockoutEnd })
            .ToListAsync(ct);
        var now = time.GetUtcNow();
        return users
            .Select(u => new UserSummary(u.Id, u.UserName ?? u.Id, u.DisplayName, adminIds.Contains(u.Id),
                u.LockoutEnabled && u.LockoutEnd > now, u.LockoutEnd > now ? u.LockoutEnd : null))
            .OrderBy(u => u.UserName, StringComparer.OrdinalIgnoreCase)
            .ToList();
    }

    public async Task<UserSummary?> FindAsync(string userName, CancellationToken ct = default) =>
        (await ListAsync(ct)).FirstOrDefault(u => string.Equals(u.UserName, userName, StringComparison.OrdinalIgnoreCase));

    public async Task<bool> IsAdminAsync(string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await AdminIdsQuery(db).ContainsAsync(userId, ct);
    }

    /// <summary>Creates the account and, if asked, makes it an admin: both or neither.</summary>
    public async Task<UserAdminResult> CreateAsync(string userName, string? displayName, string password, bool isAdmin, CancellationToken ct = default)
    {
        userName = userName.Trim();
        if (userName.Length == 0) return UserAdminResult.Refused("Enter a user name.");
        if (string.IsNullOrEmpty(password)) return UserAdminResult.Refused("Enter a password.");

        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var user = new AppUser { UserName = userName, DisplayName = string.IsNullOrWhiteSpace(displayName) ? userName : displayName.Trim() };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded) return UserAdminResult.From(created);
        if (isAdmin)
        {
            await EnsureAdminRoleAsync(scope);
            var added = await users.AddToRoleAsync(user, AppRoles.Admin);
            if (!added.Succeeded) return UserAdminResult.From(added);
        }
        await tx.CommitAsync(ct);
        return UserAdminResult.Ok;
    }

    /// <summary>Sets a new password (checked against the policy first) and ends the user's sessions.</summary>
    public async Task<UserAdminResult> SetPasswordAsync(string userName, string password, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(password)) return UserAdminResult.Refused("Enter a password.");
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByNameAsync(userName) is not { } user) return UnknownUser(userName);
        // Remove then add, in one transaction: a password the policy refuses leaves the old one in place.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await users.RemovePasswordAsync(user);
        if (!removed.Succeeded) return UserAdminResult.From(removed);
        var added = await users.AddPasswordAsync(user, password);
        if (!added.Succeeded) return UserAdminResult.From(added);
        return await CommitAsync(db, tx, user.Id, ct);
    }

    /// <summary>
    /// The signed-in user's own new password in place of one they must replace (<see cref="AppUser.MustChangePassword"/>):
    /// checked against the policy and against the old one, then the flag is cleared and the user's other sessions end (a
    /// new security stamp). The caller refreshes its own sign-in. Refused when the user has nothing to replace.
    /// </summary>
    public async Task<UserAdminResult> SetFirstPasswordAsync(string userId, string newPassword, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(newPassword)) return UserAdminResult.Refused("Enter a new password.");
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByIdAsync(userId) is not { } user) return UnknownUser(userId);
        if (!user.MustChangePassword) return UserAdminResult.Refused("Your password is already your own; change it on your account page.");
        if (await users.CheckPasswordAsync(user, newPassword))
            return UserAdminResult.Refused("Choose a password other than the one you signed in with.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var removed = await users.RemovePasswordAsync(user);
        if (!removed.Succeeded) return UserAdminResult.From(removed);
        user.MustChangePassword = false;
        // Adding the password saves the flag with it (and renews the security stamp).
        var added = await users.AddPasswordAsync(user, newPassword);
        if (!added.Succeeded) return UserAdminResult.From(added);
        return await CommitAsync(db, tx, user.Id, ct);
    }

    /// <summary>
    /// A signed-in user changes their own password: the current one must be right, the new one must pass the policy and
    /// differ from it; then the user's other sessions end (a new security stamp, recorded as a change of the user's
    /// rights). The caller refreshes its own sign-in. Nothing changes when anything is refused.
    /// </summary>
    public async Task<UserAdminResult> ChangeOwnPasswordAsync(string userId, string currentPassword, string newPassword, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(currentPassword)) return UserAdminResult.Refused("Enter your current password.");
        if (string.IsNullOrEmpty(newPassword)) return UserAdminResult.Refused("Enter a new password.");
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByIdAsync(userId) is not { } user) return UnknownUser(userId);
        if (!await users.CheckPasswordAsync(user, currentPassword)) return UserAdminResult.Refused(WrongCurrentPassword);
        if (currentPassword == newPassword) return UserAdminResult.Refused("The new password is the same as the current one.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        user.MustChangePassword = false;
        var changed = await users.ChangePasswordAsync(user, currentPassword, newPassword);
        if (!changed.Succeeded) return UserAdminResult.From(changed);
        return await CommitAsync(db, tx, user.Id, ct);
    }

    /// <summary>What <see cref="ChangeOwnPasswordAsync"/> says when the current password is not right.</summary>
    public const string WrongCurrentPassword = "Your current password is not right.";

    /// <summary>Grants or revokes the global Admin role. The last admin who can sign in keeps it.</summary>
    public async Task<UserAdminResult> SetAdminAsync(string userName, bool isAdmin, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByNameAsync(userName) is not { } user) return UnknownUser(userName);
        await EnsureAdminRoleAsync(scope);
        var has = await users.IsInRoleAsync(user, AppRoles.Admin);
        if (has == isAdmin) return UserAdminResult.Ok;
        if (!isAdmin && await IsLastActiveAdminAsync(user.Id, ct))
            return UserAdminResult.Refused($"{user.UserName} is the last administrator who can sign in; make someone else an admin first.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = isAdmin ? await users.AddToRoleAsync(user, AppRoles.Admin) : await users.RemoveFromRoleAsync(user, AppRoles.Admin);
        if (!result.Succeeded) return UserAdminResult.From(result);
        // A new stamp makes open sessions re-read their roles at the next validation.
        result = await users.UpdateSecurityStampAsync(user);
        if (!result.Succeeded) return UserAdminResult.From(result);
        // Admins supervise every project: the gatekeeper must not keep the old answer (other processes: AccessChangeWatcher).
        scope.ServiceProvider.GetService<Projects.ProjectAccess>()?.InvalidateUser(user.Id);
        return await CommitAsync(db, tx, user.Id, ct);
    }

    /// <summary>Locks the account until an admin unlocks it, and ends its sessions.</summary>
    public async Task<UserAdminResult> LockAsync(string userName, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByNameAsync(userName) is not { } user) return UnknownUser(userName);
        if (await IsLastActiveAdminAsync(user.Id, ct))
            return UserAdminResult.Refused($"{user.UserName} is the last administrator who can sign in; make someone else an admin first.");
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.SetLockoutEnabledAsync(user, true);
        if (result.Succeeded) result = await users.SetLockoutEndDateAsync(user, DateTimeOffset.MaxValue);
        if (result.Succeeded) result = await users.UpdateSecurityStampAsync(user);
        return result.Succeeded ? await CommitAsync(db, tx, user.Id, ct) : UserAdminResult.From(result);
    }

    /// <summary>
    /// Ends every session of the user (sign-out does this: decision 0046): a new security stamp, recorded as a change of
    /// the user's rights so this process's caches (<see cref="CallerStanding"/>) and other processes drop the old one.
    /// </summary>
    public async Task<UserAdminResult> EndSessionsAsync(string userId, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByIdAsync(userId) is not { } user) return UnknownUser(userId);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.UpdateSecurityStampAsync(user);
        return result.Succeeded ? await CommitAsync(db, tx, user.Id, ct) : UserAdminResult.From(result);
    }

    /// <summary>Lifts a lock (an admin's; failed sign-ins no longer lock, decision 0048, but older databases may hold such a lock).</summary>
    public async Task<UserAdminResult> UnlockAsync(string userName, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByNameAsync(userName) is not { } user) return UnknownUser(userName);
        // Recorded too: every server's cache of the lock must let go of it.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var result = await users.SetLockoutEndDateAsync(user, null);
        if (result.Succeeded) result = await users.ResetAccessFailedCountAsync(user);
        return result.Succeeded ? await CommitAsync(db, tx, user.Id, ct) : UserAdminResult.From(result);
    }

    /// <summary>Deletes an account that has no work in the database; one with spans or projects is locked instead.</summary>
    public async Task<UserAdminResult> RemoveAsync(string userName, CancellationToken ct = default)
    {
        await using var scope = scopes.CreateAsyncScope();
        var (users, db) = Resolve(scope);
        if (await users.FindByNameAsync(userName) is not { } user) return UnknownUser(userName);
        if (await IsLastActiveAdminAsync(user.Id, ct))
            return UserAdminResult.Refused($"{user.UserName} is the last administrator who can sign in; make someone else an admin first.");
        var spans = await db.Annotations.CountAsync(a => a.AnnotatorId == user.Id, ct);
        var projects = await db.Projects.CountAsync(p => p.OwnerId == user.Id, ct);
        if (spans > 0 || projects > 0)
        {
            return UserAdminResult.Refused(
                $"{user.UserName} has {spans} span(s) and owns {projects} project(s), which keep their author; lock the account instead.");
        }
        try
        {
            // The memberships go with the user (cascade): their projects' teams changed too.
            var projectIds = await db.ProjectMembers.Where(m => m.UserId == user.Id).Select(m => m.ProjectId).ToListAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var deleted = await users.DeleteAsync(user);
            if (!deleted.Succeeded) return UserAdminResult.From(deleted);
            foreach (var projectId in projectIds) accessLog.ProjectChanged(db, projectId);
            var outcome = await CommitAsync(db, tx, user.Id, ct);
            var projectAccess = scope.ServiceProvider.GetService<Projects.ProjectAccess>();
            foreach (var projectId in projectIds)
            {
                projectAccess?.Invalidate(projectId);
                bus.Publish(new TeamChangedEvent(projectId));
            }
            return outcome;
        }
        catch (DbUpdateException)
        {
            // Another table that keeps its rows' author (added later) refused the delete.
            return UserAdminResult.Refused($"{user.UserName} still has work in the database; lock the account instead.");
        }
    }

    /// <summary>Records the change of the user's rights in the transaction, commits, then tells this process's listeners.</summary>
    private async Task<UserAdminResult> CommitAsync(AnnotateHubDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction tx, string userId, CancellationToken ct)
    {
        accessLog.UserChanged(db, userId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        bus.Publish(new UserAccessChangedEvent(userId));
        return UserAdminResult.Ok;
    }

    private static (UserManager<AppUser> Users, AnnotateHubDbContext Db) Resolve(AsyncServiceScope scope) =>
        (scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>(), scope.ServiceProvider.GetRequiredService<AnnotateHubDbContext>());

    private static async Task EnsureAdminRoleAsync(AsyncServiceScope scope)
    {
        var roles = scope.ServiceProvider.GetRequiredService<RoleManager<IdentityRole>>();
        if (await roles.RoleExistsAsync(AppRoles.Admin)) return;
        var result = await roles.CreateAsync(new IdentityRole(AppRoles.Admin));
        if (!result.Succeeded) throw new InvalidOperationException(string.Join("; ", result.Errors.Select(e => e.Description)));
    }

    private async Task<bool> IsLastActiveAdminAsync(string userId, CancellationToken ct)
    {
        var active = (await ListAsync(ct)).Where(u => u.IsAdmin && !u.IsLockedOut).Select(u => u.Id).ToList();
        return active.Count == 1 && active[0] == userId;
    }

    private static IQueryable<string> AdminIdsQuery(AnnotateHubDbContext db) =>
        from ur in db.UserRoles
        join r in db.Roles on ur.RoleId equals r.Id
        where r.Name == AppRoles.Admin
        select ur.UserId;

    private static UserAdminResult UnknownUser(string userName) => UserAdminResult.Refused($"There is no user named '{userName}'.");
}
