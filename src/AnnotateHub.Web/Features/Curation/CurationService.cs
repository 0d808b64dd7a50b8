using System.Text.Json;
using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>
/// Curation: a curator (a project's supervisor or curator) turns the annotators' spans of a document into gold. Each
/// action saves the gold spans and rejections with a <see cref="CurationChange"/> row per change (one action id for
/// the changes made together, which undo reverts together), commits, then publishes <see cref="CurationChangedEvent"/>
/// so other curators' views follow live (decision 0062). A curated document is read-only until reopened.
/// </summary>
public sealed class CurationService(
    IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, LabelService labels, EventBus bus, TimeProvider clock)
{
    private const int MergeBatch = 500;

    /// <summary>The curation view of a document, or null (with the reason) when the user may not curate it.</summary>
    public async Task<(CurationState? State, string? Error)> LoadAsync(int documentId, string userId, bool anonymous = false, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (standing is null || !standing.Permissions.IsMember) return (null, $"Document {documentId} does not exist.");
        if (!standing.Permissions.CanCurate) return (null, "Only the project's curators and supervisors curate its documents.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.AsNoTracking().Where(d => d.Id == documentId)
            .Select(d => new { d.Id, d.ProjectId, Project = d.Project!.Name, d.Title, d.Text, d.CuratedAt, d.CuratedById }).FirstAsync(ct);
        var labelSet = await labels.ListAsync(doc.ProjectId, ct);
        var material = await ReadAsync(db, [documentId], ct);
        var names = await NamesAsync(db, material.UserIds.Append(doc.CuratedById).OfType<string>(), ct);
        var m = material.Documents[documentId];
        var lanes = Lanes(m, names, labelSet, anonymous, documentId, userId);
        var units = CurationUnits.Build(lanes.Select(l => l.AnnotatorId).ToList(), m.Spans.Select(ToCurationSpan));
        var gold = m.Gold.Select(g => ToView(g, labelSet, names)).ToList();
        var rejections = m.Rejections.Select(r => new RejectionView(r.Id, r.Start, r.End, names.GetValueOrDefault(r.CuratorId, "?"), r.Note)).ToList();
        var unitViews = units.Select(u => new UnitView(u, CurationUnits.IsDecided(u, m.Gold.Select(g => (g.Start, g.End)), m.Rejections.Select(r => (r.Start, r.End))))).ToList();
        var status = Status(doc.CuratedAt, m.Assignments);
        return (new CurationState(doc.Id, doc.ProjectId, doc.Project, doc.Title, doc.Text, status,
            doc.CuratedById is null ? null : names.GetValueOrDefault(doc.CuratedById), lanes, gold, rejections, unitViews, labelSet, anonymous), null);
    }

    /// <summary>Takes lane <paramref name="annotatorId"/>'s spans inside the unit <paramref name="start"/>..<paramref name="end"/>
    /// into gold, replacing whatever gold or rejection was there: the curator's decision.</summary>
    public Task<CurationResult> AcceptAsync(int documentId, string userId, string annotatorId, int start, int end, string? note = null, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "accepted", async (db, ctx) =>
        {
            var taken = ctx.Material.Spans.Where(s => s.AnnotatorId == annotatorId && s.Start < end && start < s.End).ToList();
            if (taken.Count == 0) return CurationResult.Fail("That annotator has no span here: reject the unit instead if it should have no gold.");
            await ClearAsync(db, ctx, start, end);
            foreach (var span in taken)
            {
                ctx.Add(db, new GoldAnnotation
                {
                    DocumentId = documentId, Start = span.Start, End = span.End, LabelId = span.LabelId, Origin = GoldOrigin.Adjudicated,
                    CuratorId = userId, Sources = SourcesOf(ctx.Material, span.Start, span.End, span.LabelId, ctx.Names), Note = Note(note),
                    CreatedAt = ctx.Now, Attributes = span.Attributes,
                });
            }
            return CurationResult.Done(taken.Count);
        }, ct);

    /// <summary>Decides that the range holds no gold: removes gold overlapping it and records the rejection.</summary>
    public Task<CurationResult> RejectAsync(int documentId, string userId, int start, int end, string? note = null, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "rejected", async (db, ctx) =>
        {
            if (start < 0 || end <= start || end > ctx.Length) return CurationResult.Fail($"The range {start}..{end} is not inside the document (0..{ctx.Length}).");
            if (SpanValidation.CheckNote(note) is { } noteError) return CurationResult.Fail(noteError);
            await ClearAsync(db, ctx, start, end);
            var rejection = new GoldRejection { DocumentId = documentId, Start = start, End = end, CuratorId = userId, Note = Note(note), At = ctx.Now };
            db.GoldRejections.Add(rejection);
            await db.SaveChangesAsync(ctx.Ct);
            ctx.Log(db, CurationChangeKind.Rejected, rejection.Id, null, Json(rejection));
            return CurationResult.Ok;
        }, ct);

    public Task<CurationResult> CreateGoldAsync(int documentId, string userId, int start, int end, int labelId, string? note = null, CancellationToken ct = default) =>
        CreateGoldAsync(documentId, userId, start, end, labelId, note, attributes: null, ct);

    /// <summary>A gold span the curator draws: validated like any span (offsets in the document, a label of the project,
    /// values the label allows). <paramref name="attributes"/> null: what the annotators who have exactly this span agree
    /// it says, or else the label's defaults.</summary>
    public Task<CurationResult> CreateGoldAsync(int documentId, string userId, int start, int end, int labelId, string? note,
        IReadOnlyDictionary<string, string?>? attributes, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "gold added", (db, ctx) =>
        {
            if (SpanValidation.Check(start, end, ctx.Length) is { } spanError) return Task.FromResult(CurationResult.Fail(spanError));
            if (SpanValidation.CheckNote(note) is { } noteError) return Task.FromResult(CurationResult.Fail(noteError));
            var label = ctx.Labels.FirstOrDefault(l => l.Id == labelId);
            if (label is null) return Task.FromResult(CurationResult.Fail($"Label {labelId} is not a label of this project."));
            string? values;
            if (attributes is null)
            {
                var same = ctx.Material.Spans.Where(s => s.Start == start && s.End == end && s.LabelId == labelId).Select(s => s.Attributes).ToList();
                values = same.Count > 0 ? AttributeJson.Agreed(same) : AttributeJson.Values(AttributeRules.DefaultsOf(label.Attributes));
            }
            else if (CheckAttributes(label, attributes, out values) is { } attributeError) return Task.FromResult(CurationResult.Fail(attributeError));
            ctx.Add(db, new GoldAnnotation
            {
                DocumentId = documentId, Start = start, End = end, LabelId = labelId, Origin = GoldOrigin.Adjudicated, CuratorId = userId,
                Sources = SourcesOf(ctx.Material, start, end, labelId, ctx.Names), Note = Note(note), CreatedAt = ctx.Now, Attributes = values,
            });
            return Task.FromResult(CurationResult.Done(1));
        }, ct);

    /// <summary>Checks values for a gold span of <paramref name="label"/>: null when they are allowed (<paramref name="values"/>
    /// canonical), else the reasons, every one.</summary>
    private static string? CheckAttributes(LabelView label, IReadOnlyDictionary<string, string?> attributes, out string? values)
    {
        var check = AttributeRules.Check(label.Attributes, attributes);
        values = check.Succeeded ? AttributeJson.Values(check.Values) : null;
        return check.Succeeded ? null : $"Nothing was saved: the attributes of \"{label.Name}\" were refused. {string.Join(" ", check.Errors)}";
    }

    /// <summary>Changes a gold span's label, offsets or note; refused when it changed since <paramref name="expectedVersion"/>.</summary>
    public Task<CurationResult> UpdateGoldAsync(long goldId, string userId, int expectedVersion, int labelId, int? start = null, int? end = null, string? note = null, CancellationToken ct = default) =>
        UpdateGoldAsync(goldId, userId, expectedVersion, labelId, start, end, note, attributes: null, ct);

    /// <summary>Changes a gold span's label, offsets, note or what it says; refused when it changed since
    /// <paramref name="expectedVersion"/>. <paramref name="attributes"/> null keeps its values (under a new label, those the
    /// label defines); given, they replace them, checked against the label and refused whole with every reason.</summary>
    public async Task<CurationResult> UpdateGoldAsync(long goldId, string userId, int expectedVersion, int labelId, int? start, int? end, string? note,
        IReadOnlyDictionary<string, string?>? attributes, CancellationToken ct = default)
    {
        var documentId = await DocumentOfGoldAsync(goldId, ct);
        if (documentId is null) return CurationResult.Stale("The gold span no longer exists; someone removed it.");
        return await MutateAsync(documentId.Value, userId, "gold changed", async (db, ctx) =>
        {
            var gold = await db.GoldAnnotations.FirstOrDefaultAsync(g => g.Id == goldId, ctx.Ct);
            if (gold is null) return CurationResult.Stale("The gold span no longer exists; someone removed it.");
            if (gold.Version != expectedVersion) return CurationResult.Stale("Someone changed this gold span first; the view shows it as it is now.");
            var (s, e) = (start ?? gold.Start, end ?? gold.End);
            if (SpanValidation.Check(s, e, ctx.Length) is { } spanError) return CurationResult.Fail(spanError);
            if (SpanValidation.CheckNote(note) is { } noteError) return CurationResult.Fail(noteError);
            var label = ctx.Labels.FirstOrDefault(l => l.Id == labelId);
            if (label is null) return CurationResult.Fail($"Label {labelId} is not a label of this project.");
            string? values;
            if (attributes is not null)
            {
                if (CheckAttributes(label, attributes, out values) is { } attributeError) return CurationResult.Fail(attributeError);
            }
            else if (labelId == gold.LabelId) values = gold.Attributes;
            else values = AttributeJson.Values(AttributeRules.Fitting(label.Attributes, AttributeJson.ParseValues(gold.Attributes)));
            var before = Json(gold);
            (gold.Start, gold.End, gold.LabelId, gold.Note, gold.Attributes) = (s, e, labelId, Note(note), values);
            // Edited by a curator: whatever its origin, it is now their decision (the sources say who agreed with it).
            gold.Origin = GoldOrigin.Adjudicated;
            gold.Rule = null;
            gold.CuratorId = userId;
            gold.Sources = SourcesOf(ctx.Material, s, e, labelId, ctx.Names);
            gold.UpdatedAt = ctx.Now;
            gold.Version++;
            await db.SaveChangesAsync(ctx.Ct);
            ctx.Log(db, CurationChangeKind.GoldUpdated, gold.Id, before, Json(gold));
            return CurationResult.Ok;
        }, ct);
    }

    /// <summary>A gold span's label and note (what a change of its values keeps), or null when there is no such span. The
    /// change itself checks that the user may curate.</summary>
    public async Task<(int LabelId, string? Note)?> GoldLabelAsync(long goldId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var gold = await db.GoldAnnotations.AsNoTracking().Where(g => g.Id == goldId).Select(g => new { g.LabelId, g.Note }).FirstOrDefaultAsync(ct);
        return gold is null ? null : (gold.LabelId, gold.Note);
    }

    public async Task<CurationResult> DeleteGoldAsync(long goldId, string userId, int expectedVersion, CancellationToken ct = default)
    {
        var documentId = await DocumentOfGoldAsync(goldId, ct);
        if (documentId is null) return CurationResult.Stale("The gold span no longer exists; someone removed it.");
        return await MutateAsync(documentId.Value, userId, "gold removed", async (db, ctx) =>
        {
            var gold = await db.GoldAnnotations.FirstOrDefaultAsync(g => g.Id == goldId, ctx.Ct);
            if (gold is null) return CurationResult.Stale("The gold span no longer exists; someone removed it.");
            if (gold.Version != expectedVersion) return CurationResult.Stale("Someone changed this gold span first; the view shows it as it is now.");
            db.GoldAnnotations.Remove(gold);
            ctx.Log(db, CurationChangeKind.GoldDeleted, gold.Id, Json(gold), null);
            return CurationResult.Ok;
        }, ct);
    }

    /// <summary>Marks the document curated; refused while a unit is undecided.</summary>
    public Task<CurationResult> FinishAsync(int documentId, string userId, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "finished", async (db, ctx) =>
        {
            var undecided = Units(ctx.Material).Count(u => !Decided(u, ctx.Material));
            if (undecided > 0)
                return CurationResult.Fail($"{undecided} unit{(undecided == 1 ? " is" : "s are")} undecided: take a lane or reject {(undecided == 1 ? "it" : "each")} first.");
            var doc = await db.Documents.FirstAsync(d => d.Id == documentId, ctx.Ct);
            (doc.CuratedAt, doc.CuratedById) = (ctx.Now, userId);
            ctx.Log(db, CurationChangeKind.Finished, null, null, null);
            return CurationResult.Ok;
        }, ct, allowCurated: false);

    /// <summary>Opens a curated document for curation again.</summary>
    public Task<CurationResult> ReopenAsync(int documentId, string userId, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "reopened", async (db, ctx) =>
        {
            var doc = await db.Documents.FirstAsync(d => d.Id == documentId, ctx.Ct);
            if (doc.CuratedAt is null) return CurationResult.Fail("The document is not curated.");
            (doc.CuratedAt, doc.CuratedById) = (null, null);
            ctx.Log(db, CurationChangeKind.Reopened, null, null, null);
            return CurationResult.Ok;
        }, ct, allowCurated: true);

    /// <summary>Automatic merge of one document: proposals for every unit no curator decided, replacing earlier merge
    /// proposals there; a curator's gold and rejections stay as they are.</summary>
    public Task<CurationResult> MergeAsync(int documentId, string userId, MergeRule rule, CancellationToken ct = default) =>
        MutateAsync(documentId, userId, "merged", async (db, ctx) =>
        {
            var proposed = await MergeWriter.MergeAsync(db, [(ctx.DocumentId, ctx.Material)], ctx.Names, rule, ctx.UserId, ctx.ActionId, ctx.Now, ctx.Ct);
            ctx.MarkChanged();
            return CurationResult.Done(proposed.Proposed);
        }, ct);

    /// <summary>Automatic merge of every ready, not yet curated document of the project, a batch of documents at a time
    /// (each batch one transaction; one undoable action for the whole run). Returns how many gold spans it proposed.
    /// The next batch is read and planned while this one is written (decision 0069): the reading and the planning are
    /// done outside the writing transaction, so the writer takes the batch's fingerprint again inside it and reads and
    /// plans the batch again when someone changed it in between.</summary>
    public async Task<CurationResult> MergeProjectAsync(int projectId, string userId, MergeRule rule, CancellationToken ct = default)
    {
        var permissions = await access.ForProjectAsync(projectId, userId, ct);
        if (!permissions.IsMember) return CurationResult.Fail($"Project {projectId} does not exist.");
        if (!permissions.CanCurate) return CurationResult.Fail("Only the project's curators and supervisors curate its documents.");
        var action = NewAction();
        Dictionary<string, string> names;
        await using (var db = await dbFactory.CreateDbContextAsync(ct))
        {
            // The team's names once: every annotator of the project is a member or was (spans keep their author).
            names = await db.Users.AsNoTracking()
                .Where(u => db.ProjectMembers.Any(m => m.ProjectId == projectId && m.UserId == u.Id)
                            || db.Annotations.Any(a => a.AnnotatorId == u.Id && db.Documents.Any(d => d.Id == a.DocumentId && d.ProjectId == projectId)))
                .ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id, StringComparer.Ordinal, ct);
        }
        // One batch waits planned while one is written: memory for three batches at most.
        var planned = System.Threading.Channels.Channel.CreateBounded<PlannedBatch>(
            new System.Threading.Channels.BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var producer = Task.Run(() => PlanBatchesAsync(projectId, names, rule, userId, action, planned.Writer, stop.Token), CancellationToken.None);
        var total = 0;
        try
        {
            await foreach (var batch in planned.Reader.ReadAllAsync(stop.Token))
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                await MaterialReader.LockRangeAsync(db, batch.First, batch.Last, ct);
                var plan = batch.Plan;
                if (!(await MaterialReader.FingerprintAsync(db, batch.First, batch.Last, ct)).AsSpan().SequenceEqual(batch.Fingerprint))
                {
                    // Someone changed these documents since they were read: read and plan them again, now inside the transaction.
                    MergeWriter.Timings.AddReread();
                    var ids = await ReadyDocumentsQuery(db, projectId).Where(id => id >= batch.First && id <= batch.Last).OrderBy(id => id).ToListAsync(ct);
                    if (ids.Count == 0) continue;
                    var material = await MaterialReader.ReadRangeAsync(db, projectId, ids, ct);
                    plan = MergeWriter.Plan(ids.Select(id => (id, material[id])).ToList(), names, rule, userId, action, clock.GetUtcNow().UtcDateTime, ct);
                }
                var result = await MergeWriter.WriteAsync(db, plan, ct);
                var written = System.Diagnostics.Stopwatch.GetTimestamp();
                await tx.CommitAsync(ct);
                MergeWriter.Timings.AddBatch(0, System.Diagnostics.Stopwatch.GetTimestamp() - written);
                total += result.Proposed;
                foreach (var id in result.Changed) bus.Publish(new CurationChangedEvent(id, projectId, userId, "merged"));
            }
            await producer;
        }
        finally
        {
            // A writer that failed stops the reader; a reader that failed ended the loop above with its exception.
            await stop.CancelAsync();
            await producer.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return CurationResult.Done(total);
    }

    /// <summary>A batch of a whole-project merge as read and planned: its document range, its fingerprint when read, the plan.</summary>
    private sealed record PlannedBatch(int First, int Last, decimal[] Fingerprint, MergeWriter.Planned Plan);

    /// <summary>Reads and plans a whole-project merge's batches in order, each on its own context outside any transaction.</summary>
    private async Task PlanBatchesAsync(int projectId, Dictionary<string, string> names, MergeRule rule, string userId, string action,
        System.Threading.Channels.ChannelWriter<PlannedBatch> writer, CancellationToken ct)
    {
        try
        {
            var lastId = 0;
            while (true)
            {
                await using var db = await dbFactory.CreateDbContextAsync(ct);
                var ids = await ReadyDocumentsQuery(db, projectId).Where(id => id > lastId).OrderBy(id => id).Take(MergeBatch).ToListAsync(ct);
                if (ids.Count == 0) break;
                lastId = ids[^1];
                var started = System.Diagnostics.Stopwatch.GetTimestamp();
                // The fingerprint first: a change after it is seen by the writer's; one before it is in what is read next.
                var fingerprint = await MaterialReader.FingerprintAsync(db, ids[0], ids[^1], ct);
                var material = await MaterialReader.ReadRangeAsync(db, projectId, ids, ct);
                MergeWriter.Timings.AddBatch(System.Diagnostics.Stopwatch.GetTimestamp() - started, 0);
                var plan = MergeWriter.Plan(ids.Select(id => (id, material[id])).ToList(), names, rule, userId, action, clock.GetUtcNow().UtcDateTime, ct);
                await writer.WriteAsync(new PlannedBatch(ids[0], ids[^1], fingerprint, plan), ct);
            }
            writer.Complete();
        }
        catch (Exception e)
        {
            writer.Complete(e);
        }
    }

    /// <summary>Finishes, in one action, every ready document of the project on which all annotators agree everywhere:
    /// each gets the unanimous spans as gold and is marked curated. Returns how many documents.</summary>
    public async Task<CurationResult> FinishAgreedAsync(int projectId, string userId, CancellationToken ct = default)
    {
        var permissions = await access.ForProjectAsync(projectId, userId, ct);
        if (!permissions.IsMember) return CurationResult.Fail($"Project {projectId} does not exist.");
        if (!permissions.CanCurate) return CurationResult.Fail("Only the project's curators and supervisors curate its documents.");
        var finished = 0;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var ids = await ReadyDocumentsQuery(db, projectId).OrderBy(id => id).ToListAsync(ct);
        for (var i = 0; i < ids.Count; i += MergeBatch)
        {
            var batch = ids.Skip(i).Take(MergeBatch).ToList();
            var material = await ReadAsync(db, batch, ct);
            foreach (var id in batch)
            {
                var m = material.Documents[id];
                var units = Units(m);
                if (units.Count == 0 || units.Any(u => u.IsDisagreement) || m.Gold.Count > 0 || m.Rejections.Count > 0) continue;
                var merged = await MergeAsync(id, userId, new MergeRule.AllAgree(), ct);
                if (merged.Succeeded && (await FinishAsync(id, userId, ct)).Succeeded) finished++;
            }
        }
        return CurationResult.Done(finished);
    }

    /// <summary>Undoes the user's last curation action on this document (it survives reloading: it is read from the
    /// history), or says there is nothing to undo.</summary>
    public async Task<CurationResult> UndoAsync(int documentId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var last = await db.CurationChanges.AsNoTracking()
            .Where(c => c.DocumentId == documentId && c.UserId == userId && c.RevertedById == null && c.RevertsId == null)
            .OrderByDescending(c => c.Id).Select(c => c.ActionId).FirstOrDefaultAsync(ct);
        return last is null ? CurationResult.Fail("Nothing of yours to undo on this document.") : await RevertActionAsync(documentId, userId, last, own: true, ct);
    }

    /// <summary>Reverts the action a change of the history belongs to: a user their own, a supervisor anyone's.</summary>
    public async Task<CurationResult> RevertAsync(long changeId, string userId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var change = await db.CurationChanges.AsNoTracking().FirstOrDefaultAsync(c => c.Id == changeId, ct);
        if (change is null) return CurationResult.Fail("There is no such change.");
        if (change.RevertedById is not null) return CurationResult.Fail("That change was reverted already.");
        if (change.UserId != userId)
        {
            var standing = await access.ForDocumentAsync(change.DocumentId, userId, ct);
            if (standing is null || !standing.Permissions.IsSupervisor) return CurationResult.Fail("Only a supervisor reverts someone else's change.");
        }
        return await RevertActionAsync(change.DocumentId, userId, change.ActionId, own: change.UserId == userId, ct);
    }

    /// <summary>The history of one gold span (or, with <paramref name="rejection"/>, one rejection): every change to it,
    /// newest first.</summary>
    public async Task<IReadOnlyList<HistoryEntry>> HistoryAsync(int documentId, long targetId, string userId, bool rejection = false, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (standing is null || !standing.Permissions.CanCurate) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        GoldAnnotation? focus = null;
        // Gold spans and rejections number their ids apart: a target id alone names one of each.
        CurationChangeKind[] kinds = rejection
            ? [CurationChangeKind.Rejected, CurationChangeKind.RejectionRemoved]
            : [CurationChangeKind.GoldCreated, CurationChangeKind.GoldUpdated, CurationChangeKind.GoldDeleted];
        var rows = await db.CurationChanges.AsNoTracking().Where(c => c.DocumentId == documentId && c.TargetId == targetId && kinds.Contains(c.Kind))
            .OrderByDescending(c => c.Id).ToListAsync(ct);
        // A merge writes one row per document with every span it made or replaced (by content, not id): the span's own
        // entry is the merge that made it, if its content is among them.
        var gold = rejection ? null : await db.GoldAnnotations.AsNoTracking().FirstOrDefaultAsync(g => g.Id == targetId && g.DocumentId == documentId, ct);
        if (gold is not null && gold.Origin is GoldOrigin.Merged or GoldOrigin.Unanimous)
        {
            var merges = await db.CurationChanges.AsNoTracking().Where(c => c.DocumentId == documentId && c.Kind == CurationChangeKind.Merged)
                .OrderByDescending(c => c.Id).ToListAsync(ct);
            var made = merges.FirstOrDefault(c => JsonSerializer.Deserialize<List<GoldAnnotation>>(c.After ?? "[]")!.Any(g => SameContent(g, gold)));
            if (made is not null) rows = rows.Append(made).OrderByDescending(c => c.Id).ToList();
            focus = gold;
        }
        var names = await NamesAsync(db, rows.Select(r => r.UserId), ct);
        var labelSet = await labels.ListAsync(standing.ProjectId, ct);
        return rows.Select(r => new HistoryEntry(r.Id, r.Kind.ToString(), names.GetValueOrDefault(r.UserId, "?"), DateTime.SpecifyKind(r.At, DateTimeKind.Utc),
            Describe(r.Before, labelSet, focus), Describe(r.After, labelSet, focus), r.RevertedById is not null,
            r.RevertedById is null && (r.UserId == userId || standing.Permissions.IsSupervisor))).ToList();
    }

    /// <summary>How the user's spans on a curated document fared, or null when it is not curated yet.</summary>
    public async Task<IReadOnlyList<FeedbackRow>?> FeedbackAsync(int documentId, string userId, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (standing is null || !standing.CanOpen) return null;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var doc = await db.Documents.AsNoTracking().Where(d => d.Id == documentId).Select(d => new { d.CuratedAt, d.Text, d.ProjectId }).FirstAsync(ct);
        if (doc.CuratedAt is null) return null;
        var labelSet = await labels.ListAsync(doc.ProjectId, ct);
        var material = (await ReadAsync(db, [documentId], ct)).Documents[documentId];
        var mine = material.Spans.Where(s => s.AnnotatorId == userId).ToList();
        var feedback = CurationFeedback.For(
            mine.Select(ToCurationSpan),
            material.Gold.Select(g => new GoldSpanRef(g.Id, g.Start, g.End, LabelKey(g.LabelId), g.Note)),
            material.Rejections.Select(r => new RejectionRef(r.Start, r.End, r.Note)));
        var byId = mine.ToDictionary(s => s.Id);
        return feedback.Select(f =>
        {
            var span = byId[f.Span.Id!.Value];
            var gold = f.Gold;
            return new FeedbackRow(ToLaneSpan(span, labelSet), f.Kind, gold is null ? null : LabelName(labelSet, int.Parse(gold.Label, System.Globalization.CultureInfo.InvariantCulture)),
                gold?.Start, gold?.End, f.Note, gold is null ? null : Slice(doc.Text, gold.Start, gold.End));
        }).OrderBy(r => r.Span.Start).ThenBy(r => r.Span.End).ToList();
    }

    /// <summary>The project's documents on the way to gold, filtered; counts over the whole project.</summary>
    public async Task<(IReadOnlyList<CurationQueueRow> Rows, IReadOnlyDictionary<CurationStatus, int> Counts)> QueueAsync(
        int projectId, string userId, CurationQueueFilter filter, int offset = 0, int limit = 50, CancellationToken ct = default)
    {
        var permissions = await access.ForProjectAsync(projectId, userId, ct);
        if (!permissions.CanCurate) return ([], new Dictionary<CurationStatus, int>());
        var labelSet = await labels.ListAsync(projectId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var facts = await db.Documents.AsNoTracking().Where(d => d.ProjectId == projectId)
            .Select(d => new
            {
                d.Id, d.Title, d.CuratedAt, d.CuratedById,
                Assigned = db.Assignments.Count(a => a.DocumentId == d.Id),
                Done = db.Assignments.Count(a => a.DocumentId == d.Id && a.State == AssignmentState.Done),
            }).OrderBy(d => d.Id).ToListAsync(ct);
        CurationStatus StatusOf(DateTime? curatedAt, int assigned, int done) =>
            curatedAt is not null ? CurationStatus.Curated : assigned > 0 && done == assigned ? CurationStatus.Ready : CurationStatus.Annotating;
        var counts = Enum.GetValues<CurationStatus>().ToDictionary(s => s, s => facts.Count(f => StatusOf(f.CuratedAt, f.Assigned, f.Done) == s));
        var candidates = facts.Where(f => filter.Status is null || StatusOf(f.CuratedAt, f.Assigned, f.Done) == filter.Status).ToList();
        var label = filter.Label is null ? null : labelSet.FirstOrDefault(l => string.Equals(l.Name, filter.Label, StringComparison.OrdinalIgnoreCase));
        if (filter.Label is not null && label is null) return ([], counts);
        string? annotatorId = null;
        if (filter.Annotator is not null)
        {
            var normalized = filter.Annotator.ToUpperInvariant();
            annotatorId = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
            if (annotatorId is null) return ([], counts);
        }
        var rows = new List<CurationQueueRow>();
        var skipped = 0;
        for (var i = 0; i < candidates.Count && rows.Count < limit; i += MergeBatch)
        {
            var batch = candidates.Skip(i).Take(MergeBatch).ToList();
            var material = await ReadAsync(db, batch.Select(b => b.Id).ToList(), ct);
            var names = await NamesAsync(db, material.UserIds.Concat(batch.Select(b => b.CuratedById).OfType<string>()), ct);
            foreach (var f in batch)
            {
                var m = material.Documents[f.Id];
                if (label is not null && m.Spans.All(s => s.LabelId != label.Id) && m.Gold.All(g => g.LabelId != label.Id)) continue;
                if (annotatorId is not null && m.Spans.All(s => s.AnnotatorId != annotatorId) && m.Assignments.All(a => a.UserId != annotatorId)) continue;
                var units = Units(m);
                double? agreement = units.Count == 0 ? null : units.Count(u => !u.IsDisagreement) / (double)units.Count;
                if (filter.MaxAgreement is { } max && (agreement ?? 1) > max) continue;
                if (skipped++ < offset) continue;
                rows.Add(new CurationQueueRow(f.Id, f.Title, StatusOf(f.CuratedAt, f.Assigned, f.Done), f.Assigned, f.Done, m.Spans.Count, m.Gold.Count,
                    units.Count(u => u.IsDisagreement), agreement, f.CuratedById is null ? null : names.GetValueOrDefault(f.CuratedById)));
                if (rows.Count >= limit) break;
            }
        }
        return (rows, counts);
    }

    // ---- reading ----

    internal sealed record SpanRow(long Id, int DocumentId, string AnnotatorId, int Start, int End, int LabelId, string? Note, string? Attributes = null);

    internal sealed record AssignmentRow(int DocumentId, string UserId, AssignmentState State);

    /// <summary>What curation reads of one document: annotators' spans, assignments, gold and rejections.</summary>
    internal sealed record Material(IReadOnlyList<SpanRow> Spans, IReadOnlyList<AssignmentRow> Assignments, List<GoldAnnotation> Gold, List<GoldRejection> Rejections)
    {
        /// <summary>The annotators whose work counts: the assigned ones, and anyone else with spans here.</summary>
        public IReadOnlyList<string> Annotators { get; } = Assignments.Select(a => a.UserId).Concat(Spans.Select(s => s.AnnotatorId)).Distinct(StringComparer.Ordinal).ToList();

        /// <summary>Everyone whose name the view shows: annotators and curators.</summary>
        public IEnumerable<string> UserIds() => Annotators.Concat(Gold.Select(g => g.CuratorId).OfType<string>()).Concat(Rejections.Select(r => r.CuratorId));
    }

    private sealed record Materials(Dictionary<int, Material> Documents, IReadOnlyList<string> UserIds);

    private static async Task<Materials> ReadAsync(AnnotateHubDbContext db, List<int> ids, CancellationToken ct)
    {
        var spans = await db.Annotations.AsNoTracking().Where(a => ids.Contains(a.DocumentId))
            .Select(a => new SpanRow(a.Id, a.DocumentId, a.AnnotatorId, a.Start, a.End, a.LabelId, a.Note, a.Attributes)).ToListAsync(ct);
        var assignments = await db.Assignments.AsNoTracking().Where(a => ids.Contains(a.DocumentId))
            .Select(a => new AssignmentRow(a.DocumentId, a.UserId, a.State)).ToListAsync(ct);
        var gold = await db.GoldAnnotations.AsNoTracking().Where(g => ids.Contains(g.DocumentId)).OrderBy(g => g.Start).ThenBy(g => g.End).ToListAsync(ct);
        var rejections = await db.GoldRejections.AsNoTracking().Where(r => ids.Contains(r.DocumentId)).OrderBy(r => r.Start).ToListAsync(ct);
        var documents = Group(ids, spans, assignments, gold, rejections);
        var users = spans.Select(s => s.AnnotatorId).Concat(assignments.Select(a => a.UserId)).Concat(gold.Select(g => g.CuratorId).OfType<string>())
            .Concat(rejections.Select(r => r.CuratorId)).Distinct(StringComparer.Ordinal).ToList();
        return new Materials(documents, users);
    }

    /// <summary>The rows read for a batch, per document (every id gets its material, empty where nothing was read).</summary>
    private static Dictionary<int, Material> Group(List<int> ids, IEnumerable<SpanRow> spans, IEnumerable<AssignmentRow> assignments,
        IEnumerable<GoldAnnotation> gold, IEnumerable<GoldRejection> rejections)
    {
        var spansOf = spans.ToLookup(s => s.DocumentId);
        var assignmentsOf = assignments.ToLookup(a => a.DocumentId);
        var goldOf = gold.ToLookup(g => g.DocumentId);
        var rejectionsOf = rejections.ToLookup(r => r.DocumentId);
        return ids.ToDictionary(id => id, id => new Material(spansOf[id].ToList(), assignmentsOf[id].ToList(), goldOf[id].ToList(), rejectionsOf[id].ToList()));
    }

    private static async Task<Dictionary<string, string>> NamesAsync(AnnotateHubDbContext db, IEnumerable<string> userIds, CancellationToken ct)
    {
        var ids = userIds.Distinct(StringComparer.Ordinal).ToList();
        return ids.Count == 0 ? new(StringComparer.Ordinal)
            : await db.Users.AsNoTracking().Where(u => ids.Contains(u.Id)).ToDictionaryAsync(u => u.Id, u => u.UserName ?? u.Id, StringComparer.Ordinal, ct);
    }

    private static IQueryable<int> ReadyDocumentsQuery(AnnotateHubDbContext db, int projectId) =>
        db.Documents.Where(d => d.ProjectId == projectId && d.CuratedAt == null
                                && db.Assignments.Any(a => a.DocumentId == d.Id)
                                && !db.Assignments.Any(a => a.DocumentId == d.Id && a.State != AssignmentState.Done))
            .Select(d => d.Id);

    private static CurationStatus Status(DateTime? curatedAt, IReadOnlyList<AssignmentRow> assignments) =>
        curatedAt is not null ? CurationStatus.Curated
        : assignments.Count > 0 && assignments.All(a => a.State == AssignmentState.Done) ? CurationStatus.Ready
        : CurationStatus.Annotating;

    private static List<CurationLane> Lanes(Material m, Dictionary<string, string> names, IReadOnlyList<LabelView> labelSet, bool anonymous, int documentId, string viewerId)
    {
        var order = m.Annotators.OrderBy(id => names.GetValueOrDefault(id, id), StringComparer.OrdinalIgnoreCase).ToList();
        if (anonymous)
        {
            // Shuffled the same way for one curator and document (a reload keeps the lanes where they were), differently for the next.
            var random = new Random(StableSeed(documentId, viewerId));
            order = order.OrderBy(_ => random.Next()).ToList();
        }
        return order.Select((id, i) => new CurationLane(i + 1, id, anonymous ? $"Annotator {i + 1}" : names.GetValueOrDefault(id, id),
            m.Assignments.FirstOrDefault(a => a.UserId == id)?.State,
            m.Spans.Where(s => s.AnnotatorId == id).OrderBy(s => s.Start).ThenBy(s => s.End).Select(s => ToLaneSpan(s, labelSet)).ToList())).ToList();
    }

    private static int StableSeed(int documentId, string userId)
    {
        var hash = 17;
        foreach (var c in userId) hash = unchecked((hash * 31) + c);
        return unchecked((hash * 31) + documentId);
    }

    internal static IReadOnlyList<CurationUnit> Units(Material m) => CurationUnits.Build(m.Annotators.ToList(), m.Spans.Select(ToCurationSpan));

    private static bool Decided(CurationUnit unit, Material m) =>
        CurationUnits.IsDecided(unit, m.Gold.Select(g => (g.Start, g.End)), m.Rejections.Select(r => (r.Start, r.End)));

    // Units compare labels by id: a label renamed mid-curation is still the same label.
    private static string LabelKey(int labelId) => labelId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static CurationSpan ToCurationSpan(SpanRow s) => new(s.AnnotatorId, s.Start, s.End, LabelKey(s.LabelId), s.Id);

    private static LaneSpan ToLaneSpan(SpanRow s, IReadOnlyList<LabelView> labelSet) =>
        new(s.Id, s.Start, s.End, s.LabelId, LabelName(labelSet, s.LabelId), s.Note, AttributeJson.ParseValues(s.Attributes));

    private static string LabelName(IReadOnlyList<LabelView> labelSet, int labelId) => labelSet.FirstOrDefault(l => l.Id == labelId)?.Name ?? $"label {labelId}";

    private static GoldView ToView(GoldAnnotation g, IReadOnlyList<LabelView> labelSet, Dictionary<string, string> names) =>
        new(g.Id, g.Start, g.End, g.LabelId, LabelName(labelSet, g.LabelId), g.Origin, g.Rule,
            g.CuratorId is null ? null : names.GetValueOrDefault(g.CuratorId), SplitSources(g.Sources), g.Note, g.Version, AttributeJson.ParseValues(g.Attributes));

    /// <summary>The names stored in <see cref="GoldAnnotation.Sources"/>.</summary>
    public static IReadOnlyList<string> SplitSources(string? sources) =>
        string.IsNullOrEmpty(sources) ? [] : sources.Split(',', StringSplitOptions.RemoveEmptyEntries);

    private static string? SourcesOf(Material m, int start, int end, int labelId, Dictionary<string, string> names)
    {
        var who = m.Spans.Where(s => s.Start == start && s.End == end && s.LabelId == labelId).Select(s => names.GetValueOrDefault(s.AnnotatorId, s.AnnotatorId))
            .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return who.Count == 0 ? null : string.Join(',', who);
    }

    private static string Slice(string text, int start, int end)
    {
        var offsets = new Core.Text.CodePointIndex(text);
        return text[offsets.ToUtf16(start)..offsets.ToUtf16(end)];
    }

    private static string? Note(string? note) => string.IsNullOrWhiteSpace(note) ? null : note.Trim();

    private static string NewAction() => Guid.NewGuid().ToString("N");

    private async Task<int?> DocumentOfGoldAsync(long goldId, CancellationToken ct)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return await db.GoldAnnotations.Where(g => g.Id == goldId).Select(g => (int?)g.DocumentId).FirstOrDefaultAsync(ct);
    }

    // ---- writing ----

    /// <summary>One action's context: the document's material as read in the action's transaction, and the changes it logs.</summary>
    internal sealed class Context(
        int documentId, int projectId, string userId, string actionId, Material material, Dictionary<string, string> names,
        IReadOnlyList<LabelView> labelSet, int length, DateTime now, CancellationToken ct)
    {
        private readonly List<(GoldAnnotation Gold, CurationChangeKind Kind)> _added = [];

        public int DocumentId => documentId;
        public string ActionId => actionId;
        public int ProjectId => projectId;
        public string UserId => userId;
        public Material Material => material;
        public Dictionary<string, string> Names => names;
        public IReadOnlyList<LabelView> Labels => labelSet;
        public int Length => length;
        public DateTime Now => now;
        public CancellationToken Ct => ct;
        public bool Changed { get; private set; }

        public void MarkChanged() => Changed = true;

        /// <summary>Adds a gold span; its change row is written once it has its id (<see cref="Flush"/>).</summary>
        public void Add(AnnotateHubDbContext db, GoldAnnotation gold)
        {
            db.GoldAnnotations.Add(gold);
            _added.Add((gold, CurationChangeKind.GoldCreated));
            Changed = true;
        }

        public void Log(AnnotateHubDbContext db, CurationChangeKind kind, long? targetId, string? before, string? after, long? reverts = null)
        {
            db.CurationChanges.Add(new CurationChange
            {
                DocumentId = documentId, Kind = kind, TargetId = targetId, UserId = userId, At = now, Before = before, After = after,
                ActionId = actionId, RevertsId = reverts,
            });
            Changed = true;
        }

        /// <summary>After a save: the change rows of the gold spans added, now that they have ids.</summary>
        public void Flush(AnnotateHubDbContext db, long? reverts = null)
        {
            foreach (var (gold, kind) in _added) Log(db, kind, gold.Id, null, Json(gold), reverts);
            _added.Clear();
        }
    }

    private async Task<CurationResult> MutateAsync(int documentId, string userId, string what, Func<AnnotateHubDbContext, Context, Task<CurationResult>> action,
        CancellationToken ct, bool? allowCurated = null, string? actionId = null)
    {
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        if (standing is null || !standing.Permissions.IsMember) return CurationResult.Fail($"Document {documentId} does not exist.");
        if (!standing.Permissions.CanCurate) return CurationResult.Fail("Only the project's curators and supervisors curate its documents.");
        var labelSet = await labels.ListAsync(standing.ProjectId, ct);
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await MaterialReader.LockRangeAsync(db, documentId, documentId, ct);
        var doc = await db.Documents.AsNoTracking().Where(d => d.Id == documentId).Select(d => new { d.Length, d.CuratedAt }).FirstAsync(ct);
        if (allowCurated is null && doc.CuratedAt is not null) return CurationResult.Fail("This document is curated; reopen it to change its gold.");
        if (allowCurated == false && doc.CuratedAt is not null) return CurationResult.Fail("This document is curated already.");
        var material = (await ReadAsync(db, [documentId], ct)).Documents[documentId];
        var names = await NamesAsync(db, material.UserIds(), ct);
        var ctx = new Context(documentId, standing.ProjectId, userId, actionId ?? NewAction(), material, names, labelSet, doc.Length, clock.GetUtcNow().UtcDateTime, ct);
        var result = await action(db, ctx);
        if (!result.Succeeded) return result;
        await db.SaveChangesAsync(ct);
        ctx.Flush(db);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        // Saved first, then told: other curators' views and the annotators' feedback reload.
        bus.Publish(new CurationChangedEvent(documentId, standing.ProjectId, userId, what));
        return result;
    }

    /// <summary>Removes the gold spans overlapping the range and the rejections overlapping it, logging each.</summary>
    private static async Task ClearAsync(AnnotateHubDbContext db, Context ctx, int start, int end)
    {
        var gold = await db.GoldAnnotations.Where(g => g.DocumentId == ctx.DocumentId && g.Start < end && start < g.End).ToListAsync(ctx.Ct);
        foreach (var g in gold)
        {
            db.GoldAnnotations.Remove(g);
            ctx.Log(db, CurationChangeKind.GoldDeleted, g.Id, Json(g), null);
        }
        var rejections = await db.GoldRejections.Where(r => r.DocumentId == ctx.DocumentId && r.Start < end && start < r.End).ToListAsync(ctx.Ct);
        foreach (var r in rejections)
        {
            db.GoldRejections.Remove(r);
            ctx.Log(db, CurationChangeKind.RejectionRemoved, r.Id, Json(r), null);
        }
    }

    private async Task<CurationResult> RevertActionAsync(int documentId, string userId, string actionId, bool own, CancellationToken ct)
    {
        await using var read = await dbFactory.CreateDbContextAsync(ct);
        var changes = await read.CurationChanges.AsNoTracking().Where(c => c.ActionId == actionId && c.RevertedById == null)
            .OrderByDescending(c => c.Id).ToListAsync(ct);
        if (changes.Count == 0) return CurationResult.Fail("That action was reverted already.");
        var finishing = changes.Any(c => c.Kind is CurationChangeKind.Finished or CurationChangeKind.Reopened);
        return await MutateAsync(documentId, userId, own ? "undone" : "reverted", async (db, ctx) =>
        {
            foreach (var change in changes)
            {
                var error = await RevertOneAsync(db, ctx, change);
                if (error is not null) return CurationResult.Stale(error);
            }
            await db.SaveChangesAsync(ctx.Ct);
            ctx.Flush(db);
            await db.SaveChangesAsync(ctx.Ct);
            // Each original change points at the newest change of the revert (one action: any of them undoes it all).
            var newest = await db.CurationChanges.Where(c => c.ActionId != actionId && c.DocumentId == documentId).MaxAsync(c => c.Id, ctx.Ct);
            await db.CurationChanges.Where(c => c.ActionId == actionId && c.RevertedById == null)
                .ExecuteUpdateAsync(c => c.SetProperty(x => x.RevertedById, newest), ctx.Ct);
            return CurationResult.Done(changes.Count);
        }, ct, allowCurated: finishing ? true : null);
    }

    private static async Task<string?> RevertOneAsync(AnnotateHubDbContext db, Context ctx, CurationChange change)
    {
        switch (change.Kind)
        {
            case CurationChangeKind.GoldCreated:
            {
                var after = JsonSerializer.Deserialize<GoldAnnotation>(change.After!)!;
                var gold = await db.GoldAnnotations.FirstOrDefaultAsync(g => g.Id == after.Id, ctx.Ct);
                if (gold is null) return null; // gone already: nothing to take back
                if (!SameContent(gold, after)) return "The gold span was changed since; revert that change first.";
                db.GoldAnnotations.Remove(gold);
                ctx.Log(db, CurationChangeKind.GoldDeleted, gold.Id, Json(gold), null, change.Id);
                return null;
            }
            case CurationChangeKind.GoldUpdated:
            {
                var before = JsonSerializer.Deserialize<GoldAnnotation>(change.Before!)!;
                var after = JsonSerializer.Deserialize<GoldAnnotation>(change.After!)!;
                var gold = await db.GoldAnnotations.FirstOrDefaultAsync(g => g.Id == after.Id, ctx.Ct);
                if (gold is null || !SameContent(gold, after)) return "The gold span was changed since; revert that change first.";
                var was = Json(gold);
                (gold.Start, gold.End, gold.LabelId, gold.Note, gold.Origin, gold.Rule, gold.CuratorId, gold.Sources, gold.Attributes) =
                    (before.Start, before.End, before.LabelId, before.Note, before.Origin, before.Rule, before.CuratorId, before.Sources, before.Attributes);
                gold.UpdatedAt = ctx.Now;
                gold.Version++;
                ctx.Log(db, CurationChangeKind.GoldUpdated, gold.Id, was, Json(gold), change.Id);
                return null;
            }
            case CurationChangeKind.GoldDeleted:
            {
                var before = JsonSerializer.Deserialize<GoldAnnotation>(change.Before!)!;
                ctx.Add(db, new GoldAnnotation
                {
                    DocumentId = before.DocumentId, Start = before.Start, End = before.End, LabelId = before.LabelId, Origin = before.Origin,
                    Rule = before.Rule, CuratorId = before.CuratorId, Sources = before.Sources, Note = before.Note, CreatedAt = before.CreatedAt,
                    Attributes = before.Attributes,
                });
                return null;
            }
            case CurationChangeKind.Rejected:
            {
                var rejection = await db.GoldRejections.FirstOrDefaultAsync(r => r.Id == change.TargetId, ctx.Ct);
                if (rejection is null) return null;
                db.GoldRejections.Remove(rejection);
                ctx.Log(db, CurationChangeKind.RejectionRemoved, rejection.Id, Json(rejection), null, change.Id);
                return null;
            }
            case CurationChangeKind.RejectionRemoved:
            {
                var before = JsonSerializer.Deserialize<GoldRejection>(change.Before!)!;
                var rejection = new GoldRejection { DocumentId = before.DocumentId, Start = before.Start, End = before.End, CuratorId = before.CuratorId, Note = before.Note, At = before.At };
                db.GoldRejections.Add(rejection);
                await db.SaveChangesAsync(ctx.Ct);
                ctx.Log(db, CurationChangeKind.Rejected, rejection.Id, null, Json(rejection), change.Id);
                return null;
            }
            case CurationChangeKind.Finished:
            {
                var doc = await db.Documents.FirstAsync(d => d.Id == change.DocumentId, ctx.Ct);
                (doc.CuratedAt, doc.CuratedById) = (null, null);
                ctx.Log(db, CurationChangeKind.Reopened, null, null, null, change.Id);
                return null;
            }
            case CurationChangeKind.Reopened:
            {
                var doc = await db.Documents.FirstAsync(d => d.Id == change.DocumentId, ctx.Ct);
                (doc.CuratedAt, doc.CuratedById) = (ctx.Now, ctx.UserId);
                ctx.Log(db, CurationChangeKind.Finished, null, null, null, change.Id);
                return null;
            }
            case CurationChangeKind.Merged:
            {
                // Its proposals go (unless a curator changed one since: then it stays), the ones it replaced come back.
                var made = JsonSerializer.Deserialize<List<GoldAnnotation>>(change.After ?? "[]")!;
                var current = await db.GoldAnnotations
                    .Where(g => g.DocumentId == change.DocumentId && (g.Origin == GoldOrigin.Merged || g.Origin == GoldOrigin.Unanimous)).ToListAsync(ctx.Ct);
                var removed = current.Where(g => made.Any(m => SameContent(g, m))).ToList();
                db.GoldAnnotations.RemoveRange(removed);
                var restored = JsonSerializer.Deserialize<List<GoldAnnotation>>(change.Before ?? "[]")!
                    .Select(b => new GoldAnnotation
                    {
                        DocumentId = b.DocumentId, Start = b.Start, End = b.End, LabelId = b.LabelId, Origin = b.Origin, Rule = b.Rule,
                        CuratorId = b.CuratorId, Sources = b.Sources, Note = b.Note, CreatedAt = b.CreatedAt, Attributes = b.Attributes,
                    }).ToList();
                db.GoldAnnotations.AddRange(restored);
                await db.SaveChangesAsync(ctx.Ct);
                ctx.Log(db, CurationChangeKind.Merged, null, JsonSerializer.Serialize(removed.Select(Snapshot), SnapshotJson),
                    JsonSerializer.Serialize(restored.Select(Snapshot), SnapshotJson), change.Id);
                return null;
            }
            default:
                return $"A {change.Kind} change cannot be reverted.";
        }
    }

    // As the change left it (an undone later change restores the content, with a newer version).
    private static bool SameContent(GoldAnnotation a, GoldAnnotation b) =>
        (a.Start, a.End, a.LabelId, a.Note, a.Origin, a.Rule, a.CuratorId, a.Sources, a.Attributes) == (b.Start, b.End, b.LabelId, b.Note, b.Origin, b.Rule, b.CuratorId, b.Sources, b.Attributes);

    internal static readonly JsonSerializerOptions SnapshotJson = new()
    {
        ReferenceHandler = System.Text.Json.Serialization.ReferenceHandler.IgnoreCycles,
        // A merge's row holds every span it made: absent beats null, a few bytes a span times a million.
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private static string Json(GoldAnnotation g) => JsonSerializer.Serialize(Snapshot(g), SnapshotJson);

    /// <summary>The row without its navigations, as the history keeps it.</summary>
    internal static GoldAnnotation Snapshot(GoldAnnotation g) => new()
    {
        Id = g.Id, DocumentId = g.DocumentId, Start = g.Start, End = g.End, LabelId = g.LabelId, CreatedAt = g.CreatedAt, Origin = g.Origin,
        Rule = g.Rule, CuratorId = g.CuratorId, Sources = g.Sources, Note = g.Note, UpdatedAt = g.UpdatedAt, Version = g.Version,
        Attributes = g.Attributes,
    };

    private static string Json(GoldRejection r) => JsonSerializer.Serialize(r, SnapshotJson);

    /// <summary>A logged row as people read it: "12..20 claim (adjudicated)".</summary>
    private static string? Describe(string? json, IReadOnlyList<LabelView> labelSet, GoldAnnotation? focus)
    {
        if (json is null) return null;
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind == JsonValueKind.Array)
        {
            // A merge's row: the one span of it the history is about, if it is there.
            var match = focus is null ? default : root.EnumerateArray().FirstOrDefault(e =>
                e.GetProperty("Start").GetInt32() == focus.Start && e.GetProperty("End").GetInt32() == focus.End && e.GetProperty("LabelId").GetInt32() == focus.LabelId);
            if (match.ValueKind != JsonValueKind.Object) return null;
            root = match;
        }
        var range = $"{root.GetProperty("Start").GetInt32()}..{root.GetProperty("End").GetInt32()}";
        if (!root.TryGetProperty("LabelId", out var label)) return $"rejected {range}";
        var origin = root.TryGetProperty("Origin", out var o) ? ((GoldOrigin)o.GetInt32()).ToString().ToLowerInvariant() : "";
        var note = root.TryGetProperty("Note", out var n) && n.ValueKind == JsonValueKind.String ? $", note \"{n.GetString()}\"" : "";
        var labelId = label.GetInt32();
        var says = root.TryGetProperty("Attributes", out var a) && a.ValueKind == JsonValueKind.String
            ? AttributeJson.Describe(labelSet.FirstOrDefault(l => l.Id == labelId)?.Attributes ?? [], AttributeJson.ParseValues(a.GetString())) : "";
        return $"{range} {LabelName(labelSet, labelId)} ({origin}){(says.Length > 0 ? ": " + says : "")}{note}";
    }
}
