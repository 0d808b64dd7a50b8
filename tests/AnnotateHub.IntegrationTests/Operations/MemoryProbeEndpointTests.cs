using System.Net;
using System.Net.Http.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Operations;

namespace AnnotateHub.IntegrationTests.Operations;

/// <summary>The soak's memory probe: off unless configured, and then for admins only; anyone else sees nothing there.</summary>
public sealed class MemoryProbeEndpointTests : IAsyncLifetime
{
    private const string Url = "/api/diagnostics/memory";
    private readonly AppServer _on = new(new Dictionary<string, string?> { [MemoryProbeEndpoint.Setting] = "true" });
    private readonly AppServer _off = new();

    public async Task InitializeAsync()
    {
        await _on.InitializeAsync();
        await _off.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _on.DisposeAsync();
        await _off.DisposeAsync();
    }

    [Fact]
    public async Task The_probe_answers_not_found_unless_the_server_turns_it_on()
    {
        using var response = await GetAsync(_off, AppServer.AdminUserName, AppServer.AdminPassword);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task An_admin_gets_the_heap_after_a_full_collection_and_the_working_set()
    {
        using var response = await GetAsync(_on, AppServer.AdminUserName, AppServer.AdminPassword);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sample = await response.Content.ReadFromJsonAsync<MemoryProbeResult>();
        Assert.NotNull(sample);
        Assert.InRange(sample.ManagedBytesAfterFullCollect, 1, sample.HeapSizeBytes + 1);
        Assert.True(sample.WorkingSetBytes > sample.ManagedBytesAfterFullCollect, $"working set {sample.WorkingSetBytes} <= heap {sample.ManagedBytesAfterFullCollect}");
        Assert.True(sample.Gen2Collections >= 2, $"only {sample.Gen2Collections} gen-2 collections");
    }

    [Fact]
    public async Task A_user_who_is_not_an_admin_or_not_signed_in_gets_nothing()
    {
        await _on.CreateUserAsync("probe-annotator");
        using var annotator = await GetAsync(_on, "probe-annotator", AppServer.AnnotatorPassword);
        using var anonymous = await _on.CreateHttpClient(allowAutoRedirect: false).GetAsync(Url);

        Assert.Equal(HttpStatusCode.NotFound, annotator.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    private static async Task<HttpResponseMessage> GetAsync(AppServer server, string user, string password)
    {
        var cookie = await server.SignInCookieAsync(user, password);
        using var http = server.CreateHttpClient(allowAutoRedirect: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, Url);
        request.Headers.Add("Cookie", cookie);
        return await http.SendAsync(request);
    }
}
