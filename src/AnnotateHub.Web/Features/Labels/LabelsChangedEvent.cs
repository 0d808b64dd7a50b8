using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Labels;

/// <summary>A project's label set after a committed change (published by <see cref="LabelService"/>).</summary>
public sealed record LabelsChangedEvent(int ProjectId, IReadOnlyList<LabelView> Labels) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(ProjectId);
}
