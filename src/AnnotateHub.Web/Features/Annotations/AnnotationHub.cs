using AnnotateHub.Web.Realtime;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>
/// The live annotation stream for programs (scripts, pre-annotators, the load tool): join a document, receive its
/// committed changes in order, and change annotations with the same validation as the UI. See docs/realtime.md.
/// </summary>
[Authorize(Policy = ApiTokenDefaults.CookieOrToken)]
public sealed class AnnotationHub(AnnotationService annotations, LabelService labels, PresenceTracker presence, ProjectAccess access, HubAccessGuard guard, IConfiguration configuration) : Hub
{
    /// <summary>Turns on <see cref="ProbeFanOut"/>, a diagnostic for the load tool; off unless set to true.</summary>
    public const string FanOutProbeSetting = "Realtime:FanOutProbe";
    public const int MaxProbeChars = 4096;

    public const string Path = "/hubs/annotations";
    public const int MaxMessageBytes = 64 * 1024;
    public const int MaxCatchUp = 5000;
    public const int MaxParallelInvocations = 32;

    // A connection on a document is in exactly one of two kinds of group, so no change reaches it twice: supervisors
    // in the document's "all" group; annotators in its "annotators" group and in their own. An open project's
    // changes go to "all" and "annotators"; a blind project's to "all" and the author's own group (see HubFanOut).
    public static string EveryoneGroup(int documentId) => $"doc:{documentId}:all";
    public static string AnnotatorsGroup(int documentId) => $"doc:{documentId}:annotators";
    public static string OwnGroup(int documentId, string userId) => $"doc:{documentId}:own:{userId}";
    public static string ProjectGroup(int projectId) => $"project:{projectId}";

    /// <summary>Every group a connection of <paramref name="userId"/> on the document can be in, whatever its role.</summary>
    public static string[] DocumentGroups(int documentId, string userId) =>
        [EveryoneGroup(documentId), AnnotatorsGroup(documentId), OwnGroup(documentId, userId)];

    private string UserId => Context.User!.Id();

    public async Task<JoinResult> JoinDocument(int documentId, long? afterSequence)
    {
        var standing = await OpenAsync(documentId);
        // Join the stream before reading, so nothing committed in between is missed; the client skips duplicates by sequence.
        await JoinGroupsAsync(standing);
        await Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroup(standing.ProjectId));
        guard.Joined(Context.ConnectionId, standing);
        await presence.JoinAsync(documentId, Context.ConnectionId, UserId, "connected (API)");

