using Microsoft.Playwright;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Passes /_blazor WebSockets through until cut; while cut, new sockets are closed at once.</summary>
internal sealed class NetworkCut
{
    private readonly Lock _gate = new();
    private (IWebSocketRoute Page, IWebSocketRoute Server)? _live;
    private bool _down;

    public int Connections { get; private set; }

    public void Attach(IWebSocketRoute page)
    {
        lock (_gate)
        {
            Connections++;
            if (_down)
            {
                _ = page.CloseAsync(new() { Code = 1011, Reason = "offline" });
                return;
            }
            var server = page.ConnectToServer();
            page.OnMessage(frame => Forward(server, frame));
            server.OnMessage(frame => Forward(page, frame));
            _live = (page, server);
        }
    }

    public async Task GoDownAsync()
    {
        (IWebSocketRoute Page, IWebSocketRoute Server) live;
        lock (_gate)
        {
            _down = true;
            live = _live ?? throw new InvalidOperationException("No /_blazor socket is open.");
            _live = null;
        }
        await live.Server.CloseAsync(new() { Code = 1011, Reason = "network lost" });
        await live.Page.CloseAsync(new() { Code = 1011, Reason = "network lost" });
    }

    public void ComeBack()
    {
        lock (_gate) _down = false;
    }

    private static void Forward(IWebSocketRoute to, IWebSocketFrame frame)
    {
        if (frame.Binary is { } bytes) to.Send(bytes); else to.Send(frame.Text ?? "");
    }
}
