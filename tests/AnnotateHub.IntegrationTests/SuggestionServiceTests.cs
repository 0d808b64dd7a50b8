using System.Net;
using System.Net.Http.Json;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Suggestions;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests;

/// <summary>SuggestionService (and its REST doors) against the real app's SQLite file; each test has its own project.</summary>
public sealed class SuggestionServiceTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    // All in the BMP, so code-point and UTF-16 offsets agree here.
    private const string Text = "Rockets hit the base. At least ten soldiers were injured, officials said.\n";

    private SuggestionService Suggestions => server.Get<SuggestionService>();

    private int _projectId;
    private int _documentId;
    private string _alice = "", _bob = "";
    private string _aliceName = "";
    private IReadOnlyList<LabelView> _labels = [];
    private long _claim, _casualty; // suggestion ids: "Rockets hit the base" (claim), "At least ten soldiers" (casualty figure)

    private LabelView Label(string name) => _labels.Single(l => l.Name == name);

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        _projectId = await server.CreateProjectAsync("Suggestion tests " + suffix);
        _documentId = await server.ImportDocumentAsync(_projectId, Text + suffix);
        _aliceName = "alice-" + suffix;
        _alice = await server.CreateUserAsync(_aliceName);
        _bob = await server.CreateUserAsync("bob-" + suffix);
        await server.AddMemberAsync(_alice, _projectId);
        await server.AddMemberAsync(_bob, _projectId);
        _labels = await server.Get<LabelService>().ListAsync(_projectId);
        _claim = await AddSuggestionAsync(_documentId, 0, 20, "claim");
        _casualty = await AddSuggestionAsync(_documentId, 22, 43, "casualty figure");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Accepting_creates_the_users_own_span_with_the_suggestions_offsets_and_label_and_logs_it()
    {
        var result = await Suggestions.AcceptAsync(await AccessAsync(_alice), _casualty);

        Assert.True(result.Succeeded, result.Error);
        var span = Assert.Single(await AnnotationsAsync());
        Assert.Equal((_alice, 22, 43, Label("casualty figure").Id, (string?)null), (span.AnnotatorId, span.Start, span.End, span.LabelId, span.Note));
        Assert.Equal("At least ten soldiers", Text[span.Start..span.End]);
        Assert.Equal(span.Id, result.Created!.Annotation!.Id);
        await using var db = server.CreateDbContext();
        var change = await db.DocumentChanges.SingleAsync(c => c.DocumentId == _documentId);
        Assert.Equal((ChangeKind.AnnotationCreated, span.Id, _alice, 1L), (change.Kind, change.AnnotationId, change.UserId, change.Sequence));
        Assert.Equal(result.Created.Sequence, change.Sequence);
        var decision = await db.SuggestionDecisions.SingleAsync(d => d.SuggestionId == _casualty);
        Assert.Equal((_alice, SuggestionVerdict.Accepted, (long?)span.Id), (decision.UserId, decision.Verdict, decision.AnnotationId));
    }

    [Fact]
    public async Task A_suggestion_accepted_by_one_annotator_is_still_pending_for_another()
    {
        Assert.True((await Suggestions.AcceptAsync(await AccessAsync(_alice), _claim)).Succeeded);

        Assert.Equal([_casualty], (await Suggestions.PendingAsync(await AccessAsync(_alice))).Select(s => s.Id));
        var forBob = await Suggestions.PendingAsync(await AccessAsync(_bob));
        Assert.Equal([_claim, _casualty], forBob.Select(s => s.Id));
        var claim = forBob[0];
        Assert.Equal(("ner-model-v2", 0, 20, "claim", Label("claim").Color), (claim.Source, claim.Start, claim.End, claim.LabelName, claim.LabelColor));
    }

    [Fact]
    public async Task Rejecting_hides_the_suggestion_for_that_user_only_and_makes_no_span()
    {
        var result = await Suggestions.RejectAsync(await AccessAsync(_alice), _claim);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal([_casualty], (await Suggestions.PendingAsync(await AccessAsync(_alice))).Select(s => s.Id));
        Assert.Equal([_claim, _casualty], (await Suggestions.PendingAsync(await AccessAsync(_bob))).Select(s => s.Id));
        Assert.Empty(await AnnotationsAsync());
        await using var db = server.CreateDbContext();
        var decision = await db.SuggestionDecisions.SingleAsync(d => d.SuggestionId == _claim);
        Assert.Equal((_alice, SuggestionVerdict.Rejected, (long?)null), (decision.UserId, decision.Verdict, decision.AnnotationId));
    }

    [Fact]
    public async Task Accepting_twice_is_refused_and_writes_nothing_more()
    {
        var access = await AccessAsync(_alice);
        Assert.True((await Suggestions.AcceptAsync(access, _claim)).Succeeded);

        var again = await Suggestions.AcceptAsync(access, _claim);
        var rejectAfter = await Suggestions.RejectAsync(access, _claim);

        Assert.Equal((AnnotationOutcome.Conflict, "You already accepted this suggestion."), (again.Outcome, again.Error));
        Assert.Equal((AnnotationOutcome.Conflict, "You already accepted this suggestion."), (rejectAfter.Outcome, rejectAfter.Error));
        Assert.Single(await AnnotationsAsync());
        Assert.Equal(1, await ChangeCountAsync());
    }

    [Fact]
    public async Task Two_accepts_at_once_make_one_span()
    {
        var access = await AccessAsync(_alice);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Suggestions.AcceptAsync(access, _claim))));

        Assert.Single(results, r => r.Succeeded);
        Assert.All(results.Where(r => !r.Succeeded), r => Assert.Equal((AnnotationOutcome.Conflict, "You already accepted this suggestion."), (r.Outcome, r.Error)));
        Assert.Single(await AnnotationsAsync());
        Assert.Equal(1, await ChangeCountAsync());
    }

    [Fact]
    public async Task A_suggestion_of_another_document_is_refused()
    {
        var otherDocument = await server.ImportDocumentAsync(_projectId, "Another report entirely. " + Guid.NewGuid().ToString("N"));
        await server.AssignAsync(_alice, otherDocument);
        var elsewhere = await AddSuggestionAsync(otherDocument, 0, 7, "claim");

        var accepted = await Suggestions.AcceptAsync(await AccessAsync(_alice), elsewhere);
        var rejected = await Suggestions.RejectAsync(await AccessAsync(_alice), elsewhere);

        Assert.Equal((AnnotationOutcome.NotFound, $"Suggestion {elsewhere} is not a suggestion of document {_documentId}."), (accepted.Outcome, accepted.Error));
        Assert.Equal(AnnotationOutcome.NotFound, rejected.Outcome);
        Assert.Empty(await AnnotationsAsync());
        Assert.Equal(0, await DecisionCountAsync());
    }

    [Fact]
    public async Task A_user_without_access_is_refused_and_sees_no_suggestions()
    {
        var stranger = await server.CreateUserAsync("stranger-" + Guid.NewGuid().ToString("N")[..8]);
        var unassigned = await server.CreateUserAsync("unassigned-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(unassigned, _projectId, ProjectRole.Annotator, assignAll: false);

        var strangerAccess = await AccessAsync(stranger);
        var unassignedAccess = await AccessAsync(unassigned);

        Assert.Empty(await Suggestions.PendingAsync(strangerAccess));
        Assert.Empty(await Suggestions.PendingAsync(unassignedAccess));
        Assert.Equal(AnnotationOutcome.NotFound, (await Suggestions.AcceptAsync(strangerAccess, _claim)).Outcome);
        Assert.Equal(AnnotationOutcome.NotFound, (await Suggestions.RejectAsync(strangerAccess, _claim)).Outcome);
        var accept = await Suggestions.AcceptAsync(unassignedAccess, _claim);
        Assert.Equal((AnnotationOutcome.Forbidden, "This document is not assigned to you."), (accept.Outcome, accept.Error));
        Assert.Equal(AnnotationOutcome.Forbidden, (await Suggestions.RejectAsync(unassignedAccess, _claim)).Outcome);
        Assert.Empty(await AnnotationsAsync());
        Assert.Equal(0, await DecisionCountAsync());
    }

    [Fact]
    public async Task A_document_marked_done_refuses_accept_and_reject_and_nothing_is_written()
    {
        var pageAccess = await AccessAsync(_alice); // read before marking done, as a page open in another tab would have
        Assert.True((await server.Get<TeamService>().SetDoneAsync(_documentId, _alice, true)).Succeeded);

        var accept = await Suggestions.AcceptAsync(pageAccess, _claim);
        var reject = await Suggestions.RejectAsync(pageAccess, _casualty);
        var all = await Suggestions.AcceptAllAsync(pageAccess);

        const string why = "You marked this document done; reopen it to change your spans.";
        Assert.Equal((AnnotationOutcome.Forbidden, why), (accept.Outcome, accept.Error));
        Assert.Equal((AnnotationOutcome.Forbidden, why), (reject.Outcome, reject.Error));
        Assert.Equal(why, all.Refusal);
        Assert.Empty(await AnnotationsAsync());
        Assert.Equal(0, await ChangeCountAsync());
        Assert.Equal(0, await DecisionCountAsync());
        Assert.Equal(2, (await Suggestions.PendingAsync(await AccessAsync(_alice))).Count);
    }

    [Fact]
    public async Task A_suggestion_the_span_rules_refuse_records_no_decision()
    {
        // An offset past the end of the text (the importer checks this; a row written by hand need not).
        var beyond = await AddSuggestionAsync(_documentId, 60, 5000, "claim");

        var result = await Suggestions.AcceptAsync(await AccessAsync(_alice), beyond);

        Assert.Equal(AnnotationOutcome.Invalid, result.Outcome);
        Assert.Empty(await AnnotationsAsync());
        Assert.Equal(0, await DecisionCountAsync());
        Assert.Contains(beyond, (await Suggestions.PendingAsync(await AccessAsync(_alice))).Select(s => s.Id));
    }

    [Fact]
    public async Task Accept_all_of_one_label_takes_only_that_labels_pending_suggestions()
    {
        var alice = await AccessAsync(_alice);
        var secondCasualty = await AddSuggestionAsync(_documentId, 49, 56, "casualty figure");
        Assert.True((await Suggestions.RejectAsync(alice, secondCasualty)).Succeeded);

        var result = await Suggestions.AcceptAllAsync(alice, Label("casualty figure").Id);

        Assert.Empty(result.Errors);
        Assert.Equal([(22, 43)], result.Created.Select(r => (r.Annotation!.Start, r.Annotation.End)));
        Assert.Equal([_claim], (await Suggestions.PendingAsync(alice)).Select(s => s.Id));

        var rest = await Suggestions.AcceptAllAsync(alice);

        Assert.Equal([(0, 20)], rest.Created.Select(r => (r.Annotation!.Start, r.Annotation.End)));
        Assert.Empty(await Suggestions.PendingAsync(alice));
        Assert.Equal([(0, 20), (22, 43)], (await AnnotationsAsync()).Select(a => (a.Start, a.End)).Order());
        Assert.Equal(2, await ChangeCountAsync());
    }

    [Fact]
    public async Task A_supervisor_sees_the_suggestions_and_may_accept_them()
    {
        var supervisor = await server.CreateUserAsync("sup-" + Guid.NewGuid().ToString("N")[..8]);
        await server.AddMemberAsync(supervisor, _projectId, ProjectRole.Supervisor);
        var access = await AccessAsync(supervisor);

        Assert.Equal([_claim, _casualty], (await Suggestions.PendingAsync(access)).Select(s => s.Id));
        Assert.True((await Suggestions.AcceptAsync(access, _claim)).Succeeded);
        Assert.Equal(supervisor, Assert.Single(await AnnotationsAsync()).AnnotatorId);
    }

    [Fact]
    public async Task The_rest_api_lists_accepts_and_rejects_with_the_same_rules()
    {
        using var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(_aliceName, AppServer.AnnotatorPassword));
        http.DefaultRequestHeaders.Add("Origin", server.Origin);

        var listed = await http.GetFromJsonAsync<List<SuggestionDto>>($"/api/documents/{_documentId}/suggestions");
        Assert.Equal([(_claim, "claim", "ner-model-v2", 0, 20), (_casualty, "casualty figure", "ner-model-v2", 22, 43)],
            listed!.Select(s => (s.Id, s.Label, s.Source, s.Start, s.End)));

        using var accepted = await http.PostAsync($"/api/suggestions/{_claim}/accept", null);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
        var span = await accepted.Content.ReadFromJsonAsync<AnnotateHub.Web.Features.Annotations.AnnotationDto>();
        Assert.Equal((_alice, 0, 20, "claim"), (span!.AnnotatorId, span.Start, span.End, span.Label));
        using var again = await http.PostAsync($"/api/suggestions/{_claim}/accept", null);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var rejected = await http.PostAsync($"/api/suggestions/{_casualty}/reject", null);
        Assert.Equal(HttpStatusCode.NoContent, rejected.StatusCode);
        Assert.Empty((await http.GetFromJsonAsync<List<SuggestionDto>>($"/api/documents/{_documentId}/suggestions"))!);

        // Someone outside the project learns nothing, not even that the suggestion exists.
        var outsider = "outsider-" + Guid.NewGuid().ToString("N")[..8];
        await server.CreateUserAsync(outsider);
        using var stranger = server.CreateHttpClient();
        stranger.DefaultRequestHeaders.Add("Cookie", await server.SignInCookieAsync(outsider, AppServer.AnnotatorPassword));
        stranger.DefaultRequestHeaders.Add("Origin", server.Origin);
        var otherSuggestion = await AddSuggestionAsync(_documentId, 49, 56, "casualty figure");
        using var strangerAccept = await stranger.PostAsync($"/api/suggestions/{otherSuggestion}/accept", null);
        Assert.Equal(HttpStatusCode.NotFound, strangerAccept.StatusCode);
        using var strangerList = await stranger.GetAsync($"/api/documents/{_documentId}/suggestions");
        Assert.Equal(HttpStatusCode.NotFound, strangerList.StatusCode);
        Assert.Equal(2, await DecisionCountAsync()); // alice's two answers, nothing for the outsider
    }

    private async Task<DocumentAccess> AccessAsync(string userId) =>
        (await server.Get<ProjectAccess>().ForDocumentAsync(_documentId, userId))!;

    private async Task<long> AddSuggestionAsync(int documentId, int start, int end, string label)
    {
        await using var db = server.CreateDbContext();
        var suggestion = new Suggestion
        {
            DocumentId = documentId, Source = "ner-model-v2", Start = start, End = end, LabelId = Label(label).Id, CreatedAt = DateTime.UtcNow,
        };
        db.Suggestions.Add(suggestion);
        await db.SaveChangesAsync();
        return suggestion.Id;
    }

    private async Task<List<Annotation>> AnnotationsAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.Annotations.AsNoTracking().Where(a => a.DocumentId == _documentId).ToListAsync();
    }

    private async Task<int> ChangeCountAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.DocumentChanges.CountAsync(c => c.DocumentId == _documentId);
    }

    private async Task<int> DecisionCountAsync()
    {
        await using var db = server.CreateDbContext();
        return await db.SuggestionDecisions.CountAsync(d =>
            db.Suggestions.Any(s => s.Id == d.SuggestionId && db.Documents.Any(doc => doc.Id == s.DocumentId && doc.ProjectId == _projectId)));
    }
}
