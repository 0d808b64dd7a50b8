using System.Globalization;
using System.Text.Json;
using AnnotateHub.Core.Documents;
using AnnotateHub.Core.Formats;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// Imports a file into a project, all or nothing: the whole file is read in one transaction, every error is collected
/// with its line and field, and a single error rolls everything back (the project too, when the import created it).
/// Documents whose text the project already has (by content hash) are skipped and reported. Memory stays flat: the
/// file is streamed and written in batches inside the transaction.
/// </summary>
public sealed class ImportService(IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, TimeProvider clock)
{
    public const int BatchDocuments = 500;
    public const int BatchSpans = 20_000;

    private static readonly JsonSerializerOptions MetaJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly HashSet<string> KnownMeta = ["title", "outlet", "published", "url", "source"];

    public async Task<ImportReport> ImportAsync(Stream input, string fileName, ImportOptions options, IProgress<ImportProgress>? progress = null, CancellationToken ct = default)
    {
        try
        {
            return await ImportInTransactionAsync(input, fileName, options, progress, ct);
        }
        catch (Exception e) when (e is DbUpdateException or System.Data.Common.DbException)
        {
            // The transaction was rolled back with its context: nothing of the file is in the database.
            return ImportReport.Refused($"The database refused the import ({(e.InnerException ?? e).Message.TrimEnd('.')}); nothing was imported. " +
                                        "If another import was running, try again when it has finished.");
        }
    }

    private async Task<ImportReport> ImportInTransactionAsync(Stream input, string fileName, ImportOptions options, IProgress<ImportProgress>? progress, CancellationToken ct)
    {
        if (ImportFileReader.UnsupportedReason(fileName) is { } unsupported) return ImportReport.Refused(unsupported);
        var isAdmin = await access.IsAdminAsync(options.ActorId, ct);

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        await using var tx = await db.Database.BeginTransactionAsync(ct);

        await using var run = new ImportRun(db, options, isAdmin, clock.GetUtcNow().UtcDateTime);
        if (await run.OpenProjectAsync(access, Path.GetFileName(fileName), ct) is { } refusal) return ImportReport.Refused(refusal);

        using var counting = new CountingStream(input);
        long? total = input.CanSeek ? input.Length : null;
        var lastReport = 0L;
        foreach (var line in ImportFileReader.Read(counting, fileName))
        {
            ct.ThrowIfCancellationRequested();
            if (line.Document is null) run.AddErrors(line.Errors);
            else await run.AddAsync(line.Line, line.Document, ct);
            if (progress is not null && counting.BytesRead - lastReport >= 256 * 1024)
            {
                lastReport = counting.BytesRead;
                progress.Report(new ImportProgress(counting.BytesRead, total, run.DocumentsRead));
            }
            if (run.ShouldFlush) await run.FlushAsync(ct);
        }
        await run.FlushAsync(ct);
        await run.EnsureLabelsAsync(ct);
        if (run.DocumentsRead == 0 && run.ErrorCount == 0 && run.Duplicates == 0) run.AddErrors([new FormatError(0, null, "the file holds no documents")]);
        progress?.Report(new ImportProgress(counting.BytesRead, total, run.DocumentsRead));

        var report = run.Report();
        if (!report.Succeeded)
        {
            await tx.RollbackAsync(ct);
            return report with { ProjectId = run.ProjectCreated ? null : report.ProjectId };
        }
        await tx.CommitAsync(ct);
        access.Invalidate(run.ProjectId);
        return report;
    }

    /// <summary>The state of one import: the project, its labels and hashes, the annotators met so far, the pending batch.</summary>
    private sealed class ImportRun(AnnotateHubDbContext db, ImportOptions options, bool isAdmin, DateTime now) : IAsyncDisposable
    {
        private readonly Dictionary<string, LabelDefinition> _labels = new(StringComparer.OrdinalIgnoreCase);
        private readonly Dictionary<string, string> _knownHashes = new(StringComparer.Ordinal); // hash -> where it was first seen
        private readonly Dictionary<string, string?> _annotators = new(StringComparer.OrdinalIgnoreCase); // name -> user id, null when refused
        private readonly List<(Document Document, InterchangeDocument Source, int[]? Map)> _pending = [];
        private readonly List<FormatError> _errors = [];
        private readonly List<string> _duplicateDetails = [];
        private readonly List<string> _createdLabels = [];
        private readonly List<string> _createdAnnotators = [];
        private readonly List<string> _addedMembers = [];
        private readonly HashSet<string> _warnings = [];
        private readonly SpanBulkWriter _bulk = new(db);
        private Project _project = null!;
        private int _pendingSpans;
        private int _annotations, _gold, _suggestions;

