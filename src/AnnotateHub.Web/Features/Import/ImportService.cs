using AnnotateHub.Web.Features.Annotations;
using System.Globalization;
using System.Text.Json;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Imports a file into a project, all or nothing as users see it (decision 0030): new documents are written a few hundred
/// per transaction into a hidden project, spans for documents the project already has are staged, and one short final
/// commit makes it all visible; any error removes what was written. Every error is collected with its line and field.
/// Documents the project already has (by the file's id where the project stores one, else by content hash) get the
/// file's spans attached. Memory stays flat: the file is streamed and written in batches.
/// </summary>
public sealed class ImportService(IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, EventBus bus,
    TimeProvider clock, IConfiguration configuration, ILogger<ImportService> logger, InteractiveWrites interactive,
    AccessChangeLog accessLog)
{
    /// <summary>How long a batch waits for people's writes in flight before it writes anyway (Data/InteractiveWrites.cs).</summary>
    private static readonly TimeSpan YieldLimit = TimeSpan.FromSeconds(2);

    public const int BatchDocuments = 500;
    public const int BatchSpans = 20_000;

    private static readonly JsonSerializerOptions MetaJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> KnownMeta = ["title", "outlet", "published", "url", "source"];

    // Reading a file is CPU work bounded per file (sizes, nesting, the zip budget), and SQLite has one writer anyway: at most
    // Import:MaxConcurrent imports read and write at once, the others wait their turn without holding a thread (decision 0052).
    private readonly SemaphoreSlim _turns = new(Math.Max(1, configuration.GetValue("Import:MaxConcurrent", 1)));

    public async Task<ImportReport> ImportAsync(Stream input, string fileName, ImportOptions options, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        if (ImportFileReader.UnsupportedReason(fileName) is { } unsupported) return ImportReport.Refused(unsupported);
        await _turns.WaitAsync(ct);
        try
        {
            return await ImportInTurnAsync(input, fileName, options, progress, ct);
        }
        finally
        {
            _turns.Release();
        }
    }

    private async Task<ImportReport> ImportInTurnAsync(Stream input, string fileName, ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        var isAdmin = await access.IsAdminAsync(options.ActorId, ct);
        // What a crashed process left: removed before this import looks at the project (start-up does it too).
        await ImportStaging.RemoveAbandonedAsync(dbFactory, clock.GetUtcNow().UtcDateTime, ct);

        var run = new ImportRun(dbFactory, interactive, accessLog, options, isAdmin, clock.GetUtcNow().UtcDateTime);
        var completed = false;
        try
        {
            if (await run.OpenProjectAsync(access, Path.GetFileName(fileName), ct) is { } refusal) return ImportReport.Refused(refusal);

            using var counting = new CountingStream(input);
            long? total = input.CanSeek ? input.Length : null;
            var lastReport = 0L;
            // Reading and parsing (a large HTML page, a zip) happen here, outside any transaction: only run.FlushAsync writes.
            foreach (var line in ImportFileReader.Read(counting, fileName, ImportLimits.MaxZipExpandedBytes(configuration)))
            {
                ct.ThrowIfCancellationRequested();
                if (line.Document is null) run.AddErrors(line.Errors);
                else await run.AddAsync(line.Line, line.Document, ct);
                if (run.ShouldFlush)
                {
                    await run.FlushAsync(ct);
                    progress?.Report(new ImportProgress(counting.BytesRead, total, run.DocumentsRead, run.DocumentsWritten));
                    lastReport = counting.BytesRead;
                }
                else if (progress is not null && counting.BytesRead - lastReport >= 256 * 1024)
                {
                    lastReport = counting.BytesRead;
                    progress.Report(new ImportProgress(counting.BytesRead, total, run.DocumentsRead, run.DocumentsWritten));
                }
            }
            run.EnsureLabels();
            if (run.DocumentsRead == 0 && run.ErrorCount == 0 && run.Duplicates == 0) run.AddErrors([new FormatError(0, null, "the file holds no documents")]);
            await run.FlushAsync(ct);
            progress?.Report(new ImportProgress(counting.BytesRead, total, run.DocumentsRead, run.DocumentsWritten));

            var report = run.Report();
            if (!report.Succeeded) return report with { ProjectId = run.ProjectCreated ? null : report.ProjectId };
            var events = await run.CompleteAsync(ct);
            completed = true;
            access.Invalidate(run.TargetProjectId);
            // Committed: this process's open pages and the hub guard see the new members and assignments (the browser,
            // REST and the command line alike), and open documents that got annotations see them arrive, in sequence
            // order (save first, then notify).
            bus.Publish(new TeamChangedEvent(run.TargetProjectId));
            foreach (var group in events.GroupBy(e => e.DocumentId)) bus.Publish(group.ToList());
            // Gold or "curated" for documents the project had: their open curation views reload.
            foreach (var documentId in run.CurationChanged) bus.Publish(new Curation.CurationChangedEvent(documentId, run.TargetProjectId, options.ActorId, "imported"));
            return report;
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            logger.LogWarning(e, "An import into {Project} was refused by the database", options.ProjectName ?? options.ProjectId?.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return ImportReport.Refused($"The database refused the import ({(e.InnerException ?? e).Message.TrimEnd('.')}); nothing was imported. " +
                                        "If another import was running, try again when it has finished.");
        }
        finally
        {
            // Failed, refused or cancelled: remove what was staged (nobody ever saw it). Not cancellable: it must finish.
            if (!completed && run.BatchId is { } batchId)
            {
                try
                {
                    await ImportStaging.RemoveAsync(dbFactory, batchId, CancellationToken.None);
                }
                catch (Exception cleanup) when (cleanup is DbUpdateException or System.Data.Common.DbException)
                {
                    logger.LogError(cleanup, "Could not remove unfinished import batch {Batch}; the next start or import removes it", batchId);
                }
            }
        }
    }

    private sealed record ExistingDocument(int Id, string Hash, string Title, int Length);

    /// <summary>The state of one import: the project, its labels and documents, the annotators met so far, the pending batch.</summary>
    private sealed class ImportRun(IDbContextFactory<AnnotateHubDbContext> dbFactory, InteractiveWrites interactive, AccessChangeLog accessLog, ImportOptions options, bool isAdmin, DateTime now)
    {
        private readonly Dictionary<string, LabelDefinition> _labels = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, ExistingDocument> _existingById = new(StringComparer.Ordinal);
        private readonly Dictionary<string, ExistingDocument> _existingByHash = new(StringComparer.Ordinal);
        private readonly Dictionary<string, string> _fileIds = new(StringComparer.Ordinal); // id -> where it was first used
        private readonly Dictionary<string, string> _fileHashes = new(StringComparer.Ordinal); // hash -> where it was first seen
        private readonly Dictionary<int, string> _attachedFrom = []; // existing document -> where in the file its spans came from
        private readonly Dictionary<string, string?> _annotators = new(StringComparer.OrdinalIgnoreCase); // name -> user id, null when refused
        private readonly Dictionary<string, string?> _curators = new(StringComparer.OrdinalIgnoreCase); // gold curator name -> user id, null when unknown
        private readonly HashSet<string> _members = new(StringComparer.Ordinal);
        private readonly List<string> _newMembers = [];
        private readonly List<(Document Document, InterchangeDocument Source, int[]? Map)> _pending = [];
        private readonly List<ImportStagedSpan> _pendingStaged = [];
        private readonly List<AppUser> _pendingAccounts = [];
        private readonly List<string> _createdUserIds = [];
        private readonly HashSet<(int DocumentId, string UserId, AssignmentState State)> _attachAssignments = [];
        private readonly List<FormatError> _errors = [];
        private readonly List<string> _duplicateDetails = [];
        private readonly List<string> _createdLabels = [];
        private readonly List<string> _createdAnnotators = [];
        private readonly List<string> _addedMembers = [];
        private readonly HashSet<string> _warnings = [];
        private readonly Dictionary<InterchangeSpan, string> _values = new(ReferenceEqualityComparer.Instance); // a span of the file → its kept values
        private readonly Dictionary<GoldSpan, string> _goldValues = new(ReferenceEqualityComparer.Instance); // a gold span of the file → its kept values
        private readonly Dictionary<InterchangeDocumentLabel, string> _labelValues = new(ReferenceEqualityComparer.Instance); // a document label of the file → its kept values
        private readonly List<DocumentLabel> _attachDocumentLabels = []; // document labels for documents the project had, added at the final commit
        private List<AttributeDefinition>? _documentDefinitions; // the project's document attributes (extended by a new project's file)
        private bool _documentDefinitionsExtended;
        private int _documentLabels, _documentLabelsKept;
        private readonly List<string> _valuesNotKeptDetails = [];
        private int _valuesNotKept;
        private readonly HashSet<int> _suggestionDocs = [], _annotationDocs = [], _goldDocs = [];
        private readonly HashSet<int> _curate = []; // documents the project had that the file marks curated, to mark in the final commit
        private readonly List<string> _keptDetails = []; // the file's gold and "curated" not applied over a curator's work, and why
        private readonly Dictionary<string, string> _userNames = new(StringComparer.Ordinal); // user id -> user name, for the report
        private Project _project = null!;
        private int _stagingId;
        private int _pendingSpans;
        private int _annotations, _gold, _suggestions;
        private int _attachedAnnotations, _attachedGold, _attachedSuggestions, _alreadyThere;
        private int _goldKept, _curatedKept;

        public int? BatchId { get; private set; }
        public int TargetProjectId => _project.Id;
        public bool ProjectCreated { get; private set; }
        public int DocumentsRead { get; private set; }
        public int DocumentsWritten { get; private set; }
        public int Duplicates { get; private set; }
        public int ErrorCount { get; private set; }
        public bool ShouldFlush => _pending.Count >= BatchDocuments || _pendingSpans >= BatchSpans;
        /// <summary>Documents the project had whose gold or curated state the import changed.</summary>
        public IEnumerable<int> CurationChanged => _goldDocs.Union(_curate);

        public async Task<string?> OpenProjectAsync(ProjectAccess access, string fileName, CancellationToken ct)
        {
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            Project? project = null;
            if (options.ProjectId is { } id) project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct);
            else if (!string.IsNullOrWhiteSpace(options.ProjectName)) project = await db.Projects.AsNoTracking().FirstOrDefaultAsync(p => p.Name == options.ProjectName.Trim(), ct);
            else return "Name the project to import into.";

            if (project is null)
            {
                if (options.ProjectId is not null) return "There is no such project.";
                // Admins and supervisors start projects; an annotator asks one of them.
                if (!isAdmin && !await db.ProjectMembers.AnyAsync(m => m.UserId == options.ActorId && m.Role == ProjectRole.Supervisor, ct))
                    return "Only admins and supervisors create projects.";
                var name = options.ProjectName!.Trim();
                if (name.Length > 200) return "A project name is at most 200 characters.";
                if (await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.Name == name, ct))
                    return $"Another import is creating a project named \"{name}\" right now; try again when it has finished.";
                // The new project is the staging area: hidden until the final commit.
                project = new Project { Name = name, OwnerId = options.ActorId, CreatedAt = now, Description = $"Imported from {fileName} on {now:yyyy-MM-dd}.", ImportPending = true };
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.Projects.Add(project);
                await db.SaveChangesAsync(ct);
                db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = options.ActorId, Role = ProjectRole.Supervisor, AddedAt = now });
                var batch = NewBatch(project.Id, project.Id);
                db.ImportBatches.Add(batch);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                (BatchId, _stagingId, ProjectCreated) = (batch.Id, project.Id, true);
                _members.Add(options.ActorId);
            }
            else
            {
                var permissions = await access.ForProjectAsync(project.Id, options.ActorId, ct);
                // Only supervisors add documents; others learn no more than that the project is not theirs to import into.
                if (!permissions.IsMember) return options.ProjectId is not null ? "There is no such project." : $"A project named \"{project.Name}\" already exists and you are not a member of it.";
                if (!permissions.IsSupervisor) return $"Only supervisors of \"{project.Name}\" import documents into it.";
                var staging = new Project { Name = $"(import {Guid.NewGuid():N})", OwnerId = options.ActorId, CreatedAt = now, ImportPending = true };
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.Projects.Add(staging);
                await db.SaveChangesAsync(ct);
                var batch = NewBatch(project.Id, staging.Id);
                db.ImportBatches.Add(batch);
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
                (BatchId, _stagingId) = (batch.Id, staging.Id);
                foreach (var label in await db.Labels.AsNoTracking().Where(l => l.ProjectId == project.Id).ToListAsync(ct)) _labels[label.Name] = label;
                foreach (var m in await db.ProjectMembers.Where(m => m.ProjectId == project.Id).Select(m => m.UserId).ToListAsync(ct)) _members.Add(m);
                // What the project has, to attach spans to it: its documents' ids and hashes (not their text).
                await foreach (var d in db.Documents.AsNoTracking().Where(d => d.ProjectId == project.Id)
                                   .Select(d => new { d.Id, d.ExternalId, d.ContentHash, d.Title, d.Length }).AsAsyncEnumerable().WithCancellation(ct))
                {
                    var known = new ExistingDocument(d.Id, d.ContentHash, d.Title, d.Length);
                    if (d.ExternalId is { Length: > 0 } external) _existingById.TryAdd(external, known);
                    _existingByHash.TryAdd(d.ContentHash, known);
                }
            }
            _project = project;
            return null;
        }

        private ImportBatch NewBatch(int targetId, int stagingId) => new()
        {
            TargetProjectId = targetId, StagingProjectId = stagingId, ActorId = options.ActorId, Owner = ImportStaging.Owner,
            StartedAt = now, HeartbeatAt = now,
        };

        public void AddErrors(IEnumerable<FormatError> errors)
        {
            foreach (var e in errors)
            {
                ErrorCount++;
                if (_errors.Count < ImportReport.MaxListed) _errors.Add(e);
            }
            // Once anything is wrong nothing more will be written: stop holding documents.
            _pending.Clear();
            _pendingStaged.Clear();
            _values.Clear();
            _goldValues.Clear();
            _labelValues.Clear();
            _attachDocumentLabels.Clear();
            _pendingSpans = 0;
        }

        public async Task AddAsync(int line, InterchangeDocument source, CancellationToken ct)
        {
            DocumentsRead++;
            var name = source.Meta.GetValueOrDefault("source") ?? source.Id;
            var where = line > 0 ? $"line {line}" : name;
            // A zip's or brat's documents have no line: their errors name the file.
            FormatError Error(string? field, string message) => line > 0 ? new FormatError(line, field, message)
                : new FormatError(0, field is null ? name : $"{name} {field}", message);
            var hasSpans = source.Annotations.Count > 0 || source.Gold.Count > 0 || source.DocumentLabels is { Count: > 0 }
                           || (options.Spans == ImportedSpans.Annotations && source.Annotators.Count > 0);

            if (source.Id.Length > 0)
            {
                if (_fileIds.TryGetValue(source.Id, out var first))
                {
                    AddErrors([Error("id", $"the id \"{source.Id}\" is already used by {first}; each document in a file needs its own id")]);
                    return;
                }
                _fileIds[source.Id] = where;
            }
            var (text, map) = ArticleText.NormalizeWithOffsets(source.Text);
            var hash = ArticleText.ContentHash(text);
            var idNote = source.Id.Length > 0 ? $" (id {source.Id})" : "";

            ExistingDocument? existing = null;
            if (source.Id.Length > 0 && _existingById.TryGetValue(source.Id, out var byId))
            {
                if (byId.Hash != hash)
                {
                    AddErrors([Error("text", $"the project's document with id \"{source.Id}\" (\"{byId.Title}\") has different text; " +
                                             "correct the text, or give this document another id if it is a different one")]);
                    return;
                }
                existing = byId;
            }
            else if (_existingByHash.TryGetValue(hash, out var byHash)) existing = byHash;

            // A line for a document the project has brings something when it has spans or marks the document curated.
            var attaches = hasSpans || source.Curated;
            if (existing is null && _fileHashes.TryGetValue(hash, out var earlier) || existing is not null && _attachedFrom.TryGetValue(existing.Id, out earlier))
            {
                if (hasSpans || existing is not null && attaches)
                {
                    // Two lines with one text and spans on both: which line's spans mean what is for the file's author to say.
                    AddErrors([Error("text", $"same text as {earlier}; put all of a document's spans on one line")]);
                    return;
                }
                Duplicates++;
                if (_duplicateDetails.Count < ImportReport.MaxListed) _duplicateDetails.Add($"{where}{idNote}: same text as {earlier}");
                return;
            }
            if (existing is not null && !attaches)
            {
                Duplicates++;
                if (_duplicateDetails.Count < ImportReport.MaxListed) _duplicateDetails.Add($"{where}{idNote}: same text as the project's document \"{existing.Title}\"");
                return;
            }

            var errors = new List<FormatError>();
            for (var i = 0; i < source.Annotations.Count; i++)
            {
                var s = source.Annotations[i];
                if (Label(s.Label) is null) errors.Add(Error($"annotations[{i}].label", UnknownLabel(s.Label)));
                if (options.Spans == ImportedSpans.Annotations && await AnnotatorAsync(s.Annotator, ct) is null)
                    errors.Add(Error($"annotations[{i}].annotator", AnnotatorRefusal(s.Annotator)));
                else if (options.Spans == ImportedSpans.Suggestions && s.Annotator.Length > 256)
                    errors.Add(Error($"annotations[{i}].annotator", "a source name is at most 256 characters"));
                if (s.Attributes?.GetValueOrDefault("note") is { Length: > 4000 })
                    errors.Add(Error($"annotations[{i}].attributes.note", "a note is at most 4000 characters"));
                if (Label(s.Label) is { } spanLabel && CheckValues(s.Attributes, spanLabel, $"annotations[{i}].attributes", Error) is { } values) _values[s] = values;
            }
            for (var i = 0; i < source.Gold.Count; i++)
            {
                if (Label(source.Gold[i].Label) is not { } goldLabel) errors.Add(Error($"label[{i}]", UnknownLabel(source.Gold[i].Label)));
                else if (CheckValues(source.Gold[i].Attributes, goldLabel, $"gold_attributes[{i}]", Error) is { } values) _goldValues[source.Gold[i]] = values;
                if (source.Gold[i].Provenance is not { } p) continue;
                if (p.Rule is { Length: > 100 }) errors.Add(Error($"gold_provenance[{i}].rule", "a merge rule's name is at most 100 characters"));
                if (p.Note is { Length: > 4000 }) errors.Add(Error($"gold_provenance[{i}].note", "a note is at most 4000 characters"));
                if (p.Sources.Any(n => n.Contains(',', StringComparison.Ordinal))) errors.Add(Error($"gold_provenance[{i}].sources", "a user name holds no comma"));
                else if (JoinSources(p.Sources) is { Length: > 4000 }) errors.Add(Error($"gold_provenance[{i}].sources", "the sources are at most 4000 characters together"));
                if (p.Curator is { } curator && await CuratorAsync(curator, ct) is null)
                    _warnings.Add($"the curator \"{curator}\" of gold spans has no account here: those spans keep their origin but name no curator.");
            }
            for (var i = 0; i < (source.DocumentLabels?.Count ?? 0); i++)
            {
                var l = source.DocumentLabels![i];
                if (options.Spans == ImportedSpans.Suggestions)
                    errors.Add(Error($"document_labels[{i}]", "what annotators said about a document is no suggestion: import this file as annotations, or remove its \"document_labels\""));
                else if (await AnnotatorAsync(l.Annotator, ct) is null) errors.Add(Error($"document_labels[{i}].annotator", AnnotatorRefusal(l.Annotator)));
                else if (CheckDocumentValues(l.Values, $"document_labels[{i}].attributes", Error) is { } values) _labelValues[l] = values;
            }
            if (options.Spans == ImportedSpans.Annotations)
            {
                for (var i = 0; i < source.Annotators.Count; i++)
                {
                    if (await AnnotatorAsync(source.Annotators[i], ct) is null)
                        errors.Add(Error($"annotators[{i}]", AnnotatorRefusal(source.Annotators[i])));
                }
            }
            if (existing is not null)
            {
                if (errors.Count > 0) AddErrors(errors);
                else if (ErrorCount == 0) await AttachAsync(existing, source, map, where + idNote, Error, ct);
                return;
            }

            var title = source.Meta.GetValueOrDefault("title");
            if (string.IsNullOrWhiteSpace(title)) title = ArticleText.ReadMetadata(text, source.Id.Length > 0 ? source.Id : $"Document {DocumentsRead}").Title;
            DateOnly? published = null;
            if (source.Meta.GetValueOrDefault("published") is { Length: > 0 } date)
            {
                if (DateOnly.TryParseExact(date.Length >= 10 ? date[..10] : date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) published = d;
                else errors.Add(Error("meta.published", $"\"{date}\" is not a date like 2024-01-31"));
            }
            if (source.Id.Length > 200) errors.Add(Error("id", "an id is at most 200 characters"));
            if (errors.Count > 0)
            {
                AddErrors(errors);
                return;
            }
            _fileHashes[hash] = where + idNote;
            if (ErrorCount > 0) return;

            var extra = source.Meta.Where(kv => !KnownMeta.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var document = new Document
            {
                ProjectId = _stagingId,
                Title = Clip(title, 500)!,
                Outlet = Clip(source.Meta.GetValueOrDefault("outlet"), 200),
                PublishedOn = published,
                Url = Clip(source.Meta.GetValueOrDefault("url"), 2000),
                SourceName = Clip(source.Meta.GetValueOrDefault("source"), 500),
                ExternalId = source.Id.Length > 0 ? source.Id : null,
                ExtraMeta = extra.Count > 0 ? JsonSerializer.Serialize(extra, MetaJson) : null,
                Text = text,
                Length = new CodePointIndex(text).Length,
                ContentHash = hash,
                CreatedAt = now,
                // A document curated where it was exported stays curated (its gold is final); the importer is its curator.
                CuratedAt = source.Curated ? now : null,
                CuratedById = source.Curated ? options.ActorId : null,
            };
            _pending.Add((document, source, map));
            _pendingSpans += source.Annotations.Count + source.Gold.Count + 1;
        }

        /// <summary>
        /// The file's spans for a document the project already has, with a live create's checks: offsets on its text,
        /// known labels (checked by the caller), not locked by the annotator's "done", and no exact repeat of a span the
        /// document already has (the same annotator's, the same source's, or gold), which is skipped and counted. Gold
        /// keeps its provenance as on a new document, but a curator's work wins (decision 0065): gold for a curated
        /// document, or overlapping a curator's gold or rejection, or a span the document has with other provenance, is
        /// not added, and the report says which and why. "curated" marks the document curated only when its gold is then
        /// exactly the file's.
        /// </summary>
        private async Task AttachAsync(ExistingDocument existing, InterchangeDocument source, int[]? map, string where,
            Func<string?, string, FormatError> error, CancellationToken ct)
        {
            int At(int offset) => map is null ? offset : map[offset];
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var errors = new List<FormatError>();
            var staged = new List<ImportStagedSpan>();
            var seen = new HashSet<(string? Who, int Start, int End, int LabelId)>();
            if (options.Spans == ImportedSpans.Suggestions)
            {
                foreach (var s in await db.Suggestions.Where(x => x.DocumentId == existing.Id).Select(x => new { x.Source, x.Start, x.End, x.LabelId }).ToListAsync(ct))
                    seen.Add((s.Source, s.Start, s.End, s.LabelId));
            }
            else
            {
                foreach (var s in await db.Annotations.Where(x => x.DocumentId == existing.Id).Select(x => new { x.AnnotatorId, x.Start, x.End, x.LabelId }).ToListAsync(ct))
                    seen.Add((s.AnnotatorId, s.Start, s.End, s.LabelId));
            }
            var locked = options.Spans == ImportedSpans.Annotations
                ? (await db.Assignments.Where(a => a.DocumentId == existing.Id && a.State == AssignmentState.Done).Select(a => a.UserId).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal)
                : [];
            for (var i = 0; i < source.Annotations.Count; i++)
            {
                var s = source.Annotations[i];
                var (start, end) = (At(s.Start), At(s.End));
                if (start < 0 || end > existing.Length || start >= end)
                {
                    errors.Add(error($"annotations[{i}]", $"[{s.Start}, {s.End}) is not a span of the project's document \"{existing.Title}\""));
                    continue;
                }
                var labelId = Label(s.Label)!.Id;
                if (options.Spans == ImportedSpans.Suggestions)
                {
                    if (!seen.Add((s.Annotator, start, end, labelId))) { _alreadyThere++; continue; }
                    staged.Add(Staged(existing.Id, StagedSpanKind.Suggestion, s.Annotator, start, end, labelId, null, ValuesOf(s)));
                    continue;
                }
                var userId = _annotators[s.Annotator]!;
                // A span it has already adds nothing, so it is no change to a done annotator's locked spans (an export read back).
                if (seen.Contains((userId, start, end, labelId))) { _alreadyThere++; continue; }
                if (locked.Contains(userId))
                {
                    errors.Add(error($"annotations[{i}].annotator", $"{s.Annotator} marked the project's document \"{existing.Title}\" done, so their spans on it are locked; they reopen it first"));
                    continue;
                }
                seen.Add((userId, start, end, labelId));
                staged.Add(Staged(existing.Id, StagedSpanKind.Annotation, userId, start, end, labelId, s.Attributes?.GetValueOrDefault("note"), ValuesOf(s)));
            }
            var kept = new List<string>(); // what of the file's gold and "curated" gives way to the project's, and why
            var (goldKept, curate, curatedKept) = (0, false, false);
            void Keep(string message)
            {
                kept.Add(message);
                goldKept++;
            }
            if (source.Gold.Count > 0 || source.Curated)
            {
                var state = await db.Documents.Where(d => d.Id == existing.Id).Select(d => new { d.CuratedAt, d.CuratedById }).FirstAsync(ct);
                var gold = await db.GoldAnnotations.AsNoTracking().Where(g => g.DocumentId == existing.Id).ToListAsync(ct);
                var rejections = await db.GoldRejections.AsNoTracking().Where(r => r.DocumentId == existing.Id).ToListAsync(ct);
                var taken = gold.Select(g => (g.Start, g.End, g.LabelId)).ToHashSet();
                var fileGold = new HashSet<(int Start, int End, int LabelId)>();
                for (var i = 0; i < source.Gold.Count; i++)
                {
                    var g = source.Gold[i];
                    var (start, end) = (At(g.Start), At(g.End));
                    if (start < 0 || end > existing.Length || start >= end)
                    {
                        errors.Add(error($"label[{i}]", $"[{g.Start}, {g.End}) is not a span of the project's document \"{existing.Title}\""));
                        continue;
                    }
                    var labelId = Label(g.Label)!.Id;
                    fileGold.Add((start, end, labelId));
                    var p = g.Provenance;
                    var (origin, rule, curatorId, sources, note) = p is null
                        ? (GoldOrigin.Imported, null, null, null, null)
                        : (OriginOf(p.Origin), p.Rule, p.Curator is { } curator ? _curators.GetValueOrDefault(curator) : null, JoinSources(p.Sources), p.Note);
                    var what = $"{where}: gold [{g.Start}, {g.End}) {g.Label}";
                    if (gold.FirstOrDefault(e => (e.Start, e.End, e.LabelId) == (start, end, labelId)) is { } same)
                    {
                        // The same span: nothing to add. A file that says where it came from otherwise is told the project's stays.
                        if (p is null || SameProvenance(same, origin, rule, curatorId, sources, note)) _alreadyThere++;
                        else Keep($"{what} is on \"{existing.Title}\" already as {await ProvenanceAsync(same, ct)}; the file says {ProvenanceOf(p)}: kept the project's");
                        continue;
                    }
                    if (!taken.Add((start, end, labelId))) { _alreadyThere++; continue; }
                    if (state.CuratedAt is not null)
                    {
                        Keep($"{what} not added: \"{existing.Title}\" was curated by {await UserNameAsync(state.CuratedById, ct)} on {state.CuratedAt.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}; a curator reopens it to change its gold");
                        continue;
                    }
                    if (gold.FirstOrDefault(e => e.Origin == GoldOrigin.Adjudicated && e.Start < end && start < e.End) is { } decided)
                    {
                        Keep($"{what} not added: it overlaps {await UserNameAsync(decided.CuratorId, ct)}'s gold [{decided.Start}, {decided.End}) {LabelName(decided.LabelId)} on \"{existing.Title}\": kept the curator's");
                        continue;
                    }
                    if (rejections.FirstOrDefault(r => r.Start < end && start < r.End) is { } rejected)
                    {
                        Keep($"{what} not added: {await UserNameAsync(rejected.CuratorId, ct)} decided [{rejected.Start}, {rejected.End}) of \"{existing.Title}\" holds no gold: kept the curator's");
                        continue;
                    }
                    staged.Add(new ImportStagedSpan
                    {
                        BatchId = BatchId!.Value, DocumentId = existing.Id, Kind = StagedSpanKind.Gold, Who = curatorId, Start = start, End = end,
                        LabelId = labelId, Note = note, Origin = origin, Rule = rule, Sources = sources, Attributes = _goldValues.GetValueOrDefault(g),
                    });
                }
                if (source.Curated && state.CuratedAt is null)
                {
                    // Curated means the file's gold is final: only when the document's gold is then exactly that.
                    var others = gold.Count(e => !fileGold.Contains((e.Start, e.End, e.LabelId)));
                    if (goldKept > 0)
                        kept.Add($"{where}: \"curated\" not applied to \"{existing.Title}\": the project's gold there differs from the file's (above); a curator finishes it");
                    else if (others > 0)
                        kept.Add($"{where}: \"curated\" not applied to \"{existing.Title}\": it has {others} gold span{(others == 1 ? "" : "s")} the file does not; a curator finishes it");
                    curate = goldKept == 0 && others == 0;
                    curatedKept = !curate;
                }
                // Curated already: it stays so, with its curator and time.
            }
            var documentLabels = new List<DocumentLabel>();
            var documentLabelsKept = 0;
            if (source.DocumentLabels is { Count: > 0 } said)
            {
                var has = await db.DocumentLabels.AsNoTracking().Where(l => l.DocumentId == existing.Id).ToDictionaryAsync(l => l.AnnotatorId, l => l.Values, StringComparer.Ordinal, ct);
                foreach (var l in said)
                {
                    if (!_labelValues.TryGetValue(l, out var values)) continue;
                    var userId = _annotators[l.Annotator]!;
                    if (has.TryGetValue(userId, out var theirs))
                    {
                        if (theirs == values) _alreadyThere++;
                        else
                        {
                            documentLabelsKept++;
                            kept.Add($"{where}: {l.Annotator}'s document labels not applied: they said something else about \"{existing.Title}\" here already; kept theirs");
                        }
                        continue;
                    }
                    documentLabels.Add(new DocumentLabel { DocumentId = existing.Id, AnnotatorId = userId, Values = values, UpdatedAt = now, Version = 1 });
                }
            }
            if (errors.Count > 0)
            {
                AddErrors(errors);
                return;
            }
            _attachDocumentLabels.AddRange(documentLabels);
            _documentLabels += documentLabels.Count;
            _documentLabelsKept += documentLabelsKept;
            _attachedFrom[existing.Id] = where;
            if (curate) _curate.Add(existing.Id);
            if (curatedKept) _curatedKept++;
            _goldKept += goldKept;
            foreach (var k in kept)
                if (_keptDetails.Count < ImportReport.MaxListed) _keptDetails.Add(k);
            foreach (var s in staged)
            {
                switch (s.Kind)
                {
                    case StagedSpanKind.Suggestion: _attachedSuggestions++; _suggestionDocs.Add(existing.Id); break;
                    case StagedSpanKind.Annotation: _attachedAnnotations++; _annotationDocs.Add(existing.Id); break;
                    default: _attachedGold++; _goldDocs.Add(existing.Id); break;
                }
            }
            if (options.Spans == ImportedSpans.Annotations)
            {
                // Who finished the document, and who worked on it; an assignment it already has is left as it is.
                var done = source.Annotators.Select(a => _annotators[a]!).ToHashSet(StringComparer.Ordinal);
                foreach (var userId in done) _attachAssignments.Add((existing.Id, userId, AssignmentState.Done));
                foreach (var userId in staged.Where(s => s.Kind == StagedSpanKind.Annotation).Select(s => s.Who!).Where(u => !done.Contains(u)))
                    _attachAssignments.Add((existing.Id, userId, AssignmentState.InProgress));
            }
            _pendingStaged.AddRange(staged);
            _pendingSpans += staged.Count;
            foreach (var a in source.Annotations) _values.Remove(a); // their values are on the staged spans now
            foreach (var g in source.Gold) _goldValues.Remove(g);
            foreach (var l in source.DocumentLabels ?? []) _labelValues.Remove(l);
        }

        private ImportStagedSpan Staged(int documentId, StagedSpanKind kind, string? who, int start, int end, int labelId, string? note, string? attributes = null) =>
            new() { BatchId = BatchId!.Value, DocumentId = documentId, Kind = kind, Who = who, Start = start, End = end, LabelId = labelId, Note = note, Attributes = attributes };

        /// <summary>
        /// The span's attribute values that its label defines and that pass <see cref="AttributeRules.Check"/>, each value on
        /// its own, as canonical JSON for <see cref="ValuesOf"/>; every other value, and a required value the span lacks, is
        /// counted and listed in the report (the span is imported without it). A label the import creates defines nothing.
        /// </summary>
        /// <summary>The values of a span of the file (<paramref name="field"/> names where they are) that <paramref name="label"/>
        /// allows, canonical JSON (null for none); each one not kept is counted and listed with its reason.</summary>
        private string? CheckValues(IReadOnlyDictionary<string, string>? attributes, LabelDefinition label, string field, Func<string?, string, FormatError> error)
        {
            var given = (attributes ?? new Dictionary<string, string>()).Where(a => a.Key != AttributeRules.ReservedName).ToList();
            var definitions = AttributeJson.ParseDefinitions(label.Attributes);
            // A label this import makes learns the attributes its spans say (decision 0084).
            if (_createdLabels.Contains(label.Name) && Extend(definitions, given.Select(g => g.Key), AttributeRules.Defaults.GetValueOrDefault(label.Name)) is { } extended)
            {
                definitions = extended;
                label.Attributes = AttributeJson.Definitions(extended);
            }
            return Check(given, definitions, label.Name, field, error);
        }

        /// <summary>What the file says about a whole document, checked against the project's document attributes (a new
        /// project's learnt from the file), as <see cref="CheckValues"/> checks a span's.</summary>
        private string? CheckDocumentValues(IReadOnlyDictionary<string, string> values, string field, Func<string?, string, FormatError> error)
        {
            _documentDefinitions ??= AttributeJson.ParseDefinitions(_project.DocumentAttributes).ToList();
            var given = values.Where(a => a.Key != AttributeRules.ReservedName).ToList();
            if (ProjectCreated && Extend(_documentDefinitions, given.Select(g => g.Key), AttributeRules.DocumentDefaults) is { } extended)
            {
                _documentDefinitions = extended.ToList();
                _documentDefinitionsExtended = true;
            }
            return Check(given, _documentDefinitions, "the document", field, error);
        }

        /// <summary>The definitions with one for every name they lack (the known one of <paramref name="known"/>, else text),
        /// or null when they lack none or the result would not be valid (too many, a name too long).</summary>
        private static List<AttributeDefinition>? Extend(IReadOnlyList<AttributeDefinition> definitions, IEnumerable<string> names, IReadOnlyList<AttributeDefinition>? known)
        {
            var missing = names.Select(n => n.Trim()).Where(n => n.Length > 0 && n != AttributeRules.ReservedName)
                .Where(n => !definitions.Any(d => string.Equals(d.Name.Trim(), n, StringComparison.OrdinalIgnoreCase)))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count == 0) return null;
            var extended = definitions.Concat(missing.Select(n => known?.FirstOrDefault(d => d.Name.Trim() == n) ?? new AttributeDefinition(n, AttributeKind.Text))).ToList();
            return AttributeRules.ValidateDefinitions(extended).Count == 0 ? extended : null;
        }

        private string? Check(List<KeyValuePair<string, string>> given, IReadOnlyList<AttributeDefinition> definitions, string owner, string field, Func<string?, string, FormatError> error)
        {
            var kept = new Dictionary<string, string>(StringComparer.Ordinal);
            void NotKept(string where, string reason)
            {
                _valuesNotKept++;
                if (_valuesNotKeptDetails.Count < ImportReport.MaxListed) _valuesNotKeptDetails.Add(error(where, $"{owner}: {reason}").ToString());
            }
            var optional = definitions.Select(d => d with { Required = false }).ToList();
            foreach (var (name, value) in given)
            {
                var check = AttributeRules.Check(optional, new Dictionary<string, string?> { [name] = value });
                if (check.Succeeded) foreach (var (n, v) in check.Values) kept[n] = v;
                else NotKept($"{field}.{name}", string.Join(" ", check.Errors));
            }
            foreach (var d in definitions.Where(d => d.Required && !kept.ContainsKey(d.Name.Trim())))
                if (!given.Any(g => string.Equals(g.Key.Trim(), d.Name.Trim(), StringComparison.OrdinalIgnoreCase)))
                    NotKept(field, $"{d.Name.Trim()}: a value is required.");
            return AttributeJson.Values(kept);
        }

        /// <summary>The checked values of a span of the file (canonical JSON), or null.</summary>
        private string? ValuesOf(InterchangeSpan s) => _values.GetValueOrDefault(s);

        private static bool SameProvenance(GoldAnnotation gold, GoldOrigin origin, string? rule, string? curatorId, string? sources, string? note) =>
            gold.Origin == origin && (gold.Rule ?? "") == (rule ?? "") && gold.CuratorId == curatorId && (gold.Sources ?? "") == (sources ?? "")
            && (gold.Note ?? "") == (note ?? "");

        /// <summary>A gold span's provenance as the report words it: "adjudicated by carol from alice, note "...""",
        /// "merged (vote:2:0.67) from alice,bob".</summary>
        private async Task<string> ProvenanceAsync(GoldAnnotation gold, CancellationToken ct) =>
            Provenance(gold.Origin.ToString().ToLowerInvariant(), gold.Rule, gold.CuratorId is null ? null : await UserNameAsync(gold.CuratorId, ct), gold.Sources, gold.Note);

        private static string ProvenanceOf(GoldProvenance p) => Provenance(p.Origin, p.Rule, p.Curator, JoinSources(p.Sources), p.Note);

        private static string Provenance(string origin, string? rule, string? curator, string? sources, string? note) =>
            origin + (string.IsNullOrEmpty(rule) ? "" : $" ({rule})") + (curator is null ? "" : $" by {curator}")
            + (string.IsNullOrEmpty(sources) ? "" : $" from {sources}")
            + (string.IsNullOrEmpty(note) ? "" : $", note \"{(note.Length <= 60 ? note : note[..60] + "...")}\"");

        private string LabelName(int labelId) => _labels.Values.FirstOrDefault(l => l.Id == labelId)?.Name ?? "?";

        /// <summary>A user's name for the report ("?" for an account that is gone).</summary>
        private async Task<string> UserNameAsync(string? userId, CancellationToken ct)
        {
            if (userId is null) return "?";
            if (_userNames.TryGetValue(userId, out var known)) return known;
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var name = await db.Users.Where(u => u.Id == userId).Select(u => u.UserName).FirstOrDefaultAsync(ct) ?? "?";
            _userNames[userId] = name;
            return name;
        }

        /// <summary>Writes what is pending in one short transaction: new accounts and labels, documents and their spans, staged spans.</summary>
        public async Task FlushAsync(CancellationToken ct)
        {
            var newLabels = _labels.Values.Where(l => l.Id == 0).ToList();
            if (ErrorCount > 0 || _pending.Count == 0 && _pendingStaged.Count == 0 && _pendingAccounts.Count == 0 && newLabels.Count == 0) return;
            // People's saves first: a create waiting on the file gets in before this batch takes it.
            await interactive.YieldAsync(YieldLimit, ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (_pendingAccounts.Count > 0)
            {
                db.Users.AddRange(_pendingAccounts);
                _createdUserIds.AddRange(_pendingAccounts.Select(a => a.Id));
                var ids = JsonSerializer.Serialize(_createdUserIds);
                // In the same transaction as the accounts, so a crash's clean-up knows them.
                await db.ImportBatches.Where(b => b.Id == BatchId).ExecuteUpdateAsync(b => b.SetProperty(x => x.CreatedUserIds, ids), ct);
            }
            db.Labels.AddRange(newLabels);
            db.Documents.AddRange(_pending.Select(p => p.Document));
            await db.SaveChangesAsync(ct);
            await using var bulk = new SpanBulkWriter(db);
            foreach (var (document, source, map) in _pending)
            {
                int At(int offset) => map is null ? offset : map[offset];
                foreach (var s in source.Annotations)
                {
                    var labelId = Label(s.Label)!.Id;
                    if (options.Spans == ImportedSpans.Suggestions)
                    {
                        await bulk.SuggestionAsync(document.Id, s.Annotator, At(s.Start), At(s.End), labelId, ValuesOf(s), now, ct);
                        _suggestions++;
                        continue;
                    }
                    await bulk.AnnotationAsync(document.Id, _annotators[s.Annotator]!, At(s.Start), At(s.End), labelId, s.Attributes?.GetValueOrDefault("note"), ValuesOf(s), now, ct);
                    _annotations++;
                }
                foreach (var g in source.Gold)
                {
                    var p = g.Provenance;
                    await bulk.GoldAsync(document.Id, At(g.Start), At(g.End), Label(g.Label)!.Id, now, ct, OriginOf(p?.Origin), p?.Rule,
                        p?.Curator is { } curator ? _curators.GetValueOrDefault(curator) : null, p is null ? null : JoinSources(p.Sources), p?.Note,
                        _goldValues.GetValueOrDefault(g));
                    _gold++;
                }
                if (options.Spans == ImportedSpans.Annotations)
                {
                    // Who finished the document ("annotators"), and who worked on it without being listed.
                    var done = source.Annotators.Select(a => _annotators[a]!).ToHashSet(StringComparer.Ordinal);
                    var working = source.Annotations.Select(a => _annotators[a.Annotator]!).Where(id => !done.Contains(id)).ToHashSet(StringComparer.Ordinal);
                    foreach (var userId in done) await bulk.AssignmentAsync(document.Id, userId, _stagingId, AssignmentState.Done, now, ct);
                    foreach (var userId in working) await bulk.AssignmentAsync(document.Id, userId, _stagingId, AssignmentState.InProgress, now, ct);
                }
            }
            foreach (var (document, source, _) in _pending)
            {
                foreach (var l in source.DocumentLabels ?? [])
                {
                    if (!_labelValues.TryGetValue(l, out var values)) continue;
                    db.DocumentLabels.Add(new DocumentLabel { DocumentId = document.Id, AnnotatorId = _annotators[l.Annotator]!, Values = values, UpdatedAt = now, Version = 1 });
                    _documentLabels++;
                }
            }
            if (db.ChangeTracker.HasChanges()) await db.SaveChangesAsync(ct);
            foreach (var s in _pendingStaged) await bulk.StagedAsync(s.BatchId, s.DocumentId, s.Kind, s.Who, s.Start, s.End, s.LabelId, s.Note, ct, s.Origin, s.Rule, s.Sources, s.Attributes);
            await db.ImportBatches.Where(b => b.Id == BatchId).ExecuteUpdateAsync(b => b.SetProperty(x => x.HeartbeatAt, DateTime.UtcNow), ct);
            await tx.CommitAsync(ct);
            DocumentsWritten += _pending.Count;
            foreach (var (_, source, _) in _pending)
            {
                foreach (var a in source.Annotations) _values.Remove(a);
                foreach (var g in source.Gold) _goldValues.Remove(g);
                foreach (var l in source.DocumentLabels ?? []) _labelValues.Remove(l);
            }
            _pending.Clear();
            _pendingStaged.Clear();
            _pendingAccounts.Clear();
            _pendingSpans = 0;
        }

        /// <summary>
        /// The one short transaction that makes the import visible: the staged documents move into the project (or the new
        /// project stops being hidden), the new members join, the staged spans are added (annotations with their change-log
        /// rows, as live creates), and the batch is gone. Returns the annotation changes to announce after the commit.
        /// </summary>
        public async Task<List<DocumentChangeEvent>> CompleteAsync(CancellationToken ct)
        {
            var batchId = BatchId!.Value;
            await interactive.YieldAsync(YieldLimit, ct);
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (ProjectCreated)
            {
                await db.Projects.IgnoreQueryFilters().Where(p => p.Id == _project.Id).ExecuteUpdateAsync(p => p.SetProperty(x => x.ImportPending, false), ct);
            }
            else
            {
                await db.Documents.Where(d => d.ProjectId == _stagingId).ExecuteUpdateAsync(d => d.SetProperty(x => x.ProjectId, _project.Id), ct);
                await db.Assignments.Where(a => a.ProjectId == _stagingId).ExecuteUpdateAsync(a => a.SetProperty(x => x.ProjectId, _project.Id), ct);
                await db.Projects.IgnoreQueryFilters().Where(p => p.Id == _stagingId && p.ImportPending).ExecuteDeleteAsync(ct);
            }
            var sql = ModelSql.Of(db).Statements(static s => new CompleteSql(s));
            foreach (var userId in _newMembers)
            {
                await db.Database.ExecuteSqlRawAsync(sql.Member, [_project.Id, userId, sql.AnnotatorRole, now], ct);
            }
            await db.Database.ExecuteSqlRawAsync(sql.Suggestions, [now, batchId, sql.SuggestionKind], ct);
            await db.Database.ExecuteSqlRawAsync(sql.Gold, [batchId, now, sql.GoldKind, sql.Imported], ct);
            // "curated" for documents the project had: not over a curation someone finished meanwhile.
            foreach (var chunk in _curate.Chunk(500))
            {
                await db.Documents.Where(d => chunk.Contains(d.Id) && d.CuratedAt == null)
                    .ExecuteUpdateAsync(d => d.SetProperty(x => x.CuratedAt, now).SetProperty(x => x.CuratedById, options.ActorId), ct);
            }
            var events = new List<DocumentChangeEvent>();
            if (_attachedAnnotations > 0) await AddStagedAnnotationsAsync(db, batchId, events, ct);
            // What the file taught a new project's labels and document attributes about what its annotators say.
            foreach (var label in _labels.Values.Where(l => _createdLabels.Contains(l.Name) && l.Id != 0))
            {
                var definitions = label.Attributes;
                await db.Labels.Where(l => l.Id == label.Id).ExecuteUpdateAsync(l => l.SetProperty(x => x.Attributes, definitions), ct);
            }
            if (_documentDefinitionsExtended)
            {
                var definitions = AttributeJson.Definitions(_documentDefinitions);
                await db.Projects.IgnoreQueryFilters().Where(p => p.Id == _project.Id).ExecuteUpdateAsync(p => p.SetProperty(x => x.DocumentAttributes, definitions), ct);
            }
            if (_attachDocumentLabels.Count > 0)
            {
                // Not over what an annotator said about the document since the file was read.
                var documents = _attachDocumentLabels.Select(l => l.DocumentId).Distinct().ToList();
                var there = await db.DocumentLabels.Where(l => documents.Contains(l.DocumentId)).Select(l => new { l.DocumentId, l.AnnotatorId }).ToListAsync(ct);
                var taken = there.Select(l => (l.DocumentId, l.AnnotatorId)).ToHashSet();
                db.DocumentLabels.AddRange(_attachDocumentLabels.Where(l => !taken.Contains((l.DocumentId, l.AnnotatorId))));
                await db.SaveChangesAsync(ct);
            }
            foreach (var (documentId, userId, state) in _attachAssignments)
            {
                // A typed parameter for the done time: a bare DBNull (an assignment still in progress) has no store type.
                var doneAt = db.Database.GetDbConnection().CreateCommand().CreateParameter();
                (doneAt.ParameterName, doneAt.Value) = ("doneAt", state == AssignmentState.Done ? now : DBNull.Value);
                await db.Database.ExecuteSqlRawAsync(sql.Assignment, [documentId, userId, _project.Id, sql.AssignmentState(state)!, now, now, doneAt], ct);
            }
            await db.ImportBatches.Where(b => b.Id == batchId).ExecuteDeleteAsync(ct);
            // New documents, members and assignments: other processes' open pages and hub guards hear of them through
            // the access-change signal (decision 0042), whichever door the import came through.
            accessLog.ProjectChanged(db, _project.Id);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return events;
        }

        /// <summary>Annotations for documents the project had: each with its change-log row (the next sequence of its
        /// document), so open pages and hub clients that catch up from the log get them as they get live creates.</summary>
        private async Task AddStagedAnnotationsAsync(AnnotateHubDbContext db, int batchId, List<DocumentChangeEvent> events, CancellationToken ct)
        {
            var staged = await db.ImportStagedSpans.AsNoTracking().Where(s => s.BatchId == batchId && s.Kind == StagedSpanKind.Annotation)
                .OrderBy(s => s.DocumentId).ThenBy(s => s.Id).ToListAsync(ct);
            await using var commands = new Annotations.CreateGroupCommands(db);
            var userNames = new Dictionary<string, string>(StringComparer.Ordinal);
            var labelNames = new Dictionary<int, string>();
            var sequences = new Dictionary<int, long>();
            foreach (var s in staged)
            {
                var id = await commands.InsertAnnotationAsync(s.DocumentId, s.Who!, s.Start, s.End, s.LabelId, s.Note, now, attributes: s.Attributes);
                if (!userNames.TryGetValue(s.Who!, out var userName)) userNames[s.Who!] = userName = await commands.UserNameAsync(s.Who!);
                if (!labelNames.TryGetValue(s.LabelId, out var labelName)) labelNames[s.LabelId] = labelName = await commands.LabelNameAsync(s.LabelId);
                var view = Annotations.AnnotationService.ToView(new Annotation
                {
                    Id = id, DocumentId = s.DocumentId, AnnotatorId = s.Who!, Start = s.Start, End = s.End, LabelId = s.LabelId,
                    Note = s.Note, Attributes = s.Attributes, CreatedAt = now, UpdatedAt = now, Version = 1,
                }, userName, labelName);
                var (last, follows) = sequences.TryGetValue(s.DocumentId, out var known)
                    ? (known, false)
                    : Annotations.DocumentWriter.FollowsOtherWriter(await commands.LastChangeAsync(s.DocumentId), now);
                var sequence = last + 1;
                sequences[s.DocumentId] = sequence;
                // The live writer that wants the same number retries with the next one (decision 0026).
                await commands.InsertChangeAsync(s.DocumentId, sequence, ChangeKind.AnnotationCreated, id, s.Who!, now, JsonSerializer.Serialize(view));
                events.Add(new DocumentChangeEvent(s.DocumentId, sequence, ChangeKind.AnnotationCreated, view, s.Who!, now) { FollowsOtherWriter = follows });
            }
        }

        /// <summary>A project this import created from files that name no labels (plain text, HTML) starts with the default labels.</summary>
        public void EnsureLabels()
        {
            if (!ProjectCreated || ErrorCount > 0 || _labels.Count > 0) return;
            foreach (var (spec, i) in LabelRules.Defaults.Select((l, i) => (l, i)))
            {
                _labels[spec.Name] = new LabelDefinition { ProjectId = _project.Id, Name = spec.Name, Color = spec.Color, Hotkey = spec.Hotkey, Description = spec.Description, SortOrder = i,
                    Attributes = AttributeJson.Definitions(AttributeRules.Defaults.GetValueOrDefault(spec.Name)) };
                _createdLabels.Add(spec.Name);
            }
        }

        public ImportReport Report() => new()
        {
            ProjectId = _project.Id,
            ProjectName = _project.Name,
            ProjectCreated = ProjectCreated,
            Documents = ErrorCount == 0 ? DocumentsWritten : 0,
            Annotations = ErrorCount == 0 ? _annotations : 0,
            GoldSpans = ErrorCount == 0 ? _gold : 0,
            DocumentLabels = ErrorCount == 0 ? _documentLabels : 0,
            DocumentLabelsKept = ErrorCount == 0 ? _documentLabelsKept : 0,
            Suggestions = ErrorCount == 0 ? _suggestions : 0,
            AttachedAnnotations = ErrorCount == 0 ? _attachedAnnotations : 0,
            AttachedGoldSpans = ErrorCount == 0 ? _attachedGold : 0,
            AttachedSuggestions = ErrorCount == 0 ? _attachedSuggestions : 0,
            AnnotatedExisting = ErrorCount == 0 ? _annotationDocs.Count : 0,
            GoldExisting = ErrorCount == 0 ? _goldDocs.Count : 0,
            SuggestedExisting = ErrorCount == 0 ? _suggestionDocs.Count : 0,
            AlreadyThere = ErrorCount == 0 ? _alreadyThere : 0,
            CuratedExisting = ErrorCount == 0 ? _curate.Count : 0,
            GoldKept = ErrorCount == 0 ? _goldKept : 0,
            CuratedKept = ErrorCount == 0 ? _curatedKept : 0,
            KeptDetails = ErrorCount == 0 ? _keptDetails : [],
            Duplicates = Duplicates,
            DuplicateDetails = _duplicateDetails,
            CreatedLabels = ErrorCount == 0 ? _createdLabels : [],
            ValuesNotKept = ErrorCount == 0 ? _valuesNotKept : 0,
            ValuesNotKeptDetails = ErrorCount == 0 ? _valuesNotKeptDetails : [],
            CreatedAnnotators = ErrorCount == 0 ? _createdAnnotators : [],
            AddedMembers = ErrorCount == 0 ? _addedMembers : [],
            Errors = _errors,
            ErrorCount = ErrorCount,
            Warnings = [.. _warnings],
        };

        /// <summary>The project's label by name; a project the import created gains the labels its file uses (written with the next batch).</summary>
        private LabelDefinition? Label(string name)
        {
            if (_labels.TryGetValue(name, out var label)) return label;
            if (!ProjectCreated || name.Length > LabelRules.MaxNameLength) return null;
            var spec = LabelRules.ForImport(name, _labels.Count);
            label = new LabelDefinition { ProjectId = _project.Id, Name = spec.Name, Color = spec.Color, Hotkey = spec.Hotkey, SortOrder = _labels.Count };
            _labels[name] = label;
            _createdLabels.Add(spec.Name);
            return label;
        }

        private string UnknownLabel(string name) => name.Length > LabelRules.MaxNameLength
            ? $"a label name is at most {LabelRules.MaxNameLength} characters"
            : $"unknown label \"{name}\"; the project's labels are: {string.Join(", ", _labels.Values.OrderBy(l => l.SortOrder).Select(l => l.Name))}";

        private string AnnotatorRefusal(string name) => isAdmin
            ? $"\"{name}\" cannot be a user name (letters, digits and - . _ @ + only); import the spans as suggestions instead"
            : $"\"{name}\" is not an annotator of this project; add them to the team first, or import the spans as suggestions";

        /// <summary>
        /// The user an annotator name stands for. A member is used as is. Only an admin may bring in someone new: an
        /// existing user joins the team, an unknown name gets an account that cannot sign in until an admin sets a
        /// password. Accounts are written with the next batch (and removed if the import fails); members join in the final
        /// commit. Null when refused.
        /// </summary>
        private async Task<string?> AnnotatorAsync(string name, CancellationToken ct)
        {
            if (_annotators.TryGetValue(name, out var known)) return known;
            var normalized = name.ToUpperInvariant();
            string? id = null;
            await using (var db = await dbFactory.CreateDbContextAsync(ct))
            {
                var user = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(ct);
                if (user is not null)
                {
                    if (_members.Contains(user.Id)) id = user.Id;
                    else if (isAdmin)
                    {
                        _members.Add(user.Id);
                        _newMembers.Add(user.Id);
                        _addedMembers.Add(user.UserName!);
                        id = user.Id;
                    }
                }
                else if (isAdmin && IsValidUserName(name))
                {
                    var account = new AppUser
                    {
                        UserName = name, NormalizedUserName = normalized, DisplayName = name,
                        SecurityStamp = Guid.NewGuid().ToString("N"), ConcurrencyStamp = Guid.NewGuid().ToString(),
                        LockoutEnabled = true,
                    };
                    _pendingAccounts.Add(account);
                    _members.Add(account.Id);
                    _newMembers.Add(account.Id);
                    _createdAnnotators.Add(name);
                    id = account.Id;
                }
            }
            _annotators[name] = id;
            return id;
        }

        /// <summary>The existing user a gold span's curator names (any case), or null: a curator is never created.</summary>
        private async Task<string?> CuratorAsync(string name, CancellationToken ct)
        {
            if (_curators.TryGetValue(name, out var known)) return known;
            var normalized = name.ToUpperInvariant();
            await using var db = await dbFactory.CreateDbContextAsync(ct);
            var id = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => u.Id).FirstOrDefaultAsync(ct);
            _curators[name] = id;
            return id;
        }

        /// <summary>The provenance's origin as stored; imported when there is none.</summary>
        private static GoldOrigin OriginOf(string? origin) => origin switch
        {
            GoldProvenance.Unanimous => GoldOrigin.Unanimous,
            GoldProvenance.Merged => GoldOrigin.Merged,
            GoldProvenance.Adjudicated => GoldOrigin.Adjudicated,
            _ => GoldOrigin.Imported,
        };

        /// <summary>Sources as <see cref="GoldAnnotation.Sources"/> holds them: comma-separated, sorted, each once; null for none.</summary>
        private static string? JoinSources(IReadOnlyList<string> sources) =>
            sources.Count == 0 ? null : string.Join(',', sources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));

        private static bool IsValidUserName(string name) =>
            name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@' or '+');

        private static string? Clip(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
    }

    /// <summary>The final commit's statements, with names from the EF model (decision 0054).</summary>
    private sealed class CompleteSql
    {
        public CompleteSql(ModelSql s)
        {
            string G(string property) => s.Column<GoldAnnotation>(property);
            string S(string property) => s.Column<ImportStagedSpan>(property);
            // The staged gold with its provenance ({0} batch, {1} time, {2} the gold kind, {3} "imported" for a row without origin).
            Gold = $"INSERT INTO {s.Table<GoldAnnotation>()} ({G(nameof(GoldAnnotation.DocumentId))}, {G(nameof(GoldAnnotation.Start))}, " +
                   $"{G(nameof(GoldAnnotation.End))}, {G(nameof(GoldAnnotation.LabelId))}, {G(nameof(GoldAnnotation.CreatedAt))}, " +
                   $"{G(nameof(GoldAnnotation.Origin))}, {G(nameof(GoldAnnotation.Rule))}, {G(nameof(GoldAnnotation.CuratorId))}, " +
                   $"{G(nameof(GoldAnnotation.Sources))}, {G(nameof(GoldAnnotation.Note))}, {G(nameof(GoldAnnotation.Attributes))}) " +
                   $"SELECT {S(nameof(ImportStagedSpan.DocumentId))}, {S(nameof(ImportStagedSpan.Start))}, {S(nameof(ImportStagedSpan.End))}, " +
                   $"{S(nameof(ImportStagedSpan.LabelId))}, {{1}}, COALESCE({S(nameof(ImportStagedSpan.Origin))}, {{3}}), {S(nameof(ImportStagedSpan.Rule))}, " +
                   $"{S(nameof(ImportStagedSpan.Who))}, {S(nameof(ImportStagedSpan.Sources))}, {S(nameof(ImportStagedSpan.Note))}, {S(nameof(ImportStagedSpan.Attributes))} " +
                   $"FROM {s.Table<ImportStagedSpan>()} WHERE {S(nameof(ImportStagedSpan.BatchId))} = {{0}} AND {S(nameof(ImportStagedSpan.Kind))} = {{2}} " +
                   $"ORDER BY {S(nameof(ImportStagedSpan.Id))}";
            GoldKind = s.ToProvider<ImportStagedSpan>(nameof(ImportStagedSpan.Kind))(StagedSpanKind.Gold)!;
            Imported = s.ToProvider<GoldAnnotation>(nameof(GoldAnnotation.Origin))(GoldOrigin.Imported)!;
            // A new member ({0} project, {1} user, {2} the annotator role, {3} time); one already there stays as it is.
            Member = s.Insert<ProjectMember>((nameof(ProjectMember.ProjectId), "{0}"), (nameof(ProjectMember.UserId), "{1}"),
                (nameof(ProjectMember.Role), "{2}"), (nameof(ProjectMember.AddedAt), "{3}")) + " ON CONFLICT DO NOTHING";
            AnnotatorRole = s.ToProvider<ProjectMember>(nameof(ProjectMember.Role))(ProjectRole.Annotator)!;
            // The staged suggestions ({0} time, {1} batch, {2} the suggestion kind).
            string U(string property) => s.Column<Suggestion>(property);
            Suggestions = $"INSERT INTO {s.Table<Suggestion>()} ({U(nameof(Suggestion.DocumentId))}, {U(nameof(Suggestion.Source))}, {U(nameof(Suggestion.Start))}, " +
                          $"{U(nameof(Suggestion.End))}, {U(nameof(Suggestion.LabelId))}, {U(nameof(Suggestion.CreatedAt))}, {U(nameof(Suggestion.Attributes))}) " +
                          $"SELECT {S(nameof(ImportStagedSpan.DocumentId))}, {S(nameof(ImportStagedSpan.Who))}, {S(nameof(ImportStagedSpan.Start))}, " +
                          $"{S(nameof(ImportStagedSpan.End))}, {S(nameof(ImportStagedSpan.LabelId))}, {{0}}, {S(nameof(ImportStagedSpan.Attributes))} FROM {s.Table<ImportStagedSpan>()} " +
                          $"WHERE {S(nameof(ImportStagedSpan.BatchId))} = {{1}} AND {S(nameof(ImportStagedSpan.Kind))} = {{2}} ORDER BY {S(nameof(ImportStagedSpan.Id))}";
            SuggestionKind = s.ToProvider<ImportStagedSpan>(nameof(ImportStagedSpan.Kind))(StagedSpanKind.Suggestion)!;
            // An assignment of a document the project had ({0} document, {1} user, {2} project, {3} state, {4}..{6} times).
            Assignment = s.Insert<Assignment>((nameof(Data.Assignment.DocumentId), "{0}"), (nameof(Data.Assignment.UserId), "{1}"),
                (nameof(Data.Assignment.ProjectId), "{2}"), (nameof(Data.Assignment.State), "{3}"), (nameof(Data.Assignment.AssignedAt), "{4}"),
                (nameof(Data.Assignment.StartedAt), "{5}"), (nameof(Data.Assignment.DoneAt), "{6}")) + " ON CONFLICT DO NOTHING";
            AssignmentState = s.ToProvider<Assignment>(nameof(Data.Assignment.State));
        }

        public string Member { get; }
        public object AnnotatorRole { get; }
        public string Suggestions { get; }
        public object SuggestionKind { get; }
        public string Assignment { get; }
        public Func<object?, object?> AssignmentState { get; }
        public string Gold { get; }
        public object GoldKind { get; }
        public object Imported { get; }
    }

    /// <summary>Counts the bytes read through it, for progress.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }
        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = inner.Read(buffer, offset, count);
            BytesRead += n;
            return n;
        }
        public override int Read(Span<byte> buffer)
        {
            var n = inner.Read(buffer);
            BytesRead += n;
            return n;
        }
        public override bool CanRead => true;
        public override bool CanSeek => inner.CanSeek;
        public override bool CanWrite => false;
        public override long Length => inner.Length;
        public override long Position { get => inner.Position; set => inner.Position = value; }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
