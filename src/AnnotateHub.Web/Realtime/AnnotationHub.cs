using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Realtime;

/// <summary>
/// The live annotation stream for programs (scripts, pre-annotators, the load tool): join a document, receive its
/// committed changes in order, and change annotations with the same validation as the UI. See docs/realtime.md.
/// </summary>
[Authorize(Policy = ApiTokenDefaults.CookieOrToken)]
public sealed class AnnotationHub(AnnotationService annotations, CorpusService corpus, LabelService labels, PresenceTracker presence) : Hub
{
    public const string Path = "/hubs/annotations";
    public const int MaxMessageBytes = 64 * 1024;
    public const int MaxCatchUp = 5000;
    public const int MaxParallelInvocations = 32;

    public static string DocumentGroup(int documentId) => $"doc:{documentId}";
    public static string ProjectGroup(int projectId) => $"project:{projectId}";

    private string UserId => Context.User!.Id();

    public async Task<JoinResult> JoinDocument(int documentId, long? afterSequence)
    {
        var projectId = await corpus.ProjectOfDocumentAsync(documentId) ?? throw new HubException($"Document {documentId} does not exist.");
        // Join the stream before reading, so nothing committed in between is missed; the client skips duplicates by sequence.
        await Groups.AddToGroupAsync(Context.ConnectionId, DocumentGroup(documentId));
        await Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroup(projectId));
        await presence.JoinAsync(documentId, Context.ConnectionId, UserId, "connected (API)");

        var labelSet = (await labels.ListAsync(projectId)).Select(LabelDto.From).ToList();
        var viewers = presence.ViewersOf(documentId).Select(ViewerDto.From).ToList();
        if (afterSequence is { } after && after >= 0)
        {
            var missed = await annotations.ChangesAfterAsync(documentId, after, MaxCatchUp + 1);
            if (missed.Count <= MaxCatchUp)
            {
                var sequence = missed.Count > 0 ? missed[^1].Sequence : Math.Max(after, await annotations.LastSequenceAsync(documentId));
                return new JoinResult(documentId, projectId, sequence, false, [], missed.Select(ChangeDto.From).ToList(), labelSet, viewers);
            }
        }
        var snapshot = await annotations.SnapshotAsync(documentId);
        return new JoinResult(documentId, projectId, snapshot.Sequence, true, snapshot.Annotations.Select(AnnotationDto.From).ToList(), [], labelSet, viewers);
    }

    public async Task LeaveDocument(int documentId)
    {
        await Groups.RemoveFromGroupAsync(Context.ConnectionId, DocumentGroup(documentId));
        presence.Leave(documentId, Context.ConnectionId);
    }

    public async Task<IReadOnlyList<ChangeDto>> GetChanges(int documentId, long afterSequence, int max)
    {
        if (max is < 1 or > MaxCatchUp) throw new HubException($"max must be between 1 and {MaxCatchUp}.");
        if (await corpus.ProjectOfDocumentAsync(documentId) is null) throw new HubException($"Document {documentId} does not exist.");
        return (await annotations.ChangesAfterAsync(documentId, afterSequence, max)).Select(ChangeDto.From).ToList();
    }

    public void SetActivity(int documentId, string activity) => presence.SetActivity(documentId, Context.ConnectionId, activity ?? "");

    public async Task<MutationResult> CreateAnnotation(CreateAnnotationRequest request)
    {
        if (request is null) return MutationResult.Invalid("The request is empty.");
        var projectId = await corpus.ProjectOfDocumentAsync(request.DocumentId);
        if (projectId is null) return MutationResult.NotFound($"Document {request.DocumentId} does not exist.");
        var labelId = await ResolveLabelAsync(projectId.Value, request.Label, request.LabelId);
        if (labelId.Error is not null) return MutationResult.Invalid(labelId.Error);
        var result = await annotations.CreateAsync(request.DocumentId, UserId, request.Start, request.End, labelId.Id, request.Note);
        return MutationResult.From(result, request.DocumentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    public async Task<MutationResult> UpdateAnnotation(UpdateAnnotationRequest request)
    {
        if (request is null) return MutationResult.Invalid("The request is empty.");
        var current = await annotations.FindAsync(request.AnnotationId);
        if (current is null) return MutationResult.NotFound("The annotation no longer exists; someone deleted it.");
        var projectId = await corpus.ProjectOfDocumentAsync(current.DocumentId);
        var labelId = request.Label is null && request.LabelId is null
            ? (current.LabelId, null)
            : await ResolveLabelAsync(projectId!.Value, request.Label, request.LabelId);
        if (labelId.Error is not null) return MutationResult.Invalid(labelId.Error);
        var result = await annotations.UpdateAsync(request.AnnotationId, UserId, request.ExpectedVersion, labelId.Id, request.Note);
        return MutationResult.From(result, current.DocumentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    public async Task<MutationResult> DeleteAnnotation(long annotationId, int expectedVersion)
    {
        var current = await annotations.FindAsync(annotationId);
        if (current is null) return MutationResult.NotFound("The annotation no longer exists; someone deleted it.");
        var result = await annotations.DeleteAsync(annotationId, UserId, expectedVersion);
        return MutationResult.From(result, current.DocumentId, UserId, DateTime.UtcNow);
    }

    /// <summary>Returns its argument: the round trip without the database, the floor the load tool compares with.</summary>
    public string Echo(string payload) => payload;

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        presence.LeaveAll(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    private async Task<(int Id, string? Error)> ResolveLabelAsync(int projectId, string? name, int? id)
    {
        var set = await labels.ListAsync(projectId);
        if (id is { } byId)
        {
            return set.Any(l => l.Id == byId) ? (byId, null) : (0, $"Label {byId} is not a label of this project.");
        }
        if (string.IsNullOrWhiteSpace(name)) return (0, "Give the label by name (label) or id (labelId).");
        var match = set.FirstOrDefault(l => string.Equals(l.Name, name.Trim(), StringComparison.OrdinalIgnoreCase));
        return match is null
            ? (0, $"Unknown label \"{name}\"; this project's labels are: {string.Join(", ", set.Select(l => l.Name))}.")
            : (match.Id, null);
    }
}

/// <summary>Sends committed changes to the hub's groups (through the SignalR backplane, to every instance's clients).</summary>
public sealed class HubFanOut(IHubContext<AnnotationHub> hub) : IRemoteFanOut
{
    public Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes)
    {
        var group = hub.Clients.Group(AnnotationHub.DocumentGroup(changes[0].DocumentId));
        return changes.Count == 1
            ? group.SendAsync("Change", ChangeDto.From(changes[0]))
            : group.SendAsync("Changes", changes.Select(ChangeDto.From).ToArray());
    }

    public Task SendLabelsAsync(LabelsChangedEvent labels) =>
        hub.Clients.Group(AnnotationHub.ProjectGroup(labels.ProjectId)).SendAsync("LabelsChanged",
            new LabelsChangedDto(labels.ProjectId, labels.Labels.Select(LabelDto.From).ToList()));

    public Task SendPresenceAsync(PresenceChangedEvent presence) =>
        hub.Clients.Group(AnnotationHub.DocumentGroup(presence.DocumentId)).SendAsync("Presence",
            new PresenceDto(presence.DocumentId, presence.Viewers.Select(ViewerDto.From).ToList()));
}
