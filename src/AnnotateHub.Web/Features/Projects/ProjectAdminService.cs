using System.Globalization;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Realtime;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Projects;

/// <summary>How a change to a project or a document ended; each door turns it into its own answer (REST: 200, 400, 404,
/// 403, 409).</summary>
public enum AdminOutcome
{
    Ok,
    /// <summary>The input is wrong (empty or taken name, too long, wrong confirmation): nothing changed.</summary>
    Invalid,
    NotFound,
    Forbidden,
    /// <summary>The document holds annotators' spans and the caller did not confirm that they go with it.</summary>
    NeedsConfirmation,
}

public sealed record AdminResult(AdminOutcome Outcome, string? Error, int Id = 0)
{
    public bool Succeeded => Outcome == AdminOutcome.Ok;
    public static AdminResult Ok(int id) => new(AdminOutcome.Ok, null, id);
    public static AdminResult Fail(AdminOutcome outcome, string error) => new(outcome, error);
}

/// <summary>The labels a new empty project starts with.</summary>
public enum LabelTemplate
{
    /// <summary>No labels (a supervisor adds them on the Labels tab).</summary>
    Empty = 0,
    /// <summary>claim, actor, casualty figure with their attributes, and the document attributes: what the demo project has.</summary>
    News = 1,
}

/// <summary>A new empty project: its labels from <see cref="Template"/>, or copied from <see cref="CopyLabelsFrom"/> (a project
/// the creator can see) with their attributes and the project's document attributes.</summary>
public sealed record NewProject(string Name, string? Description = null, LabelTemplate Template = LabelTemplate.News, int? CopyLabelsFrom = null);

/// <summary>A change of a project: null leaves a field as it is; an empty description clears it.</summary>
public sealed record ProjectEdit(string? Name = null, string? Description = null, bool? Archived = null, string? GuidelinesUrl = null);

/// <summary>A change of a document's title and metadata: null leaves a field as it is, empty text clears it (not the title).</summary>
public sealed record DocumentEdit(string? Title = null, string? Outlet = null, string? PublishedOn = null, string? Url = null);

/// <summary>What deleting a project or a document takes with it.</summary>
/// <param name="Annotators">How many annotators' saved spans are among <paramref name="Annotations"/>.</param>
public sealed record DeletionImpact(string Name, int Documents, int Annotations, int Annotators, int Gold, int Members)
{
    /// <summary>The impact in words, as every door says it ("3 documents, 12 annotations by 2 annotators, ...").</summary>
    public string Describe(bool project)
    {
        static string Count(int n, string one) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {one}{(n == 1 ? "" : "s")}";
        var parts = new List<string>();
        if (project) parts.Add(Count(Documents, "document"));
        parts.Add(Count(Annotations, "annotation") + (Annotators > 0 ? $" by {Count(Annotators, "annotator")}" : ""));
        parts.Add(Count(Gold, "gold span"));
        if (project) parts.Add(Count(Members, "member"));
        return string.Join(", ", parts);
    }
}