        public int ProjectId => _project.Id;
        public bool ProjectCreated { get; private set; }
        public int DocumentsRead { get; private set; }
        public int Duplicates { get; private set; }
        public int ErrorCount { get; private set; }
        public bool ShouldFlush => _pending.Count >= BatchDocuments || _pendingSpans >= BatchSpans;

        public async Task<string?> OpenProjectAsync(ProjectAccess access, string fileName, CancellationToken ct)
        {
            Project? project = null;
            if (options.ProjectId is { } id) project = await db.Projects.FirstOrDefaultAsync(p => p.Id == id, ct);
            else if (!string.IsNullOrWhiteSpace(options.ProjectName)) project = await db.Projects.FirstOrDefaultAsync(p => p.Name == options.ProjectName.Trim(), ct);
            else return "Name the project to import into.";

            if (project is null)
            {
                if (options.ProjectId is not null) return "There is no such project.";
                // Admins and supervisors start projects; an annotator asks one of them.
                if (!isAdmin && !await db.ProjectMembers.AnyAsync(m => m.UserId == options.ActorId && m.Role == ProjectRole.Supervisor, ct))
                    return "Only admins and supervisors create projects.";
                var name = options.ProjectName!.Trim();
                if (name.Length > 200) return "A project name is at most 200 characters.";
                project = new Project { Name = name, OwnerId = options.ActorId, CreatedAt = now, Description = $"Imported from {fileName} on {now:yyyy-MM-dd}." };
                db.Projects.Add(project);
                await db.SaveChangesAsync(ct);
                db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = options.ActorId, Role = ProjectRole.Supervisor, AddedAt = now });
                await db.SaveChangesAsync(ct);
                ProjectCreated = true;
            }
            else
            {
                var permissions = await access.ForProjectAsync(project.Id, options.ActorId, ct);
                // Only supervisors add documents; others learn no more than that the project is not theirs to import into.
                if (!permissions.IsMember) return options.ProjectId is not null ? "There is no such project." : $"A project named \"{project.Name}\" already exists and you are not a member of it.";
                if (!permissions.IsSupervisor) return $"Only supervisors of \"{project.Name}\" import documents into it.";
            }
            _project = project;
            foreach (var label in await db.Labels.Where(l => l.ProjectId == project.Id).ToListAsync(ct)) _labels[label.Name] = label;
            var hashes = await db.Documents.Where(d => d.ProjectId == project.Id).Select(d => new { d.ContentHash, d.Title }).ToListAsync(ct);
            foreach (var h in hashes) _knownHashes.TryAdd(h.ContentHash, $"the project's document \"{h.Title}\"");
            return null;
        }

        public void AddErrors(IEnumerable<FormatError> errors)
        {
            foreach (var e in errors)
            {
                ErrorCount++;
                if (_errors.Count < ImportReport.MaxListed) _errors.Add(e);
            }
            // Once anything is wrong nothing will be written: stop holding documents.
            _pending.Clear();
            _pendingSpans = 0;
        }

        public async Task AddAsync(int line, InterchangeDocument source, CancellationToken ct)
        {
            DocumentsRead++;
            var where = line > 0 ? $"line {line}" : source.Meta.GetValueOrDefault("source") ?? source.Id;
            var (text, map) = ArticleText.NormalizeWithOffsets(source.Text);
            var hash = ArticleText.ContentHash(text);
            if (!_knownHashes.TryAdd(hash, where + (source.Id.Length > 0 ? $" (id {source.Id})" : "")))
            {
                Duplicates++;
                if (_duplicateDetails.Count < ImportReport.MaxListed)
                    _duplicateDetails.Add($"{where}{(source.Id.Length > 0 ? $" (id {source.Id})" : "")}: same text as {_knownHashes[hash]}");
                return;
            }

            var errors = new List<FormatError>();
            for (var i = 0; i < source.Annotations.Count; i++)
            {
                var s = source.Annotations[i];
                if (Label(s.Label) is null) errors.Add(new FormatError(line, $"annotations[{i}].label", UnknownLabel(s.Label)));
                if (options.Spans == ImportedSpans.Annotations && await AnnotatorAsync(s.Annotator, ct) is null)
                    errors.Add(new FormatError(line, $"annotations[{i}].annotator", AnnotatorRefusal(s.Annotator)));
                else if (options.Spans == ImportedSpans.Suggestions && s.Annotator.Length > 256)
                    errors.Add(new FormatError(line, $"annotations[{i}].annotator", "a source name is at most 256 characters"));
                if (s.Attributes?.GetValueOrDefault("note") is { Length: > 4000 })
                    errors.Add(new FormatError(line, $"annotations[{i}].attributes.note", "a note is at most 4000 characters"));
                if (s.Attributes is { } attrs && attrs.Keys.Any(k => k != "note")) _warnings.Add("span attributes other than \"note\" are not kept.");
            }
            for (var i = 0; i < source.Gold.Count; i++)
            {
                if (Label(source.Gold[i].Label) is null) errors.Add(new FormatError(line, $"label[{i}]", UnknownLabel(source.Gold[i].Label)));
            }
            if (options.Spans == ImportedSpans.Annotations)
            {
                for (var i = 0; i < source.Annotators.Count; i++)
                {
                    if (await AnnotatorAsync(source.Annotators[i], ct) is null)
                        errors.Add(new FormatError(line, $"annotators[{i}]", AnnotatorRefusal(source.Annotators[i])));
                }
            }
            var title = source.Meta.GetValueOrDefault("title");
            if (string.IsNullOrWhiteSpace(title)) title = ArticleText.ReadMetadata(text, source.Id.Length > 0 ? source.Id : $"Document {DocumentsRead}").Title;
            DateOnly? published = null;
            if (source.Meta.GetValueOrDefault("published") is { Length: > 0 } date)
            {
                if (DateOnly.TryParseExact(date.Length >= 10 ? date[..10] : date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d)) published = d;
                else errors.Add(new FormatError(line, "meta.published", $"\"{date}\" is not a date like 2024-01-31"));
            }
            if (source.Id.Length > 200) errors.Add(new FormatError(line, "id", "an id is at most 200 characters"));
            if (errors.Count > 0)
            {
                AddErrors(errors);
                return;
            }
            if (ErrorCount > 0) return;

            var extra = source.Meta.Where(kv => !KnownMeta.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var document = new Document
            {
                ProjectId = _project.Id,
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
            };
            _pending.Add((document, source, map));
            _pendingSpans += source.Annotations.Count + source.Gold.Count + 1;
        }

        public async Task FlushAsync(CancellationToken ct)
        {
            if (_pending.Count == 0 || ErrorCount > 0) return;
            db.Documents.AddRange(_pending.Select(p => p.Document));
            await db.SaveChangesAsync(ct);
            foreach (var (document, source, map) in _pending)
            {
                int At(int offset) => map is null ? offset : map[offset];
                foreach (var s in source.Annotations)
                {
                    var labelId = Label(s.Label)!.Id;
                    if (options.Spans == ImportedSpans.Suggestions)
                    {
                        await _bulk.SuggestionAsync(document.Id, s.Annotator, At(s.Start), At(s.End), labelId, now, ct);
                        _suggestions++;
                        continue;
                    }
                    await _bulk.AnnotationAsync(document.Id, _annotators[s.Annotator]!, At(s.Start), At(s.End), labelId, s.Attributes?.GetValueOrDefault("note"), now, ct);
                    _annotations++;
                }
                foreach (var g in source.Gold)
                {
                    await _bulk.GoldAsync(document.Id, At(g.Start), At(g.End), Label(g.Label)!.Id, now, ct);
                    _gold++;
                }
                if (options.Spans == ImportedSpans.Annotations)
                {
                    // Who finished the document ("annotators"), and who worked on it without being listed.
                    var done = source.Annotators.Select(a => _annotators[a]!).ToHashSet(StringComparer.Ordinal);
                    var working = source.Annotations.Select(a => _annotators[a.Annotator]!).Where(id => !done.Contains(id)).ToHashSet(StringComparer.Ordinal);
                    foreach (var userId in done) await _bulk.AssignmentAsync(document.Id, userId, _project.Id, AssignmentState.Done, now, ct);
                    foreach (var userId in working) await _bulk.AssignmentAsync(document.Id, userId, _project.Id, AssignmentState.InProgress, now, ct);
                }
            }
            db.ChangeTracker.Clear();
            _pending.Clear();
            _pendingSpans = 0;
        }

        /// <summary>A project this import created from files that name no labels (plain text, HTML) starts with the default labels.</summary>
        public async Task EnsureLabelsAsync(CancellationToken ct)
        {
            if (!ProjectCreated || ErrorCount > 0 || _labels.Count > 0) return;
            foreach (var (spec, i) in LabelRules.Defaults.Select((l, i) => (l, i)))
            {
                db.Labels.Add(new LabelDefinition { ProjectId = _project.Id, Name = spec.Name, Color = spec.Color, Hotkey = spec.Hotkey, Description = spec.Description, SortOrder = i });
                _createdLabels.Add(spec.Name);
            }
            await db.SaveChangesAsync(ct);
        }

        public ImportReport Report() => new()
        {
            ProjectId = _project.Id,
            ProjectName = _project.Name,
            ProjectCreated = ProjectCreated,
            Documents = ErrorCount == 0 ? DocumentsRead - Duplicates : 0,
            Annotations = ErrorCount == 0 ? _annotations : 0,
            GoldSpans = ErrorCount == 0 ? _gold : 0,
            Suggestions = ErrorCount == 0 ? _suggestions : 0,
            Duplicates = Duplicates,
            DuplicateDetails = _duplicateDetails,
            CreatedLabels = ErrorCount == 0 ? _createdLabels : [],
            CreatedAnnotators = ErrorCount == 0 ? _createdAnnotators : [],
            AddedMembers = ErrorCount == 0 ? _addedMembers : [],
            Errors = _errors,
            ErrorCount = ErrorCount,
            Warnings = [.. _warnings],
        };

        /// <summary>The project's label by name; a project the import created gains the labels its file uses.</summary>
        private LabelDefinition? Label(string name)
        {
            if (_labels.TryGetValue(name, out var label)) return label;
            if (!ProjectCreated || name.Length > LabelRules.MaxNameLength) return null;
            var spec = LabelRules.ForImport(name, _labels.Count);
            label = new LabelDefinition { ProjectId = _project.Id, Name = spec.Name, Color = spec.Color, Hotkey = spec.Hotkey, SortOrder = _labels.Count };
            db.Labels.Add(label);
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
        /// existing user is added to the team, an unknown name gets an account that cannot sign in until an admin sets
        /// a password. Null when refused.
        /// </summary>
        private async Task<string?> AnnotatorAsync(string name, CancellationToken ct)
        {
            if (_annotators.TryGetValue(name, out var known)) return known;
            var normalized = name.ToUpperInvariant();
            var user = await db.Users.Where(u => u.NormalizedUserName == normalized).Select(u => new { u.Id, u.UserName }).FirstOrDefaultAsync(ct);
            string? id = null;
            if (user is not null)
            {
                var member = await db.ProjectMembers.AnyAsync(m => m.ProjectId == _project.Id && m.UserId == user.Id, ct)
                    || db.ProjectMembers.Local.Any(m => m.ProjectId == _project.Id && m.UserId == user.Id);
                if (member) id = user.Id;
                else if (isAdmin)
                {
                    db.ProjectMembers.Add(new ProjectMember { ProjectId = _project.Id, UserId = user.Id, Role = ProjectRole.Annotator, AddedAt = now });
                    await db.SaveChangesAsync(ct);
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
                db.Users.Add(account);
                db.ProjectMembers.Add(new ProjectMember { ProjectId = _project.Id, UserId = account.Id, Role = ProjectRole.Annotator, AddedAt = now });
                await db.SaveChangesAsync(ct);
                _createdAnnotators.Add(name);
                id = account.Id;
            }
            _annotators[name] = id;
            return id;
        }

        public ValueTask DisposeAsync() => _bulk.DisposeAsync();

        private static bool IsValidUserName(string name) =>
            name.Length is > 0 and <= 256 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '@' or '+');

        private static string? Clip(string? value, int max) => value is null ? null : value.Length <= max ? value : value[..max];
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
