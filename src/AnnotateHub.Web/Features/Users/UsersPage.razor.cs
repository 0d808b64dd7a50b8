using System.Globalization;
using AnnotateHub.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AnnotateHub.Web.Features.Users;

/// <summary>/admin/users: admins create users, reset passwords, grant or revoke admin, lock and unlock.</summary>
public sealed partial class UsersPage
{
    [Inject] private UserAdminService Users { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private readonly CreateForm _create = new();
    private readonly ResetForm _reset = new();
    private IReadOnlyList<UserSummary>? _users;
    private List<string> _createErrors = [];
    private List<string> _resetErrors = [];
    private UserSummary? _resetting;
    private (string UserName, string Password)? _shownPassword;
    private string _actorId = "";
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _actorId = (await AuthState).User.Id();
        await ReloadAsync();
    }

    private async Task ReloadAsync() => _users = await Users.ListAsync();

    private async Task CreateAsync()
    {
        if (_busy) return;
        _busy = true;
        try
        {
            if (!await StillAdminAsync()) return;
            var name = _create.UserName.Trim();
            var result = await Users.CreateAsync(name, _create.DisplayName, _create.Password, _create.IsAdmin);
            _createErrors = result.Errors.ToList();
            if (!result.Succeeded) return;
            _shownPassword = (name, _create.Password);
            Snackbar.Add($"User {name} created.", Severity.Success);
            _create.Clear();
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void StartReset(UserSummary user)
    {
        _resetting = user;
        _reset.Password = "";
        _resetErrors = [];
    }

    private void CancelReset() => _resetting = null;

    private async Task ResetAsync()
    {
        if (_busy || _resetting is null) return;
        _busy = true;
        try
        {
            if (!await StillAdminAsync()) return;
            var result = await Users.SetPasswordAsync(_resetting.UserName, _reset.Password);
            _resetErrors = result.Errors.ToList();
            if (!result.Succeeded) return;
            _shownPassword = (_resetting.UserName, _reset.Password);
            Snackbar.Add($"Password of {_resetting.UserName} changed; their sessions end.", Severity.Success);
            _resetting = null;
        }
        finally
        {
            _busy = false;
        }
    }

    private async Task SetAdminAsync(UserSummary user, bool isAdmin)
    {
        if (!await StillAdminAsync()) return;
        Report(await Users.SetAdminAsync(user.UserName, isAdmin), isAdmin ? $"{user.UserName} is now an admin." : $"{user.UserName} is no longer an admin.");
        await ReloadAsync();
    }

    private async Task ToggleLockAsync(UserSummary user)
    {
        if (!await StillAdminAsync()) return;
        var result = user.IsLockedOut ? await Users.UnlockAsync(user.UserName) : await Users.LockAsync(user.UserName);
        Report(result, user.IsLockedOut ? $"{user.UserName} is unlocked." : $"{user.UserName} is locked out.");
        await ReloadAsync();
    }

    // The page is [Authorize(Roles = "Admin")], checked when the circuit opens it; an admin demoted since then must not
    // keep acting until the circuit's next revalidation, so every change asks the database again.
    private async Task<bool> StillAdminAsync()
    {
        if (await Users.IsAdminAsync(_actorId)) return true;
        Snackbar.Add("You are no longer an admin.", Severity.Error);
        return false;
    }

    private void Report(UserAdminResult result, string success)
    {
        if (result.Succeeded) Snackbar.Add(success, Severity.Success);
        else foreach (var error in result.Errors) Snackbar.Add(error, Severity.Error);
    }

    private static string StatusText(UserSummary user) => user.IsLockedOut
        ? user.LockoutEnd is { } end && end < DateTimeOffset.MaxValue.AddYears(-1)
            ? "locked until " + end.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC"
            : "locked"
        : "active";

    private sealed class CreateForm
    {
        public string UserName { get; set; } = "";
        public string? DisplayName { get; set; }
        public string Password { get; set; } = "";
        public bool IsAdmin { get; set; }

        public void Clear()
        {
            UserName = "";
            DisplayName = null;
            Password = "";
            IsAdmin = false;
        }
    }

    private sealed class ResetForm
    {
        public string Password { get; set; } = "";
    }
}
