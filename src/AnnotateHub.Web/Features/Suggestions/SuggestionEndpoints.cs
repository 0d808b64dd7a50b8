using System.Security.Claims;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Suggestions;

public sealed record SuggestionDto(long Id, int DocumentId, string Source, int Start, int End, int LabelId, string Label)
{
    public static SuggestionDto From(SuggestionView s) => new(s.Id, s.DocumentId, s.Source, s.Start, s.End, s.LabelId, s.LabelName);
}

public sealed record AcceptAllDto(IReadOnlyList<AnnotationDto> Accepted, IReadOnlyList<string> Errors);

/// <summary>REST: the suggestions pending for the caller on a document; accept or reject one, or accept them all.
/// The same service and rules as the document page. See docs/api.md.</summary>
public static class SuggestionEndpoints
{
    public static RouteGroupBuilder MapSuggestionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/documents/{documentId}/suggestions", async Task<IResult> (int documentId, ClaimsPrincipal user, ProjectAccess access,
            SuggestionService suggestions, CancellationToken ct) =>
        {
            var standing = await access.ForDocumentAsync(documentId, user.Id(), ct);
            if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
            if (!standing.CanOpen) return ApiProblems.Forbidden("This document is not assigned to you.");
            return TypedResults.Ok((await suggestions.PendingAsync(standing, ct)).Select(SuggestionDto.From).ToList());
        });

        api.MapPost("/documents/{documentId}/suggestions/accept-all", async Task<IResult> (int documentId, string? label, int? labelId, ClaimsPrincipal user,
            ProjectAccess access, LabelService labels, SuggestionService suggestions, CancellationToken ct) =>
        {
            var standing = await access.ForDocumentAsync(documentId, user.Id(), ct);
            if (standing is null || !standing.Permissions.IsMember) return ApiProblems.NotFound($"Document {documentId} does not exist.");
            int? only = null;
            if (label is not null || labelId is not null)
            {
                var resolved = await labels.ResolveAsync(standing.ProjectId, label, labelId, ct);
                if (resolved.Error is not null) return ApiProblems.Unprocessable(resolved.Error);
                only = resolved.Id;
            }
            var result = await suggestions.AcceptAllAsync(standing, only, ct);
            if (result.Refused) return ApiProblems.Forbidden(result.Refusal!);
            return TypedResults.Ok(new AcceptAllDto(result.Created.Select(r => AnnotationDto.From(r.Annotation!)).ToList(), result.Errors));
        });

        api.MapPost("/suggestions/{suggestionId}/accept", async Task<IResult> (long suggestionId, ClaimsPrincipal user, ProjectAccess access,
            SuggestionService suggestions, CancellationToken ct) =>
        {
            if (await StandingAsync(suggestionId, user.Id(), access, suggestions, ct) is not { } standing)
                return ApiProblems.NotFound($"Suggestion {suggestionId} does not exist.");
            var result = await suggestions.AcceptAsync(standing, suggestionId, ct);
            return result.Succeeded
                ? TypedResults.Created($"/api/annotations/{result.Created!.Annotation!.Id}", AnnotationDto.From(result.Created.Annotation))
                : Problem(result);
        });

        api.MapPost("/suggestions/{suggestionId}/reject", async Task<IResult> (long suggestionId, ClaimsPrincipal user, ProjectAccess access,
            SuggestionService suggestions, CancellationToken ct) =>
        {
            if (await StandingAsync(suggestionId, user.Id(), access, suggestions, ct) is not { } standing)
                return ApiProblems.NotFound($"Suggestion {suggestionId} does not exist.");
            var result = await suggestions.RejectAsync(standing, suggestionId, ct);
            return result.Succeeded ? TypedResults.NoContent() : Problem(result);
        });
        return api;
    }

    // A suggestion on a document the caller may not open answers as if it did not exist.
    private static async Task<DocumentAccess?> StandingAsync(long suggestionId, string userId, ProjectAccess access, SuggestionService suggestions, CancellationToken ct)
    {
        if (await suggestions.DocumentOfAsync(suggestionId, ct) is not { } documentId) return null;
        var standing = await access.ForDocumentAsync(documentId, userId, ct);
        return standing is { Permissions.IsMember: true, CanOpen: true } ? standing : null;
    }

    private static IResult Problem(SuggestionResult result) => result.Outcome switch
    {
        AnnotationOutcome.NotFound => ApiProblems.NotFound(result.Error!),
        AnnotationOutcome.Forbidden => ApiProblems.Forbidden(result.Error!),
        AnnotationOutcome.Conflict => ApiProblems.Conflict(result.Error!, null),
        _ => ApiProblems.Unprocessable(result.Error!),
    };
}
