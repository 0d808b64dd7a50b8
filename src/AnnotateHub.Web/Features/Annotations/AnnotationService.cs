using System.Text.Json;
using AnnotateHub.Core.Documents;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>Creates, changes and deletes annotations: validates, saves with a change-log entry, then notifies.</summary>
public sealed class AnnotationService(
    IDbContextFactory<AnnotateHubDbContext> dbFactory,
    DocumentLocks locks,
    DocumentChangeNotifier notifier,
    TimeProvider clock)
{
    private const int MaxSaveAttempts = 5;

    public async Task<IReadOnlyList<AnnotationView>> ListAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.Annotations.AsNoTracking().Where(a => a.DocumentId == documentId).OrderBy(a => a.Start).ThenBy(a => a.Id))
            .ToListAsync(ct);
    }

    public async Task<AnnotationView?> FindAsync(long id, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await Project(db.Annotations.AsNoTracking().Where(a => a.Id == id)).FirstOrDefaultAsync(ct);
    }

    public async Task<AnnotationResult> CreateAsync(int documentId, string userId, int start, int end, int labelId, string? note, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.AsNoTracking()
            .Where(d => d.Id == documentId)
            .Select(d => new { d.Id, d.ProjectId, d.Length })
            .FirstOrDefaultAsync(ct);
        if (document is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, $"Document {documentId} does not exist.");
        if (SpanValidation.Check(start, end, document.Length) is { } spanError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, spanError);
        if (SpanValidation.CheckNote(note) is { } noteError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, noteError);
        if (!await db.Labels.AnyAsync(l => l.Id == labelId && l.ProjectId == document.ProjectId, ct))
            return AnnotationResult.Fail(AnnotationOutcome.Invalid, $"Label {labelId} is not a label of this project.");
        if (!await db.Users.AnyAsync(u => u.Id == userId, ct))
            return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Unknown user.");

        var now = clock.GetUtcNow().UtcDateTime;
        var annotation = new Annotation
        {
            DocumentId = documentId, AnnotatorId = userId, Start = start, End = end, LabelId = labelId,
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(), CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        db.Annotations.Add(annotation);
        return await CommitAsync(db, documentId, ChangeKind.AnnotationCreated, annotation, userId, ct);
    }

    public async Task<AnnotationResult> UpdateAsync(long id, string userId, int expectedVersion, int labelId, string? note, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var annotation = await db.Annotations.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (annotation is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (annotation.AnnotatorId != userId) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Only the annotator who made a span can change it.");
        if (annotation.Version != expectedVersion)
            return AnnotationResult.Fail(AnnotationOutcome.Conflict, "Someone changed this annotation first; you now see the current version.", await FindAsync(id, ct));
        if (SpanValidation.CheckNote(note) is { } noteError) return AnnotationResult.Fail(AnnotationOutcome.Invalid, noteError);
        var projectId = await db.Documents.Where(d => d.Id == annotation.DocumentId).Select(d => d.ProjectId).FirstAsync(ct);
        if (!await db.Labels.AnyAsync(l => l.Id == labelId && l.ProjectId == projectId, ct))
            return AnnotationResult.Fail(AnnotationOutcome.Invalid, $"Label {labelId} is not a label of this project.");

        annotation.LabelId = labelId;
        annotation.Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        annotation.UpdatedAt = clock.GetUtcNow().UtcDateTime;
        annotation.Version++;
        return await CommitAsync(db, annotation.DocumentId, ChangeKind.AnnotationUpdated, annotation, userId, ct);
    }

    public async Task<AnnotationResult> DeleteAsync(long id, string userId, int expectedVersion, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var annotation = await db.Annotations.FirstOrDefaultAsync(a => a.Id == id, ct);
        if (annotation is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (annotation.AnnotatorId != userId) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, "Only the annotator who made a span can delete it.");
        if (annotation.Version != expectedVersion)
            return AnnotationResult.Fail(AnnotationOutcome.Conflict, "Someone changed this annotation first; you now see the current version.", await FindAsync(id, ct));
        db.Annotations.Remove(annotation);
        return await CommitAsync(db, annotation.DocumentId, ChangeKind.AnnotationDeleted, annotation, userId, ct);
    }

    /// <summary>Saves the annotation change and its change-log entry in one transaction, then notifies viewers.</summary>
    private async Task<AnnotationResult> CommitAsync(AnnotateHubDbContext db, int documentId, ChangeKind kind, Annotation annotation, string userId, CancellationToken ct)
    {
        using var _ = await locks.AcquireAsync(documentId, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            // The annotation must have an id before the log entry records it.
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            await tx.RollbackAsync(ct);
            var current = await FindAsync(annotation.Id, ct);
            return current is null
                ? AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.")
                : AnnotationResult.Fail(AnnotationOutcome.Conflict, "Someone changed this annotation first; you now see the current version.", current);
        }

        var userName = await db.Users.Where(u => u.Id == annotation.AnnotatorId).Select(u => u.DisplayName ?? u.UserName).FirstOrDefaultAsync(ct) ?? "";
        var view = ToView(annotation, userName);
        for (var attempt = 1; ; attempt++)
        {
            var sequence = (await db.DocumentChanges.Where(c => c.DocumentId == documentId).MaxAsync(c => (long?)c.Sequence, ct) ?? 0) + 1;
            var change = new DocumentChange
            {
                DocumentId = documentId, Sequence = sequence, Kind = kind, AnnotationId = annotation.Id, UserId = userId,
                At = clock.GetUtcNow().UtcDateTime, Payload = JsonSerializer.Serialize(view),
            };
            db.DocumentChanges.Add(change);
            try
            {
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                notifier.Publish(new DocumentChangeEvent(documentId, sequence, kind, view, userId));
                return AnnotationResult.Ok(view);
            }
            catch (DbUpdateException) when (attempt < MaxSaveAttempts)
            {
                // Another process took this sequence number (the unique index said so): take the next one.
                // EF Core rolled back to its savepoint, so the annotation's own change stays in the transaction.
                db.Entry(change).State = EntityState.Detached;
            }
        }
    }

    internal static AnnotationView ToView(Annotation a, string annotatorName) =>
        new(a.Id, a.DocumentId, a.AnnotatorId, annotatorName, a.Start, a.End, a.LabelId, a.Note, a.CreatedAt, a.UpdatedAt, a.Version);

    private static IQueryable<AnnotationView> Project(IQueryable<Annotation> query) =>
        query.Select(a => new AnnotationView(a.Id, a.DocumentId, a.AnnotatorId, a.Annotator!.DisplayName ?? a.Annotator.UserName ?? "",
            a.Start, a.End, a.LabelId, a.Note, a.CreatedAt, a.UpdatedAt, a.Version));
}
