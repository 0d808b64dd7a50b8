using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>The load tool's fan-out probe: off unless configured; when on, only for documents the caller may open,
/// bounded, and never written anywhere.</summary>
public sealed class FanOutProbeTests : IAsyncLifetime
{
    private readonly AppServer _on = new(new Dictionary<string, string?> { [AnnotationHub.FanOutProbeSetting] = "true" });
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
    public async Task The_probe_is_refused_unless_the_server_turns_it_on()
    {
        var projectId = await _off.CreateProjectAsync("probe off");
        var documentId = await _off.ImportDocumentAsync(projectId, "Probe text.");
        await using var client = await _off.ConnectToHubAsync();

        var refused = await Assert.ThrowsAsync<HubException>(() => client.InvokeAsync("ProbeFanOut", documentId, "probe-1:x"));

        Assert.Contains("off on this server (Realtime:FanOutProbe)", refused.Message);
    }

    [Fact]
    public async Task The_probe_reaches_the_other_clients_on_the_document_and_writes_nothing()
    {
        var projectId = await _on.CreateProjectAsync("probe on");
        var documentId = await _on.ImportDocumentAsync(projectId, "Probe text.");
        var alice = await _on.CreateUserAsync("probe-alice");
        await _on.AddMemberAsync(alice, projectId);
        await using var sender = await _on.ConnectToHubAsync();
        await using var receiver = await _on.ConnectToHubAsync("probe-alice", AppServer.AnnotatorPassword);
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        receiver.On<string>("Probe", p => received.TrySetResult(p));
        await sender.InvokeAsync<JsonElementResult>("JoinDocument", documentId, (long?)null);
        await receiver.InvokeAsync<JsonElementResult>("JoinDocument", documentId, (long?)null);

        await sender.InvokeAsync("ProbeFanOut", documentId, "probe-7:payload");

        Assert.Equal("probe-7:payload", await received.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await using var db = _on.CreateDbContext();
        Assert.Equal(0, await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId));
        Assert.Equal(0, await db.Annotations.CountAsync(a => a.DocumentId == documentId));
    }

    [Fact]
    public async Task An_outsider_or_an_oversized_payload_is_refused()
    {
        var projectId = await _on.CreateProjectAsync("probe refusals");
        var documentId = await _on.ImportDocumentAsync(projectId, "Probe text.");
        await _on.CreateUserAsync("probe-outsider");
        await using var outsider = await _on.ConnectToHubAsync("probe-outsider", AppServer.AnnotatorPassword);
        await using var admin = await _on.ConnectToHubAsync();

        var notMember = await Assert.ThrowsAsync<HubException>(() => outsider.InvokeAsync("ProbeFanOut", documentId, "probe-1:x"));
        var tooLong = await Assert.ThrowsAsync<HubException>(() => admin.InvokeAsync("ProbeFanOut", documentId, new string('x', AnnotationHub.MaxProbeChars + 1)));

        Assert.Contains($"Document {documentId} does not exist", notMember.Message);
        Assert.Contains($"at most {AnnotationHub.MaxProbeChars} characters", tooLong.Message);
    }

    /// <summary>JoinDocument's answer, unread here.</summary>
    private sealed record JsonElementResult(long Sequence);
}
