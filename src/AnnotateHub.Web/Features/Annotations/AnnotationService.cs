using System.Text.Json;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>An annotation the caller may see, with the caller's standing on its document.</summary>
public sealed record VisibleAnnotation(AnnotationView Annotation, DocumentAccess Access);

/// <summary>A document's spans as of the change numbered <see cref="Sequence"/>.</summary>
public sealed record DocumentSnapshot(long Sequence, IReadOnlyList<AnnotationView> Annotations);

/// <summary>Reads annotations and the change log; validates changes and hands them to the document's
/// <see cref="DocumentWriter"/>, which saves them with their change-log entries and then notifies.</summary>
public sealed class AnnotationService(
    IDbContextFactory<AnnotateHubDbContext> dbFactory, DocumentWriter writer, CorpusService corpus, LabelService labels, ProjectAccess access, TeamService team, EventBus bus)
{
    // A known user needs no second look; a change to their account (removal among others) drops them, here at commit
    // and from another process through the access-change rows (decision 0061). The foreign key still guards.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> _knownUsers = DroppedOnAccountChange(bus);

    public async Task<IReadOnlyList<AnnotationView>> ListAsync(int documentId, CancellationToken ct = default) =>
        (await SnapshotAsync(documentId, ct)).Annotations;

    public async Task<AnnotationView?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.Annotations.AsNoTracking().Where(a => a.Id == id)).FirstOrDefaultAsync(ct);
    }

    /// <summary>The annotation, when <paramref name="userId"/> may see it: a member who may open its document and, in a
    /// blind project, its annotator or a supervisor. Otherwise null, as if it did not exist.</summary>
    public async Task<VisibleAnnotation?> FindVisibleAsync(long id, string userId, CancellationToken ct = default)
    {
        if (await FindAsync(id, ct) is not { } annotation) return null;
        var standing = await access.ForDocumentAsync(annotation.DocumentId, userId, ct);
        return standing is { Permissions.IsMember: true, CanOpen: true } && standing.CanSeeChangeBy(annotation.AnnotatorId) ? new VisibleAnnotation(annotation, standing) : null;
    }

    /// <summary>The document's spans and the sequence number of the last change they include.</summary>
    public async Task<DocumentSnapshot> SnapshotAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        // The sequence is read first: a change committed between the two reads is in the list and arrives again as an
        // event, and applying a change twice is harmless (versions decide).
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var sequence = await LastSequenceAsync(db, documentId, ct);
        var annotations = await Project(db.Annotations.AsNoTracking().Where(a => a.DocumentId == documentId).OrderBy(a => a.Start).ThenBy(a => a.Id))
            .ToListAsync(ct);
        return new DocumentSnapshot(sequence, annotations);
    }

    /// <summary>The spans of the document that <paramref name="viewer"/> may see (all, or in a blind project an annotator's own).</summary>
    public async Task<DocumentSnapshot> SnapshotAsync(DocumentAccess viewer, CancellationToken ct = default)
    {
        var snapshot = await SnapshotAsync(viewer.DocumentId, ct);
        return viewer.Permissions.SeesOthers ? snapshot : snapshot with { Annotations = snapshot.Annotations.Where(a => viewer.CanSeeChangeBy(a.AnnotatorId)).ToList() };
    }

    /// <summary>The committed changes that <paramref name="viewer"/> may see after <paramref name="afterSequence"/>, in order.
    /// In a blind project an annotator's list skips others' changes, so its sequence numbers can have gaps.</summary>
    public async Task<IReadOnlyList<DocumentChangeEvent>> ChangesAfterAsync(DocumentAccess viewer, long afterSequence, int max, CancellationToken ct = default)
    {
        var changes = await ChangesAfterAsync(viewer.DocumentId, afterSequence, max, ct);
        return viewer.Permissions.SeesOthers ? changes : changes.Where(c => viewer.CanSeeChangeBy(c.Annotation.AnnotatorId)).ToList();
    }

    /// <summary>Every committed change after <paramref name="afterSequence"/>, in order, at most <paramref name="max"/>; for callers
    /// that filter by what their viewer may see themselves.</summary>
    public async Task<IReadOnlyList<DocumentChangeEvent>> ChangesAfterAsync(int documentId, long afterSequence, int max, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.DocumentChanges.AsNoTracking()
            .Where(c => c.DocumentId == documentId && c.Sequence > afterSequence)
            .OrderBy(c => c.Sequence).Take(max)
            .ToListAsync(ct);
        return rows.Select(r => new DocumentChangeEvent(r.DocumentId, r.Sequence, r.Kind,
            JsonSerializer.Deserialize<AnnotationView>(r.Payload)!, r.UserId, DateTime.SpecifyKind(r.At, DateTimeKind.Utc)) { Reverts = r.RevertsSequence }).ToList();
    }

    public async Task<long> LastSequenceAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await LastSequenceAsync(db, documentId, ct);
    }

    private static async Task<long> LastSequenceAsync(AnnotateHubDbContext db, int documentId, CancellationToken ct) =>
        await db.DocumentChanges.Where(c => c.DocumentId == documentId).MaxAsync(c => (long?)c.Sequence, ct) ?? 0;

    public Task<AnnotationResult> CreateAsync(int documentId, string userId, int start, int end, int labelId, string? note, CancellationToken ct = default) =>
        CreateAsync(documentId, userId, start, end, labelId, note, acceptsSuggestionId: null, attributes: null, ct);

    /// <summary>Creates a span saying <paramref name="attributes"/> (by attribute name; checked against the label's
    /// definitions, refused whole with every reason). Null gives the label's defaults; a required value is asked for
    /// only when values are given (a span drawn with a hotkey starts from the defaults and is completed in its details).</summary>
    public Task<AnnotationResult> CreateAsync(int documentId, string userId, int start, int end, int labelId, string? note,
        IReadOnlyDictionary<string, string?>? attributes, CancellationToken ct = default) =>
        CreateAsync(documentId, userId, start, end, labelId, note, acceptsSuggestionId: null, attributes, ct);

    /// <summary>Creates a span; with <paramref name="acceptsSuggestionId"/>, the user's acceptance of that suggestion is
    /// recorded in the same transaction (see SuggestionService).</summary>
    internal async Task<AnnotationResult> CreateAsync(int documentId, string userId, int start, int end, int labelId, string? note, long? acceptsSuggestionId,
        IReadOnlyDictionary<string, string?>? attributes, CancellationToken ct)
    {
        var document = await corpus.FactsAsync(documentId, ct);
        if (document is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, $"Document {documentId} does not exist.");
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (Refuse(standing, documentId) is { } refused) return refused;
        if (SpanValidation.Check(start, end, document.Length) is { } spanError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, spanError);
        if (SpanValidation.CheckNote(note) is { } noteError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, noteError);
        var label = (await labels.ListAsync(document.ProjectId, ct)).FirstOrDefault(l => l.Id == labelId);
        if (label is null) return AnnotationResult.Fail(AnnotationOutcome.Invalid, $"Label {labelId} is not a label of this project.");
        var (values, attributeError) = CheckAttributes(label, attributes);
        if (attributeError is not null) return AnnotationResult.Fail(AnnotationOutcome.Invalid, attributeError);
        if (!await UserExistsAsync(userId, ct))
            return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Unknown user.");
        var result = await writer.SubmitAsync(documentId, new CreateChange(userId, start, end, labelId, NormalizeNote(note), acceptsSuggestionId, values));
        if (result.Succeeded && standing!.Assignment == Core.Projects.AssignmentState.NotStarted) await team.MarkStartedAsync(standing, ct);
        return result;
    }

    /// <summary>The values to store for a span of <paramref name="label"/>: the given ones checked (null: the label's
    /// defaults), or why they were refused.</summary>
    private static (string? Values, string? Error) CheckAttributes(LabelView label, IReadOnlyDictionary<string, string?>? attributes)
    {
        var definitions = label.Attributes;
        if (attributes is null) return (AttributeJson.Values(AttributeRules.DefaultsOf(definitions)), null);
        var check = AttributeRules.Check(definitions, attributes);
        return check.Succeeded
            ? (AttributeJson.Values(check.Values), null)
            : (null, $"Nothing was saved: the attributes of \"{label.Name}\" were refused. {string.Join(" ", check.Errors)}");
    }

    public Task<AnnotationResult> UpdateAsync(long id, string userId, int expectedVersion, int labelId, string? note, CancellationToken ct = default) =>
        UpdateAsync(id, userId, expectedVersion, labelId, note, attributes: null, ct);

    /// <summary>Changes a span's label, note and what it says. <paramref name="attributes"/> null keeps the values it has
    /// (under a new label, those the new label defines; the change log keeps the others and an undo brings them back);
    /// given, they replace the span's values, checked against the label, refused whole with every reason.</summary>
    public async Task<AnnotationResult> UpdateAsync(long id, string userId, int expectedVersion, int labelId, string? note,
        IReadOnlyDictionary<string, string?>? attributes, CancellationToken ct = default)
    {
        if (SpanValidation.CheckNote(note) is { } noteError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, noteError);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Annotations.AsNoTracking().Where(a => a.Id == id)
            .Select(a => new { a.DocumentId, a.AnnotatorId, a.LabelId, a.Attributes, ProjectId = db.Documents.Where(d => d.Id == a.DocumentId).Select(d => d.ProjectId).First() })
            .FirstOrDefaultAsync(ct);
        if (target is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (await RefuseChangeAsync(target.DocumentId, target.AnnotatorId, userId, ct) is { } refused) return refused;
        if (target.AnnotatorId != userId) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Only the annotator who made a span can change it.");
        var label = (await labels.ListAsync(target.ProjectId, ct)).FirstOrDefault(l => l.Id == labelId);
        if (label is null) return AnnotationResult.Fail(AnnotationOutcome.Invalid, $"Label {labelId} is not a label of this project.");
        string? values;
        if (attributes is not null)
        {
            (values, var attributeError) = CheckAttributes(label, attributes);
            if (attributeError is not null) return AnnotationResult.Fail(AnnotationOutcome.Invalid, attributeError);
        }
        else if (labelId == target.LabelId) values = target.Attributes;
        else values = AttributeJson.Values(AttributeRules.Fitting(label.Attributes, AttributeJson.ParseValues(target.Attributes)));
        // The version check in the writer makes sure the values kept are the ones the span has when the change commits.
        return await writer.SubmitAsync(target.DocumentId, new UpdateChange(userId, id, expectedVersion, labelId, NormalizeNote(note), values));
    }

    /// <summary>How many of the project's latest spans with values <see cref="EarlierValuesAsync"/> reads.</summary>
    public const int EarlierValuesScanned = 2000;

    /// <summary>
    /// The text values the project's spans already have, per label and attribute (a casualty figure's "who"), so the
    /// details offer them as the user types: from the latest <see cref="EarlierValuesScanned"/> spans that say something,
    /// only the viewer's own where they may not see others' spans (a blind project).
    /// </summary>
    public async Task<IReadOnlyDictionary<(int LabelId, string Name), IReadOnlyList<string>>> EarlierValuesAsync(
        int projectId, ProjectPermissions viewer, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Annotations.AsNoTracking().Where(a => a.Attributes != null && db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId));
        if (!viewer.SeesOthers) query = query.Where(a => a.AnnotatorId == userId);
        var rows = await query.OrderByDescending(a => a.Id).Take(EarlierValuesScanned).Select(a => new { a.LabelId, a.Attributes }).ToListAsync(ct);
        var byKey = new Dictionary<(int, string), SortedSet<string>>();
        foreach (var row in rows)
            foreach (var (name, value) in AttributeJson.ParseValues(row.Attributes))
            {
                if (!byKey.TryGetValue((row.LabelId, name), out var set)) byKey[(row.LabelId, name)] = set = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
                set.Add(value);
            }
        return byKey.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value.ToList());
    }

    public async Task<AnnotationResult> DeleteAsync(long id, string userId, int expectedVersion, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.Annotations.AsNoTracking().Where(a => a.Id == id).Select(a => new { a.DocumentId, a.AnnotatorId }).FirstOrDefaultAsync(ct);
        if (target is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (await RefuseChangeAsync(target.DocumentId, target.AnnotatorId, userId, ct) is { } refused) return refused;
        if (target.AnnotatorId != userId) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Only the annotator who made a span can delete it.");
        return await writer.SubmitAsync(target.DocumentId, new DeleteChange(userId, id, expectedVersion));
    }

    /// <summary>Every change of the span, oldest first, with what it was before and after each; null when
    /// <paramref name="userId"/> may not see the span (not a member, or another annotator's in a blind project). A deleted span
    /// still has its history, from the change log.</summary>
    public async Task<IReadOnlyList<SpanHistoryEntry>?> HistoryAsync(long annotationId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.DocumentChanges.AsNoTracking().Where(c => c.AnnotationId == annotationId).OrderBy(c => c.Sequence).ToListAsync(ct);
        if (rows.Count == 0) return null;
        var first = JsonSerializer.Deserialize<AnnotationView>(rows[0].Payload)!;
        var standing = await access.ForDocumentAsync(rows[0].DocumentId, userId, ct);
        if (standing is not { Permissions.IsMember: true, CanOpen: true } || !standing.CanSeeChangeBy(first.AnnotatorId)) return null;
        var reverted = await RevertedAsync(db, rows[0].DocumentId, rows.Select(r => r.Sequence).ToList(), ct);
        var userIds = rows.Select(r => r.UserId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id))
            .Select(u => new { u.Id, Name = u.DisplayName ?? u.UserName ?? "" }).ToDictionaryAsync(u => u.Id, u => u.Name, ct);
        var entries = new List<SpanHistoryEntry>(rows.Count);
        AnnotationView? state = null;
        foreach (var row in rows)
        {
            var payload = JsonSerializer.Deserialize<AnnotationView>(row.Payload)!;
            var (before, after) = row.Kind == ChangeKind.AnnotationDeleted ? (payload, (AnnotationView?)null) : (state, payload);
            state = after;
            var revertedBy = reverted.GetValueOrDefault(row.Sequence);
            entries.Add(new SpanHistoryEntry(row.DocumentId, row.Sequence, row.Kind, row.UserId, names.GetValueOrDefault(row.UserId, ""),
                DateTime.SpecifyKind(row.At, DateTimeKind.Utc), before, after, row.RevertsSequence, revertedBy == 0 ? null : revertedBy,
                revertedBy == 0 && MayRevert(standing, row.UserId)));
        }
        return entries;
    }

    /// <summary>Undoes <paramref name="userId"/>'s latest change to the document that is not undone yet (and is not itself an
    /// undo): from the change log, so it reaches back past a reload, another document, or a restart.</summary>
    public async Task<AnnotationResult> UndoAsync(int documentId, string userId, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (Refuse(standing, documentId) is { } refused) return refused;
        if (await LastUndoableAsync(documentId, userId, ct) is not { } sequence)
            return AnnotationResult.Fail(AnnotationOutcome.NotFound, "Nothing to undo: you have no change in this document that is not undone.");
        return await writer.SubmitAsync(documentId, new RevertChange(userId, sequence));
    }

    /// <summary>The sequence of the change <see cref="UndoAsync"/> would undo, or null.</summary>
    public async Task<long?> LastUndoableAsync(int documentId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        const int Batch = 64;
        long before = long.MaxValue;
        while (true)
        {
            var mine = await db.DocumentChanges.AsNoTracking()
                .Where(c => c.DocumentId == documentId && c.Sequence < before && c.UserId == userId && c.RevertsSequence == null)
                .OrderByDescending(c => c.Sequence).Select(c => c.Sequence).Take(Batch).ToListAsync(ct);
            if (mine.Count == 0) return null;
            var reverted = await RevertedAsync(db, documentId, mine, ct);
            foreach (var sequence in mine)
            {
                if (!reverted.ContainsKey(sequence)) return sequence;
            }
            before = mine[^1];
        }
    }

    /// <summary>Reverts the document's change numbered <paramref name="sequence"/>: a user their own, a supervisor anyone's.</summary>
    public async Task<AnnotationResult> RevertAsync(int documentId, long sequence, string userId, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (standing is null || !standing.Permissions.IsMember) return AnnotationResult.Fail(AnnotationOutcome.NotFound, $"Document {documentId} does not exist.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var target = await db.DocumentChanges.AsNoTracking().Where(c => c.DocumentId == documentId && c.Sequence == sequence)
            .Select(c => new { c.UserId, c.Payload }).FirstOrDefaultAsync(ct);
        var author = target is null ? null : JsonSerializer.Deserialize<AnnotationView>(target.Payload)!.AnnotatorId;
        if (target is null || !standing.CanOpen || !standing.CanSeeChangeBy(author!))
            return AnnotationResult.Fail(AnnotationOutcome.NotFound, $"This document has no change {sequence}.");
        if (!MayRevert(standing, target.UserId))
            return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Only the user who made a change, or a supervisor, can revert it.");
        if (!standing.Permissions.IsSupervisor && standing.RefusalToAnnotate is { } why) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, why);
        return await writer.SubmitAsync(documentId, new RevertChange(userId, sequence));
    }

    private static bool MayRevert(DocumentAccess standing, string changedBy) =>
        standing.Permissions.IsSupervisor || (string.Equals(changedBy, standing.UserId, StringComparison.Ordinal) && standing.RefusalToAnnotate is null);

    /// <summary>Of <paramref name="sequences"/>, those a later change reverted, with the sequence of the change that did.</summary>
    private static async Task<Dictionary<long, long>> RevertedAsync(AnnotateHubDbContext db, int documentId, List<long> sequences, CancellationToken ct) =>
        await db.DocumentChanges.AsNoTracking()
            .Where(c => c.DocumentId == documentId && c.RevertsSequence != null && sequences.Contains(c.RevertsSequence.Value))
            .Select(c => new { Reverted = c.RevertsSequence!.Value, c.Sequence })
            .ToDictionaryAsync(c => c.Reverted, c => c.Sequence, ct);

    // A document of a project the user is not in answers as if it did not exist; one they may open but not annotate says why.
    private static AnnotationResult? Refuse(DocumentAccess? standing, int documentId)
    {
        if (standing is null || !standing.Permissions.IsMember) return AnnotationResult.Fail(AnnotationOutcome.NotFound, $"Document {documentId} does not exist.");
        if (!standing.CanOpen) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, standing.RefusalToAnnotate ?? "You may not open this document.");
        return standing.RefusalToAnnotate is { } why ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, why) : null;
    }

    private async Task<AnnotationResult?> RefuseChangeAsync(int documentId, string authorId, string userId, CancellationToken ct)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        // A span the user may not see (another annotator's, in a blind project) answers as if it did not exist.
        if (standing is null || !standing.Permissions.IsMember || !standing.CanOpen || !standing.Permissions.CanSeeSpanOf(userId, authorId))
            return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (authorId != userId) return null; // the caller says "only the annotator who made a span can ..."
        return standing.RefusalToAnnotate is { } why ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, why) : null;
    }

    private async Task<bool> UserExistsAsync(string userId, CancellationToken ct)
    {
        if (_knownUsers.ContainsKey(userId)) return true;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct)) return false;
        _knownUsers.TryAdd(userId, true);
        return true;
    }

    private static System.Collections.Concurrent.ConcurrentDictionary<string, bool> DroppedOnAccountChange(EventBus bus)
    {
        var known = new System.Collections.Concurrent.ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        // For the life of the app (a singleton), synchronous: dropped before any listener re-checks.
        bus.SubscribeAll<Users.UserAccessChangedEvent>(changes =>
        {
            foreach (var changed in changes) known.TryRemove(changed.UserId, out _);
            return Task.CompletedTask;
        });
        return known;
    }

    private static string? NormalizeNote(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    internal static AnnotationView ToView(Annotation a, string annotatorName, string labelName) =>
        new(a.Id, a.DocumentId, a.AnnotatorId, annotatorName, a.Start, a.End, a.LabelId, labelName, a.Note,
            DateTime.SpecifyKind(a.CreatedAt, DateTimeKind.Utc), DateTime.SpecifyKind(a.UpdatedAt, DateTimeKind.Utc), a.Version, a.Attributes);

    private static IQueryable<AnnotationView> Project(IQueryable<Annotation> query) =>
        query.Select(a => new AnnotationView(a.Id, a.DocumentId, a.AnnotatorId, a.Annotator!.DisplayName ?? a.Annotator.UserName ?? "",
            a.Start, a.End, a.LabelId, a.Label!.Name, a.Note, a.CreatedAt, a.UpdatedAt, a.Version, a.Attributes));
}
