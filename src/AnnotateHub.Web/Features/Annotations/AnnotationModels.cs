using AnnotateHub.Web.Data;

namespace AnnotateHub.Web.Features.Annotations;

/// <summary>An annotation as the UI and programs see it; offsets in code points, end exclusive. <paramref name="Attributes"/>
/// is what the span says, as <see cref="Annotation.Attributes"/> holds it (canonical JSON, so equal values are equal text);
/// <see cref="Values"/> reads it.</summary>
public sealed record AnnotationView(
    long Id, int DocumentId, string AnnotatorId, string AnnotatorName,
    int Start, int End, int LabelId, string LabelName, string? Note,
    DateTime CreatedAt, DateTime UpdatedAt, int Version, string? Attributes = null)
{
    /// <summary>The span's attribute values by name (empty when it has none).</summary>
    public IReadOnlyDictionary<string, string> Values() => Core.Labels.AttributeJson.ParseValues(Attributes);
}

public enum AnnotationOutcome
{
    Ok,
    NotFound,
    Invalid,
    Forbidden,
    /// <summary>Someone else changed or deleted the annotation first; <see cref="AnnotationResult.Annotation"/> holds what is there now.</summary>
    Conflict,
}

/// <summary>The outcome of a change. On success <see cref="Sequence"/> is the change's number in the document's log.</summary>
public sealed record AnnotationResult(AnnotationOutcome Outcome, AnnotationView? Annotation, string? Error, long Sequence = 0, ChangeKind Kind = default)
{
    public bool Succeeded => Outcome == AnnotationOutcome.Ok;
    public static AnnotationResult Ok(AnnotationView a, long sequence, ChangeKind kind) => new(AnnotationOutcome.Ok, a, null, sequence, kind);
    public static AnnotationResult Fail(AnnotationOutcome outcome, string error, AnnotationView? current = null) => new(outcome, current, error);
}

/// <summary>One change of a span: who made it and when, the span before it (null for a creation) and after it (null for a
/// deletion); <see cref="Reverts"/> the change it undid, <see cref="RevertedBy"/> the change that undid it, and whether the
/// viewer may revert it (their own, or any as a supervisor).</summary>
public sealed record SpanHistoryEntry(
    int DocumentId, long Sequence, ChangeKind Kind, string UserId, string UserName, DateTime At,
    AnnotationView? Before, AnnotationView? After, long? Reverts, long? RevertedBy, bool CanRevert);
