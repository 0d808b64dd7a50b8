using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.IntegrationTests.Tokens;

/// <summary>A script's view: the .NET SignalR client with an API token and no cookie.</summary>
public sealed class ApiTokenHubTests(AppServer server) : IClassFixture<AppServer>
{
    private ApiTokenService Tokens => server.Get<ApiTokenService>();

    [Theory]
    [InlineData(HttpTransportType.WebSockets)]
    [InlineData(HttpTransportType.LongPolling)]
    public async Task Script_with_a_token_annotates_as_the_tokens_owner(HttpTransportType transport)
    {
        var userId = await server.CreateUserAsync("script-" + Guid.NewGuid().ToString("N")[..8]);
        var created = await Tokens.CreateAsync(userId, "pre-annotator");
        var projectId = await server.CreateProjectAsync("token hub " + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, "Rockets hit the base on Monday. " + Guid.NewGuid().ToString("N"));
        await server.AddMemberAsync(userId, projectId);
        await using var connection = Connect(created.Plaintext, transport);

        await connection.StartAsync();
        await connection.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var result = await connection.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));

        Assert.True(result.Ok, result.Error);
        Assert.Equal((userId, userId), (result.Change!.UserId, result.Change.Annotation.AnnotatorId));
    }

    [Fact]
    public async Task Revoked_token_cannot_connect()
    {
        var userId = await server.CreateUserAsync("revoked-script-" + Guid.NewGuid().ToString("N")[..8]);
        var created = await Tokens.CreateAsync(userId, "revoked script");
        await Tokens.RevokeAsync(userId, created.Token.Id);
        await using var connection = Connect(created.Plaintext, HttpTransportType.WebSockets);

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => connection.StartAsync());

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, error.StatusCode);
        Assert.Equal(HubConnectionState.Disconnected, connection.State);
    }

    private HubConnection Connect(string token, HttpTransportType transport) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AnnotationHub.Path), o =>
            {
                o.Transports = transport;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
}
