using AnnotateHub.Core.Agreement;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AnnotateHub.Web.Features.Agreement;

/// <summary>
/// /projects/{id}/agreement: the supervisor's agreement dashboard. The report is recomputed off the circuit's thread
/// when the project's team changes (an annotator marks a document done or reopens it, assignments, members) or its labels
/// do, at most once every <see cref="MinInterval"/>. Annotation events need no listening: the spans that count are those of
/// annotators who marked the document done, and those are locked until a Reopen, which is a team change (decision 0025).
/// </summary>
public sealed partial class AgreementPage : IDisposable
{
    public static readonly TimeSpan MinInterval = TimeSpan.FromSeconds(2);

    [Parameter] public int ProjectId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private AgreementDashboardService Dashboard { get; set; } = default!;
    [Inject] private ProjectAccess Access { get; set; } = default!;
    [Inject] private CorpusService Corpus { get; set; } = default!;
    [Inject] private LabelService Labels { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private readonly CancellationTokenSource _disposed = new();
    private readonly object _gate = new();
    private AgreementDashboard? _dashboard;
    private IReadOnlyList<string> _names = [];
    private Dictionary<string, string> _labelColors = new(StringComparer.Ordinal);
    private string? _projectName;
    private string? _refusal;
    private string _userId = "";
    private List<BreadcrumbItem> _crumbs = [];
    private IDisposable? _teamSubscription;
    private IDisposable? _labelSubscription;
    private bool _computing;
    // Refresh loop state, under _gate: a change while a computation runs sets _dirty, and the loop goes round once more.
    private bool _dirty;
    private bool _looping;
    private DateTimeOffset _lastStart = DateTimeOffset.MinValue;

    protected override async Task OnParametersSetAsync()
    {
        _userId = (await AuthState).User.Id();
        _refusal = await RefusalAsync();
        if (_refusal is not null) return;
        _projectName = (await Corpus.FindProjectAsync(ProjectId))?.Name;
        _crumbs = [new("Projects", "/"), new(_projectName ?? "Project", $"/projects/{ProjectId}"), new("Agreement", null, disabled: true)];
        _teamSubscription?.Dispose();
        _labelSubscription?.Dispose();
        _teamSubscription = Bus.Subscribe<TeamChangedEvent>(ProjectId, _ => { RequestRefresh(); return Task.CompletedTask; });
        _labelSubscription = Bus.Subscribe<LabelsChangedEvent>(ProjectId, _ => { RequestRefresh(); return Task.CompletedTask; });
        // The prerendered page shows progress only: its report would be thrown away when the circuit starts.
        if (RendererInfo.IsInteractive) RequestRefresh();
    }

    private async Task<string?> RefusalAsync()
    {
        var permissions = await Access.ForProjectAsync(ProjectId, _userId);
        // Outsiders see what a project that does not exist looks like; annotators are told why (as the REST API does).
        return !permissions.IsMember ? "This project does not exist."
            : !permissions.IsSupervisor ? "Only the project's supervisors can see its agreement." : null;
    }

    private void RefreshNow() => RequestRefresh();

    /// <summary>Asks for a recomputation; returns at once. Runs on the thread pool, never more often than <see cref="MinInterval"/>.</summary>
    private void RequestRefresh()
    {
        lock (_gate)
        {
            _dirty = true;
            if (_looping) return;
            _looping = true;
        }
        _ = Task.Run(RefreshLoopAsync);
    }

    private async Task RefreshLoopAsync()
    {
        var ct = _disposed.Token;
        try
        {
            while (true)
            {
                TimeSpan wait;
                lock (_gate) wait = _lastStart + MinInterval - Clock.GetUtcNow();
                if (wait > TimeSpan.Zero) await Task.Delay(wait, Clock, ct);
                lock (_gate)
                {
                    if (!_dirty)
                    {
                        _looping = false;
                        return;
                    }
                    _dirty = false;
                    _lastStart = Clock.GetUtcNow();
                }
                await InvokeAsync(() =>
                {
                    _computing = true;
                    StateHasChanged();
                });
                // The team may have changed: a supervisor made an annotator loses the dashboard at once.
                var refusal = await RefusalAsync();
                var dashboard = refusal is null ? await Dashboard.LoadAsync(ProjectId, ct) : null;
                var colors = (await Labels.ListAsync(ProjectId, ct)).ToDictionary(l => l.Name, l => l.Color, StringComparer.Ordinal);
                await InvokeAsync(() =>
                {
                    _refusal = refusal;
                    _dashboard = dashboard;
                    _labelColors = colors;
                    _names = dashboard is null ? [] : AgreementSvg.NamesOf(dashboard.Report);
                    _computing = false;
                    StateHasChanged();
                });
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The page was closed.
        }
        catch (Exception ex)
        {
            lock (_gate) _looping = false;
            if (!ct.IsCancellationRequested) await InvokeAsync(() => DispatchExceptionAsync(ex));
        }
    }

    private sealed record Headline(string Key, string Name, double? Value, string Explanation, string Reason);

    private static IEnumerable<Headline> Headlines(AgreementReport r)
    {
        var noPair = r.DocumentsWithTwoAnnotators == 0 ? "needs two annotators who marked the same document done" : null;
        var oneCategory = "only one category was used everywhere (no spans, or the same label on everything)";
        yield return new("alpha_nominal", "Krippendorff's α (tokens)", r.KrippendorffAlpha.NominalTokens,
            "Token labels of all annotators, corrected for chance; handles missing annotators. 1 perfect, 0 chance.",
            "Undefined: " + (noPair ?? oneCategory));
        yield return new("alpha_unitizing", "Krippendorff's α-u (spans)", r.KrippendorffAlpha.Unitizing,
            "Span boundaries and labels over the characters, corrected for chance (what INCEpTION reports).",
            "Undefined: " + (noPair ?? "no spans in the documents marked done"));
        yield return new("fleiss", "Fleiss' κ", r.FleissKappa,
            "Chance-corrected token agreement of many annotators; needs the same number on every document.",
            "Undefined: " + (noPair ?? "documents have different numbers of annotators who marked them done, or one category only"));
        yield return new("cohen_mean", "Mean Cohen's κ", r.CohenKappaMean,
            "Mean over the pairs of each pair's chance-corrected token agreement (the heat map below).",
            "Undefined: " + (noPair ?? oneCategory));
        yield return new("ac1", "Gwet's AC1", r.GwetAc1,
            "Like κ but robust when one category (O, no span) dominates the tokens.",
            "Undefined: " + (noPair ?? oneCategory));
        yield return new("gamma", "Mathet's γ", r.Gamma.Value,
            $"Aligns the spans and charges for position and label differences against chance ({r.Gamma.Documents} documents, seed {r.Gamma.Seed}).",
            "Undefined: " + (noPair ?? "no spans to align in the documents marked done"));
    }

    private string LabelColor(string label) => _labelColors.GetValueOrDefault(label) ?? "#9e9e9e";

    private static string BarStyle(double? value) =>
        value is { } v ? $"width:{Math.Max(Math.Clamp(v, 0, 1) * 100, 1.5).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}%" : "width:0";

    private string PairHref(PairAgreement pair) =>
        $"/projects/{ProjectId}/agreement/documents?a={Uri.EscapeDataString(pair.A)}&b={Uri.EscapeDataString(pair.B)}";

    private string LabelHref(string label) => $"/projects/{ProjectId}/agreement/documents?label={Uri.EscapeDataString(label)}";

    public void Dispose()
    {
        _teamSubscription?.Dispose();
        _labelSubscription?.Dispose();
        // Not disposed: the refresh loop may still read its token; cancelling is what stops it.
        _disposed.Cancel();
    }
}
