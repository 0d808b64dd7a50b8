using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Users;

/// <summary>A user's account or tokens changed (committed): locked, unlocked, removed, signed out everywhere, made or
/// unmade admin, a token revoked. Open connections and circuits of the user check again whether they may go on; the
/// caches and the hub's guard listen to every user's (<see cref="EventBus.SubscribeAll{T}"/>), before the user's own.</summary>
public sealed record UserAccessChangedEvent(string UserId) : IBusEvent
{
    public string Key => UserId;
}
