using AnnotateHub.Web.Features.Annotations;
using System.Text;
using System.Text.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Hostile;

/// <summary>Hostile calls to the annotation hub, sent as raw frames: every one is answered with its reason (never
/// SignalR's generic "error on the server"), the connection survives, and the database is unchanged.</summary>
public sealed class HubHostileInputTests(AppServer server, ITestOutputHelper output) : IClassFixture<AppServer>
{
    private const string Text = "Officials said at least ten US soldiers were injured at the base on Monday.";
    private const string Generic = "error on the server";
    private static readonly string[] Refusals = ["invalid", "not_found", "forbidden", "conflict"];

    [Fact]
    public async Task Wrong_types_nulls_and_wrong_argument_counts_answer_with_their_reason_and_change_nothing()
    {
        var (documentId, annotationId) = await DocumentWithOneSpanAsync();
        var before = await StateAsync(documentId);
        await using var hub = await RawHubClient.ConnectAsync(server.BaseAddress, await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        var d = documentId;
        (string Method, string Arguments)[] calls =
        [
            ("JoinDocument", "[\"abc\", null]"), ("JoinDocument", "[]"), ("JoinDocument", $"[{d}, null, 3]"), ("JoinDocument", "[null, null]"),
            ("JoinDocument", "[1e40, null]"), ("JoinDocument", $"[{d}, \"x\"]"), ("JoinDocument", $"[{d}, {{}}]"), ("JoinDocument", "[-1, null]"),
            ("LeaveDocument", "[\"x\"]"), ("LeaveDocument", "[]"),
            ("GetChanges", $"[{d}, -5, 0]"), ("GetChanges", $"[{d}, 0, 5001]"), ("GetChanges", $"[{d}, \"0\", 10]"), ("GetChanges", $"[{d}]"),
            ("SetActivity", $"[{d}, 5]"), ("SetActivity", "[]"),
            ("CreateAnnotation", "[null]"), ("CreateAnnotation", "[]"), ("CreateAnnotation", "[\"x\"]"), ("CreateAnnotation", "[[1,2]]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":\"0\",\"end\":5,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":null,\"end\":5,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":2147483648,\"end\":5,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":-5,\"end\":3,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":5,\"end\":2,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":2147483647,\"label\":\"claim\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"label\":\"no such label\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"label\":\"cl\\u0000aim\\u001b\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"label\":\"\\ud800\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"label\":\"claim\",\"note\":\"{new string('n', 60_000)}\"}}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"labelId\":-1}}]"),
            ("CreateAnnotation", "[{\"documentId\":2147483647,\"start\":0,\"end\":5,\"label\":\"claim\"}]"),
            ("CreateAnnotation", $"[{{\"documentId\":{d},\"start\":0,\"end\":5,\"label\":\"claim\"}}, 2]"),
            ("UpdateAnnotation", "[null]"), ("UpdateAnnotation", "[{\"annotationId\":\"x\",\"expectedVersion\":1}]"),
            ("UpdateAnnotation", "[{\"annotationId\":-1,\"expectedVersion\":1}]"),
            ("UpdateAnnotation", $"[{{\"annotationId\":{annotationId},\"expectedVersion\":99,\"label\":\"claim\"}}]"),
            ("UpdateAnnotation", $"[{{\"annotationId\":{annotationId},\"expectedVersion\":1,\"label\":\"no such label\"}}]"),
            ("DeleteAnnotation", "[null, 1]"), ("DeleteAnnotation", "[1]"), ("DeleteAnnotation", "[\"1\", \"1\"]"), ("DeleteAnnotation", "[-1, 1]"),
            ("DeleteAnnotation", $"[{annotationId}, 99]"), ("DeleteAnnotation", $"[{annotationId}, 1e3]"),
            ("Echo", "[5]"), ("Echo", "[]"), ("NoSuchMethod", "[]"), ("ProbeFanOut", $"[{d}, null]"),
        ];

        var generic = new List<string>();
        foreach (var (method, arguments) in calls)
        {
            var answer = await hub.InvokeAsync(method, arguments);
            Assert.True(answer is not null, $"{method}{Short(arguments)} closed the connection");
            var (code, reason) = Outcome(answer!.Value);
            output.WriteLine($"{method}{Short(arguments)} -> {code}: {reason}");
            if (reason?.Contains(Generic, StringComparison.Ordinal) == true) generic.Add($"{method}{Short(arguments)}");
            if (HubCallLimiter.IsChange(method)) Assert.Contains(code, Refusals);
            if (code != "ok") Assert.False(string.IsNullOrWhiteSpace(reason), $"{method}{Short(arguments)} was refused without a reason");
        }

        Assert.Empty(generic);
        Assert.Equal(before, await StateAsync(documentId));
    }

    [Fact]
    public async Task Binding_failures_name_the_argument_and_what_it_must_be()
    {
        var (documentId, _) = await DocumentWithOneSpanAsync();
        await using var hub = await RawHubClient.ConnectAsync(server.BaseAddress, await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));

        var start = Outcome((await hub.InvokeAsync("CreateAnnotation", $"[{{\"documentId\":{documentId},\"start\":\"0\",\"end\":5}}]"))!.Value);
        var count = Outcome((await hub.InvokeAsync("DeleteAnnotation", "[1]"))!.Value);
        var join = Outcome((await hub.InvokeAsync("JoinDocument", "[\"abc\", null]"))!.Value);

        Assert.Equal(("invalid", "Argument 1 of CreateAnnotation (request): \"start\" must be an integer from -2147483648 to 2147483647, not a string."), start);
        Assert.Equal(("invalid", "DeleteAnnotation takes 2 arguments (DeleteAnnotation(annotationId: an integer, expectedVersion: an integer from -2147483648 to 2147483647)), not 1."), count);
        // SignalR words a HubException's message as "An unexpected error occurred invoking 'X' on the server. HubException: ...".
        Assert.Equal("error", join.Code);
        Assert.EndsWith("HubException: Argument 1 of JoinDocument (documentId) must be an integer from -2147483648 to 2147483647, not a string.", join.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dotnet_client_with_wrong_typed_arguments_gets_invalid_or_a_hub_exception_with_the_reason()
    {
        var (documentId, _) = await DocumentWithOneSpanAsync();
        await using var hub = await server.ConnectToHubAsync();

        var delete = await hub.InvokeCoreAsync<MutationResult>("DeleteAnnotation", ["seventeen", null]);
        var create = await hub.InvokeCoreAsync<MutationResult>("CreateAnnotation", [new { documentId, start = "zero", end = 4 }]);
        var join = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => hub.InvokeCoreAsync<JoinResult>("JoinDocument", [documentId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, 7]));

        Assert.Equal(("invalid", "Argument 1 of DeleteAnnotation (annotationId) must be an integer, not a string."), (delete.Code, delete.Error));
        Assert.Equal(("invalid", "Argument 1 of CreateAnnotation (request): \"start\" must be an integer from -2147483648 to 2147483647, not a string."), (create.Code, create.Error));
        Assert.EndsWith("JoinDocument takes 2 arguments (JoinDocument(documentId: an integer from -2147483648 to 2147483647, afterSequence: an integer or null)), not 3.", join.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, hub.State);
    }

    [Fact]
    public async Task Seeded_random_creates_with_hostile_values_are_each_answered_and_only_valid_ones_are_written()
    {
        var (documentId, _) = await DocumentWithOneSpanAsync();
        var before = await StateAsync(documentId);
        await using var hub = await RawHubClient.ConnectAsync(server.BaseAddress, await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword));
        var random = new Random(1414);
        string[] offsets = ["0", "3", "-1", "-2147483648", "2147483647", "2147483648", "1e3", "0.5", "null", "\"4\"", "true", "[]", "{}"];
        string[] labels = ["\"claim\"", "\"CLAIM\"", "\"no such\"", "\"\"", "null", "\"\\u0000\"", "\"\\ud800\"", "\"\\udc00x\"", "7", "\"" + new string('x', 20_000) + "\"", "\"\\u202e\\u0007\""];
        string[] notes = ["null", "\"ok\"", "\"\\ud83d\"", "\"" + new string('n', 30_000) + "\"", "\"\\u0000\\u0001\\u001f\"", "1", "{}"];
        string[] documents = [documentId.ToString(System.Globalization.CultureInfo.InvariantCulture), "-1", "0", "2147483647", "null", "\"x\""];
        var written = 0;
        var answers = new Dictionary<string, int>();
        for (var i = 0; i < 300; i++)
        {
            var request = $"{{\"documentId\":{Pick(documents)},\"start\":{Pick(offsets)},\"end\":{Pick(offsets)},\"label\":{Pick(labels)},\"note\":{Pick(notes)}}}";
            var answer = await hub.InvokeAsync("CreateAnnotation", $"[{request}]");
            Assert.True(answer is not null, $"{Short(request)} closed the connection");
            var (code, reason) = Outcome(answer!.Value);
            answers[code] = answers.GetValueOrDefault(code) + 1;
            Assert.Contains(code, Refusals.Append("ok"));
            if (code == "ok") written++;
            else Assert.False(string.IsNullOrWhiteSpace(reason), $"{Short(request)} was refused without a reason");
        }
        output.WriteLine(string.Join(", ", answers.OrderBy(a => a.Key).Select(a => $"{a.Key}: {a.Value}")));

        var after = await StateAsync(documentId);
        Assert.Equal(before.Annotations + written, after.Annotations);
        Assert.Equal(before.Changes + written, after.Changes);

        string Pick(string[] values) => values[random.Next(values.Length)];
    }

