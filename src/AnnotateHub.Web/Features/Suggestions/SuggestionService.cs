using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Suggestions;

/// <summary>A suggestion as the UI and programs see it; offsets in code points, end exclusive.</summary>
/// <param name="Attributes">The values its recognizer or file filled in, as <see cref="Suggestion.Attributes"/> holds them;
/// an acceptance gives them to the new span.</param>
public sealed record SuggestionView(long Id, int DocumentId, string Source, int Start, int End, int LabelId, string LabelName, string LabelColor,
    string? Attributes = null)
{
    public IReadOnlyDictionary<string, string> Values() => Core.Labels.AttributeJson.ParseValues(Attributes);
}

/// <summary>The answer to an accept or a reject. An accepted suggestion's new span is in <see cref="Created"/>.</summary>
public sealed record SuggestionResult(AnnotationOutcome Outcome, string? Error, AnnotationResult? Created = null)
{
    public bool Succeeded => Outcome == AnnotationOutcome.Ok;
    public static readonly SuggestionResult Ok = new(AnnotationOutcome.Ok, null);
    public static SuggestionResult Fail(AnnotationOutcome outcome, string error) => new(outcome, error);
}

/// <summary>The answer to "accept all": the suggestions accepted, the spans created (in the order they were committed),
/// and what was refused.</summary>
public sealed record AcceptAllResult(IReadOnlyList<long> Accepted, IReadOnlyList<AnnotationResult> Created, IReadOnlyList<string> Errors, string? Refusal = null)
{
    public bool Refused => Refusal is not null;
}

