using AnnotateHub.Web.Features.Annotations;
using static AnnotateHub.IntegrationTests.Infrastructure.Eventually;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Authorization;

/// <summary>
/// Issue 14, "rights end at once, at every door": an open hub connection of a revoked token, of a user locked from the
/// command line, and of a supervisor demoted from the command line is refused or moved on its next call and event.
/// The command line runs in-process but builds its own host (own caches, own notifier), so the server hears of its
/// changes only through the database, as it would from another process. Latencies are printed, never asserted.
/// </summary>
public sealed class RightsEndAtOnceTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_revoked_tokens_hub_connection_is_refused_on_its_next_call_and_gets_no_more_changes()
    {
        var (projectId, documentId, userId, _) = await ProjectWithAnnotatorAsync();
        var tokens = server.Get<ApiTokenService>();
        var token = await tokens.CreateAsync(userId, "script");
        await using var script = await ConnectWithTokenAsync(token.Plaintext);
        var scriptSide = Watch(script);
        await using var control = await server.ConnectToHubAsync();
        var controlSide = Watch(control);
        await script.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        await control.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var before = await script.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));
        Assert.True(before.Ok, before.Error);

        var clock = Stopwatch.StartNew();
        Assert.True(await tokens.RevokeAsync(userId, token.Token.Id));
        var refused = await Assert.ThrowsAnyAsync<Exception>(() =>
            script.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 8, 12, "claim", null, null)));
        var revocation = await scriptSide.Revoked.Task.WaitAsync(Wait);
        await scriptSide.Closed.Task.WaitAsync(Wait);
        output.WriteLine($"token revoked -> AccessRevoked and connection closed: {clock.Elapsed.TotalMilliseconds:F0} ms");

        // Refused by the call's check (the reason is its error), or the connection was already closed by then.
        if (refused is HubException) Assert.Contains("The API token was revoked.", refused.Message);
        Assert.Equal((documentId, "The API token was revoked."), (revocation.DocumentId, revocation.Reason));
        Assert.Equal(1, await SpansOfAsync(documentId, userId));
        // Another member's span after the revoke reaches the control connection, not the closed one.
        var after = await control.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 13, 17, "claim", null, null));
        Assert.True(after.Ok, after.Error);
        await Until(limit: Wait, condition: () => controlSide.Sequences.Contains(after.Change!.Sequence));
        Assert.DoesNotContain(after.Change!.Sequence, scriptSide.Sequences);
        Assert.Equal(HubConnectionState.Disconnected, script.State);
        // REST, and a new connection with the same token, are refused too.
        using var rest = server.CreateHttpClient();
        rest.DefaultRequestHeaders.Authorization = new("Bearer", token.Plaintext);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rest.GetAsync("/api/me")).StatusCode);
        _ = projectId;
    }

    [Trait("Database", "SqliteOnly")] // the command line, run against a SQLite file
    [Fact]
    public async Task A_hub_connection_of_a_user_locked_from_the_command_line_is_told_closed_and_refused()
    {
        var (_, documentId, userId, userName) = await ProjectWithAnnotatorAsync();
        var cookie = await server.SignInCookieAsync(userName, AppServer.AnnotatorPassword);
        await using var locked = ConnectWithCookie(cookie);
        await locked.StartAsync();
        var lockedSide = Watch(locked);
        await using var control = await server.ConnectToHubAsync();
        var controlSide = Watch(control);
        await locked.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        await control.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var before = await control.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 7, "claim", null, null));
        await Until(limit: Wait, condition: () => lockedSide.Sequences.Contains(before.Change!.Sequence));

        var run = await RunCommandAsync("users", "lock", userName);
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var revocation = await lockedSide.Revoked.Task.WaitAsync(Wait);
        await lockedSide.Closed.Task.WaitAsync(Wait);
        output.WriteLine($"users lock (command line) -> AccessRevoked and connection closed: {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal((documentId, "Your account was locked by an administrator."), (revocation.DocumentId, revocation.Reason));
        await Assert.ThrowsAnyAsync<Exception>(() =>
            locked.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 8, 12, "claim", null, null)));
        var after = await control.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 13, 17, "claim", null, null));
        await Until(limit: Wait, condition: () => controlSide.Sequences.Contains(after.Change!.Sequence));
        Assert.Equal([before.Change!.Sequence], lockedSide.Sequences);
        Assert.Equal(0, await SpansOfAsync(documentId, userId));
        // The same cookie opens nothing any more: not a new hub connection, not the REST API.
        await using var again = ConnectWithCookie(cookie);
        var negotiate = await Assert.ThrowsAsync<HttpRequestException>(() => again.StartAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
        using var rest = server.CreateHttpClient(allowAutoRedirect: false);
        rest.DefaultRequestHeaders.Add("Cookie", cookie);
        Assert.Equal(HttpStatusCode.Unauthorized, (await rest.GetAsync("/api/me")).StatusCode);
    }

    [Trait("Database", "SqliteOnly")] // the command line, run against a SQLite file
    [Fact]
    public async Task A_blind_supervisor_demoted_from_the_command_line_stops_receiving_the_others_spans_but_keeps_their_own()
    {
        var blind = await BlindProjectAsync();
        await using var supervisor = await server.ConnectToHubAsync(blind.SupName, AppServer.AnnotatorPassword);
        var supervisorSide = Watch(supervisor);
        var standing = new TaskCompletionSource<StandingChangedDto>(TaskCreationOptions.RunContinuationsAsynchronously);
        supervisor.On<StandingChangedDto>("StandingChanged", s => standing.TrySetResult(s));
        await using var control = await server.ConnectToHubAsync();
        var controlSide = Watch(control);
        await supervisor.InvokeAsync<JoinResult>("JoinDocument", blind.DocumentId, (long?)null);
        await control.InvokeAsync<JoinResult>("JoinDocument", blind.DocumentId, (long?)null);
        var seen = await CreateAsync(blind.DocumentId, blind.BenId, 0, 7);
        await Until(limit: Wait, condition: () => supervisorSide.Sequences.Contains(seen));

        var run = await RunCommandAsync("projects", "add-member", blind.ProjectName, blind.SupName, "--role", "annotator");
        var clock = Stopwatch.StartNew();
        Assert.Equal(ExitCodes.Ok, run.ExitCode);
        var changed = await standing.Task.WaitAsync(Wait);
        output.WriteLine($"projects add-member --role annotator (command line) -> StandingChanged: {clock.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(new StandingChangedDto(blind.DocumentId, IsSupervisor: false, SeesOthers: false), changed);

        // Ben's next span goes to the control (an admin) and not to the demoted supervisor; their own span still works.
        var hidden = await CreateAsync(blind.DocumentId, blind.BenId, 8, 12);
        await Until(limit: Wait, condition: () => controlSide.Sequences.Contains(hidden));
        var own = await supervisor.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(blind.DocumentId, 13, 17, "claim", null, null));
        Assert.True(own.Ok, own.Error);
        // One document's changes reach a connection in sequence order: once their own later change is there, Ben's was never sent.
        await Until(limit: Wait, condition: () => supervisorSide.Sequences.Contains(own.Change!.Sequence));
        Assert.DoesNotContain(hidden, supervisorSide.Sequences);
        Assert.True(hidden < own.Change!.Sequence);
        var changes = await supervisor.InvokeAsync<IReadOnlyList<ChangeDto>>("GetChanges", blind.DocumentId, 0L, 100);
        Assert.All(changes, c => Assert.Equal(blind.SupId, c.UserId));
    }

    internal sealed record BlindTeam(int ProjectId, string ProjectName, int DocumentId, string SupId, string SupName, string BenId);

    /// <summary>A blind project: a supervisor (not an admin; also assigned the document, so as an annotator they keep
    /// it) and annotator Ben, both on one document.</summary>
    private async Task<BlindTeam> BlindProjectAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var name = "blind-rights-" + suffix;
        var projectId = await server.CreateProjectAsync(name);
        var documentId = await server.ImportDocumentAsync(projectId, "Rockets hit the base on Monday, officials said. " + suffix);
        var supName = "sup-" + suffix;
        var supId = await server.CreateUserAsync(supName);
        var benId = await server.CreateUserAsync("ben-" + suffix);
        await server.AddMemberAsync(supId, projectId, ProjectRole.Supervisor);
        await server.AddMemberAsync(benId, projectId);
        await server.AssignAsync(supId, documentId);
        await using (var db = server.CreateDbContext())
        {
            await db.Projects.Where(p => p.Id == projectId).ExecuteUpdateAsync(s => s.SetProperty(p => p.Mode, ProjectMode.Blind));
        }
        server.Get<AnnotateHub.Web.Features.Projects.ProjectAccess>().Invalidate(projectId);
        return new BlindTeam(projectId, name, documentId, supId, supName, benId);
    }

    private async Task<long> CreateAsync(int documentId, string userId, int start, int end)
    {
        var labelId = (await server.Get<AnnotateHub.Web.Features.Labels.LabelService>().ListAsync(await server.ProjectOfAsync(documentId)))[0].Id;
        var result = await server.Get<AnnotateHub.Web.Features.Annotations.AnnotationService>().CreateAsync(documentId, userId, start, end, labelId, null);
        Assert.True(result.Succeeded, result.Error);
        return result.Sequence;
    }

    private async Task<(int ProjectId, int DocumentId, string UserId, string UserName)> ProjectWithAnnotatorAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var projectId = await server.CreateProjectAsync("rights " + suffix);
        var documentId = await server.ImportDocumentAsync(projectId, "Rockets hit the base on Monday, officials said. " + suffix);
        var userName = "ria-" + suffix;
        var userId = await server.CreateUserAsync(userName);
        await server.AddMemberAsync(userId, projectId);
        return (projectId, documentId, userId, userName);
    }

    private async Task<int> SpansOfAsync(int documentId, string userId)
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.CountAsync(a => a.DocumentId == documentId && a.AnnotatorId == userId);
    }

    /// <summary>The server's command line against the server's database file, in its own host (see the class summary).</summary>
    internal static async Task<(int ExitCode, string Out, string Error)> RunCommandAsync(AppServer server, params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var settings = new Dictionary<string, string?> { [$"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}"] = $"Data Source={server.DatabasePath}" };
        var code = await CommandLineHost.RunAsync(args, new StringReader(""), stdout, stderr, settings, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private Task<(int ExitCode, string Out, string Error)> RunCommandAsync(params string[] args) => RunCommandAsync(server, args);

    private sealed class Side
    {
        public ConcurrentQueue<long> Changes { get; } = new();
        public IReadOnlyList<long> Sequences => Changes.ToArray();
        public TaskCompletionSource<AccessRevokedDto> Revoked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Closed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private static Side Watch(HubConnection connection)
    {
        var side = new Side();
        connection.On<ChangeDto>("Change", c => side.Changes.Enqueue(c.Sequence));
        connection.On<ChangeDto[]>("Changes", cs => { foreach (var c in cs) side.Changes.Enqueue(c.Sequence); });
        connection.On<AccessRevokedDto>("AccessRevoked", r => side.Revoked.TrySetResult(r));
        connection.Closed += _ =>
        {
            side.Closed.TrySetResult();
            return Task.CompletedTask;
        };
        return side;
    }

    private async Task<HubConnection> ConnectWithTokenAsync(string token)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AnnotationHub.Path), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.AccessTokenProvider = () => Task.FromResult<string?>(token);
            })
            .Build();
        await connection.StartAsync();
        return connection;
    }

    private HubConnection ConnectWithCookie(string cookie) =>
        new HubConnectionBuilder()
            .WithUrl(new Uri(server.BaseAddress, AnnotationHub.Path), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.Headers["Cookie"] = cookie;
            })
            .Build();

}
