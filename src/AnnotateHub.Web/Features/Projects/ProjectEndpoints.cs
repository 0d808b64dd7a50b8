using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Corpus;
using System.Globalization;
using System.Security.Claims;

namespace AnnotateHub.Web.Features.Projects;

public sealed record ProjectDto(int Id, string Name, string? Description, string Role, string Mode, bool Archived = false);

/// <summary>POST /api/projects: an empty project; <c>template</c> news (the default) or empty, or <c>labelsFrom</c> a project id.</summary>
public sealed record CreateProjectBody(string? Name, string? Description, string? Template, int? LabelsFrom);

/// <summary>PATCH /api/projects/{id}: absent fields stay as they are.</summary>
public sealed record UpdateProjectBody(string? Name, string? Description, bool? Archived, string? GuidelinesUrl = null);

/// <summary>PATCH /api/documents/{id}: absent fields stay as they are; an empty one (not the title) is cleared.</summary>
public sealed record UpdateDocumentBody(string? Title, string? Outlet, string? PublishedOn, string? Url);

public sealed record DocumentMetaDto(int Id, int ProjectId, string Title, string? Outlet, DateOnly? PublishedOn, string? Url);

public sealed record DocumentListItemDto(int Id, string Title, string? Outlet, DateOnly? PublishedOn, int Length, string? Assignment);

