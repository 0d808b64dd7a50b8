using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>A committed change of a document, as delivered to live viewers (published by <see cref="DocumentWriter"/>
/// and the import, in sequence order per document).</summary>
public sealed record DocumentChangeEvent(int DocumentId, long Sequence, ChangeKind Kind, AnnotationView Annotation, string UserId, DateTime At) : IBusEvent
{
    /// <summary>The change this one undid, when it is an undo or a revert.</summary>
    public long? Reverts { get; init; }

    /// <summary>The change before this one was committed moments ago by another writer (another instance, an import): the
    /// hub relay sends this one only after that one (<see cref="ChangesRelayedEvent"/>). Not sent to clients.</summary>
    public bool FollowsOtherWriter { get; init; }

    public string Key => IBusEvent.KeyOf(DocumentId);
}
