using System.Security.Claims;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.Mvc;

namespace AnnotateHub.Web.Features.Labels;

/// <summary>REST: a project's label set with what each label's spans say (its attributes), and a supervisor setting a
/// label's attribute definitions. See docs/api.md.</summary>
public static class LabelEndpoints
{
    public static RouteGroupBuilder MapLabelEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/projects/{projectId}/labels", async Task<IResult> (int projectId, LabelService labels, CancellationToken ct) =>
            TypedResults.Ok((await labels.ListAsync(projectId, ct)).Select(LabelDto.From).ToList()))
            .RequireProjectMember();

        // The whole list of definitions, in order: it replaces the label's. Refused whole, with every reason, when one is bad.
        api.MapPut("/labels/{labelId}/attributes", async Task<IResult> (int labelId, [FromBody] List<AttributeDto>? body, ClaimsPrincipal user,
            LabelService labels, ProjectAccess access, CancellationToken ct) =>
        {
            if (body is null) return ApiProblems.Invalid("Send the label's attributes as a JSON array, [] for none.");
            var definitions = new List<Core.Labels.AttributeDefinition>();
            foreach (var dto in body)
            {
                if (dto?.ToDefinition() is not { } definition)
                    return ApiProblems.Unprocessable($"\"{dto?.Name}\" has the type \"{dto?.Type}\"; the types are number, choice, text, yesno and date. Nothing was changed.");
                definitions.Add(definition);
            }
            var result = await labels.SetAttributesAsync(labelId, user.Id(), definitions, ct: ct);
            if (result.Succeeded) return TypedResults.Ok(LabelDto.From(result.Label!));
            if (result.Errors is [var only] && (only.StartsWith("The label no longer exists", StringComparison.Ordinal)))
                return ApiProblems.NotFound($"Label {labelId} does not exist.");
            if (result.Errors is [var refused] && refused.StartsWith("Only the project's supervisors", StringComparison.Ordinal))
                return ApiProblems.Forbidden(refused);
            return ApiProblems.Unprocessable(string.Join(" ", result.Errors) + " Nothing was changed.");
        });
        // Document-level labels: the caller's own, and (where they may see others' work) every annotator's.
        api.MapGet("/documents/{documentId}/labels", async Task<IResult> (int documentId, ClaimsPrincipal user, ProjectAccess access,
            DocumentLabelService documentLabels, CancellationToken ct) =>
        {
            var standing = await access.ForDocumentAsync(documentId, user.Id(), ct);
            if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
            if (!standing.CanOpen) return ApiProblems.Forbidden("This document is not assigned to you.");
            var definitions = await documentLabels.DefinitionsAsync(standing.ProjectId, ct);
            var mine = await documentLabels.MineAsync(standing, ct);
            var all = await documentLabels.ListAsync(standing, ct);
            return TypedResults.Ok(new DocumentLabelsDto(documentId, definitions.Select(AttributeDto.From).ToList(), mine.Values, mine.Version,
                all.Select(l => new AnnotatorDocumentLabelsDto(l.AnnotatorId, l.AnnotatorName, l.Values, l.Version)).ToList()));
        });

        api.MapPut("/documents/{documentId}/labels", async Task<IResult> (int documentId, [FromBody] SetDocumentLabelsBody? body, ClaimsPrincipal user,
            ProjectAccess access, DocumentLabelService documentLabels, CancellationToken ct) =>
        {
            if (body?.Values is null) return ApiProblems.Invalid("Send {\"expectedVersion\": N, \"values\": {\"name\": \"value\"}}.");
            var standing = await access.ForDocumentAsync(documentId, user.Id(), ct);
            if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
            var result = await documentLabels.SetAsync(standing, body.Values, body.ExpectedVersion, ct);
            if (result.Succeeded) return TypedResults.Ok(new AnnotatorDocumentLabelsDto(result.Saved!.AnnotatorId, "", result.Saved.Values, result.Saved.Version));
            if (result.Conflict) return ApiProblems.Conflict(result.Error!, result.Current is { } now ? new AnnotatorDocumentLabelsDto(now.AnnotatorId, "", now.Values, now.Version) : null);
            return standing.CanOpen && standing.RefusalToAnnotate is null ? ApiProblems.Unprocessable(result.Error!) : ApiProblems.Forbidden(result.Error!);
        });
        return api;
    }
}

/// <summary>A document's labels: what the project asks, the caller's values and version, every annotator's the caller may see.</summary>
public sealed record DocumentLabelsDto(int DocumentId, IReadOnlyList<AttributeDto> Attributes, IReadOnlyDictionary<string, string> Values, int Version,
    IReadOnlyList<AnnotatorDocumentLabelsDto> Annotators);

public sealed record AnnotatorDocumentLabelsDto(string AnnotatorId, string Annotator, IReadOnlyDictionary<string, string> Values, int Version);

/// <param name="ExpectedVersion">The version the caller read (0 when they have given none yet).</param>
public sealed record SetDocumentLabelsBody(int ExpectedVersion, IReadOnlyDictionary<string, string?>? Values);