/// <summary>
/// Pre-annotations (imported with <c>import --suggestions</c>) that each annotator accepts or rejects for themselves.
/// An acceptance is an ordinary new span made through <see cref="AnnotationService"/> (validation, permissions, change log,
/// live fan-out); the decision is written in the same transaction as that span, so a refused or failed save records
/// nothing and a second accept cannot make a second span.
/// </summary>
public sealed class SuggestionService(
    IDbContextFactory<AnnotateHubDbContext> dbFactory, AnnotationService annotations, ProjectAccess projectAccess,
    EventBus bus, TimeProvider clock)
{
    /// <summary>The document's suggestions that this user has neither accepted nor rejected, in text order.</summary>
    public async Task<IReadOnlyList<SuggestionView>> PendingAsync(DocumentAccess access, CancellationToken ct = default)
    {
        if (!access.Permissions.IsMember || !access.CanOpen) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userId = access.UserId;
        return await db.Suggestions.AsNoTracking()
            .Where(s => s.DocumentId == access.DocumentId && !db.SuggestionDecisions.Any(d => d.SuggestionId == s.Id && d.UserId == userId))
            .OrderBy(s => s.Start).ThenBy(s => s.End).ThenBy(s => s.Id)
            .Select(s => new SuggestionView(s.Id, s.DocumentId, s.Source, s.Start, s.End, s.LabelId, s.Label!.Name, s.Label.Color, s.Attributes))
            .ToListAsync(ct);
    }

    /// <summary>The document a suggestion belongs to, or null when there is no such suggestion.</summary>
    public async Task<int?> DocumentOfAsync(long suggestionId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.Suggestions.Where(s => s.Id == suggestionId).Select(s => (int?)s.DocumentId).FirstOrDefaultAsync(ct);
    }

    /// <summary>Makes the suggestion the user's own span and records that they accepted it.</summary>
    public async Task<SuggestionResult> AcceptAsync(DocumentAccess access, long suggestionId, CancellationToken ct = default)
    {
        var (suggestion, refusal) = await UndecidedAsync(access, suggestionId, ct);
        if (refusal is not null) return refusal;
        var created = await annotations.CreateAsync(access.DocumentId, access.UserId, suggestion!.Start, suggestion.End, suggestion.LabelId, note: null,
            acceptsSuggestionId: suggestionId, ValuesOf(suggestion.Attributes), ct);
        if (!created.Succeeded)
        {
            // Two accepts at once both found it undecided; the second one's decision could not be written, so neither was its span.
            if (await VerdictAsync(suggestionId, access.UserId, ct) is { } verdict) return AlreadyDecided(verdict);
            return new SuggestionResult(created.Outcome, created.Error);
        }
        bus.Publish(new SuggestionsDecidedEvent(access.DocumentId, access.UserId, [suggestionId]));
        return new SuggestionResult(AnnotationOutcome.Ok, null, created);
    }

    /// <summary>Records that the user rejected the suggestion: it is no longer pending for them, and stays pending for others.</summary>
    public async Task<SuggestionResult> RejectAsync(DocumentAccess access, long suggestionId, CancellationToken ct = default)
    {
        var (_, refusal) = await UndecidedAsync(access, suggestionId, ct);
        if (refusal is not null) return refusal;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            db.SuggestionDecisions.Add(new SuggestionDecision
            {
                SuggestionId = suggestionId, UserId = access.UserId, Verdict = SuggestionVerdict.Rejected, DecidedAt = clock.GetUtcNow().UtcDateTime,
            });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another request answered first (the key is the suggestion and the user).
                if (await VerdictAsync(suggestionId, access.UserId, ct) is { } verdict) return AlreadyDecided(verdict);
                throw;
            }
        }
        bus.Publish(new SuggestionsDecidedEvent(access.DocumentId, access.UserId, [suggestionId]));
        return SuggestionResult.Ok;
    }

    /// <summary>Accepts every suggestion of the document still pending for the user (of one label, when given). The spans
    /// go to the document's writer together, so they commit in few transactions; each is refused or saved on its own.</summary>
    public async Task<AcceptAllResult> AcceptAllAsync(DocumentAccess access, int? labelId = null, CancellationToken ct = default)
    {
        var standing = await projectAccess.ForDocumentAsync(access.DocumentId, access.UserId, ct);
        if (Refuse(standing, access.DocumentId) is { } refusal) return new AcceptAllResult([], [], [], refusal.Error);
        var pending = (await PendingAsync(standing!, ct)).Where(s => labelId is null || s.LabelId == labelId).ToList();
        var results = await Task.WhenAll(pending.Select(s =>
            annotations.CreateAsync(access.DocumentId, access.UserId, s.Start, s.End, s.LabelId, note: null, acceptsSuggestionId: s.Id, ValuesOf(s.Attributes), ct)));
        var accepted = pending.Zip(results).Where(p => p.Second.Succeeded).Select(p => p.First.Id).ToList();
        if (accepted.Count > 0) bus.Publish(new SuggestionsDecidedEvent(access.DocumentId, access.UserId, accepted));
        var errors = pending.Zip(results).Where(p => !p.Second.Succeeded)
            .Select(p => $"{p.First.LabelName} at {p.First.Start}–{p.First.End}: {p.Second.Error}").ToList();
        return new AcceptAllResult(accepted, results.Where(r => r.Succeeded).OrderBy(r => r.Sequence).ToList(), errors);
    }

    private sealed record Target(int DocumentId, int Start, int End, int LabelId, string? Attributes);

    /// <summary>The suggestion, when the user may decide on it now (checked against their current standing, not the
    /// one a long-open page read) and has not yet; otherwise why not.</summary>
    private async Task<(Target? Suggestion, SuggestionResult? Refusal)> UndecidedAsync(DocumentAccess access, long suggestionId, CancellationToken ct)
    {
        var standing = await projectAccess.ForDocumentAsync(access.DocumentId, access.UserId, ct);
        if (Refuse(standing, access.DocumentId) is { } refused) return (null, refused);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var userId = access.UserId;
        var found = await db.Suggestions.AsNoTracking().Where(s => s.Id == suggestionId)
            .Select(s => new
            {
                Target = new Target(s.DocumentId, s.Start, s.End, s.LabelId, s.Attributes),
                Verdict = db.SuggestionDecisions.Where(d => d.SuggestionId == s.Id && d.UserId == userId).Select(d => (SuggestionVerdict?)d.Verdict).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(ct);
        if (found is null) return (null, SuggestionResult.Fail(AnnotationOutcome.NotFound, $"Suggestion {suggestionId} does not exist."));
        if (found.Target.DocumentId != access.DocumentId)
            return (null, SuggestionResult.Fail(AnnotationOutcome.NotFound, $"Suggestion {suggestionId} is not a suggestion of document {access.DocumentId}."));
        if (found.Verdict is { } verdict) return (null, AlreadyDecided(verdict));
        return (found.Target, null);
    }

    // The same answers as a new span gets from AnnotationService: a stranger learns nothing, a member is told why.
    private static SuggestionResult? Refuse(DocumentAccess? standing, int documentId)
    {
        if (standing is null || !standing.Permissions.IsMember) return SuggestionResult.Fail(AnnotationOutcome.NotFound, $"Document {documentId} does not exist.");
        if (!standing.CanOpen) return SuggestionResult.Fail(AnnotationOutcome.Forbidden, standing.RefusalToAnnotate ?? "You may not open this document.");
        return standing.RefusalToAnnotate is { } why ? SuggestionResult.Fail(AnnotationOutcome.Forbidden, why) : null;
    }

    private async Task<SuggestionVerdict?> VerdictAsync(long suggestionId, string userId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.SuggestionDecisions.Where(d => d.SuggestionId == suggestionId && d.UserId == userId)
            .Select(d => (SuggestionVerdict?)d.Verdict).FirstOrDefaultAsync(ct);
    }

    // What an accepted suggestion says becomes its span's values, checked against the label like any others; none: the label's defaults.
    private static Dictionary<string, string?>? ValuesOf(string? attributes) =>
        attributes is null ? null : Core.Labels.AttributeJson.ParseValues(attributes).ToDictionary(v => v.Key, v => (string?)v.Value);

    private static SuggestionResult AlreadyDecided(SuggestionVerdict verdict) => SuggestionResult.Fail(AnnotationOutcome.Conflict,
        verdict == SuggestionVerdict.Accepted ? "You already accepted this suggestion." : "You already rejected this suggestion.");
}