        var labelSet = (await labels.ListAsync(standing.ProjectId)).Select(LabelDto.From).ToList();
        var viewers = presence.ViewersOf(documentId).Select(v => ViewerDto.From(v, standing.Permissions.SeesOthers)).ToList();
        if (afterSequence is { } after && after >= 0)
        {
            var head = await annotations.LastSequenceAsync(documentId);
            var missed = await annotations.ChangesAfterAsync(standing, after, MaxCatchUp + 1);
            // A sequence past the head is not one this document gave (another server's, a restored backup's): the
            // client's copy cannot be trusted, so it gets a snapshot rather than its own number back.
            if (missed.Count <= MaxCatchUp && after <= head)
            {
                var sequence = Math.Max(Math.Max(after, head), missed.Count > 0 ? missed[^1].Sequence : 0);
                return new JoinResult(documentId, standing.ProjectId, sequence, false, [], missed.Select(ChangeDto.From).ToList(), labelSet, viewers);
            }
        }
        var snapshot = await annotations.SnapshotAsync(standing);
        return new JoinResult(documentId, standing.ProjectId, snapshot.Sequence, true, snapshot.Annotations.Select(AnnotationDto.From).ToList(), [], labelSet, viewers);
    }

    public async Task LeaveDocument(int documentId)
    {
        foreach (var group in DocumentGroups(documentId, UserId)) await Groups.RemoveFromGroupAsync(Context.ConnectionId, group);
        presence.Leave(documentId, Context.ConnectionId);
        guard.Left(Context.ConnectionId, documentId);
    }

    public async Task<IReadOnlyList<ChangeDto>> GetChanges(int documentId, long afterSequence, int max)
    {
        if (max is < 1 or > MaxCatchUp) throw new HubException($"max must be between 1 and {MaxCatchUp}.");
        var standing = await OpenAsync(documentId);
        return (await annotations.ChangesAfterAsync(standing, afterSequence, max)).Select(ChangeDto.From).ToList();
    }

    public void SetActivity(int documentId, string activity) => presence.SetActivity(documentId, Context.ConnectionId, activity ?? "");

    public async Task<MutationResult> CreateAnnotation(CreateAnnotationRequest request)
    {
        if (request is null) return MutationResult.Invalid("The request is empty.");
        // Membership first: a non-member learns nothing about the project, not even its labels.
        var standing = await access.ForDocumentAsync(request.DocumentId, UserId);
        if (standing is null || !standing.Permissions.IsMember) return MutationResult.NotFound($"Document {request.DocumentId} does not exist.");
        var labelId = await ResolveLabelAsync(standing.ProjectId, request.Label, request.LabelId);
        if (labelId.Error is not null) return MutationResult.Invalid(labelId.Error);
        var result = await annotations.CreateAsync(request.DocumentId, UserId, request.Start, request.End, labelId.Id, request.Note, request.Attributes);
        return MutationResult.From(result, request.DocumentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    public async Task<MutationResult> UpdateAnnotation(UpdateAnnotationRequest request)
    {
        if (request is null) return MutationResult.Invalid("The request is empty.");
        if (await annotations.FindVisibleAsync(request.AnnotationId, UserId) is not { } current) return MutationResult.NotFound("The annotation no longer exists; someone deleted it.");
        var labelId = request.Label is null && request.LabelId is null
            ? (current.Annotation.LabelId, null)
            : await ResolveLabelAsync(current.Access.ProjectId, request.Label, request.LabelId);
        if (labelId.Error is not null) return MutationResult.Invalid(labelId.Error);
        var result = await annotations.UpdateAsync(request.AnnotationId, UserId, request.ExpectedVersion, labelId.Id, request.Note, request.Attributes);
        return MutationResult.From(result, current.Annotation.DocumentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    public async Task<MutationResult> DeleteAnnotation(long annotationId, int expectedVersion)
    {
        if (await annotations.FindVisibleAsync(annotationId, UserId) is not { } current) return MutationResult.NotFound("The annotation no longer exists; someone deleted it.");
        var result = await annotations.DeleteAsync(annotationId, UserId, expectedVersion);
        return MutationResult.From(result, current.Annotation.DocumentId, UserId, DateTime.UtcNow);
    }

    /// <summary>Undoes the caller's latest change to the document that is not undone yet (from the change log: it reaches back
    /// past reconnects and restarts). The undo is a change like any other and reaches every viewer.</summary>
    public async Task<MutationResult> Undo(int documentId)
    {
        var result = await annotations.UndoAsync(documentId, UserId);
        return MutationResult.From(result, documentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    /// <summary>Reverts the document's change numbered <paramref name="sequence"/>: the caller's own, or anyone's for a supervisor.</summary>
    public async Task<MutationResult> RevertChange(int documentId, long sequence)
    {
        var result = await annotations.RevertAsync(documentId, sequence, UserId);
        return MutationResult.From(result, documentId, UserId, result.Annotation?.UpdatedAt ?? DateTime.UtcNow);
    }

    /// <summary>Every change of a span, oldest first (a deleted span's too).</summary>
    public async Task<IReadOnlyList<HistoryEntryDto>> GetHistory(long annotationId) =>
        (await annotations.HistoryAsync(annotationId, UserId) ?? throw new HubException($"Annotation {annotationId} does not exist."))
            .Select(HistoryEntryDto.From).ToList();

    /// <summary>What <see cref="ArgumentReportingJsonProtocol"/> calls instead of a method whose arguments could not be read:
    /// the answer of an invalid call of <paramref name="method"/>, with <paramref name="reason"/>.</summary>
    public MutationResult InvalidArguments(string method, string reason) =>
        HubCallLimiter.IsChange(method) ? MutationResult.Invalid(reason) : throw new HubException(reason);

    public const string InvalidArgumentsMethod = nameof(InvalidArguments);

    /// <summary>Returns its argument: the round trip without the database, the floor the load tool compares with.</summary>
    public string Echo(string payload) => payload;

    /// <summary>Diagnostic, off unless <see cref="FanOutProbeSetting"/> is true: sends <paramref name="payload"/> as a
    /// <c>Probe</c> event straight to every connection on the document, as an open project's change goes, with no
    /// validation of spans, no database and no writer. The load tool's floor for "a create reaches the others".</summary>
    public async Task ProbeFanOut(int documentId, string payload)
    {
        if (!configuration.GetValue<bool>(FanOutProbeSetting))
            throw new HubException($"ProbeFanOut is a diagnostic for the load tool and is off on this server ({FanOutProbeSetting}).");
        if (payload is null || payload.Length > MaxProbeChars) throw new HubException($"The probe payload must be a string of at most {MaxProbeChars} characters.");
        await OpenAsync(documentId);
        await Clients.Groups(EveryoneGroup(documentId), AnnotatorsGroup(documentId)).SendAsync("Probe", payload);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        presence.LeaveAll(Context.ConnectionId);
        guard.Disconnected(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }

    /// <summary>The caller's standing on a document they may open; anything else is refused with a clear error.</summary>
    private async Task<DocumentAccess> OpenAsync(int documentId)
    {
        var standing = await access.ForDocumentAsync(documentId, UserId);
        // Not a member: the document might as well not exist.
        if (standing is null || !standing.Permissions.IsMember) throw new HubException($"Document {documentId} does not exist.");
        if (!standing.CanOpen) throw new HubException("This document is not assigned to you.");
        return standing;
    }

    private async Task JoinGroupsAsync(DocumentAccess standing)
    {
        if (standing.Permissions.IsSupervisor)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, EveryoneGroup(standing.DocumentId));
            return;
        }
        await Groups.AddToGroupAsync(Context.ConnectionId, AnnotatorsGroup(standing.DocumentId));
        await Groups.AddToGroupAsync(Context.ConnectionId, OwnGroup(standing.DocumentId, UserId));
    }

    private Task<(int Id, string? Error)> ResolveLabelAsync(int projectId, string? name, int? id) => labels.ResolveAsync(projectId, name, id);
}
