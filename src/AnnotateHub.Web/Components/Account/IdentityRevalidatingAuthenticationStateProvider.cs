using System.Security.Claims;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace AnnotateHub.Web.Components.Account;

// A server-side AuthenticationStateProvider that checks the circuit's user (CallerStanding: account there, not locked by
// an admin, sessions not ended) as soon as their account changes, and every minute besides. The change arrives as a
// UserAccessChangedEvent, from this process at commit or from another through AccessChangeWatcher (decision 0042).
// A failed check makes the circuit anonymous: its pages render as signed out and send the browser to sign in.
internal sealed class IdentityRevalidatingAuthenticationStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState SignedOut = new(new ClaimsPrincipal(new ClaimsIdentity()));

    private readonly CallerStanding _standing;
    private readonly EventBus _bus;
    private readonly CancellationTokenSource _disposed = new();
    private readonly Lock _gate = new();
    private IDisposable? _subscription;

    public IdentityRevalidatingAuthenticationStateProvider(ILoggerFactory loggerFactory, CallerStanding standing, EventBus bus)
        : base(loggerFactory)
    {
        _standing = standing;
        _bus = bus;
        AuthenticationStateChanged += task => _ = ListenAsync(task);
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(1);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        authenticationState.User.Identity?.IsAuthenticated != true
        || await _standing.RefusalAsync(authenticationState.User, fresh: true, cancellationToken) is null;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed.Cancel();
            lock (_gate) _subscription?.Dispose();
        }
        base.Dispose(disposing);
    }

    // Listens to the changes of whoever the circuit is signed in as now.
    private async Task ListenAsync(Task<AuthenticationState> task)
    {
        AuthenticationState state;
        try
        {
            state = await task;
        }
        catch
        {
            return;
        }
        var userId = state.User.Identity?.IsAuthenticated == true ? state.User.FindFirstValue(ClaimTypes.NameIdentifier) : null;
        lock (_gate)
        {
            _subscription?.Dispose();
            _subscription = userId is null || _disposed.IsCancellationRequested ? null : _bus.Subscribe<UserAccessChangedEvent>(userId, changed =>
            {
                // Off the publisher's thread: the check reads the database.
                _ = Task.Run(() => RevalidateNowAsync(state));
                return Task.CompletedTask;
            });
        }
    }

    private async Task RevalidateNowAsync(AuthenticationState state)
    {
        try
        {
            if (await ValidateAuthenticationStateAsync(state, _disposed.Token)) return;
        }
        catch (OperationCanceledException)
        {
            return;
        }
        SetAuthenticationState(Task.FromResult(SignedOut));
    }
}
