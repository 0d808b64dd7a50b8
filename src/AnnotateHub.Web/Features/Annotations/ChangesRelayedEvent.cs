using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>An instance's hub relay sent a document's changes up to <paramref name="Sequence"/> to the hub's groups (the
/// backplane took them). With several instances, the relay that has the next change waits for this before sending it, so
/// hub clients get one document's changes in sequence order whichever instances committed them (decision 0070).</summary>
public sealed record ChangesRelayedEvent(int DocumentId, long Sequence) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}
