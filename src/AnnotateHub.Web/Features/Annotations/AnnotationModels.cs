namespace AnnotateHub.Web.Features.Annotations;

/// <summary>An annotation as the UI and programs see it; offsets in code points, end exclusive.</summary>
public sealed record AnnotationView(
    long Id, int DocumentId, string AnnotatorId, string AnnotatorName,
    int Start, int End, int LabelId, string? Note,
    DateTime CreatedAt, DateTime UpdatedAt, int Version);

public enum AnnotationOutcome
{
    Ok,
    NotFound,
    Invalid,
    Forbidden,
    /// <summary>Someone else changed or deleted the annotation first; <see cref="AnnotationResult.Current"/> holds what is there now.</summary>
    Conflict,
}

public sealed record AnnotationResult(AnnotationOutcome Outcome, AnnotationView? Annotation, string? Error)
{
    public bool Succeeded => Outcome == AnnotationOutcome.Ok;
    public static AnnotationResult Ok(AnnotationView a) => new(AnnotationOutcome.Ok, a, null);
    public static AnnotationResult Fail(AnnotationOutcome outcome, string error, AnnotationView? current = null) => new(outcome, current, error);
}
