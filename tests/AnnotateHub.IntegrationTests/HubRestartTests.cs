using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Data.Sqlite;

namespace AnnotateHub.IntegrationTests;

public sealed class HubRestartTests
{
    /// <summary>A span a client saw as saved survives a server restart, and a client that comes back after the restart
    /// receives, from the last sequence it applied, exactly the changes it missed.</summary>
    [Fact]
    public async Task After_a_server_restart_a_client_catches_up_from_its_last_sequence()
    {
        var folder = Directory.CreateTempSubdirectory("annotatehub-restart-").FullName;
        var path = Path.Combine(folder, "restart.db");
        try
        {
            long seen;
            long savedId;
            int documentId;
            var first = new AppServer(path);
            await first.InitializeAsync();
            try
            {
                var projectId = await first.CreateProjectAsync("restart");
                documentId = await first.ImportDocumentAsync(projectId, "Rockets hit the base on Monday; two soldiers were hurt.");
                await using var client = await ConnectAsync(first);
                var saved = await client.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "actor", null, null));
                Assert.True(saved.Ok, saved.Error);
                seen = saved.Change!.Sequence;
                savedId = saved.Change.Annotation.Id;
            }
            finally
            {
                await first.DisposeAsync();
            }

            var second = new AppServer(path);
            await second.InitializeAsync();
            try
            {
                await using var other = await ConnectAsync(second);
                var missed = await other.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 32, 47, "casualty figure", null, null));
                Assert.True(missed.Ok, missed.Error);

                await using var back = await ConnectAsync(second);
                var caughtUp = await back.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)seen);
                var snapshot = await back.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

                var change = Assert.Single(caughtUp.Changes);
                Assert.Equal(seen + 1, change.Sequence);
                Assert.Equal("created", change.Kind);
                Assert.Equal("casualty figure", change.Annotation.Label);
                Assert.Equal((32, 47), (change.Annotation.Start, change.Annotation.End));
                Assert.Equal([savedId, missed.Change!.Annotation.Id], snapshot.Annotations.Select(a => a.Id).Order());
                Assert.Equal(seen + 1, snapshot.Sequence);
            }
            finally
            {
                await second.DisposeAsync();
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static Task<HubConnection> ConnectAsync(AppServer server) => server.ConnectToHubAsync();
}
