using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AnnotateHub.LoadTest;

/// <summary>What the server's <c>GET /api/diagnostics/memory</c> answers (src/AnnotateHub.Web/Features/Operations/MemoryProbeEndpoint.cs).</summary>
internal sealed record MemorySample(
    long ManagedBytesBeforeCollect,
    long ManagedBytesAfterFullCollect,
    long HeapSizeBytes,
    long FragmentedBytes,
    long CommittedBytes,
    long WorkingSetBytes,
    long PrivateBytes,
    int Threads,
    int Gen0Collections,
    int Gen1Collections,
    int Gen2Collections,
    bool ServerGc,
    double UptimeSeconds,
    double CollectMilliseconds);

/// <summary>
/// Asks the server for its managed heap after a full, compacting collection. The endpoint exists only where
/// <c>Diagnostics:MemoryProbe</c> is true (the tool sets it on a server it starts) and answers admins only;
/// anything else is a 404, reported as "not available".
/// </summary>
internal sealed class MemoryProbeClient(Uri baseAddress, CookieContainer? cookies, string? token) : IDisposable
{
    public const string Path = "/api/diagnostics/memory";

    private readonly HttpClient _http = Create(baseAddress, cookies, token);

    public async Task<(MemorySample? Sample, string? Missing)> MeasureAsync(CancellationToken ct)
    {
        try
        {
            using var response = await _http.GetAsync(Path, ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
                return (null, $"GET {Path} answered 404: the server needs Diagnostics:MemoryProbe=true and an admin sign-in");
            if (!response.IsSuccessStatusCode) return (null, $"GET {Path} answered {(int)response.StatusCode}");
            var sample = await response.Content.ReadFromJsonAsync<MemorySample>(new JsonSerializerOptions(JsonSerializerDefaults.Web), ct);
            return sample is null ? (null, $"GET {Path} answered an empty body") : (sample, null);
        }
        catch (HttpRequestException ex)
        {
            return (null, $"GET {Path} failed: {ex.Message}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, $"GET {Path} did not answer within {_http.Timeout.TotalSeconds:0} s");
        }
    }

    public void Dispose() => _http.Dispose();

    private static HttpClient Create(Uri baseAddress, CookieContainer? cookies, string? token)
    {
        var handler = new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = cookies is not null };
        if (cookies is not null) handler.CookieContainer = cookies;
        var http = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (token is not null) http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }
}