    [Fact]
    public async Task Frames_that_are_not_json_or_not_utf8_close_only_their_own_connection()
    {
        var (documentId, _) = await DocumentWithOneSpanAsync();
        var before = await StateAsync(documentId);
        var cookie = await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        byte[][] frames =
        [
            [.. "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Echo\",\"arguments\":[\""u8, 0xFF, 0xFE, 0xC0, .. "\"]}"u8],
            "{\"type\":1,\"invocationId\":\"1\",\"target\":\"Echo\",\"arguments\":["u8.ToArray(),
            Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("[", 5000))),
            "not json at all"u8.ToArray(),
        ];
        foreach (var frame in frames)
        {
            await using var hostile = await RawHubClient.ConnectAsync(server.BaseAddress, cookie);
            var answer = await hostile.SendRawAsync(frame, "1");
            output.WriteLine($"{Encoding.UTF8.GetString(frame.AsSpan(0, Math.Min(40, frame.Length)))} -> {(answer is null ? "connection closed" : Outcome(answer.Value).ToString())}");
        }

        await using var calm = await server.ConnectToHubAsync();
        Assert.Equal("still here", await calm.InvokeAsync<string>("Echo", "still here"));
        Assert.Equal(before, await StateAsync(documentId));
    }

    [Fact]
    public async Task Joining_with_a_sequence_past_the_head_gets_a_snapshot_not_its_own_number_back()
    {
        var (documentId, _) = await DocumentWithOneSpanAsync();
        await using var hub = await server.ConnectToHubAsync();

        var joined = await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)1_000_000);

        Assert.True(joined.Snapshot);
        Assert.Equal(1, joined.Sequence);
        Assert.Single(joined.Annotations);
    }

    private static (string Code, string? Reason) Outcome(JsonElement completion)
    {
        if (completion.TryGetProperty("error", out var error)) return ("error", error.GetString());
        if (!completion.TryGetProperty("result", out var result) || result.ValueKind != JsonValueKind.Object) return ("ok", null);
        if (!result.TryGetProperty("code", out var code)) return ("ok", null);
        return (code.GetString()!, result.TryGetProperty("error", out var reason) ? reason.GetString() : null);
    }

    private static string Short(string s) => s.Length <= 120 ? s : s[..117] + "...";

    private async Task<(int DocumentId, long AnnotationId)> DocumentWithOneSpanAsync()
    {
        var projectId = await server.CreateProjectAsync("hostile " + Guid.NewGuid().ToString("N")[..8]);
        var documentId = await server.ImportDocumentAsync(projectId, Text);
        await using var hub = await server.ConnectToHubAsync();
        var created = await hub.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 9, "claim", null, null));
        Assert.True(created.Ok, created.Error);
        return (documentId, created.Change!.Annotation.Id);
    }

    private async Task<(int Annotations, int Changes, int Documents)> StateAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        return (await db.Annotations.CountAsync(a => a.DocumentId == documentId),
            await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId),
            await db.Documents.CountAsync());
    }
}
