using AnnotateHub.Web.Data;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>A committed change of a document, as delivered to live viewers (published by <see cref="DocumentWriter"/>
/// and the import, in sequence order per document).</summary>
public sealed record DocumentChangeEvent(int DocumentId, long Sequence, ChangeKind Kind, AnnotationView Annotation, string UserId, DateTime At) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}
