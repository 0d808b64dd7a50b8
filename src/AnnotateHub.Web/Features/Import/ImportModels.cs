using AnnotateHub.Core.Formats;

namespace AnnotateHub.Web.Features.Import;

/// <summary>What the spans of an imported file become.</summary>
public enum ImportedSpans
{
    /// <summary>Each span is the named annotator's own annotation (a finished annotation project moving in).</summary>
    Annotations,
    /// <summary>Each span is a suggestion from its named source (a model's pre-annotations) that annotators accept or reject.</summary>
    Suggestions,
}

/// <summary>
/// Where an import goes and who asks: an existing project by id, or a project by name that is created (with the labels
/// the file uses, and the actor as its supervisor) when it does not exist yet.
/// </summary>
public sealed record ImportOptions(string ActorId, int? ProjectId = null, string? ProjectName = null, ImportedSpans Spans = ImportedSpans.Annotations);

/// <summary>How far an import has got: bytes of the file read, documents read, documents written (still hidden until the end).</summary>
public readonly record struct ImportProgress(long BytesRead, long? TotalBytes, int Documents, int DocumentsWritten = 0);

/// <summary>The outcome of an import. When <see cref="Succeeded"/> is false nothing was changed.</summary>
public sealed record ImportReport
{
    public const int MaxListed = 200;

    public bool Succeeded => ErrorCount == 0;
    public int? ProjectId { get; init; }
    public string? ProjectName { get; init; }
    public bool ProjectCreated { get; init; }
    public int Documents { get; init; }
    public int Annotations { get; init; }
    public int GoldSpans { get; init; }
    public int Suggestions { get; init; }
    /// <summary>What annotators said about whole documents (the file's "document_labels"): one per annotator and document.</summary>
    public int DocumentLabels { get; init; }
    /// <summary>Document labels of the file not applied: the annotator had said something else about that document here (listed in <see cref="KeptDetails"/>).</summary>
    public int DocumentLabelsKept { get; init; }
    /// <summary>Spans added to documents the project already had (matched by id, else by text).</summary>
    public int AttachedAnnotations { get; init; }
    public int AttachedGoldSpans { get; init; }
    public int AttachedSuggestions { get; init; }
    /// <summary>How many of the project's documents got annotations, gold spans, suggestions.</summary>
    public int AnnotatedExisting { get; init; }
    public int GoldExisting { get; init; }
    public int SuggestedExisting { get; init; }
    /// <summary>Spans for existing documents that the document already had exactly (same annotator or source, offsets and label): skipped.</summary>
    public int AlreadyThere { get; init; }
    /// <summary>Documents the project already had that the file marks curated and the import marked so (the importer as curator).</summary>
    public int CuratedExisting { get; init; }
    /// <summary>Gold spans of the file not added to a document the project had because a curator's work wins there: the
    /// document is curated, a curator's gold or rejection overlaps it, or it is there already with other provenance.</summary>
    public int GoldKept { get; init; }
    /// <summary>Documents the project had that the file marks curated but were not marked: their gold is not the file's.</summary>
    public int CuratedKept { get; init; }
    /// <summary>The first <see cref="MaxListed"/> of those, each with where in the file and why.</summary>
    public IReadOnlyList<string> KeptDetails { get; init; } = [];
    public int Duplicates { get; init; }
    /// <summary>The first <see cref="MaxListed"/> duplicates: where in the file, and which document it repeats.</summary>
    public IReadOnlyList<string> DuplicateDetails { get; init; } = [];
    public IReadOnlyList<string> CreatedLabels { get; init; } = [];
    /// <summary>Span attribute values of the file not stored (the spans were, without them): the label does not define
    /// the attribute, or the value fails its check, or a required value is missing.</summary>
    public int ValuesNotKept { get; init; }
    /// <summary>The first <see cref="MaxListed"/> of those, each with where in the file and why.</summary>
    public IReadOnlyList<string> ValuesNotKeptDetails { get; init; } = [];
    /// <summary>Accounts made for annotators named in the file who had none (they cannot sign in until an admin sets a password).</summary>
    public IReadOnlyList<string> CreatedAnnotators { get; init; } = [];
    public IReadOnlyList<string> AddedMembers { get; init; } = [];
    /// <summary>The first <see cref="MaxListed"/> errors, in file order.</summary>
    public IReadOnlyList<FormatError> Errors { get; init; } = [];
    public int ErrorCount { get; init; }
    public IReadOnlyList<string> Warnings { get; init; } = [];

    private static string S(int n) => n == 1 ? "" : "s";

    public static ImportReport Refused(string message) => new() { Errors = [new FormatError(0, null, message)], ErrorCount = 1 };

