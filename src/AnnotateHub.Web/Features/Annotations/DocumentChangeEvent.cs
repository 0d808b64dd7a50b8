using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>A committed change of a document, as delivered to live viewers (published by <see cref="DocumentWriter"/>
/// and the import, in sequence order per document).</summary>
public sealed record DocumentChangeEvent(int DocumentId, long Sequence, ChangeKind Kind, AnnotationView Annotation, string UserId, DateTime At) : IBusEvent
{
    /// <summary>The change this one undid, when it is an undo or a revert.</summary>
    public long? Reverts { get; init; }

    public string Key => IBusEvent.KeyOf(DocumentId);
}
