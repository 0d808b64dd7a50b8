using AnnotateHub.Web.Features.Annotations;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace AnnotateHub.IntegrationTests.Hostile;

/// <summary>
/// The annotation hub's JSON protocol spoken over a bare WebSocket, so a test can send what no SignalR client would:
/// wrong types, nulls, wrong argument counts, escaped lone surrogates, bytes that are not UTF-8.
/// </summary>
public sealed class RawHubClient : IAsyncDisposable
{
    private const byte RecordSeparator = 0x1E;
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);
    private readonly ClientWebSocket _socket = new();
    private readonly List<byte> _pending = [];
    private int _nextId;

    public WebSocketState State => _socket.State;

    public static async Task<RawHubClient> ConnectAsync(Uri baseAddress, string cookie)
    {
        var client = new RawHubClient();
        client._socket.Options.SetRequestHeader("Cookie", cookie);
        var uri = new UriBuilder(new Uri(baseAddress, AnnotationHub.Path)) { Scheme = "ws" }.Uri;
        using var timeout = new CancellationTokenSource(Wait);
        await client._socket.ConnectAsync(uri, timeout.Token);
        await client.SendAsync(Encoding.UTF8.GetBytes("{\"protocol\":\"json\",\"version\":1}\u001e"));
        var handshake = await client.ReadFrameAsync();
        if (handshake is null || handshake.Value.TryGetProperty("error", out _)) throw new InvalidOperationException("The hub refused the handshake.");
        return client;
    }

    /// <summary>Invokes <paramref name="target"/> with <paramref name="argumentsJson"/> as the raw "arguments" value and
    /// returns the completion message (with "result" or "error"), or null if the server closed the connection.</summary>
    public async Task<JsonElement?> InvokeAsync(string target, string argumentsJson)
    {
        var id = (++_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var frame = $"{{\"type\":1,\"invocationId\":\"{id}\",\"target\":{JsonSerializer.Serialize(target)},\"arguments\":{argumentsJson}}}";
        await SendAsync([.. Encoding.UTF8.GetBytes(frame), RecordSeparator]);
        return await CompletionAsync(id);
    }

    /// <summary>Sends bytes as they are (a frame that is not JSON, not UTF-8) and returns what answers invocation <paramref name="id"/>, if anything.</summary>
    public async Task<JsonElement?> SendRawAsync(byte[] frame, string id)
    {
        await SendAsync([.. frame, RecordSeparator]);
        return await CompletionAsync(id);
    }

    private async Task<JsonElement?> CompletionAsync(string id)
    {
        while (await ReadFrameAsync() is { } message)
        {
            var type = message.GetProperty("type").GetInt32();
            if (type == 7) return null; // close
            if (type == 3 && message.GetProperty("invocationId").GetString() == id) return message;
        }
        return null;
    }

    private async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Wait);
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    private async Task<JsonElement?> ReadFrameAsync()
    {
        var buffer = new byte[64 * 1024];
        using var timeout = new CancellationTokenSource(Wait);
        while (true)
        {
            var end = _pending.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                var frame = _pending.GetRange(0, end).ToArray();
                _pending.RemoveRange(0, end + 1);
                using var document = JsonDocument.Parse(frame);
                return document.RootElement.Clone();
            }
            if (_socket.State != WebSocketState.Open) return null;
            WebSocketReceiveResult received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (WebSocketException)
            {
                return null;
            }
            if (received.MessageType == WebSocketMessageType.Close) return null;
            _pending.AddRange(buffer.AsSpan(0, received.Count).ToArray());
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The server may already have closed it.
            }
        }
        _socket.Dispose();
    }
}