    /// <summary>The report as lines a person reads (the command line and the browser show the same).</summary>
    public IEnumerable<string> Describe()
    {
        if (!Succeeded)
        {
            yield return $"Nothing was imported: {ErrorCount} error{(ErrorCount == 1 ? "" : "s")}.";
            foreach (var e in Errors) yield return "  " + e;
            if (ErrorCount > Errors.Count) yield return $"  ... and {ErrorCount - Errors.Count} more.";
            yield break;
        }
        var attached = new List<string>();
        if (AttachedSuggestions > 0) attached.Add($"{AttachedSuggestions} suggestion{S(AttachedSuggestions)} attached to {SuggestedExisting} existing document{S(SuggestedExisting)}");
        if (AttachedAnnotations > 0) attached.Add($"{AttachedAnnotations} annotation{S(AttachedAnnotations)} attached to {AnnotatedExisting} existing document{S(AnnotatedExisting)}");
        if (AttachedGoldSpans > 0) attached.Add($"{AttachedGoldSpans} gold span{S(AttachedGoldSpans)} attached to {GoldExisting} existing document{S(GoldExisting)}");
        if (CuratedExisting > 0) attached.Add($"{CuratedExisting} existing document{S(CuratedExisting)} marked curated");
        if (Documents == 0 && Annotations == 0 && GoldSpans == 0 && Suggestions == 0 && attached.Count > 0)
        {
            // Only spans for documents the project had: say that, not "Imported 0 documents".
            yield return $"No new documents in \"{ProjectName}\": " + string.Join("; ", attached) + ".";
        }
        else
        {
            yield return $"Imported {Documents} document{S(Documents)} into \"{ProjectName}\"{(ProjectCreated ? " (new project)" : "")}: "
                + $"{Annotations} annotation{S(Annotations)}, {GoldSpans} gold span{S(GoldSpans)}, {Suggestions} suggestion{S(Suggestions)}"
                + (attached.Count > 0 ? "; " + string.Join("; ", attached) : "") + ".";
        }
        if (DocumentLabels > 0) yield return $"Kept what annotators said about whole documents: {DocumentLabels} set{S(DocumentLabels)} of document labels.";
        if (DocumentLabelsKept > 0) yield return $"Kept the project's document labels over the file's for {DocumentLabelsKept} annotator{S(DocumentLabelsKept)} (listed below).";
        if (AlreadyThere > 0)
            yield return $"Skipped {AlreadyThere} span{S(AlreadyThere)} the project's documents already had (same annotator or source, offsets and label).";
        if (GoldKept > 0 || CuratedKept > 0 || DocumentLabelsKept > 0)
        {
            var kept = new List<string>();
            if (GoldKept > 0) kept.Add($"{GoldKept} gold span{S(GoldKept)} of the file not applied");
            if (CuratedKept > 0) kept.Add($"\"curated\" not applied to {CuratedKept} document{S(CuratedKept)}");
            yield return $"Kept the project's curation: {string.Join(", ", kept)}:";
            foreach (var k in KeptDetails) yield return "  " + k;
            if (GoldKept + CuratedKept + DocumentLabelsKept > KeptDetails.Count) yield return "  ... and more.";
        }
        if (Duplicates > 0)
        {
            yield return $"Skipped {Duplicates} duplicate{(Duplicates == 1 ? "" : "s")} (same text as a document already in the project or earlier in the file):";
            foreach (var d in DuplicateDetails) yield return "  " + d;
            if (Duplicates > DuplicateDetails.Count) yield return $"  ... and {Duplicates - DuplicateDetails.Count} more.";
        }
        if (ValuesNotKept > 0)
        {
            yield return $"Did not keep {ValuesNotKept} span attribute value{S(ValuesNotKept)} (their spans were imported without them):";
            foreach (var v in ValuesNotKeptDetails) yield return "  " + v;
            if (ValuesNotKept > ValuesNotKeptDetails.Count) yield return $"  ... and {ValuesNotKept - ValuesNotKeptDetails.Count} more.";
        }
        if (CreatedLabels.Count > 0) yield return "New labels: " + string.Join(", ", CreatedLabels) + ".";
        if (AddedMembers.Count > 0) yield return "Added to the project as annotators: " + string.Join(", ", AddedMembers) + ".";
        if (CreatedAnnotators.Count > 0)
            yield return "Accounts created for annotators named in the file (no password, cannot sign in until an admin sets one): " + string.Join(", ", CreatedAnnotators) + ".";
        foreach (var w in Warnings) yield return "Note: " + w;
    }
}
