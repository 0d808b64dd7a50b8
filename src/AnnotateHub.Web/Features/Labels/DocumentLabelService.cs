using AnnotateHub.Core.Labels;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Projects;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.Web.Features.Labels;

/// <summary>One annotator's document-level labels: their values and the version to change them from (0: none yet).</summary>
public sealed record DocumentLabelView(int DocumentId, string AnnotatorId, string AnnotatorName, IReadOnlyDictionary<string, string> Values, int Version, DateTime? UpdatedAt);

/// <summary>The outcome of saving document-level labels: the saved view, or why not (<see cref="Conflict"/>: changed
/// elsewhere first, <see cref="Current"/> holds what is there now).</summary>
public sealed record DocumentLabelResult(DocumentLabelView? Saved, string? Error, bool Conflict = false, DocumentLabelView? Current = null)
{
    public bool Succeeded => Error is null;
}

/// <summary>
/// Document-level labels (issue 19): what each annotator says about a whole document (the outlet's stance, the event's
/// date), by the project's document attributes. Each annotator keeps their own values, so they can be compared; values
/// are checked like a span's (<see cref="AttributeRules.Check"/>), refused whole with every reason.
/// </summary>
public sealed class DocumentLabelService(IDbContextFactory<AnnotateHubDbContext> dbFactory, ProjectAccess access, AccessChangeLog accessLog, TimeProvider clock)
{
    /// <summary>What the project asks about each document, in order.</summary>
    public async Task<IReadOnlyList<AttributeDefinition>> DefinitionsAsync(int projectId, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        return AttributeJson.ParseDefinitions(await db.Projects.Where(p => p.Id == projectId).Select(p => p.DocumentAttributes).FirstOrDefaultAsync(ct));
    }

    /// <summary>Sets what the project asks about each document (supervisors); refused whole with every reason.</summary>
    public async Task<IReadOnlyList<string>> SetDefinitionsAsync(int projectId, string userId, IReadOnlyList<AttributeDefinition> definitions, CancellationToken ct = default)
    {
        var permissions = await access.ForProjectAsync(projectId, userId, ct);
        if (!permissions.IsMember) return ["This project does not exist."];
        if (!permissions.IsSupervisor) return ["Only the project's supervisors can change what documents are labelled with."];
        var errors = AttributeRules.ValidateDefinitions(definitions);
        if (errors.Count > 0) return errors;
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var project = await db.Projects.FirstAsync(p => p.Id == projectId, ct);
        project.DocumentAttributes = AttributeJson.Definitions(definitions);
        accessLog.ProjectChanged(db, projectId);
        await db.SaveChangesAsync(ct);
        return [];
    }

    /// <summary>The name the agreement report gives document-level labels in its attribute section.</summary>
    public const string AgreementLabel = "(document)";

    /// <summary>
    /// Agreement on document-level labels: per document attribute, Krippendorff's alpha over the documents two or more
    /// annotators labelled and marked done (the units), each annotator's value one coder value, interval for numbers and
    /// nominal otherwise (<see cref="Core.Agreement.AttributeAgreementCalculator"/>, as for what spans say).
    /// </summary>
    public async Task<IReadOnlyList<Core.Agreement.AttributeAgreement>> AgreementAsync(int projectId, CancellationToken ct = default)
    {
        var definitions = await DefinitionsAsync(projectId, ct);
        if (definitions.Count == 0) return [];
        var calculator = new Core.Agreement.AttributeAgreementCalculator(new Dictionary<string, IReadOnlyList<AttributeDefinition>> { [AgreementLabel] = definitions });
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var rows = await db.DocumentLabels.AsNoTracking()
            .Where(l => db.Assignments.Any(a => a.ProjectId == projectId && a.DocumentId == l.DocumentId && a.UserId == l.AnnotatorId && a.State == Core.Projects.AssignmentState.Done))
            .OrderBy(l => l.DocumentId).ThenBy(l => l.AnnotatorId)
            .Select(l => new { l.DocumentId, l.Values }).ToListAsync(ct);
        foreach (var document in rows.GroupBy(r => r.DocumentId))
            calculator.AddUnit(AgreementLabel, document.Select(r => (IReadOnlyDictionary<string, string>?)AttributeJson.ParseValues(r.Values)).ToList());
        return calculator.Build();
    }

