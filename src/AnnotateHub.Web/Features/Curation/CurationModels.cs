using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Realtime;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>Where a document is on its way to gold.</summary>
public enum CurationStatus
{
    /// <summary>Some assigned annotator is not done (or nobody is assigned).</summary>
    Annotating,
    /// <summary>Every assigned annotator is done: ready for a curator.</summary>
    Ready,
    /// <summary>A curator finished it: every unit decided; gold is what exports take.</summary>
    Curated,
}

/// <summary>An annotator's span in a curation lane; offsets in code points.</summary>
public sealed record LaneSpan(long Id, int Start, int End, int LabelId, string Label, string? Note, IReadOnlyDictionary<string, string>? Values = null);

/// <summary>One annotator's lane: numbered from 1 (the key that accepts from it). <see cref="Name"/> is "Annotator N"
/// when the curation is anonymous.</summary>
public sealed record CurationLane(int Number, string AnnotatorId, string Name, AssignmentState? State, IReadOnlyList<LaneSpan> Spans);

/// <summary>A gold span with its provenance.</summary>
public sealed record GoldView(
    long Id, int Start, int End, int LabelId, string Label, GoldOrigin Origin, string? Rule, string? CuratorName,
    IReadOnlyList<string> Sources, string? Note, int Version, IReadOnlyDictionary<string, string>? Values = null)
{
    /// <summary>Provenance as people read it: "unanimous", "merged: all annotators agree", "adjudicated by ana", "imported".</summary>
    public string Provenance => Origin switch
    {
        GoldOrigin.Unanimous => "unanimous",
        GoldOrigin.Merged => "merged: " + (MergeRule.Parse(Rule).Rule?.Describe() ?? Rule ?? "rule"),
        GoldOrigin.Adjudicated => "adjudicated by " + (CuratorName ?? "a curator"),
        _ => "imported",
    };
}

public sealed record RejectionView(long Id, int Start, int End, string CuratorName, string? Note);

/// <summary>A unit of the document and whether a curator (or a merge) has decided it.</summary>
public sealed record UnitView(CurationUnit Unit, bool Decided);

/// <summary>Everything the curation view of one document shows.</summary>
public sealed record CurationState(
    int DocumentId, int ProjectId, string ProjectName, string Title, string Text, CurationStatus Status, string? CuratedBy,
    IReadOnlyList<CurationLane> Lanes, IReadOnlyList<GoldView> Gold, IReadOnlyList<RejectionView> Rejections,
    IReadOnlyList<UnitView> Units, IReadOnlyList<LabelView> Labels, bool Anonymous)
{
    public int Disagreements => Units.Count(u => u.Unit.IsDisagreement);
    public int Undecided => Units.Count(u => !u.Decided);
}

/// <summary>The outcome of a curation action: done, or refused with the reason in words.</summary>
public sealed record CurationResult(bool Succeeded, string? Error, bool Conflict = false, int Count = 0)
{
    public static readonly CurationResult Ok = new(true, null);
    public static CurationResult Done(int count) => new(true, null, Count: count);
    public static CurationResult Fail(string error) => new(false, error);
    public static CurationResult Stale(string error) => new(false, error, Conflict: true);
}

/// <summary>A document's curation changed (gold, rejections, its state): open curation views and feedback pages
/// reload. <see cref="UserId"/> made the change.</summary>
public sealed record CurationChangedEvent(int DocumentId, int ProjectId, string UserId, string What) : IBusEvent
{
    public string Key => IBusEvent.KeyOf(DocumentId);
}

/// <summary>A document on the curation queue.</summary>
public sealed record CurationQueueRow(
    int DocumentId, string Title, CurationStatus Status, int Annotators, int Done, int Spans, int Gold, int Disagreements,
    double? Agreement, string? CuratedBy);

/// <summary>What the queue shows: which status, a label or annotator that must appear, agreement at most.</summary>
public sealed record CurationQueueFilter(CurationStatus? Status = null, string? Label = null, string? Annotator = null, double? MaxAgreement = null);

/// <summary>One entry of a span's history: who changed it, when, and how it was before and after.</summary>
public sealed record HistoryEntry(long ChangeId, string Kind, string UserName, DateTime At, string? Before, string? After, bool Reverted, bool CanRevert);

/// <summary>How an annotator's span fared in curation, for their feedback view.</summary>
public sealed record FeedbackRow(LaneSpan Span, FeedbackKind Kind, string? GoldLabel, int? GoldStart, int? GoldEnd, string? Note, string? GoldText);
