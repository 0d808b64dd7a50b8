using System.Net.WebSockets;
using AnnotateHub.IntegrationTests.Infrastructure;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>Circuits' WebSockets are not compressed unless Circuits:WebSocketCompression says so (decision 0076).</summary>
public sealed class CircuitCompressionTests(AppServer server) : IClassFixture<AppServer>
{
    [Fact]
    public async Task A_circuit_websocket_is_accepted_without_deflate_when_the_browser_offers_it()
    {
        var cookie = await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", cookie);
        // What Chromium offers: per-message deflate.
        socket.Options.DangerousDeflateOptions = new WebSocketDeflateOptions();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(new Uri(server.BaseAddress, "/_blazor")) { Scheme = "ws" }.Uri;

        await socket.ConnectAsync(uri, CancellationToken.None);

        Assert.Equal(WebSocketState.Open, socket.State);
        Assert.Equal(System.Net.HttpStatusCode.SwitchingProtocols, socket.HttpStatusCode);
        var extensions = socket.HttpResponseHeaders?.TryGetValue("Sec-WebSocket-Extensions", out var values) == true ? string.Join(", ", values) : "";
        Assert.DoesNotContain("permessage-deflate", extensions, StringComparison.OrdinalIgnoreCase);
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
    }
}
