using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Hostile;

/// <summary>The hub's per-user limit on changes, set low; the bucket refills once an hour, so the counts are exact.</summary>
public sealed class HubRateLimitTests : IAsyncLifetime
{
    private const int Burst = 5;

    private readonly AppServer _server = new(new Dictionary<string, string?>
    {
        ["RateLimits:Hub:BurstLimit"] = Burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RateLimits:Hub:PerSecond"] = "1",
        ["RateLimits:Hub:RefillSeconds"] = "3600",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Changes_past_the_burst_are_refused_with_a_reason_over_all_of_a_user_s_connections_while_others_go_on()
    {
        var projectId = await _server.CreateProjectAsync("rate");
        var documentId = await _server.ImportDocumentAsync(projectId, "Officials said at least ten US soldiers were injured at the base.");
        var otherId = await _server.CreateUserAsync("hub-other");
        await _server.AddMemberAsync(otherId, projectId);
        await using var first = await _server.ConnectToHubAsync();
        await using var second = await _server.ConnectToHubAsync();
        await using var other = await _server.ConnectToHubAsync("hub-other", AppServer.AnnotatorPassword);

        var burst = await Task.WhenAll(Enumerable.Range(0, Burst + 1).Select(i =>
            (i % 2 == 0 ? first : second).InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, i, i + 3, "claim", null, null))));
        var othersCreate = await other.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 4, "claim", null, null));
        var stillRefused = await first.InvokeAsync<MutationResult>("DeleteAnnotation", burst.First(r => r.Ok).Change!.Annotation.Id, 1);

        Assert.Equal(Burst, burst.Count(r => r.Ok));
        var refused = Assert.Single(burst, r => !r.Ok);
        Assert.Equal("rate_limited", refused.Code);
        Assert.StartsWith("Too many changes: at most 1 a second per user (bursts of 5), over all your connections. Nothing was changed", refused.Error, StringComparison.Ordinal);
        Assert.True(othersCreate.Ok, othersCreate.Error);
        Assert.Equal("rate_limited", stillRefused.Code);
        Assert.Equal("still here", await first.InvokeAsync<string>("Echo", "still here"));
        await using var db = _server.CreateDbContext();
        Assert.Equal(Burst + 1, await db.Annotations.CountAsync(a => a.DocumentId == documentId));
    }

    [Fact]
    public async Task Curation_changes_count_against_the_same_bucket_and_are_refused_past_it_while_reads_go_on()
    {
        var projectId = await _server.CreateProjectAsync("rate-curation");
        var documentId = await _server.ImportDocumentAsync(projectId, "Officials said at least ten US soldiers were injured at the base.");
        await using var curation = await _server.ConnectToHubAsync(path: AnnotateHub.Web.Features.Curation.CurationHub.Path);
        await using var annotation = await _server.ConnectToHubAsync();

        // Five decisions pass to the curation service (a reject of a unit with no spans is its own answer), the sixth is refused.
        var answers = new List<AnnotateHub.Web.Features.Curation.CurationResultDto>();
        for (var i = 0; i < Burst + 1; i++)
            answers.Add(await curation.InvokeAsync<AnnotateHub.Web.Features.Curation.CurationResultDto>("Reject", documentId, i, i + 3, null));
        var annotationChange = await annotation.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 4, "claim", null, null));

        Assert.All(answers.Take(Burst), a => Assert.NotEqual("rate_limited", a.Code));
        Assert.Equal("rate_limited", answers[Burst].Code);
        Assert.StartsWith("Too many changes: at most 1 a second per user (bursts of 5), over all your connections. Nothing was changed", answers[Burst].Error, StringComparison.Ordinal);
        Assert.Equal("rate_limited", annotationChange.Code); // one bucket for both hubs
        await using var db = _server.CreateDbContext();
        Assert.Equal(0, await db.Annotations.CountAsync(a => a.DocumentId == documentId));
        var view = await curation.InvokeAsync<AnnotateHub.Web.Features.Curation.CurationStateDto>("GetCuration", documentId, false);
        Assert.NotNull(view); // reading is not limited
    }
}
