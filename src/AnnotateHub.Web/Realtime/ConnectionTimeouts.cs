using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Realtime;

/// <summary>
/// Every keep-alive and timeout of the app's two SignalR connections, in one place (decision 0028). The Blazor circuit's
/// browser end is ours (js/connection.js reads <see cref="BrowserScriptAttributes"/>), so both ends ping every 2 s and
/// give up after 8 s of silence: the page says it is offline and the others stop seeing its user as reading within
/// seconds, not after SignalR's default 30 s. The annotation hub's clients are other people's programs, started with
/// SignalR's default 15 s keep-alive; a server timeout below 30 s would drop them while idle, so only the server's own
/// ping is faster there (a client that sets a short server timeout notices a lost server sooner).
/// </summary>
public static class ConnectionTimeouts
{
    public static readonly TimeSpan CircuitKeepAlive = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CircuitTimeout = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan CircuitHandshakeTimeout = TimeSpan.FromSeconds(10);

    public static readonly TimeSpan HubKeepAlive = TimeSpan.FromSeconds(5);
    /// <summary>SignalR's default; documented in docs/realtime.md.</summary>
    public static readonly TimeSpan HubClientTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The Blazor circuit's hub: the server pings the browser and drops a circuit whose browser is silent.</summary>
    public static void ConfigureCircuit(HubOptions o)
    {
        o.KeepAliveInterval = CircuitKeepAlive;
        o.ClientTimeoutInterval = CircuitTimeout;
        o.HandshakeTimeout = CircuitHandshakeTimeout;
    }

    /// <summary>A hub for programs (the annotation hub).</summary>
    public static void ConfigureProgramHub<THub>(HubOptions<THub> o) where THub : Hub
    {
        o.KeepAliveInterval = HubKeepAlive;
        o.ClientTimeoutInterval = HubClientTimeout;
    }

    /// <summary>The data attributes of the script tag that starts Blazor: the browser's end of the circuit's timing.</summary>
    public static IReadOnlyDictionary<string, object> BrowserScriptAttributes { get; } = new Dictionary<string, object>
    {
        ["data-keep-alive-ms"] = (int)CircuitKeepAlive.TotalMilliseconds,
        ["data-server-timeout-ms"] = (int)CircuitTimeout.TotalMilliseconds,
    };
}
