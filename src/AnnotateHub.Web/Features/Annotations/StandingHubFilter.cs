using AnnotateHub.Web.Features.Users;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// The rule every hub method shares: the caller must still be allowed at all (<see cref="CallerStanding"/>: account
/// there and not locked, sessions not ended, token not revoked) at each call, not only when the connection was opened.
/// A refused call gets the reason as its error, and the connection is ended (<see cref="HubAccessGuard.EndAsync"/>).
/// Project rights are checked by each method (<c>ProjectAccess</c>).
/// </summary>
public sealed class StandingHubFilter(CallerStanding standing, HubAccessGuard guard) : IHubFilter
{
    private static readonly TimeSpan ErrorGrace = TimeSpan.FromMilliseconds(50);

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var context = invocationContext.Context;
        if (context.User is { } caller && await standing.RefusalAsync(caller, ct: context.ConnectionAborted) is { } reason)
        {
            // A moment after this call's error has gone out: closing the connection first could swallow it.
            _ = Task.Run(async () =>
            {
                await Task.Delay(ErrorGrace);
                await guard.EndAsync(context.ConnectionId, reason);
            });
            throw new HubException(reason);
        }
        return await next(invocationContext);
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        guard.Connected(context.Context);
        return next(context);
    }
}
