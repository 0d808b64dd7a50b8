using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Projects;

/// <summary>A project's mode, members or assignments changed (committed, here or, through
/// <see cref="AccessChangeWatcher"/>, in another process); open views re-check what they may show.</summary>
public sealed record TeamChangedEvent(int ProjectId) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(ProjectId);
}