/// <summary>REST: the projects a user may see and their documents (an annotator's: the assigned ones). See docs/api.md.</summary>
public static class ProjectEndpoints
{
    public static RouteGroupBuilder MapProjectEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects", async (ClaimsPrincipal user, ProjectAccess access, CorpusService corpus, CancellationToken ct) =>
        {
            var userId = user.Id();
            var roles = await access.ProjectsOfAsync(userId, ct);
            var projects = await corpus.ListProjectsAsync(roles.Keys.ToList(), ct);
            var result = new List<ProjectDto>();
            foreach (var p in projects)
            {
                var permissions = await access.ForProjectAsync(p.Id, userId, ct);
                result.Add(new ProjectDto(p.Id, p.Name, p.Description, RoleName(roles[p.Id]), ModeName(permissions.Mode), p.ArchivedAt is not null));
            }
            return TypedResults.Ok(result);
        });

        api.MapPost("/projects", CreateProjectAsync);
        api.MapPatch("/projects/{projectId}", UpdateProjectAsync)
            .RequireProjectSupervisor("Only the project's supervisors may rename, describe or archive it.");
        api.MapDelete("/projects/{projectId}", DeleteProjectAsync)
            .RequireProjectSupervisor("Only the project's supervisors may delete it.");
        api.MapPatch("/documents/{documentId}", UpdateDocumentAsync);
        api.MapDelete("/documents/{documentId}", DeleteDocumentAsync);

        // A page of the documents (decision 0035): the body stays the list it always was; the total and the next page's
        // address travel in headers, so callers written for the unpaged list keep working on projects of up to a page.
        api.MapGet("/projects/{projectId}/documents", async Task<IResult> (int projectId, ClaimsPrincipal user, CorpusService corpus,
            HttpContext http, CancellationToken ct) =>
        {
            var userId = user.Id();
            var permissions = http.CallerPermissions();
            var (query, error) = ParseDocumentQuery(http.Request.Query);
            if (query is null) return ApiProblems.Invalid(error!);
            // Annotators see their own spans only here, whatever the mode; every row carries the caller's assignment.
            var scope = permissions.IsSupervisor ? new CorpusScope(null, null, userId) : new CorpusScope(userId, userId, userId);
            var page = await corpus.PageDocumentsAsync(projectId, query, scope, ct);
            http.Response.Headers["X-Total-Count"] = page.Total.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Offset"] = page.Offset.ToString(CultureInfo.InvariantCulture);
            http.Response.Headers["X-Limit"] = page.Limit.ToString(CultureInfo.InvariantCulture);
            if (page.HasMore)
            {
                var next = QueryString.Create(http.Request.Query.Where(q => q.Key is not ("offset" or "limit"))
                    .SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string?>(q.Key, v)))
                    .Append(new("offset", (page.Offset + page.Rows.Count).ToString(CultureInfo.InvariantCulture)))
                    .Append(new("limit", page.Limit.ToString(CultureInfo.InvariantCulture))));
                http.Response.Headers.Link = $"<{http.Request.PathBase}{http.Request.Path}{next}>; rel=\"next\"";
            }
            return TypedResults.Ok(page.Rows.Select(r => new DocumentListItemDto(r.Id, r.Title, r.Outlet, r.PublishedOn, r.Length,
                r.Assignment is { } state ? StateName(state) : null)).ToList());
        }).RequireProjectMember();
        return api;
    }

    private static async Task<IResult> CreateProjectAsync(CreateProjectBody body, ClaimsPrincipal user, ProjectAdminService admin,
        CorpusService corpus, CancellationToken ct)
    {
        LabelTemplate template;
        switch (body.Template?.ToLowerInvariant())
        {
            case null or "news": template = LabelTemplate.News; break;
            case "empty": template = LabelTemplate.Empty; break;
            default: return ApiProblems.Invalid($"template must be news or empty, not \"{body.Template}\".");
        }
        if (body.Template is not null && body.LabelsFrom is not null) return ApiProblems.Invalid("Give template or labelsFrom, not both.");
        var result = await admin.CreateAsync(user.Id(), new NewProject(body.Name ?? "", body.Description, template, body.LabelsFrom), ct);
        if (!result.Succeeded) return Problem(result);
        var project = (await corpus.FindProjectAsync(result.Id, ct))!;
        return TypedResults.Created($"/api/projects/{result.Id}", new ProjectDto(project.Id, project.Name, project.Description, "supervisor", "open"));
    }

    private static async Task<IResult> UpdateProjectAsync(int projectId, UpdateProjectBody body, ClaimsPrincipal user, ProjectAdminService admin,
        CorpusService corpus, HttpContext http, CancellationToken ct)
    {
        var result = await admin.UpdateAsync(projectId, user.Id(), new ProjectEdit(body.Name, body.Description, body.Archived, body.GuidelinesUrl), ct);
        if (!result.Succeeded) return Problem(result);
        var project = (await corpus.FindProjectAsync(projectId, ct))!;
        var permissions = http.CallerPermissions();
        return TypedResults.Ok(new ProjectDto(project.Id, project.Name, project.Description, RoleName(permissions.Role == ProjectRole.None ? ProjectRole.Supervisor : permissions.Role),
            ModeName(permissions.Mode), project.ArchivedAt is not null));
    }

    private static async Task<IResult> DeleteProjectAsync(int projectId, string? confirm, ClaimsPrincipal user, ProjectAdminService admin, CancellationToken ct)
    {
        var result = await admin.DeleteAsync(projectId, user.Id(), confirm, ct);
        return result.Succeeded ? TypedResults.NoContent() : Problem(result);
    }

    private static async Task<IResult> UpdateDocumentAsync(int documentId, UpdateDocumentBody body, ClaimsPrincipal user, ProjectAdminService admin,
        CorpusService corpus, CancellationToken ct)
    {
        var result = await admin.UpdateDocumentAsync(documentId, user.Id(), new DocumentEdit(body.Title, body.Outlet, body.PublishedOn, body.Url), ct);
        if (!result.Succeeded) return Problem(result);
        var doc = (await corpus.GetDocumentAsync(documentId, ct))!;
        return TypedResults.Ok(new DocumentMetaDto(doc.Id, doc.ProjectId, doc.Title, doc.Outlet, doc.PublishedOn, doc.Url));
    }

    /// <summary><c>?confirm=spans</c> confirms that the annotators' spans go with the document (without it a document
    /// that has some answers 409).</summary>
    private static async Task<IResult> DeleteDocumentAsync(int documentId, string? confirm, ClaimsPrincipal user, ProjectAdminService admin, CancellationToken ct)
    {
        if (confirm is not (null or "spans")) return ApiProblems.Invalid("confirm must be spans (to delete a document with annotators' spans).");
        var result = await admin.DeleteDocumentAsync(documentId, user.Id(), spansConfirmed: confirm == "spans", ct);
        return result.Succeeded ? TypedResults.NoContent() : Problem(result);
    }

    private static IResult Problem(AdminResult result) => result.Outcome switch
    {
        AdminOutcome.NotFound => ApiProblems.NotFound(result.Error!),
        AdminOutcome.Forbidden => ApiProblems.Forbidden(result.Error!),
        AdminOutcome.NeedsConfirmation => ApiProblems.Conflict(result.Error!, null),
        _ => ApiProblems.Unprocessable(result.Error!),
    };

    /// <summary><c>offset</c>, <c>limit</c>, <c>search</c>, <c>sort</c> (published, title, outlet, spans, status), <c>order</c> (asc, desc),
    /// <c>status</c>, <c>label</c> and <c>assignee</c> (<see cref="DocumentListQuery"/>) of a document list request, or why they are wrong.</summary>
    public static (DocumentQuery? Query, string? Error) ParseDocumentQuery(IQueryCollection q)
    {
        var offset = 0;
        var limit = DocumentQuery.MaxLimit;
        if (q.TryGetValue("offset", out var o) && !int.TryParse(o, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
            return (null, "offset must be a whole number, 0 or more.");
        if (q.TryGetValue("limit", out var l) && !int.TryParse(l, NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            return (null, $"limit must be a whole number between 1 and {DocumentQuery.MaxLimit}.");
        var sort = DocumentSort.Published;
        if (q.TryGetValue("sort", out var s))
        {
            if (DocumentListQuery.ParseSort(s.ToString()) is not { } named) return (null, "sort must be published, title, outlet, spans or status.");
            sort = named;
        }
        var order = q.TryGetValue("order", out var d) ? d.ToString().ToLowerInvariant() : "asc";
        if (order is not ("asc" or "desc")) return (null, "order must be asc or desc.");
        DocumentStatus? status = null;
        if (q.TryGetValue("status", out var st))
        {
            status = DocumentListQuery.ParseStatus(st.ToString());
            if (status is null) return (null, "status must be not-started, in-progress, done or curated.");
        }
        int? label = null;
        if (q.TryGetValue("label", out var lb))
        {
            label = DocumentListQuery.ParseInt(lb.ToString());
            if (label is null) return (null, "label must be a label id.");
        }
        var assignee = q.TryGetValue("assignee", out var who) && !string.IsNullOrEmpty(who.ToString()) ? who.ToString() : null;
        var query = new DocumentQuery(q.TryGetValue("search", out var term) ? term.ToString() : null, sort, order == "desc", offset, limit,
            status, assignee, label);
        return query.Check() is { } problem ? (null, problem) : (query, null);
    }

    public static string RoleName(ProjectRole role) => role switch
    {
        ProjectRole.Supervisor => "supervisor",
        ProjectRole.Curator => "curator",
        ProjectRole.Annotator => "annotator",
        _ => "none",
    };

    public static string ModeName(ProjectMode mode) => mode == ProjectMode.Blind ? "blind" : "open";

    public static string StateName(AssignmentState state) => state switch
    {
        AssignmentState.NotStarted => "not_started",
        AssignmentState.InProgress => "in_progress",
        _ => "done",
    };
}
