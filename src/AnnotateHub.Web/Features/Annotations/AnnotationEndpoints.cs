using System.Security.Claims;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.Mvc;

namespace AnnotateHub.Web.Features.Annotations;

public sealed record DocumentDto(int Id, int ProjectId, string Title, string? Outlet, DateOnly? PublishedOn, string? Url, string Text, long Sequence, IReadOnlyList<AnnotationDto> Annotations);

/// <param name="Attributes">What the span says, by attribute name; null or absent gives the label's defaults.</param>
public sealed record CreateAnnotationBody(int Start, int End, string? Label, int? LabelId, string? Note, IReadOnlyDictionary<string, string?>? Attributes = null);

/// <param name="Attributes">The span's values after the change (they replace its values); null or absent keeps them.</param>
public sealed record UpdateAnnotationBody(int ExpectedVersion, string? Label, int? LabelId, string? Note, IReadOnlyDictionary<string, string?>? Attributes = null);

/// <summary>REST: read a document with the spans the caller may see; create, change and delete one's own spans.
/// The same service, validation and permissions as the UI and the hub. See docs/api.md.</summary>
public static class AnnotationEndpoints
{
    /// <summary>The largest request body the API reads (see <see cref="Api.ApiBodyLimit.UseApiBodyLimit"/>).</summary>
    public const long MaxBodyBytes = 64 * 1024;

    public static RouteGroupBuilder MapAnnotationEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/documents/{documentId}", async Task<IResult> (int documentId, ClaimsPrincipal user, ProjectAccess access, AnnotationService annotations, CorpusService corpus, CancellationToken ct) =>
        {
            var standing = await access.ForDocumentAsync(documentId, user.Id(), ct);
            if (Refuse(standing, documentId) is { } refused) return refused;
            var doc = (await corpus.GetDocumentAsync(documentId, ct))!;
            var snapshot = await annotations.SnapshotAsync(standing!, ct);
            return TypedResults.Ok(new DocumentDto(doc.Id, doc.ProjectId, doc.Title, doc.Outlet, doc.PublishedOn, doc.Url, doc.Text,
                snapshot.Sequence, snapshot.Annotations.Select(AnnotationDto.From).ToList()));
        });

        api.MapPost("/documents/{documentId}/annotations", async Task<IResult> (int documentId, [FromBody] CreateAnnotationBody body, ClaimsPrincipal user,
            ProjectAccess access, LabelService labels, AnnotationService annotations, CancellationToken ct) =>
        {
            var userId = user.Id();
            var standing = await access.ForDocumentAsync(documentId, userId, ct);
            // Membership before anything else: a non-member learns nothing, not even the label names.
            if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
            var label = await labels.ResolveAsync(standing.ProjectId, body.Label, body.LabelId, ct);
            if (label.Error is not null) return ApiProblems.Unprocessable(label.Error);
            var result = await annotations.CreateAsync(documentId, userId, body.Start, body.End, label.Id, body.Note, body.Attributes, ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/annotations/{result.Annotation!.Id}", AnnotationDto.From(result.Annotation))
                : Problem(result);
        });

        api.MapPut("/annotations/{annotationId}", async Task<IResult> (long annotationId, [FromBody] UpdateAnnotationBody body, ClaimsPrincipal user,
            LabelService labels, AnnotationService annotations, CancellationToken ct) =>
        {
            var userId = user.Id();
            if (await annotations.FindVisibleAsync(annotationId, userId, ct) is not { } current)
                return ApiProblems.NotFound("The annotation no longer exists; someone deleted it.");
            var label = body.Label is null && body.LabelId is null
                ? (current.Annotation.LabelId, null)
                : await labels.ResolveAsync(current.Access.ProjectId, body.Label, body.LabelId, ct);
            if (label.Error is not null) return ApiProblems.Unprocessable(label.Error);
            var result = await annotations.UpdateAsync(annotationId, userId, body.ExpectedVersion, label.Id, body.Note, body.Attributes, ct);
            return result.Succeeded ? TypedResults.Ok(AnnotationDto.From(result.Annotation!)) : Problem(result);
        });

        api.MapDelete("/annotations/{annotationId}", async Task<IResult> (long annotationId, int expectedVersion, ClaimsPrincipal user,
            AnnotationService annotations, CancellationToken ct) =>
        {
            var userId = user.Id();
            if (await annotations.FindVisibleAsync(annotationId, userId, ct) is null)
                return ApiProblems.NotFound("The annotation no longer exists; someone deleted it.");
            var result = await annotations.DeleteAsync(annotationId, userId, expectedVersion, ct);
            return result.Succeeded ? TypedResults.NoContent() : Problem(result);
        });
        return api;
    }

    private static IResult? Refuse(DocumentAccess? standing, int documentId)
    {
        if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
        return standing.CanOpen ? null : ApiProblems.Forbidden("This document is not assigned to you.");
    }

    private static IResult Problem(AnnotationResult result) => result.Outcome switch
    {
        AnnotationOutcome.NotFound => ApiProblems.NotFound(result.Error!),
        AnnotationOutcome.Forbidden => ApiProblems.Forbidden(result.Error!),
        AnnotationOutcome.Conflict => ApiProblems.Conflict(result.Error!, result.Annotation is null ? null : AnnotationDto.From(result.Annotation)),
        _ => ApiProblems.Unprocessable(result.Error!),
    };
}