    /// <summary>The viewer's own labels of the document (version 0 and no values when they have given none).</summary>
    public async Task<DocumentLabelView> MineAsync(DocumentAccess viewer, CancellationToken ct = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.DocumentLabels.AsNoTracking().FirstOrDefaultAsync(l => l.DocumentId == viewer.DocumentId && l.AnnotatorId == viewer.UserId, ct);
        return row is null
            ? new DocumentLabelView(viewer.DocumentId, viewer.UserId, "", new Dictionary<string, string>(), 0, null)
            : new DocumentLabelView(row.DocumentId, row.AnnotatorId, "", AttributeJson.ParseValues(row.Values), row.Version, DateTime.SpecifyKind(row.UpdatedAt, DateTimeKind.Utc));
    }

    /// <summary>Every annotator's labels of the document that the viewer may see (all of them, or their own in a blind project).</summary>
    public async Task<IReadOnlyList<DocumentLabelView>> ListAsync(DocumentAccess viewer, CancellationToken ct = default)
    {
        if (!viewer.CanOpen) return [];
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.DocumentLabels.AsNoTracking().Where(l => l.DocumentId == viewer.DocumentId);
        if (!viewer.Permissions.SeesOthers) query = query.Where(l => l.AnnotatorId == viewer.UserId);
        var rows = await query.Select(l => new { l.DocumentId, l.AnnotatorId, Name = db.Users.Where(u => u.Id == l.AnnotatorId).Select(u => u.DisplayName ?? u.UserName).FirstOrDefault(), l.Values, l.Version, l.UpdatedAt })
            .OrderBy(l => l.Name).ToListAsync(ct);
        return rows.Select(r => new DocumentLabelView(r.DocumentId, r.AnnotatorId, r.Name ?? "", AttributeJson.ParseValues(r.Values), r.Version, DateTime.SpecifyKind(r.UpdatedAt, DateTimeKind.Utc))).ToList();
    }

    /// <summary>
    /// Saves the viewer's labels of the document: <paramref name="values"/> by attribute name (an empty one clears it),
    /// checked against the project's document attributes and refused whole with every reason; <paramref name="expectedVersion"/>
    /// is the version the viewer saw (0 for none yet), and a change made elsewhere first is refused, not overwritten.
    /// </summary>
    public async Task<DocumentLabelResult> SetAsync(DocumentAccess viewer, IReadOnlyDictionary<string, string?> values, int expectedVersion, CancellationToken ct = default)
    {
        var standing = await access.ForDocumentAsync(viewer.DocumentId, viewer.UserId, ct);
        if (standing is null || !standing.Permissions.IsMember) return new(null, $"Document {viewer.DocumentId} does not exist.");
        if (!standing.CanOpen) return new(null, "This document is not assigned to you.");
        if (standing.RefusalToAnnotate is { } refusal) return new(null, refusal);
        var definitions = await DefinitionsAsync(standing.ProjectId, ct);
        if (definitions.Count == 0) return new(null, "This project asks nothing about whole documents; a supervisor can add document attributes in the Labels tab.");
        var check = AttributeRules.Check(definitions, values);
        if (!check.Succeeded) return new(null, "Nothing was saved: " + string.Join(" ", check.Errors));
        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var row = await db.DocumentLabels.FirstOrDefaultAsync(l => l.DocumentId == viewer.DocumentId && l.AnnotatorId == viewer.UserId, ct);
        var current = row?.Version ?? 0;
        if (current != expectedVersion)
        {
            return new(null, $"Not saved: you changed this document's labels elsewhere first (version {current}, you had {expectedVersion}); the panel shows them as they are now.",
                Conflict: true, Current: await MineAsync(standing, ct));
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (row is null)
        {
            row = new DocumentLabel { DocumentId = viewer.DocumentId, AnnotatorId = viewer.UserId, Values = AttributeJson.Values(check.Values) ?? "{}", UpdatedAt = now, Version = 1 };
            db.DocumentLabels.Add(row);
        }
        else
        {
            row.Values = AttributeJson.Values(check.Values) ?? "{}";
            row.UpdatedAt = now;
            row.Version++;
        }
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Two saves of the first version at once: the key refused the second; or a version raced. Nothing of this one was saved.
            return new(null, "Not saved: this document's labels changed elsewhere at the same moment; the panel shows them as they are now.",
                Conflict: true, Current: await MineAsync(standing, ct));
        }
        return new(new DocumentLabelView(row.DocumentId, row.AnnotatorId, "", check.Values, row.Version, now), null);
    }
}
