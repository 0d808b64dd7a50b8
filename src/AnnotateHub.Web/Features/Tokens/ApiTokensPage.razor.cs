using System.Globalization;
using AnnotateHub.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace AnnotateHub.Web.Features.Tokens;

/// <summary>The user's own API tokens: create (the plaintext is shown once), list, revoke.</summary>
public sealed partial class ApiTokensPage
{
    private static readonly (int Days, string Text)[] ExpiryChoices = [(30, "in 30 days"), (90, "in 90 days"), (365, "in a year"), (0, "never")];

    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private TimeProvider Time { get; set; } = default!;
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private readonly CreateForm _form = new();
    private IReadOnlyList<ApiTokenView>? _tokens;
    private CreatedApiToken? _created;
    private MudMessageBox _confirmRevoke = default!;
    private ApiTokenView? _revoking;
    private string? _nameError;
    private string _userId = "";
    private bool _busy;

    protected override async Task OnInitializedAsync()
    {
        _userId = (await AuthState).User.Id();
        await ReloadAsync();
    }

    private async Task ReloadAsync() => _tokens = await Tokens.ListAsync(_userId);

    private async Task CreateAsync()
    {
        _nameError = ApiTokenService.NameError(_form.Name);
        if (_nameError is not null || _busy) return;
        _busy = true;
        try
        {
            DateTime? expiresAt = _form.ExpiresInDays > 0 ? Time.GetUtcNow().UtcDateTime.AddDays(_form.ExpiresInDays) : null;
            _created = await Tokens.CreateAsync(_userId, _form.Name, expiresAt);
            _form.Name = "";
            await ReloadAsync();
        }
        finally
        {
            _busy = false;
        }
    }

    private void Dismiss() => _created = null;

    private async Task CopyAsync()
    {
        if (_created is null) return;
        try
        {
            await JS.InvokeVoidAsync("navigator.clipboard.writeText", _created.Plaintext);
            Snackbar.Add("Token copied to the clipboard.", Severity.Success);
        }
        catch (JSException)
        {
            // Clipboard access can be refused (permissions, insecure origin); the field is still selectable.
            Snackbar.Add("Could not copy: select the token and press Ctrl+C.", Severity.Warning);
        }
    }

    private async Task RevokeAsync(ApiTokenView token)
    {
        _revoking = token;
        var confirmed = await _confirmRevoke.ShowAsync();
        _revoking = null;
        if (confirmed != true) return;
        if (await Tokens.RevokeAsync(_userId, token.Id))
        {
            Snackbar.Add($"Token \"{token.Name}\" revoked.", Severity.Success);
        }
        else
        {
            Snackbar.Add("The token was already revoked.", Severity.Info);
        }
        if (_created?.Token.Id == token.Id) _created = null;
        await ReloadAsync();
    }

    private static string At(DateTime utc) => utc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    private static Color StatusColor(ApiTokenStatus status) => status switch
    {
        ApiTokenStatus.Active => Color.Success,
        ApiTokenStatus.Expired => Color.Warning,
        _ => Color.Default,
    };

    private static string StatusText(ApiTokenView token) => token.Status switch
    {
        ApiTokenStatus.Active => "active",
        ApiTokenStatus.Expired => "expired",
        _ => $"revoked {At(token.RevokedAt!.Value)}",
    };

    private sealed class CreateForm
    {
        public string Name { get; set; } = "";
        public int ExpiresInDays { get; set; } = 90;
    }
}