/// <summary>
/// Creates, renames, describes, archives and deletes projects, and renames, edits and deletes documents: the same rules
/// for the pages, the REST API and the command line. Who may: creating, whoever may start a project (an admin, or a
/// supervisor of some project); everything else, the project's supervisors and admins. Each change is committed, then
/// the caches are dropped and open views told (<see cref="TeamChangedEvent"/>), with an access-change row in the same
/// transaction so other processes hear of it too. Deletions are refused unless confirmed (decision 0084).
/// </summary>
public sealed class ProjectAdminService(IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, CorpusService corpus,
    EventBus bus, AccessChangeLog accessLog, TimeProvider clock)
{
    /// <summary>The longest project name (the column holds 200).</summary>
    public const int MaxNameLength = 200;
    public const int MaxDescriptionLength = 2000;
    public const int MaxTitleLength = 500;
    public const int MaxOutletLength = 200;
    public const int MaxUrlLength = 2000;

    /// <summary>Whether the user may start projects: admins, and supervisors of any project.</summary>
    public async Task<bool> CanCreateAsync(string userId, CancellationToken ct = default) =>
        await access.IsAdminAsync(userId, ct) || (await access.ProjectsOfAsync(userId, ct)).Values.Contains(ProjectRole.Supervisor);

    /// <summary>Creates an empty project, its creator its supervisor.</summary>
    public async Task<AdminResult> CreateAsync(string actorId, NewProject spec, CancellationToken ct = default)
    {
        if (!await CanCreateAsync(actorId, ct)) return AdminResult.Fail(AdminOutcome.Forbidden, "Only admins and project supervisors may start projects.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var (name, nameError) = await CheckNameAsync(db, spec.Name, null, ct);
        if (nameError is not null) return AdminResult.Fail(AdminOutcome.Invalid, nameError);
        var (description, descriptionError) = CheckDescription(spec.Description);
        if (descriptionError is not null) return AdminResult.Fail(AdminOutcome.Invalid, descriptionError);
        if (!Enum.IsDefined(spec.Template)) return AdminResult.Fail(AdminOutcome.Invalid, "The labels come from the news template, the empty one or another project.");

        var now = clock.GetUtcNow().UtcDateTime;
        var project = new Project { Name = name!, Description = description, OwnerId = actorId, CreatedAt = now };
        if (spec.CopyLabelsFrom is { } sourceId)
        {
            // Only from a project the creator can see: a stranger's label set is not theirs to read.
            if (!(await access.ForProjectAsync(sourceId, actorId, ct)).IsMember)
                return AdminResult.Fail(AdminOutcome.Invalid, $"There is no project {sourceId} to copy labels from.");
            var source = await db.Projects.AsNoTracking().Where(p => p.Id == sourceId).Select(p => new { p.DocumentAttributes }).FirstAsync(ct);
            project.DocumentAttributes = source.DocumentAttributes;
            var labels = await db.Labels.AsNoTracking().Where(l => l.ProjectId == sourceId).OrderBy(l => l.SortOrder).ThenBy(l => l.Id).ToListAsync(ct);
            project.Labels.AddRange(labels.Select((l, i) => new LabelDefinition
            {
                Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, Description = l.Description, SortOrder = i, Attributes = l.Attributes,
            }));
        }
        else if (spec.Template == LabelTemplate.News)
        {
            project.DocumentAttributes = AttributeJson.Definitions(AttributeRules.DocumentDefaults);
            project.Labels.AddRange(LabelRules.Defaults.Select((l, i) => new LabelDefinition
            {
                Name = l.Name, Color = l.Color, Hotkey = l.Hotkey, Description = l.Description, SortOrder = i,
                Attributes = AttributeJson.Definitions(AttributeRules.Defaults.GetValueOrDefault(l.Name)),
            }));
        }
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Projects.Add(project);
        if (!await TrySaveAsync(db, ct)) return AdminResult.Fail(AdminOutcome.Invalid, Taken(name!));
        // Whoever creates a project supervises it (as the import does).
        db.ProjectMembers.Add(new ProjectMember { ProjectId = project.Id, UserId = actorId, Role = ProjectRole.Supervisor, AddedAt = now });
        accessLog.ProjectChanged(db, project.Id);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        Changed(project.Id);
        return AdminResult.Ok(project.Id);
    }

    /// <summary>Renames, describes, archives or unarchives a project.</summary>
    public async Task<AdminResult> UpdateAsync(int projectId, string actorId, ProjectEdit edit, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actorId, ct) is { } refusal) return refusal;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.FirstOrDefaultAsync(p => p.Id == projectId, ct);
        if (project is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Project {projectId} does not exist.");
        if (edit.Name is not null)
        {
            var (name, error) = await CheckNameAsync(db, edit.Name, projectId, ct);
            if (error is not null) return AdminResult.Fail(AdminOutcome.Invalid, error);
            project.Name = name!;
        }
        if (edit.Description is not null)
        {
            var (description, error) = CheckDescription(edit.Description);
            if (error is not null) return AdminResult.Fail(AdminOutcome.Invalid, error);
            project.Description = description;
        }
        if (edit.GuidelinesUrl is not null)
        {
            var (url, error) = CheckGuidelinesUrl(edit.GuidelinesUrl);
            if (error is not null) return AdminResult.Fail(AdminOutcome.Invalid, error);
            project.GuidelinesUrl = url;
        }
        if (edit.Archived is { } archived && archived != (project.ArchivedAt is not null))
            project.ArchivedAt = archived ? clock.GetUtcNow().UtcDateTime : null;
        accessLog.ProjectChanged(db, projectId);
        if (!await TrySaveAsync(db, ct)) return AdminResult.Fail(AdminOutcome.Invalid, Taken(project.Name));
        Changed(projectId);
        return AdminResult.Ok(projectId);
    }

    /// <summary>What deleting the project would take with it; null when there is no such project.</summary>
    public async Task<DeletionImpact?> ProjectImpactAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var name = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (name is null) return null;
        var documents = db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id);
        var spans = db.Annotations.Where(a => documents.Contains(a.DocumentId));
        return new DeletionImpact(name, await documents.CountAsync(ct), await spans.CountAsync(ct),
            await spans.Select(a => a.AnnotatorId).Distinct().CountAsync(ct),
            await db.GoldAnnotations.CountAsync(g => documents.Contains(g.DocumentId), ct),
            await db.ProjectMembers.CountAsync(m => m.ProjectId == projectId, ct));
    }

    /// <summary>Deletes the project with everything in it, when <paramref name="confirmation"/> is its name exactly.</summary>
    public async Task<AdminResult> DeleteAsync(int projectId, string actorId, string? confirmation, CancellationToken ct = default)
    {
        if (await RefuseAsync(projectId, actorId, ct) is { } refusal) return refusal;
        var impact = await ProjectImpactAsync(projectId, ct);
        if (impact is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Project {projectId} does not exist.");
        if (!string.Equals(confirmation, impact.Name, StringComparison.Ordinal))
            return AdminResult.Fail(AdminOutcome.Invalid, $"To delete the project, confirm with its name, \"{impact.Name}\" exactly. It holds {impact.Describe(project: true)}.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var documentIds = await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).ToListAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Documents first: their spans, gold and suggestions name the project's labels, which refuse to go while they are
        // there (Restrict); the documents' delete cascades to all of them. The project's delete then takes the labels,
        // members and assignments.
        await db.Documents.Where(d => d.ProjectId == projectId).ExecuteDeleteAsync(ct);
        await db.Projects.Where(p => p.Id == projectId).ExecuteDeleteAsync(ct);
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        corpus.Forget(documentIds);
        Changed(projectId);
        return AdminResult.Ok(projectId);
    }

    /// <summary>What deleting the document would take with it; null when there is no such document.</summary>
    public async Task<DeletionImpact?> DocumentImpactAsync(int documentId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var title = await db.Documents.Where(d => d.Id == documentId).Select(d => d.Title).FirstOrDefaultAsync(ct);
        if (title is null) return null;
        var spans = db.Annotations.Where(a => a.DocumentId == documentId);
        return new DeletionImpact(title, 1, await spans.CountAsync(ct), await spans.Select(a => a.AnnotatorId).Distinct().CountAsync(ct),
            await db.GoldAnnotations.CountAsync(g => g.DocumentId == documentId, ct), 0);
    }

    /// <summary>Changes a document's title, outlet, published date or address.</summary>
    public async Task<AdminResult> UpdateDocumentAsync(int documentId, string actorId, DocumentEdit edit, CancellationToken ct = default)
    {
        var projectId = (await corpus.FactsAsync(documentId, ct))?.ProjectId;
        if (projectId is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Document {documentId} does not exist.");
        if (await RefuseAsync(projectId.Value, actorId, ct, document: true) is { } refusal) return refusal;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var document = await db.Documents.FirstOrDefaultAsync(d => d.Id == documentId, ct);
        if (document is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Document {documentId} does not exist.");
        var errors = new List<string>();
        if (edit.Title is not null)
        {
            var title = edit.Title.Trim();
            if (title.Length == 0) errors.Add("A document needs a title.");
            else if (title.Length > MaxTitleLength) errors.Add($"A title is at most {MaxTitleLength} characters.");
            else document.Title = title;
        }
        if (edit.Outlet is not null)
        {
            var outlet = edit.Outlet.Trim();
            if (outlet.Length > MaxOutletLength) errors.Add($"An outlet is at most {MaxOutletLength} characters.");
            else document.Outlet = outlet.Length == 0 ? null : outlet;
        }
        if (edit.PublishedOn is not null)
        {
            var raw = edit.PublishedOn.Trim();
            if (raw.Length == 0) document.PublishedOn = null;
            else if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) document.PublishedOn = date;
            else errors.Add($"The published date must look like 2020-01-08, not \"{raw}\".");
        }
        if (edit.Url is not null)
        {
            var url = edit.Url.Trim();
            if (url.Length > MaxUrlLength) errors.Add($"An address is at most {MaxUrlLength} characters.");
            else if (url.Length > 0 && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"))
                errors.Add("The address must be a full http:// or https:// URL.");
            else document.Url = url.Length == 0 ? null : url;
        }
        if (errors.Count > 0) return AdminResult.Fail(AdminOutcome.Invalid, string.Join(" ", errors));
        accessLog.ProjectChanged(db, projectId.Value);
        await db.SaveChangesAsync(ct);
        Changed(projectId.Value);
        return AdminResult.Ok(documentId);
    }

    /// <summary>Deletes a document with its spans, gold, suggestions, labels, assignments and history. Where annotators have
    /// saved spans it is refused (<see cref="AdminOutcome.NeedsConfirmation"/>) unless <paramref name="spansConfirmed"/>.</summary>
    public async Task<AdminResult> DeleteDocumentAsync(int documentId, string actorId, bool spansConfirmed, CancellationToken ct = default)
    {
        var projectId = (await corpus.FactsAsync(documentId, ct))?.ProjectId;
        if (projectId is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Document {documentId} does not exist.");
        if (await RefuseAsync(projectId.Value, actorId, ct, document: true) is { } refusal) return refusal;
        var impact = await DocumentImpactAsync(documentId, ct);
        if (impact is null) return AdminResult.Fail(AdminOutcome.NotFound, $"Document {documentId} does not exist.");
        if (impact.Annotations > 0 && !spansConfirmed)
            return AdminResult.Fail(AdminOutcome.NeedsConfirmation,
                $"\"{impact.Name}\" holds {impact.Describe(project: false)}; they would be lost. Confirm to delete it anyway.");
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        // Asked again in the deleting transaction: a span saved since the count above was not part of what was confirmed.
        if (!spansConfirmed && await db.Annotations.AnyAsync(a => a.DocumentId == documentId, ct))
            return AdminResult.Fail(AdminOutcome.NeedsConfirmation, $"An annotator has just saved a span in \"{impact.Name}\"; confirm to delete it with its spans.");
        await db.Documents.Where(d => d.Id == documentId).ExecuteDeleteAsync(ct);
        accessLog.ProjectChanged(db, projectId.Value);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        corpus.Forget([documentId]);
        Changed(projectId.Value);
        return AdminResult.Ok(documentId);
    }

    private async Task<AdminResult?> RefuseAsync(int projectId, string actorId, CancellationToken ct, bool document = false)
    {
        var permissions = await access.ForProjectAsync(projectId, actorId, ct);
        // A stranger learns nothing: the project (or document) does not exist for them.
        if (!permissions.IsMember) return AdminResult.Fail(AdminOutcome.NotFound, document ? "There is no such document." : $"Project {projectId} does not exist.");
        if (!permissions.IsSupervisor)
            return AdminResult.Fail(AdminOutcome.Forbidden, document ? "Only the project's supervisors may change or delete its documents." : "Only the project's supervisors may change or delete it.");
        return null;
    }

    private static async Task<(string? Name, string? Error)> CheckNameAsync(AnnotateHubDbContext db, string? raw, int? self, CancellationToken ct)
    {
        var name = raw?.Trim() ?? "";
        if (name.Length == 0) return (null, "A project needs a name.");
        if (name.Length > MaxNameLength) return (null, $"A project name is at most {MaxNameLength} characters.");
        if (name.Any(char.IsControl)) return (null, "A project name cannot hold line breaks or control characters.");
        // Unique ignoring case (and including projects an import is still filling): "Base attacks" and "base attacks" would
        // be two names for one thing on the command line.
        var lowered = name.ToLowerInvariant();
#pragma warning disable CA1304, CA1311, CA1862 // ToLower translates on both providers; the culture overloads do not
        var taken = await db.Projects.IgnoreQueryFilters().AnyAsync(p => p.Id != self && p.Name.ToLower() == lowered, ct);
#pragma warning restore CA1304, CA1311, CA1862
        return taken ? (null, Taken(name)) : (name, null);
    }

    /// <summary>The longest guidelines link.</summary>
    public const int MaxGuidelinesUrlLength = 2000;

    /// <summary>A guidelines link as stored (empty clears it), or why not: an absolute http or https address, nothing a
    /// page could run (javascript:, data:).</summary>
    public static (string? Url, string? Error) CheckGuidelinesUrl(string raw)
    {
        var url = raw.Trim();
        if (url.Length == 0) return (null, null);
        if (url.Length > MaxGuidelinesUrlLength) return (null, $"A guidelines link is at most {MaxGuidelinesUrlLength} characters.");
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) || url.Any(char.IsControl))
            return (null, $"\"{(url.Length <= 60 ? url : url[..60] + "...")}\" is not a web address: a guidelines link starts with https:// or http://.");
        return (uri.AbsoluteUri, null);
    }

    private static (string? Description, string? Error) CheckDescription(string? raw)
    {
        var description = raw?.Trim() ?? "";
        if (description.Length > MaxDescriptionLength) return (null, $"A description is at most {MaxDescriptionLength} characters.");
        return (description.Length == 0 ? null : description, null);
    }

    private static string Taken(string name) => $"There is already a project named \"{name}\".";

    /// <summary>Saves; false when the unique index on names refused (another save took the name since the check).</summary>
    private static async Task<bool> TrySaveAsync(AnnotateHubDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
    }

    private void Changed(int projectId)
    {
        access.Invalidate(projectId);
        bus.Publish(new TeamChangedEvent(projectId));
    }
}
