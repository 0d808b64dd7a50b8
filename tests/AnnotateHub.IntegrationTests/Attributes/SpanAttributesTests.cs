using System.Net;
using System.Net.Http.Json;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Attributes;

/// <summary>What spans say (issue 19), through the hub and REST on the real app: values checked against the label's
/// definitions, every bad one refused with its reason and nothing changed; kept on edits, live, in the change log, undone.</summary>
public sealed class SpanAttributesTests(AppServer server) : IClassFixture<AppServer>
{
    private const string Text = "Officials said at least ten US soldiers were injured at the base 🇮🇶 on Monday; a spokesman denied it.";

    private static Dictionary<string, string?> Figure(string? count = "10", string? status = "injured", string? who = "US soldiers", string? qualifier = "at least") =>
        new() { ["count"] = count, ["status"] = status, ["who"] = who, ["qualifier"] = qualifier };

    [Fact]
    public async Task A_casualty_figure_made_through_the_hub_says_what_it_counts_and_every_viewer_sees_it()
    {
        var documentId = await NewDocumentAsync();
        await using var writer = await server.ConnectToHubAsync();
        await using var reader = await server.ConnectToHubAsync();
        var seen = new List<ChangeDto>();
        reader.On<ChangeDto>("Change", c => { lock (seen) seen.Add(c); });
        reader.On<ChangeDto[]>("Changes", b => { lock (seen) seen.AddRange(b); });
        var joined = await reader.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var figure = joined.Labels.Single(l => l.Name == "casualty figure");
        Assert.Equal(["count", "status", "who", "qualifier"], figure.Attributes!.Select(a => a.Name));
        Assert.Equal(["number", "choice", "text", "choice"], figure.Attributes!.Select(a => a.Type));

        var made = await writer.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 15, 52, "casualty figure", null, null, Figure(count: " 10 ", status: "Injured", qualifier: "AT LEAST")));

        Assert.True(made.Ok, made.Error);
        var expected = new Dictionary<string, string> { ["count"] = "10", ["status"] = "injured", ["who"] = "US soldiers", ["qualifier"] = "at least" };
        Assert.Equal(expected, made.Change!.Annotation.Attributes);
        await Eventually.Until(() => { lock (seen) return seen.Any(c => c.Annotation.Id == made.Change.Annotation.Id); });
        lock (seen) Assert.Equal(expected, seen.Single(c => c.Annotation.Id == made.Change.Annotation.Id).Annotation.Attributes);
        await using var db = server.CreateDbContext();
        var row = await db.Annotations.AsNoTracking().SingleAsync(a => a.Id == made.Change.Annotation.Id);
        Assert.Equal("""{"count":"10","qualifier":"at least","status":"injured","who":"US soldiers"}""", row.Attributes);
        var log = await db.DocumentChanges.AsNoTracking().SingleAsync(c => c.DocumentId == documentId);
        Assert.Equal(row.Attributes, System.Text.Json.JsonSerializer.Deserialize<AnnotationView>(log.Payload)!.Attributes); // the change log has them
    }

    [Fact]
    public async Task A_span_drawn_without_values_starts_from_the_labels_defaults()
    {
        var documentId = await NewDocumentAsync();
        await using var hub = await server.ConnectToHubAsync();
        await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);

        var made = await hub.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 15, 52, "casualty figure", null, null));
        var claim = await hub.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 0, 9, "claim", null, null));

        Assert.True(made.Ok, made.Error);
        Assert.Equal(new Dictionary<string, string> { ["qualifier"] = "exact" }, made.Change!.Annotation.Attributes);
        Assert.Empty(claim.Change!.Annotation.Attributes!);
    }

    public static TheoryData<string, string, string?, string> BadValues => new()
    {
        { "casualty figure", "count", "ten", "\"ten\" is not a number" },
        { "casualty figure", "count", "-1", "below the smallest allowed, 0" },
        { "casualty figure", "status", "wounded", "\"wounded\" is not one of killed, injured, missing, none, unknown" },
        { "casualty figure", "who", "two\nlines", "cannot hold control characters or line breaks" },
        { "casualty figure", "who", new string('x', 501), "at most 500 characters" },
        { "casualty figure", "colour", "red", "This label has no attribute \"colour\"" },
        { "claim", "count", "10", "This label has no attribute \"count\"" },
        { "actor", "stance", "denied", "This label has no attributes; \"stance\" is not one" },
    };

    [Theory]
    [MemberData(nameof(BadValues))]
    public async Task A_bad_value_is_refused_with_its_reason_and_changes_nothing(string label, string name, string? value, string reason)
    {
        var documentId = await NewDocumentAsync();
        await using var hub = await server.ConnectToHubAsync();
        await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var kept = await hub.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(documentId, 15, 52, label, null, null));
        Assert.True(kept.Ok, kept.Error);
        var before = await StateAsync(documentId);

        var create = await hub.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 0, 9, label, null, null, new Dictionary<string, string?> { [name] = value }));
        var update = await hub.InvokeAsync<MutationResult>("UpdateAnnotation",
            new UpdateAnnotationRequest(kept.Change!.Annotation.Id, kept.Change.Annotation.Version, null, null, null, new Dictionary<string, string?> { [name] = value }));

        foreach (var refused in new[] { create, update })
        {
            Assert.False(refused.Ok);
            Assert.Equal("invalid", refused.Code);
            Assert.Contains(reason, refused.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was saved", refused.Error, StringComparison.Ordinal);
        }
        Assert.Equal(before, await StateAsync(documentId));
    }

    [Fact]
    public async Task Every_reason_is_given_at_once_and_a_good_value_beside_a_bad_one_is_not_saved()
    {
        var documentId = await NewDocumentAsync();
        await using var hub = await server.ConnectToHubAsync();
        await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var before = await StateAsync(documentId);

        var refused = await hub.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 15, 52, "casualty figure", null, null, Figure(count: "many", status: "wounded")));

        Assert.False(refused.Ok);
        Assert.Contains("\"many\" is not a number", refused.Error, StringComparison.Ordinal);
        Assert.Contains("\"wounded\" is not one of", refused.Error, StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(documentId));
    }

    [Fact]
    public async Task Edits_keep_the_values_a_relabel_keeps_what_fits_and_undo_brings_back_the_rest()
    {
        var documentId = await NewDocumentAsync();
        await using var hub = await server.ConnectToHubAsync();
        await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var made = (await hub.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 15, 52, "casualty figure", null, null, Figure()))).Change!.Annotation;

        // A note alone keeps the values.
        var noted = (await hub.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(made.Id, made.Version, null, null, "per the ministry"))).Change!.Annotation;
        Assert.Equal(made.Attributes, noted.Attributes);
        Assert.Equal("per the ministry", noted.Note);

        // New values replace the old ones; an empty value clears one.
        var recounted = await hub.InvokeAsync<MutationResult>("UpdateAnnotation",
            new UpdateAnnotationRequest(made.Id, noted.Version, null, null, noted.Note, Figure(count: "12", who: "")));
        Assert.True(recounted.Ok, recounted.Error);
        Assert.Equal(new Dictionary<string, string> { ["count"] = "12", ["status"] = "injured", ["qualifier"] = "at least" }, recounted.Change!.Annotation.Attributes);

        // As a claim it says nothing a claim does not define; undo makes it the casualty figure it was, values and all.
        var relabelled = (await hub.InvokeAsync<MutationResult>("UpdateAnnotation",
            new UpdateAnnotationRequest(made.Id, recounted.Change.Annotation.Version, "claim", null, noted.Note))).Change!.Annotation;
        Assert.Equal("claim", relabelled.Label);
        Assert.Empty(relabelled.Attributes!);
        var undone = await hub.InvokeAsync<MutationResult>("Undo", documentId);
        Assert.True(undone.Ok, undone.Error);
        Assert.Equal("casualty figure", undone.Change!.Annotation.Label);
        Assert.Equal(recounted.Change.Annotation.Attributes, undone.Change.Annotation.Attributes);

        // A stale version is refused as a conflict and the values stay.
        var stale = await hub.InvokeAsync<MutationResult>("UpdateAnnotation", new UpdateAnnotationRequest(made.Id, made.Version, null, null, null, Figure(count: "99")));
        Assert.Equal("conflict", stale.Code);
        await using var db = server.CreateDbContext();
        Assert.Contains("\"count\":\"12\"", (await db.Annotations.AsNoTracking().SingleAsync(a => a.Id == made.Id)).Attributes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_takes_and_returns_values_and_refuses_bad_ones_with_422()
    {
        var documentId = await NewDocumentAsync();
        using var client = await AdminClientAsync();

        using var created = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations",
            new CreateAnnotationBody(15, 52, "casualty figure", null, null, Figure(count: "39,600", qualifier: "more than")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var span = (await created.Content.ReadFromJsonAsync<AnnotationDto>())!;
        Assert.Equal("39600", span.Attributes!["count"]);
        Assert.Equal("more than", span.Attributes["qualifier"]);
        var before = await StateAsync(documentId);

        using var badCreate = await client.PostAsJsonAsync($"/api/documents/{documentId}/annotations",
            new CreateAnnotationBody(0, 9, "casualty figure", null, null, Figure(status: "hurt")));
        using var badUpdate = await client.PutAsJsonAsync($"/api/annotations/{span.Id}",
            new UpdateAnnotationBody(span.Version, null, null, null, new Dictionary<string, string?> { ["count"] = "1e400" }));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, badCreate.StatusCode);
        Assert.Contains("\"hurt\" is not one of", await DetailAsync(badCreate), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badUpdate.StatusCode);
        Assert.Contains("is not a number", await DetailAsync(badUpdate), StringComparison.Ordinal);
        Assert.Equal(before, await StateAsync(documentId));

        using var updated = await client.PutAsJsonAsync($"/api/annotations/{span.Id}",
            new UpdateAnnotationBody(span.Version, null, null, null, Figure(count: "2", status: "killed", who: "Israeli media", qualifier: "exact")));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("killed", (await updated.Content.ReadFromJsonAsync<AnnotationDto>())!.Attributes!["status"]);
    }

    [Fact]
    public async Task A_supervisor_defines_a_labels_attributes_over_rest_and_a_bad_definition_changes_nothing()
    {
        var documentId = await NewDocumentAsync();
        var projectId = await server.ProjectOfAsync(documentId);
        using var client = await AdminClientAsync();
        var labels = (await client.GetFromJsonAsync<List<LabelDto>>($"/api/projects/{projectId}/labels"))!;
        var actor = labels.Single(l => l.Name == "actor");
        Assert.Empty(actor.Attributes!);

        using var bad = await client.PutAsJsonAsync($"/api/labels/{actor.Id}/attributes", new[]
        {
            new AttributeDto("kind", "choice", []),
            new AttributeDto("kind", "text"),
            new AttributeDto("age", "number", Min: 10, Max: 5),
        });
        using var unknownType = await client.PutAsJsonAsync($"/api/labels/{actor.Id}/attributes", new[] { new AttributeDto("kind", "colour") });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var reasons = await DetailAsync(bad);
        Assert.Contains("needs at least one value", reasons, StringComparison.Ordinal);
        Assert.Contains("Two attributes are named", reasons, StringComparison.Ordinal);
        Assert.Contains("range of \"age\" is empty", reasons, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed", reasons, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, unknownType.StatusCode);
        Assert.Empty((await client.GetFromJsonAsync<List<LabelDto>>($"/api/projects/{projectId}/labels"))!.Single(l => l.Id == actor.Id).Attributes!);

        using var good = await client.PutAsJsonAsync($"/api/labels/{actor.Id}/attributes", new[]
        {
            new AttributeDto("kind", "choice", ["state", "militia", "outlet"], Required: true),
            new AttributeDto("named", "yesno", Default: "yes"),
        });
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        await using var hub = await server.ConnectToHubAsync();
        await hub.InvokeAsync<JoinResult>("JoinDocument", documentId, (long?)null);
        var missing = await hub.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 0, 9, "actor", null, null, new Dictionary<string, string?> { ["named"] = "no" }));
        Assert.Contains("kind: a value is required", missing.Error, StringComparison.Ordinal);
        var made = await hub.InvokeAsync<MutationResult>("CreateAnnotation",
            new CreateAnnotationRequest(documentId, 0, 9, "actor", null, null, new Dictionary<string, string?> { ["kind"] = "State", ["named"] = "true" }));
        Assert.True(made.Ok, made.Error);
        Assert.Equal(new Dictionary<string, string> { ["kind"] = "state", ["named"] = "yes" }, made.Change!.Annotation.Attributes);
    }

    [Fact]
    public async Task An_annotator_cannot_define_attributes_and_a_non_member_learns_nothing()
    {
        var documentId = await NewDocumentAsync();
        var projectId = await server.ProjectOfAsync(documentId);
        var annotator = await server.CreateUserAsync("attr-ann-" + Guid.NewGuid().ToString("N")[..6]);
        await server.AddMemberAsync(annotator, projectId);
        var outsider = await server.CreateUserAsync("attr-out-" + Guid.NewGuid().ToString("N")[..6]);
        using var admin = await AdminClientAsync();
        var actor = (await admin.GetFromJsonAsync<List<LabelDto>>($"/api/projects/{projectId}/labels"))!.Single(l => l.Name == "actor");

        using var asAnnotator = await ClientAsync(await UserNameAsync(annotator), AppServer.AnnotatorPassword);
        using var asOutsider = await ClientAsync(await UserNameAsync(outsider), AppServer.AnnotatorPassword);
        using var refused = await asAnnotator.PutAsJsonAsync($"/api/labels/{actor.Id}/attributes", new[] { new AttributeDto("kind", "text") });
        using var hidden = await asOutsider.PutAsJsonAsync($"/api/labels/{actor.Id}/attributes", new[] { new AttributeDto("kind", "text") });
        using var hiddenList = await asOutsider.GetAsync($"/api/projects/{projectId}/labels");

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, hiddenList.StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<List<LabelDto>>($"/api/projects/{projectId}/labels"))!.Single(l => l.Id == actor.Id).Attributes!);
    }

    [Fact]
    public async Task Document_labels_are_each_annotators_own_checked_and_refused_whole()
    {
        var documentId = await NewDocumentAsync();
        var projectId = await server.ProjectOfAsync(documentId);
        var annotator = await server.CreateUserAsync("doc-ann-" + Guid.NewGuid().ToString("N")[..6]);
        await server.AddMemberAsync(annotator, projectId);
        using var admin = await AdminClientAsync();
        using var ana = await ClientAsync(await UserNameAsync(annotator), AppServer.AnnotatorPassword);

        var empty = (await admin.GetFromJsonAsync<Web.Features.Labels.DocumentLabelsDto>($"/api/documents/{documentId}/labels"))!;
        Assert.Equal(["outlet stance", "event date"], empty.Attributes.Select(a => a.Name));
        Assert.Equal(0, empty.Version);

        using var bad = await admin.PutAsJsonAsync($"/api/documents/{documentId}/labels", new Web.Features.Labels.SetDocumentLabelsBody(0,
            new Dictionary<string, string?> { ["outlet stance"] = "hostile", ["event date"] = "8 January 2020" }));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, bad.StatusCode);
        var reasons = await DetailAsync(bad);
        Assert.Contains("\"hostile\" is not one of", reasons, StringComparison.Ordinal);
        Assert.Contains("\"8 January 2020\" is not a date written as 2020-01-08", reasons, StringComparison.Ordinal);
        await using (var db = server.CreateDbContext()) Assert.False(await db.DocumentLabels.AnyAsync(l => l.DocumentId == documentId));

        using var saved = await admin.PutAsJsonAsync($"/api/documents/{documentId}/labels", new Web.Features.Labels.SetDocumentLabelsBody(0,
            new Dictionary<string, string?> { ["outlet stance"] = "Neutral", ["event date"] = "2020-01-08" }));
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        using var anaSaved = await ana.PutAsJsonAsync($"/api/documents/{documentId}/labels", new Web.Features.Labels.SetDocumentLabelsBody(0,
            new Dictionary<string, string?> { ["outlet stance"] = "sympathetic to the US" }));
        Assert.Equal(HttpStatusCode.OK, anaSaved.StatusCode);
        // A stale version is a conflict, and what is there stays.
        using var stale = await admin.PutAsJsonAsync($"/api/documents/{documentId}/labels", new Web.Features.Labels.SetDocumentLabelsBody(0,
            new Dictionary<string, string?> { ["outlet stance"] = "unclear" }));
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var seen = (await admin.GetFromJsonAsync<Web.Features.Labels.DocumentLabelsDto>($"/api/documents/{documentId}/labels"))!;
        Assert.Equal(new Dictionary<string, string> { ["event date"] = "2020-01-08", ["outlet stance"] = "neutral" }, seen.Values);
        Assert.Equal(1, seen.Version);
        Assert.Equal(2, seen.Annotators.Count);
        var anaSees = (await ana.GetFromJsonAsync<Web.Features.Labels.DocumentLabelsDto>($"/api/documents/{documentId}/labels"))!;
        Assert.Equal("sympathetic to the US", anaSees.Values["outlet stance"]);
    }

    [Fact]
    public async Task Agreement_on_document_labels_is_in_the_report_against_a_hand_computed_alpha()
    {
        var projectId = await server.CreateProjectAsync("doc agreement " + Guid.NewGuid().ToString("N")[..8]);
        var documents = new List<int>();
        for (var i = 0; i < 3; i++) documents.Add(await server.ImportDocumentAsync(projectId, $"Report {i}: {Text}"));
        var ana = await server.CreateUserAsync("doc-a-" + Guid.NewGuid().ToString("N")[..6]);
        var ben = await server.CreateUserAsync("doc-b-" + Guid.NewGuid().ToString("N")[..6]);
        await server.AddMemberAsync(ana, projectId);
        await server.AddMemberAsync(ben, projectId);
        var labels = server.Get<Web.Features.Labels.DocumentLabelService>();
        var access = server.Get<Web.Features.Projects.ProjectAccess>();
        // Stances (ana, ben): (neutral, neutral), (unclear, unclear), (neutral, unclear); dates agree where both give one.
        string[][] stances = [["neutral", "neutral"], ["unclear", "unclear"], ["neutral", "unclear"]];
        for (var d = 0; d < 3; d++)
        {
            foreach (var (user, k) in new[] { (ana, 0), (ben, 1) })
            {
                var standing = (await access.ForDocumentAsync(documents[d], user))!;
                var saved = await labels.SetAsync(standing, new Dictionary<string, string?> { ["outlet stance"] = stances[d][k], ["event date"] = "2020-01-08" }, 0);
                Assert.True(saved.Succeeded, saved.Error);
                Assert.True((await server.Get<Web.Features.Projects.TeamService>().SetDoneAsync(documents[d], user, true)).Succeeded);
            }
        }

        var report = await server.Get<Web.Features.Agreement.AgreementService>().ComputeAsync(projectId);

        var stance = report.Attributes.Single(a => a.Label == Web.Features.Labels.DocumentLabelService.AgreementLabel && a.Attribute == "outlet stance");
        // n = 6 values, 3 neutral and 3 unclear. D_o = (1/6)(0 + 0 + 2) = 1/3; D_e = (36 - 9 - 9) / (6 * 5) = 3/5;
        // alpha = 1 - (1/3) / (3/5) = 4/9.
        Assert.Equal(("nominal", 3L, 6L), (stance.Metric, stance.Units, stance.Values));
        Assert.Equal(4.0 / 9, stance.Alpha!.Value, 1e-9);
        var date = report.Attributes.Single(a => a.Label == Web.Features.Labels.DocumentLabelService.AgreementLabel && a.Attribute == "event date");
        Assert.Null(date.Alpha); // every value the same: no variation, alpha undefined
    }

    private async Task<int> NewDocumentAsync()
    {
        var projectId = await server.CreateProjectAsync("attributes " + Guid.NewGuid().ToString("N")[..8]);
        return await server.ImportDocumentAsync(projectId, Text);
    }

    /// <summary>A problem response's detail, as a person reads it.</summary>
    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString() ?? "";

    private Task<HttpClient> AdminClientAsync() => ClientAsync(AppServer.AdminUserName, AppServer.AdminPassword);

    private async Task<HttpClient> ClientAsync(string userName, string password)
    {
        var cookie = await server.SignInCookieAsync(userName, password);
        var client = server.CreateHttpClient(allowAutoRedirect: false);
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        client.DefaultRequestHeaders.Add("Origin", server.Origin);
        return client;
    }

    private async Task<string> UserNameAsync(string userId)
    {
        await using var db = server.CreateDbContext();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.UserName!).SingleAsync();
    }

    /// <summary>Every span (values included) and the change count of a document, to show a refusal changed nothing.</summary>
    private async Task<string> StateAsync(int documentId)
    {
        await using var db = server.CreateDbContext();
        var spans = await db.Annotations.AsNoTracking().Where(a => a.DocumentId == documentId).OrderBy(a => a.Id)
            .Select(a => $"{a.Id}:{a.Start}-{a.End}:{a.LabelId}:{a.Note}:{a.Attributes}:v{a.Version}").ToListAsync();
        var changes = await db.DocumentChanges.CountAsync(c => c.DocumentId == documentId);
        return string.Join("|", spans) + $"#{changes}";
    }
}
