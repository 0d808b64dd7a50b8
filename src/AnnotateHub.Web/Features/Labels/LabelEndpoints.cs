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
        return api;
    }
}
