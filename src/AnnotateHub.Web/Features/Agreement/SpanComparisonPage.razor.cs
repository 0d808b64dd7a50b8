using AnnotateHub.Core.Agreement;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>/projects/{id}/agreement/compare/{document}?a=&amp;b=: the two annotators' spans of a document, the text twice.</summary>
public sealed partial class SpanComparisonPage
{
    [Parameter] public int ProjectId { get; set; }
    [Parameter] public int DocumentId { get; set; }
    [SupplyParameterFromQuery(Name = "a")] public string? A { get; set; }
    [SupplyParameterFromQuery(Name = "b")] public string? B { get; set; }
    [SupplyParameterFromQuery(Name = "label")] public string? Label { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private AgreementDashboardService Dashboard { get; set; } = default!;
    [Inject] private ProjectAccess Access { get; set; } = default!;
    [Inject] private CorpusService Corpus { get; set; } = default!;
    [Inject] private LabelService Labels { get; set; } = default!;

    private enum Side { A, B }

    private SpanComparisonView? _view;
    private List<SpanComparison> _disagreements = [];
    private Dictionary<string, string> _labelColors = new(StringComparer.Ordinal);
    private string? _refusal;
    private List<BreadcrumbItem> _crumbs = [];

    protected override async Task OnParametersSetAsync()
    {
        var permissions = await Access.ForProjectAsync(ProjectId, (await AuthState).User.Id());
        _refusal = !permissions.IsMember ? "This project does not exist."
            : !permissions.IsSupervisor ? "Only the project's supervisors can see its agreement."
            : string.IsNullOrEmpty(A) || string.IsNullOrEmpty(B) ? "Choose two annotators to compare on the agreement dashboard." : null;
        if (_refusal is not null) return;
        _view = await Dashboard.CompareAsync(ProjectId, DocumentId, A!, B!);
        if (_view is null)
        {
            _refusal = "This document does not exist.";
            return;
        }
        _disagreements = _view.Comparisons.Where(c => c.IsDisagreement).ToList();
        _labelColors = (await Labels.ListAsync(ProjectId)).ToDictionary(l => l.Name, l => l.Color, StringComparer.Ordinal);
        var name = (await Corpus.FindProjectAsync(ProjectId))?.Name ?? "Project";
        _crumbs = [new("Projects", "/"), new(name, $"/projects/{ProjectId}"), new("Agreement", $"/projects/{ProjectId}/agreement"),
            Label is null
                ? new($"{A} × {B}", $"/projects/{ProjectId}/agreement/documents?a={Uri.EscapeDataString(A!)}&b={Uri.EscapeDataString(B!)}")
                : new(Label, $"/projects/{ProjectId}/agreement/documents?label={Uri.EscapeDataString(Label)}"),
            new(_view.Title, null, disabled: true)];
    }

    /// <summary>A run of text with the same covering: this side's span (if any), the other side's span this side lacks
    /// (a "ghost"), and the numbers of the differences that start here.</summary>
    private sealed record Segment(string Text, AgreementSpan? Own, SpanComparison? Ghost, SpanComparisonKind Kind, IReadOnlyList<int> Badges, string? Title);

    private IEnumerable<Segment> Segments(Side side)
    {
        var view = _view!;
        var index = new CodePointIndex(view.Text);
        var items = new List<(int Start, int End, SpanComparison C, bool Own)>();
        foreach (var c in view.Comparisons)
        {
            var own = side == Side.A ? c.A : c.B;
            var other = side == Side.A ? c.B : c.A;
            if (own is { } o) items.Add((o.Start, o.End, c, true));
            else if (other is { } g) items.Add((g.Start, g.End, c, false));
        }
        var cuts = new SortedSet<int> { 0, index.Length };
        foreach (var i in items)
        {
            cuts.Add(Math.Clamp(i.Start, 0, index.Length));
            cuts.Add(Math.Clamp(i.End, 0, index.Length));
        }
        var points = cuts.ToList();
        for (var k = 0; k + 1 < points.Count; k++)
        {
            var (from, to) = (points[k], points[k + 1]);
            var text = view.Text[index.ToUtf16(from)..index.ToUtf16(to)];
            var covering = items.Where(i => i.Start <= from && i.End >= to).ToList();
            var badges = items.Where(i => i.Start == from && i.C.IsDisagreement).Select(i => _disagreements.IndexOf(i.C) + 1).Distinct().Order().ToList();
            if (covering.Count == 0)
            {
                yield return new Segment(text, null, null, SpanComparisonKind.Match, badges, null);
                continue;
            }
            var owned = covering.Where(i => i.Own).OrderBy(i => Rank(i.C.Kind)).ToList();
            var worst = covering.OrderBy(i => Rank(i.C.Kind)).First();
            var title = string.Join("\n", covering.Select(i => TitleOf(i.C, side)));
            yield return owned.Count > 0
                ? new Segment(text, side == Side.A ? owned[0].C.A : owned[0].C.B, null, worst.C.Kind, badges, title)
                : new Segment(text, null, worst.C, worst.C.Kind, badges, title);
        }
    }

    // Which mark wins where marks overlap: the plainest disagreement first, a match last.
    private static int Rank(SpanComparisonKind kind) => kind switch
    {
        SpanComparisonKind.Missed or SpanComparisonKind.Extra => 0,
        SpanComparisonKind.WrongLabel => 1,
        SpanComparisonKind.Boundary => 2,
        _ => 3,
    };

    private string TitleOf(SpanComparison c, Side side)
    {
        var number = c.IsDisagreement ? $"#{_disagreements.IndexOf(c) + 1} " : "";
        var own = side == Side.A ? c.A : c.B;
        return own is null
            ? $"{number}{KindName(c.Kind)}: {(side == Side.A ? B : A)} has {c.B?.Label ?? c.A?.Label} here, {(side == Side.A ? A : B)} nothing"
            : $"{number}{KindName(c.Kind)}: {own.Value.Label} [{own.Value.Start}–{own.Value.End})";
    }

    private IEnumerable<(string A, string B)> OtherPairs()
    {
        var names = _view!.DocumentAnnotators;
        for (var i = 0; i < names.Count; i++)
        for (var j = i + 1; j < names.Count; j++)
            if (!(names[i] == _view.A && names[j] == _view.B)) yield return (names[i], names[j]);
    }

    private string Href(string a, string b) =>
        $"/projects/{ProjectId}/agreement/compare/{DocumentId}?a={Uri.EscapeDataString(a)}&b={Uri.EscapeDataString(b)}" +
        (Label is null ? "" : $"&label={Uri.EscapeDataString(Label)}");

    private string Describe(AgreementSpan? span)
    {
        if (span is not { } s) return "—";
        var index = new CodePointIndex(_view!.Text);
        var text = _view.Text[index.ToUtf16(Math.Clamp(s.Start, 0, index.Length))..index.ToUtf16(Math.Clamp(s.End, 0, index.Length))];
        if (text.Length > 80) text = text[..77] + "…";
        return $"“{text}” {s.Label} [{s.Start}–{s.End})";
    }

    private string LabelColor(string label) => _labelColors.GetValueOrDefault(label) ?? "#9e9e9e";

    private static string Key(SpanComparisonKind kind) => kind switch
    {
        SpanComparisonKind.Match => "match",
        SpanComparisonKind.Missed => "missed",
        SpanComparisonKind.Extra => "extra",
        SpanComparisonKind.WrongLabel => "wrong-label",
        _ => "boundary",
    };

    private static string KindName(SpanComparisonKind kind) => kind switch
    {
        SpanComparisonKind.Match => "match",
        SpanComparisonKind.Missed => "missed",
        SpanComparisonKind.Extra => "extra",
        SpanComparisonKind.WrongLabel => "wrong label",
        _ => "boundary",
    };

    private string Explain(SpanComparisonKind kind) => kind switch
    {
        SpanComparisonKind.Match => "Same start, end and label.",
        SpanComparisonKind.Missed => $"A span of {A} that {B} has nothing overlapping.",
        SpanComparisonKind.Extra => $"A span of {B} that {A} has nothing overlapping.",
        SpanComparisonKind.WrongLabel => "Same start and end, different label.",
        _ => "Overlapping spans with different start or end (the label may differ too).",
    };
}
