using System.Buffers;
using System.Globalization;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.LoadTest;

/// <summary>
/// A Blazor Server circuit without a browser (issue 18): what blazor.web.js does for an interactive page, at the protocol
/// level. It reads the prerendered page (with the signed-in cookie) for its root component markers and persisted state,
/// connects to <c>/_blazor</c> over WebSockets with the "blazorpack" protocol, calls <c>StartCircuit</c>, adds the root
/// components with <c>UpdateRootComponents</c>, acknowledges every render batch in order (<c>OnRenderCompleted</c>) and
/// answers every JS interop call with success and no value, as a page whose scripts return nothing would.
/// <para>It does not apply batches to a DOM. What it watches is each batch's bytes: the annotation ids in
/// <c>data-anns="..."</c> attributes (the article's paragraphs are one markup string each, decision 0072), stamped with
/// the time the batch arrived. That is change-to-render-batch latency: the server's side of change-to-DOM.</para>
/// </summary>
internal sealed partial class CircuitClient : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly Dictionary<long, double> _seen = [];
    private readonly Lock _gate = new();
    private long _batches;
    private long _batchBytes;
    private long _interopCalls;
    private string? _error;

    private readonly Uri _baseAddress;
    private readonly CookieContainer _cookies;
    private string? _secret;

    private CircuitClient(HubConnection connection, Uri baseAddress, CookieContainer cookies)
    {
        _connection = connection;
        _baseAddress = baseAddress;
        _cookies = cookies;
    }

    /// <summary>Batches received and acknowledged.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long BatchBytes => Interlocked.Read(ref _batchBytes);

    public long InteropCalls => Interlocked.Read(ref _interopCalls);

    /// <summary>What the server said went wrong (JS.Error), or why the connection closed; null while it is well.</summary>
    public string? Error { get { lock (_gate) return _error; } }

    public bool Connected => _connection.State == HubConnectionState.Connected && Error is null;

    /// <summary>Opens one circuit on <paramref name="path"/> and waits until its first render batch arrived.</summary>
    public static async Task<CircuitClient> OpenAsync(Uri baseAddress, string path, CookieContainer cookies, bool deflate, CancellationToken ct)
    {
        var pageUri = new Uri(baseAddress, path);
        string html;
        using (var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = false })
               { Timeout = TimeSpan.FromSeconds(60) })
        {
            using var response = await http.GetAsync(pageUri, ct);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}, not the page.");
            html = await response.Content.ReadAsStringAsync(ct);
        }
        var markers = MarkerRegex().Matches(html)
            .Select(m => JsonNode.Parse(m.Groups["json"].Value)!.AsObject())
            .Where(o => o["type"]?.GetValue<string>() == "server")
            .ToList();
        if (markers.Count == 0) throw new InvalidOperationException($"GET {path} has no interactive server component marker.");
        var state = StateRegex().Match(html) is { Success: true } s ? s.Groups["state"].Value : "";

        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/_blazor"), o =>
            {
                o.Cookies = cookies;
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = false;
                // As a browser does: offer per-message deflate (the server decides: Circuits:WebSocketCompression).
                if (deflate) o.WebSocketConfiguration = ws => ws.DangerousDeflateOptions = new System.Net.WebSockets.WebSocketDeflateOptions();
            });
        builder.Services.AddSingleton<IHubProtocol, BlazorPackProtocol>();
        var connection = builder.Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        // As the browser does (js/connection.js, Realtime/ConnectionTimeouts.cs): the server closes a circuit that sends
        // nothing for 8 s, so an idle one pings every 2 s.
        connection.KeepAliveInterval = TimeSpan.FromSeconds(2);
        connection.HandshakeTimeout = TimeSpan.FromSeconds(60);
        var client = new CircuitClient(connection, baseAddress, cookies);
        var firstBatch = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        connection.On<long, byte[]>("JS.RenderBatch", async (id, data) =>
        {
            client.Read(data);
            Interlocked.Increment(ref client._batches);
            Interlocked.Add(ref client._batchBytes, data.Length);
            await connection.SendAsync("OnRenderCompleted", id, null);
            firstBatch.TrySetResult();
        });
        connection.On("JS.BeginInvokeJS", [typeof(long), typeof(string), typeof(string), typeof(int), typeof(long), typeof(int)], async (args, _) =>
        {
            Interlocked.Increment(ref client._interopCalls);
            var handle = (long)args[0]!;
            if (handle != 0) await connection.SendAsync("EndInvokeJSFromDotNet", handle, true, $"[{handle.ToString(CultureInfo.InvariantCulture)},true,null]");
        }, client);
        connection.On<string>("JS.Error", error =>
        {
            lock (client._gate) client._error ??= error;
            firstBatch.TrySetException(new InvalidOperationException($"The circuit failed: {error}"));
        });
        connection.On<long>("JS.EndUpdateRootComponents", _ => { });
        connection.On<string, bool>("JS.EndLocationChanging", (_, _) => { });
        connection.Closed += error =>
        {
            lock (client._gate) client._error ??= error is null ? "the connection closed" : $"the connection closed: {error.Message}";
            firstBatch.TrySetException(new InvalidOperationException(client.Error));
            return Task.CompletedTask;
        };

        try
        {
            await connection.StartAsync(ct);
            var secret = await connection.InvokeAsync<string?>("StartCircuit", baseAddress.ToString(), pageUri.ToString(), "[]", "", ct);
            if (string.IsNullOrEmpty(secret)) throw new InvalidOperationException($"StartCircuit on {path} was refused: {client.Error}");
            client._secret = secret;
            var operations = new JsonObject
            {
                ["batchId"] = 1,
                ["operations"] = new JsonArray(markers.Select((m, i) => (JsonNode)new JsonObject
                {
                    ["type"] = "add",
                    ["ssrComponentId"] = i + 1,
                    ["marker"] = m,
                }).ToArray()),
            };
            await connection.SendAsync("UpdateRootComponents", operations.ToJsonString(), state, ct);
            await firstBatch.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }

    /// <summary>When each annotation id first arrived in a render batch (ms since the Unix epoch, this machine's clock).</summary>
    public Dictionary<long, double> Seen()
    {
        lock (_gate) return new Dictionary<long, double>(_seen);
    }

    public bool HasSeen(long id)
    {
        lock (_gate) return _seen.ContainsKey(id);
    }

    private static readonly byte[] AnnsAttribute = "data-anns=\""u8.ToArray();

    /// <summary>Stamps each id of every <c>data-anns="…"</c> in the batch. Ids starting with "s" are suggestions.</summary>
    private void Read(byte[] data)
    {
        var at = (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;
        ReadOnlySpan<byte> rest = data;
        lock (_gate)
        {
            while (true)
            {
                var i = rest.IndexOf(AnnsAttribute);
                if (i < 0) return;
                rest = rest[(i + AnnsAttribute.Length)..];
                var end = rest.IndexOf((byte)'"');
                if (end < 0) return;
                var value = rest[..end];
                rest = rest[end..];
                foreach (var range in value.Split((byte)' '))
                {
                    var token = value[range];
                    if (token.Length > 0 && token[0] != (byte)'s' && long.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                        _seen.TryAdd(id, at);
                }
            }
        }
    }

    /// <summary>Closes the connection and then, as blazor.web.js does when a page goes away, tells the server to dispose the
    /// circuit now (POST /_blazor/disconnect). A connection that only closes leaves the circuit retained for reconnection
    /// (three minutes by default), which would count in the next memory sample.</summary>
    public async ValueTask DisposeAsync()
    {
        try { await _connection.DisposeAsync(); }
        catch (Exception) { /* the server may have gone first */ }
        if (_secret is null) return;
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = _cookies, UseCookies = true }) { Timeout = TimeSpan.FromSeconds(30) };
            using var form = new MultipartFormDataContent { { new StringContent(_secret), "circuitId" } };
            using var response = await http.PostAsync(new Uri(_baseAddress, "/_blazor/disconnect"), form);
        }
        catch (HttpRequestException) { /* the server may have gone first */ }
        catch (TaskCanceledException) { }
    }

    [GeneratedRegex("<!--Blazor:(?<json>\\{.*?\\})-->", RegexOptions.Singleline)]
    private static partial Regex MarkerRegex();

    [GeneratedRegex("<!--Blazor-Server-Component-State:(?<state>[a-zA-Z0-9+/=]+)-->")]
    private static partial Regex StateRegex();

    /// <summary>Blazor's hub speaks MessagePack under its own name, "blazorpack".</summary>
    private sealed class BlazorPackProtocol : IHubProtocol
    {
        private readonly MessagePackHubProtocol _inner = new();

        public string Name => "blazorpack";

        public int Version => _inner.Version;

        public TransferFormat TransferFormat => TransferFormat.Binary;

        public bool IsVersionSupported(int version) => _inner.IsVersionSupported(version);

        public bool TryParseMessage(ref ReadOnlySequence<byte> input, IInvocationBinder binder, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out HubMessage? message) =>
            _inner.TryParseMessage(ref input, binder, out message);

        public void WriteMessage(HubMessage message, IBufferWriter<byte> output) => _inner.WriteMessage(message, output);

        public ReadOnlyMemory<byte> GetMessageBytes(HubMessage message) => _inner.GetMessageBytes(message);
    }
}
