using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.SignalR;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>Sends committed changes to the hub's groups (through the SignalR backplane, to every instance's clients),
/// to each connection only what its user may see: in a blind project an annotator gets only their own changes.</summary>
public sealed class HubFanOut(IHubContext<AnnotationHub> hub, CorpusService corpus, ProjectAccess access) : IHubFanOut
{
    public async Task SendChangesAsync(IReadOnlyList<DocumentChangeEvent> changes)
    {
        var documentId = changes[0].DocumentId;
        if (await ModeOfAsync(documentId) == ProjectMode.Open)
        {
            await Send(hub.Clients.Groups(AnnotationHub.EveryoneGroup(documentId), AnnotationHub.AnnotatorsGroup(documentId)), changes);
            return;
        }
        await Send(hub.Clients.Group(AnnotationHub.EveryoneGroup(documentId)), changes);
        foreach (var byAuthor in changes.GroupBy(c => c.Annotation.AnnotatorId))
        {
            await Send(hub.Clients.Group(AnnotationHub.OwnGroup(documentId, byAuthor.Key)), byAuthor.ToList());
        }
    }

    public Task SendLabelsAsync(LabelsChangedEvent labels) =>
        hub.Clients.Group(AnnotationHub.ProjectGroup(labels.ProjectId)).SendAsync("LabelsChanged",
            new LabelsChangedDto(labels.ProjectId, labels.Labels.Select(LabelDto.From).ToList()));

    /// <summary>Annotators in a blind project see who is there but not what they are working on (it names span text).</summary>
    public async Task SendPresenceAsync(PresenceChangedEvent presence)
    {
        var documentId = presence.DocumentId;
        var full = new PresenceDto(documentId, presence.Viewers.Select(v => ViewerDto.From(v)).ToList());
        if (await ModeOfAsync(documentId) == ProjectMode.Open)
        {
            await hub.Clients.Groups(AnnotationHub.EveryoneGroup(documentId), AnnotationHub.AnnotatorsGroup(documentId)).SendAsync("Presence", full);
            return;
        }
        await hub.Clients.Group(AnnotationHub.EveryoneGroup(documentId)).SendAsync("Presence", full);
        await hub.Clients.Group(AnnotationHub.AnnotatorsGroup(documentId)).SendAsync("Presence",
            new PresenceDto(documentId, presence.Viewers.Select(v => ViewerDto.From(v, showActivity: false)).ToList()));
    }

    private async Task<ProjectMode> ModeOfAsync(int documentId) =>
        await corpus.FactsAsync(documentId) is { } facts ? await access.ModeAsync(facts.ProjectId) : ProjectMode.Open;

    private static Task Send(IClientProxy clients, IReadOnlyList<DocumentChangeEvent> changes) => changes.Count == 1
        ? clients.SendAsync("Change", ChangeDto.From(changes[0]))
        : clients.SendAsync("Changes", changes.Select(ChangeDto.From).ToArray());
}
