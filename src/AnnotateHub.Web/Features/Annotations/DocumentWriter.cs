using System.Collections.Concurrent;
using System.Text.Json;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>A validated change waiting for its document's writer.</summary>
public abstract record AnnotationChange(string UserId)
{
    internal TaskCompletionSource<AnnotationResult> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <param name="AcceptsSuggestionId">A suggestion this span accepts: the user's decision commits with the span, or neither does.</param>
/// <param name="Attributes">The span's checked attribute values as <see cref="Annotation.Attributes"/> holds them.</param>
public sealed record CreateChange(string UserId, int Start, int End, int LabelId, string? Note, long? AcceptsSuggestionId = null, string? Attributes = null) : AnnotationChange(UserId);

/// <param name="Attributes">The span's attribute values after the change, checked against its label.</param>
public sealed record UpdateChange(string UserId, long AnnotationId, int ExpectedVersion, int LabelId, string? Note, string? Attributes) : AnnotationChange(UserId);

public sealed record DeleteChange(string UserId, long AnnotationId, int ExpectedVersion) : AnnotationChange(UserId);

/// <summary>Undoes the document's change numbered <paramref name="Sequence"/> (its creation, relabel or deletion), when the span
/// is still as that change left it; the new change-log row names the one it reverts. Who may is checked before it gets here.</summary>
public sealed record RevertChange(string UserId, long Sequence) : AnnotationChange(UserId);

/// <summary>
/// One writer per document: changes queue up and are committed in groups, each group in one transaction with
/// its change-log rows (consecutive sequence numbers), then announced in order. Grouping keeps SQLite's
/// synchronous=FULL (one fsync per commit) from limiting a busy document to a few hundred changes a second.
/// A change that finds its document's writer idle is committed on the caller's own thread (it becomes the writer),
/// without waking a task: under CPU load each thread-pool hop costs milliseconds (docs/decisions/0020).
/// </summary>
public sealed class DocumentWriter(
    IDbContextFactory<AnnotateHubDbContext> dbFactory,
    EventBus bus,
    TimeProvider clock,
    ILogger<DocumentWriter> logger,
    InteractiveWrites? interactive = null)
{
    // Imports wait for these before each batch (Data/InteractiveWrites.cs).
    private readonly InteractiveWrites _interactive = interactive ?? new InteractiveWrites();

    private const int MaxGroup = 256;
    private const int MaxSequenceAttempts = 5;
    // A caller that became the writer commits at most this many groups (its own first) before it hands what is
    // still waiting to a background writer, so its own answer is not held up behind a busy document.
    private const int MaxGroupsOnCaller = 4;

    private readonly ConcurrentDictionary<int, DocumentQueue> _queues = new();

    // The last sequence this process committed per document, so a group does not read it back first. Set only after
    // a commit; if another process took the next numbers, the unique index refuses them and the retry reads the log.
    private readonly ConcurrentDictionary<int, long> _lastSequences = new();

    // SQLite has one write lock per database: writers of different documents would wait for it in SQLite's busy
    // handler, which sleeps in growing steps. Taking turns here instead keeps the wait short and lets each
    // document's group grow while it waits. (A server database keeps the writers parallel.)
    private readonly SemaphoreSlim _sqliteTurn = new(1, 1);
    private bool? _isSqlite;

    /// <summary>The changes of one document waiting to be committed, and whether someone is committing them.</summary>
    private sealed class DocumentQueue
    {
        public readonly Queue<AnnotationChange> Waiting = new();
        /// <summary>True while a caller or a background writer commits this document's changes: at most one at a time.</summary>
        public bool Writing;
    }

    public Task<AnnotationResult> SubmitAsync(int documentId, AnnotationChange change)
    {
        var queue = _queues.GetOrAdd(documentId, _ => new DocumentQueue());
        lock (queue)
        {
            queue.Waiting.Enqueue(change);
            // The running writer takes it with its next group, in arrival order.
            if (queue.Writing) return change.Done.Task;
            queue.Writing = true;
        }
        // A Blazor circuit's caller holds its circuit's dispatcher: other users' commits do not belong there.
        if (SynchronizationContext.Current is not null)
        {
            _ = Task.Run(() => WriteInBackgroundAsync(documentId, queue));
            return change.Done.Task;
        }
        return WriteOnCallerAsync(documentId, queue, change);
    }

    private async Task<AnnotationResult> WriteOnCallerAsync(int documentId, DocumentQueue queue, AnnotationChange change)
    {
        // The queue was empty, so the first group starts with this caller's change.
        for (var groups = 0; groups < MaxGroupsOnCaller; groups++)
        {
            if (!await CommitNextGroupAsync(documentId, queue)) return await change.Done.Task;
        }
        _ = Task.Run(() => WriteInBackgroundAsync(documentId, queue));
        return await change.Done.Task;
    }

    private async Task WriteInBackgroundAsync(int documentId, DocumentQueue queue)
    {
        while (await CommitNextGroupAsync(documentId, queue)) { }
    }

    /// <summary>Commits the changes waiting (up to <see cref="MaxGroup"/>) as one group; false, and the document's
    /// writer idle, when none were waiting.</summary>
    private async Task<bool> CommitNextGroupAsync(int documentId, DocumentQueue queue)
    {
        List<AnnotationChange> group;
        lock (queue)
        {
            if (queue.Waiting.Count == 0)
            {
                queue.Writing = false;
                return false;
            }
            group = new List<AnnotationChange>(Math.Min(queue.Waiting.Count, MaxGroup));
            while (group.Count < MaxGroup && queue.Waiting.TryDequeue(out var change)) group.Add(change);
        }
        try
        {
            await CommitGroupAsync(documentId, group);
        }
        catch (Exception ex)
        {
            // A group fails as a whole (for example another process changed a span it touches): commit its changes
            // one by one, so each gets its own answer.
            logger.LogInformation(ex, "Committing {Count} changes of document {DocumentId} together failed; committing one by one", group.Count, documentId);
            foreach (var change in group)
            {
                try
                {
                    await CommitGroupAsync(documentId, [change]);
                }
                catch (Exception single)
                {
                    logger.LogWarning(single, "Committing a change of document {DocumentId} failed", documentId);
                    change.Done.TrySetResult(single is DbUpdateConcurrencyException
                        ? AnnotationResult.Fail(AnnotationOutcome.Conflict, "Someone changed this annotation first; reload to see the current version.")
                        : AnnotationResult.Fail(AnnotationOutcome.Invalid, "The change could not be saved; nothing was changed."));
                }
            }
        }
        return true;
    }

    private async Task CommitGroupAsync(int documentId, IReadOnlyList<AnnotationChange> group)
    {
        using var counted = _interactive.Begin();
        await using var db = await dbFactory.CreateDbContextAsync();
        _isSqlite ??= db.Database.ProviderName?.Contains("Sqlite", StringComparison.Ordinal) == true;
        if (_isSqlite != true)
        {
            await CommitGroupAsync(db, documentId, group);
            return;
        }
        await _sqliteTurn.WaitAsync();
        try
        {
            await CommitGroupAsync(db, documentId, group);
        }
        finally
        {
            _sqliteTurn.Release();
        }
    }

    private async Task CommitGroupAsync(AnnotateHubDbContext db, int documentId, IReadOnlyList<AnnotationChange> group)
    {
        if (group.All(c => c is CreateChange))
        {
            await CommitCreatesAsync(db, documentId, group);
            return;
        }
        await using var tx = await db.Database.BeginTransactionAsync();
        var now = clock.GetUtcNow().UtcDateTime;
        var applied = new List<(AnnotationChange Change, Annotation Entity, ChangeKind Kind)>(group.Count);
        var answered = new List<(AnnotationChange Change, AnnotationResult Result)>();
        var revertedHere = new HashSet<long>();
        foreach (var change in group)
        {
            switch (change)
            {
                case RevertChange r:
                    var (reverted, revertRefusal) = await RevertAsync(db, documentId, r, revertedHere, now);
                    if (revertRefusal is not null) answered.Add((r, revertRefusal));
                    else applied.Add((r, reverted!.Value.Entity, reverted.Value.Kind));
                    break;
                case CreateChange c:
                    var created = new Annotation
                    {
                        DocumentId = documentId, AnnotatorId = c.UserId, Start = c.Start, End = c.End, LabelId = c.LabelId,
                        Note = c.Note, Attributes = c.Attributes, CreatedAt = now, UpdatedAt = now, Version = 1,
                    };
                    db.Annotations.Add(created);
                    applied.Add((c, created, ChangeKind.AnnotationCreated));
                    break;
                case UpdateChange u:
                    var toUpdate = await FindLiveAsync(db, u.AnnotationId, documentId);
                    if (await CheckAsync(db, toUpdate, u.UserId, u.ExpectedVersion, "change") is { } updateRefusal)
                    {
                        answered.Add((u, updateRefusal));
                        break;
                    }
                    toUpdate!.LabelId = u.LabelId;
                    toUpdate.Note = u.Note;
                    toUpdate.Attributes = u.Attributes;
                    toUpdate.UpdatedAt = now;
                    toUpdate.Version++;
                    applied.Add((u, toUpdate, ChangeKind.AnnotationUpdated));
                    break;
                case DeleteChange d:
                    var toDelete = await FindLiveAsync(db, d.AnnotationId, documentId);
                    if (await CheckAsync(db, toDelete, d.UserId, d.ExpectedVersion, "delete") is { } deleteRefusal)
                    {
                        answered.Add((d, deleteRefusal));
                        break;
                    }
                    db.Annotations.Remove(toDelete!);
                    applied.Add((d, toDelete!, ChangeKind.AnnotationDeleted));
                    break;
            }
        }

        var events = new List<DocumentChangeEvent>(applied.Count);
        if (applied.Count > 0)
        {
            // Ids first: the log rows record them.
            await db.SaveChangesAsync();
            if (AddSuggestionDecisions(db, applied, now))
            {
                // Apart from the log rows, so an answer already recorded (a second accept) fails the group, not the sequence retry.
                await db.SaveChangesAsync();
            }
            var views = await ViewsAsync(db, applied.Select(a => a.Entity));
            for (var attempt = 1; ; attempt++)
            {
                var (last, follows) = attempt == 1 && _lastSequences.TryGetValue(documentId, out var known)
                    ? (known, false)
                    : FollowsOtherWriter(await db.DocumentChanges.Where(c => c.DocumentId == documentId).OrderByDescending(c => c.Sequence)
                        .Select(c => new ValueTuple<long, DateTime?>(c.Sequence, c.At)).FirstOrDefaultAsync(), now);
                var rows = new List<DocumentChange>(applied.Count);
                events.Clear();
                foreach (var (change, entity, kind) in applied)
                {
                    var view = views[entity.Id];
                    var row = new DocumentChange
                    {
                        DocumentId = documentId, Sequence = ++last, Kind = kind, AnnotationId = entity.Id, UserId = change.UserId,
                        At = now, Payload = JsonSerializer.Serialize(view), RevertsSequence = (change as RevertChange)?.Sequence,
                    };
                    rows.Add(row);
                    events.Add(new DocumentChangeEvent(documentId, row.Sequence, kind, view, change.UserId, now)
                    {
                        Reverts = row.RevertsSequence, FollowsOtherWriter = follows && events.Count == 0,
                    });
                }
                db.DocumentChanges.AddRange(rows);
                try
                {
                    await db.SaveChangesAsync();
                    break;
                }
                catch (DbUpdateException) when (attempt < MaxSequenceAttempts)
                {
                    // Another process took these sequence numbers (the unique index said so): take the next ones.
                    foreach (var row in rows) db.Entry(row).State = EntityState.Detached;
                }
            }
        }
        await tx.CommitAsync();
        Announce(documentId, events, applied.Select(a => a.Change).ToList());
        foreach (var (change, result) in answered) change.Done.TrySetResult(result);
    }

    /// <summary>Creates only, the common case of a busy document: the same rows as the EF Core path above, written with
    /// prepared statements (<see cref="CreateGroupCommands"/>), and the same sequence retry.</summary>
    private async Task CommitCreatesAsync(AnnotateHubDbContext db, int documentId, IReadOnlyList<AnnotationChange> group)
    {
        await using var tx = await db.Database.BeginTransactionAsync();
        await using var commands = new CreateGroupCommands(db);
        var now = clock.GetUtcNow().UtcDateTime;
        var userNames = new Dictionary<string, string>();
        var labelNames = new Dictionary<int, string>();
        var views = new List<AnnotationView>(group.Count);
        foreach (var change in group)
        {
            var c = (CreateChange)change;
            var id = await commands.InsertAnnotationAsync(documentId, c.UserId, c.Start, c.End, c.LabelId, c.Note, now, c.Attributes);
            // With the span, so an answer already recorded (a second accept) fails the group, not the sequence retry.
            if (c.AcceptsSuggestionId is { } suggestionId) await commands.InsertAcceptanceAsync(suggestionId, c.UserId, id, now);
            if (!userNames.TryGetValue(c.UserId, out var userName)) userNames[c.UserId] = userName = await commands.UserNameAsync(c.UserId);
            if (!labelNames.TryGetValue(c.LabelId, out var labelName)) labelNames[c.LabelId] = labelName = await commands.LabelNameAsync(c.LabelId);
            var created = new Annotation
            {
                Id = id, DocumentId = documentId, AnnotatorId = c.UserId, Start = c.Start, End = c.End, LabelId = c.LabelId,
                Note = c.Note, Attributes = c.Attributes, CreatedAt = now, UpdatedAt = now, Version = 1,
            };
            views.Add(AnnotationService.ToView(created, userName, labelName));
        }

        var events = new List<DocumentChangeEvent>(group.Count);
        for (var attempt = 1; ; attempt++)
        {
            var (last, follows) = attempt == 1 && _lastSequences.TryGetValue(documentId, out var known)
                ? (known, false)
                : FollowsOtherWriter(await commands.LastChangeAsync(documentId), now);
            events.Clear();
            // A refused row must not undo the spans: PostgreSQL aborts the whole transaction on an error, SQLite the statement.
            await tx.CreateSavepointAsync(SequenceSavepoint);
            try
            {
                for (var i = 0; i < group.Count; i++)
                {
                    var view = views[i];
                    var sequence = ++last;
                    await commands.InsertChangeAsync(documentId, sequence, ChangeKind.AnnotationCreated, view.Id, group[i].UserId, now, JsonSerializer.Serialize(view));
                    events.Add(new DocumentChangeEvent(documentId, sequence, ChangeKind.AnnotationCreated, view, group[i].UserId, now)
                    {
                        FollowsOtherWriter = follows && i == 0,
                    });
                }
                await tx.ReleaseSavepointAsync(SequenceSavepoint);
                break;
            }
            catch (System.Data.Common.DbException) when (attempt < MaxSequenceAttempts)
            {
                // Another process took these sequence numbers (the unique index said so): take the next ones.
                await tx.RollbackToSavepointAsync(SequenceSavepoint);
            }
        }
        await tx.CommitAsync();
        Announce(documentId, events, group);
    }

    private const string SequenceSavepoint = "sequence";

    // Longer than any relay of a committed change takes; shorter than a restart.
    private static readonly TimeSpan RecentlyCommitted = TimeSpan.FromSeconds(5);

    /// <summary>The document's latest change as read from the log (not this writer's own, which it remembers): whether it
    /// was committed moments ago, so perhaps not yet sent to hub clients (<see cref="DocumentChangeEvent.FollowsOtherWriter"/>).</summary>
    internal static (long Last, bool Follows) FollowsOtherWriter((long Sequence, DateTime? At) latest, DateTime now) =>
        (latest.Sequence, latest.At is { } at && now - at < RecentlyCommitted);

    /// <summary>Committed: now announce and answer, in sequence order. <paramref name="events"/>[i] is the change of
    /// <paramref name="applied"/>[i].</summary>
    private void Announce(int documentId, List<DocumentChangeEvent> events, IReadOnlyList<AnnotationChange> applied)
    {
        if (events.Count == 0) return;
        _lastSequences[documentId] = events[^1].Sequence;
        bus.Publish(events);
        for (var i = 0; i < applied.Count; i++)
        {
            var e = events[i];
            applied[i].Done.TrySetResult(AnnotationResult.Ok(e.Annotation, e.Sequence, e.Kind));
        }
    }

    private static bool AddSuggestionDecisions(AnnotateHubDbContext db, List<(AnnotationChange Change, Annotation Entity, ChangeKind Kind)> applied, DateTime now)
    {
        var any = false;
        foreach (var (change, entity, _) in applied)
        {
            if (change is not CreateChange { AcceptsSuggestionId: { } suggestionId }) continue;
            db.SuggestionDecisions.Add(new SuggestionDecision
            {
                SuggestionId = suggestionId, UserId = change.UserId, Verdict = SuggestionVerdict.Accepted, AnnotationId = entity.Id, DecidedAt = now,
            });
            any = true;
        }
        return any;
    }

    /// <summary>The inverse of the change <paramref name="r"/> names, applied to the tracked entities: a created span deleted,
    /// a relabel or note put back as the change before it had them, a deleted span made again with its id. Refused, and nothing
    /// changed, when the change is not this document's, was already reverted, or the span changed since.</summary>
    private static async Task<((Annotation Entity, ChangeKind Kind)?, AnnotationResult?)> RevertAsync(
        AnnotateHubDbContext db, int documentId, RevertChange r, HashSet<long> revertedHere, DateTime now)
    {
        var target = await db.DocumentChanges.AsNoTracking().FirstOrDefaultAsync(c => c.DocumentId == documentId && c.Sequence == r.Sequence);
        if (target is null) return (null, AnnotationResult.Fail(AnnotationOutcome.NotFound, $"This document has no change {r.Sequence}."));
        if (revertedHere.Contains(r.Sequence) || await db.DocumentChanges.AnyAsync(c => c.DocumentId == documentId && c.RevertsSequence == r.Sequence))
            return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, "This change was already undone."));
        var was = JsonSerializer.Deserialize<AnnotationView>(target.Payload)!;
        var current = await FindLiveAsync(db, was.Id, documentId);
        const string changedSince = "The span changed after this change; undo the later change first.";
        Annotation entity;
        ChangeKind kind;
        switch (target.Kind)
        {
            case ChangeKind.AnnotationCreated:
                if (current is null) return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, "The span was deleted after this change; nothing to undo."));
                if (!AsLeftBy(current, was)) return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, changedSince));
                db.Annotations.Remove(current);
                (entity, kind) = (current, ChangeKind.AnnotationDeleted);
                break;
            case ChangeKind.AnnotationUpdated:
                if (current is null) return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, "The span was deleted after this change; nothing to undo."));
                if (!AsLeftBy(current, was)) return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, changedSince));
                var before = await db.DocumentChanges.AsNoTracking()
                    .Where(c => c.AnnotationId == was.Id && c.DocumentId == documentId && c.Sequence < target.Sequence)
                    .OrderByDescending(c => c.Sequence).Select(c => c.Payload).FirstOrDefaultAsync();
                if (before is null) return (null, AnnotationResult.Fail(AnnotationOutcome.NotFound, "The change log holds no earlier state of this span."));
                var previous = JsonSerializer.Deserialize<AnnotationView>(before)!;
                if (await LabelGoneAsync(db, documentId, previous.LabelId) is { } labelGone) return (null, labelGone);
                current.LabelId = previous.LabelId;
                current.Note = previous.Note;
                current.Attributes = previous.Attributes;
                current.UpdatedAt = now;
                current.Version++;
                (entity, kind) = (current, ChangeKind.AnnotationUpdated);
                break;
            case ChangeKind.AnnotationDeleted:
                if (current is not null || await db.Annotations.AnyAsync(a => a.Id == was.Id))
                    return (null, AnnotationResult.Fail(AnnotationOutcome.Conflict, "The span is back already."));
                if (await LabelGoneAsync(db, documentId, was.LabelId) is { } deletedLabelGone) return (null, deletedLabelGone);
                // The same id, so its history, curation sources and accepted suggestion still point at it; a higher
                // version than it ever had, so a viewer that still holds the old one takes this.
                entity = new Annotation
                {
                    Id = was.Id, DocumentId = documentId, AnnotatorId = was.AnnotatorId, Start = was.Start, End = was.End, LabelId = was.LabelId,
                    Note = was.Note, Attributes = was.Attributes, CreatedAt = was.CreatedAt, UpdatedAt = now, Version = was.Version + 1,
                };
                db.Annotations.Add(entity);
                kind = ChangeKind.AnnotationCreated;
                break;
            default:
                return (null, AnnotationResult.Fail(AnnotationOutcome.Invalid, "This change cannot be undone."));
        }
        revertedHere.Add(r.Sequence);
        return ((entity, kind), null);
    }

    // As the change left it: the same label, note, attributes and range (its version moves on with every change, undos included).
    private static bool AsLeftBy(Annotation current, AnnotationView was) =>
        current.LabelId == was.LabelId && current.Start == was.Start && current.End == was.End && string.Equals(current.Note, was.Note, StringComparison.Ordinal)
        && string.Equals(current.Attributes, was.Attributes, StringComparison.Ordinal);

    private static async Task<AnnotationResult?> LabelGoneAsync(AnnotateHubDbContext db, int documentId, int labelId)
    {
        var projectId = await db.Documents.Where(d => d.Id == documentId).Select(d => d.ProjectId).FirstAsync();
        return await db.Labels.AnyAsync(l => l.Id == labelId && l.ProjectId == projectId)
            ? null
            : AnnotationResult.Fail(AnnotationOutcome.Invalid, "The label it had is no longer in this project's label set; nothing was changed.");
    }

    // An annotation deleted earlier in the same group is gone for later changes in it.
    private static async Task<Annotation?> FindLiveAsync(AnnotateHubDbContext db, long id, int documentId)
    {
        var annotation = await db.Annotations.FindAsync(id);
        if (annotation is null || annotation.DocumentId != documentId) return null;
        return db.Entry(annotation).State == EntityState.Deleted ? null : annotation;
    }

    private static async Task<AnnotationResult?> CheckAsync(AnnotateHubDbContext db, Annotation? annotation, string userId, int expectedVersion, string verb)
    {
        if (annotation is null) return AnnotationResult.Fail(AnnotationOutcome.NotFound, "The annotation no longer exists; someone deleted it.");
        if (annotation.AnnotatorId != userId) return AnnotationResult.Fail(AnnotationOutcome.Forbidden, $"Only the annotator who made a span can {verb} it.");
        if (annotation.Version == expectedVersion) return null;
        var current = (await ViewsAsync(db, [annotation]))[annotation.Id];
        return AnnotationResult.Fail(AnnotationOutcome.Conflict,
            $"Someone changed this annotation first (version {annotation.Version}, you had {expectedVersion}); you now see the current version.", current);
    }

    private static async Task<Dictionary<long, AnnotationView>> ViewsAsync(AnnotateHubDbContext db, IEnumerable<Annotation> annotations)
    {
        var list = annotations.ToList();
        var userIds = list.Select(a => a.AnnotatorId).Distinct().ToList();
        var labelIds = list.Select(a => a.LabelId).Distinct().ToList();
        var users = await db.Users.AsNoTracking().Where(u => userIds.Contains(u.Id)).Select(u => new { u.Id, Name = u.DisplayName ?? u.UserName ?? "" }).ToDictionaryAsync(u => u.Id, u => u.Name);
        var labels = await db.Labels.AsNoTracking().Where(l => labelIds.Contains(l.Id)).ToDictionaryAsync(l => l.Id, l => l.Name);
        return list.ToDictionary(a => a.Id, a => AnnotationService.ToView(a, users.GetValueOrDefault(a.AnnotatorId, ""), labels.GetValueOrDefault(a.LabelId, "")));
    }
}
