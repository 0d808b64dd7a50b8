using AnnotateHub.Core.Curation;
using AnnotateHub.Core.Labels;
using AnnotateHub.Core.Text;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace AnnotateHub.Web.Features.Curation;

/// <summary>/documents/{id}/curate: the document's curation units in order, each with the gold decided so far and one
/// lane per annotator; a curator decides them with the keyboard (js/curation.js) or the buttons. Other curators'
/// decisions and the annotators' changes arrive live.</summary>
public sealed partial class CurationPage : IAsyncDisposable
{
    /// <summary>The merge rules the page offers, by <see cref="MergeRule.Name"/>.</summary>
    public static readonly IReadOnlyList<(string Name, string Text)> MergeRules =
        [("all-agree", "all annotators agree"), ("all-who-annotated", "all who annotated agree"), ("vote:2:0.6", "at least 2 and 60%")];

    [Parameter] public int DocumentId { get; set; }
    [SupplyParameterFromQuery(Name = "anonymous")] public bool Anonymous { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private CurationService Curation { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private CurationState? _state;
    private CodePointIndex? _offsets;
    private List<List<TextRun>> _paragraphs = [];
    private (int Start, int End)? _draw; // a selection in the text waiting for its gold label (code points)
    private ElementReference _textBox;
    private bool _textAttached;

    /// <summary>A run of the text panel: UTF-16 offsets, and the gold span over it.</summary>
    private sealed record TextRun(int Start, int End, GoldView? Gold);
    private string? _refusal;
    private string _userId = "";
    private List<BreadcrumbItem> _crumbs = [];
    private readonly CurationCursor _cursor = new();
    private string _ruleName = MergeRules[0].Name;
    private string? _hint; // what the last key could not do
    private (long TargetId, bool Rejection, IReadOnlyList<HistoryEntry> Entries)? _history;

    // Keys, buttons and live reloads run one at a time, in order: a key pressed during an action applies after it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly List<IDisposable> _subscriptions = [];
    private int? _subscribedProject;
    private DotNetObjectReference<CurationPage>? _self;
    private bool _attached;
    private bool _scroll;

    protected override async Task OnParametersSetAsync()
    {
        _userId = (await AuthState).User.Id();
        await LoadAsync();
        if (_state is { } state && _subscribedProject is null)
        {
            _subscribedProject = state.ProjectId;
            _subscriptions.Add(Bus.Subscribe<CurationChangedEvent>(DocumentId, _ => ReloadLiveAsync()));
            _subscriptions.Add(Bus.Subscribe<DocumentChangeEvent>(DocumentId, _ => ReloadLiveAsync()));
            _subscriptions.Add(Bus.Subscribe<LabelsChangedEvent>(state.ProjectId, _ => ReloadLiveAsync()));
            _subscriptions.Add(Bus.Subscribe<TeamChangedEvent>(state.ProjectId, _ => ReloadLiveAsync()));
        }
    }

    private async Task LoadAsync()
    {
        var (state, error) = await Curation.LoadAsync(DocumentId, _userId, Anonymous);
        _refusal = error;
        _state = state;
        if (state is null) return;
        _offsets = new CodePointIndex(state.Text);
        _paragraphs = BuildParagraphs(state.Text, _offsets, state.Gold);
        _cursor.Load(state.Units);
        _crumbs = [new("Projects", "/"), new(state.ProjectName, $"/projects/{state.ProjectId}"), new(state.Title, $"/documents/{DocumentId}"),
            new("Curation", null, disabled: true)];
    }

    private Task ReloadLiveAsync() => InvokeAsync(async () =>
    {
        try
        {
            await GatedAsync(async () =>
            {
                await LoadAsync();
                if (_history is { } h) _history = (h.TargetId, h.Rejection, await Curation.HistoryAsync(DocumentId, h.TargetId, _userId, h.Rejection));
            });
            StateHasChanged();
        }
        catch (Exception ex)
        {
            await DispatchExceptionAsync(ex);
        }
    });

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_state is not null && !_attached)
        {
            _attached = true;
            _self = DotNetObjectReference.Create(this);
            await JS.InvokeVoidAsync("annotateHubCuration.attach", _self);
        }
        // Only once the text panel was rendered (the state can be set between a render without it and this call).
        if (_state is not null && !_textAttached && _self is not null && !string.IsNullOrEmpty(_textBox.Id))
        {
            _textAttached = true;
            await JS.InvokeVoidAsync("annotateHubCuration.attachText", _textBox, _self);
        }
        if (_scroll)
        {
            _scroll = false;
            await JS.InvokeVoidAsync("annotateHubCuration.scrollToCurrent");
        }
    }

    /// <summary>A key of the curation view: "next", "previous", "reject", "undo" or a lane's number "1".."9".</summary>
    [JSInvokable]
    public async Task OnCurationKey(string key)
    {
        await GatedAsync(async () =>
        {
            if (_state is null) return;
            _hint = null;
            var unit = _cursor.Current;
            switch (key)
            {
                case "next":
                    if (!_cursor.Next()) _hint = "No unit after this one needs a look.";
                    break;
                case "previous":
                    if (!_cursor.Previous()) _hint = "No unit before this one needs a look.";
                    break;
                case "undo":
                    await UndoCoreAsync();
                    break;
                case "reject" when unit is not null:
                    await RejectCoreAsync(unit.Unit);
                    break;
                case [>= '1' and <= '9'] when unit is not null:
                    var number = key[0] - '0';
                    var lane = _state.Lanes.FirstOrDefault(l => l.Number == number);
                    if (lane is null) _hint = $"There is no lane {number}.";
                    else if (!SpansIn(lane, unit.Unit).Any()) _hint = $"{lane.Name} has no span in this unit: press x to reject it.";
                    else await AcceptCoreAsync(unit.Unit, lane);
                    break;
            }
            _scroll = true;
        });
        StateHasChanged();
    }

    private async Task GatedAsync(Func<Task> body)
    {
        await _gate.WaitAsync();
        try
        {
            await body();
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task SelectAsync(int index) => GatedAsync(() =>
    {
        _cursor.Select(index);
        return Task.CompletedTask;
    });

    // The note the curator typed for the current unit: it goes with the next accept or reject, to the annotators' feedback.
    private string? _note;

    private Task AcceptAsync(CurationUnit unit, CurationLane lane) => GatedAsync(() => AcceptCoreAsync(unit, lane));

    private Task RejectAsync(CurationUnit unit) => GatedAsync(() => RejectCoreAsync(unit));

    private Task UndoAsync() => GatedAsync(UndoCoreAsync);

    private async Task AcceptCoreAsync(CurationUnit unit, CurationLane lane)
    {
        Select(unit);
        var result = await Curation.AcceptAsync(DocumentId, _userId, lane.AnnotatorId, unit.Start, unit.End, _note);
        if (result.Succeeded) _note = null;
        await AfterDecisionAsync(result);
    }

    private async Task RejectCoreAsync(CurationUnit unit)
    {
        Select(unit);
        var result = await Curation.RejectAsync(DocumentId, _userId, unit.Start, unit.End, _note);
        if (result.Succeeded) _note = null;
        await AfterDecisionAsync(result);
    }

    private async Task UndoCoreAsync()
    {
        var result = await Curation.UndoAsync(DocumentId, _userId);
        await AfterAsync(result, "Undone.");
    }

    // A decision on a unit: the cursor goes on to the next undecided unit.
    private async Task AfterDecisionAsync(CurationResult result)
    {
        await AfterAsync(result, null);
        if (result.Succeeded) _cursor.AdvanceToUndecided();
        _scroll = true;
    }

    private async Task AfterAsync(CurationResult result, string? success)
    {
        if (!result.Succeeded) Snackbar.Add(result.Error!, result.Conflict ? Severity.Warning : Severity.Error);
        else if (success is not null) Snackbar.Add(success, Severity.Success);
        await LoadAsync();
        if (_history is { } h) _history = (h.TargetId, h.Rejection, await Curation.HistoryAsync(DocumentId, h.TargetId, _userId, h.Rejection));
    }

    private void Select(CurationUnit unit)
    {
        var index = _cursor.Units.ToList().FindIndex(u => u.Unit.Start == unit.Start && u.Unit.End == unit.End);
        if (index >= 0) _cursor.Select(index);
    }

    private Task MergeAsync() => GatedAsync(async () =>
    {
        var (rule, error) = MergeRule.Parse(_ruleName);
        if (rule is null)
        {
            Snackbar.Add(error ?? "Unknown merge rule.", Severity.Error);
            return;
        }
        var result = await Curation.MergeAsync(DocumentId, _userId, rule);
        await AfterAsync(result, $"Merged ({rule.Describe()}): {Plural(result.Count, "gold span")} proposed.");
        if (result.Succeeded) _cursor.AdvanceToUndecided();
    });

    private Task FinishAsync() => GatedAsync(async () => await AfterAsync(await Curation.FinishAsync(DocumentId, _userId), "Curated: the gold layer is final."));

    private Task ReopenAsync() => GatedAsync(async () => await AfterAsync(await Curation.ReopenAsync(DocumentId, _userId), "Reopened for curation."));

    private Task ChangeGoldLabelAsync(GoldView gold, int labelId) => GatedAsync(async () =>
    {
        if (labelId == gold.LabelId) return;
        await AfterAsync(await Curation.UpdateGoldAsync(gold.Id, _userId, gold.Version, labelId, note: gold.Note), null);
    });

    /// <summary>The boundaries being edited of one gold span, in code points.</summary>
    private sealed class Bounds(long goldId, int start, int end)
    {
        public long GoldId { get; } = goldId;
        public int Start { get; set; } = start;
        public int End { get; set; } = end;
    }

    private Bounds? _bounds;

    // The gold span whose values are being edited, with the values as typed.
    private sealed record ValuesEdit(long GoldId, Dictionary<string, string?> Values);

    private ValuesEdit? _values;

    /// <summary>Whether annotators who marked the same span with the same label in the unit say different things about it.</summary>
    private bool ValuesDiffer(CurationUnit unit) => _state!.Lanes
        .SelectMany(l => SpansIn(l, unit))
        .GroupBy(s => (s.Start, s.End, s.LabelId))
        .Any(g => g.Select(s => AttributeJson.Values(s.Values)).Distinct(StringComparer.Ordinal).Skip(1).Any());

    private LabelView? LabelOf(int labelId) => _state?.Labels.FirstOrDefault(l => l.Id == labelId);

    /// <summary>What a span says, as people read it: "count 10, status injured".</summary>
    private string Says(int labelId, IReadOnlyDictionary<string, string> values) => AttributeJson.Describe(LabelOf(labelId)?.Attributes ?? [], values);

    private void EditValues(GoldView gold) => _values = _values?.GoldId == gold.Id ? null
        : new ValuesEdit(gold.Id, (gold.Values ?? new Dictionary<string, string>()).ToDictionary(v => v.Key, v => (string?)v.Value, StringComparer.Ordinal));

    private Task SaveValuesAsync(GoldView gold) => GatedAsync(async () =>
    {
        if (_values is not { } v) return;
        var result = await Curation.UpdateGoldAsync(gold.Id, _userId, gold.Version, gold.LabelId, null, null, gold.Note, new Dictionary<string, string?>(v.Values));
        if (result.Succeeded) _values = null;
        await AfterAsync(result, "Values saved.");
    });

    private void EditBounds(GoldView gold) => _bounds = _bounds?.GoldId == gold.Id ? null : new Bounds(gold.Id, gold.Start, gold.End);

    private Task SaveBoundsAsync(GoldView gold) => GatedAsync(async () =>
    {
        if (_bounds is not { } b) return;
        var result = await Curation.UpdateGoldAsync(gold.Id, _userId, gold.Version, gold.LabelId, b.Start, b.End, gold.Note);
        if (result.Succeeded) _bounds = null;
        await AfterAsync(result, "Boundaries saved.");
    });

    /// <summary>A selection in the text panel (UTF-16 offsets, from curation.js): snapped to words as a span is, it waits
    /// for a label in the draw bar.</summary>
    [JSInvokable]
    public async Task OnGoldSelection(int start, int end)
    {
        await GatedAsync(() =>
        {
            if (_state is null || Curated || _offsets is null) return Task.CompletedTask;
            _draw = start >= 0 && end <= _state.Text.Length && WordSnapper.Snap(_state.Text, start, end) is { } snapped
                ? (_offsets.ToCodePoint(snapped.Start), _offsets.ToCodePoint(snapped.End))
                : null;
            return Task.CompletedTask;
        });
        StateHasChanged();
    }

    private Task DrawGoldAsync(int labelId) => GatedAsync(async () =>
    {
        if (_draw is not { } d) return;
        var result = await Curation.CreateGoldAsync(DocumentId, _userId, d.Start, d.End, labelId, _note);
        if (result.Succeeded)
        {
            _draw = null;
            _note = "";
            await JS.InvokeVoidAsync("annotateHub.clearSelection");
        }
        await AfterAsync(result, result.Succeeded ? "Gold span added." : null);
    });

    private async Task CancelDraw()
    {
        _draw = null;
        await JS.InvokeVoidAsync("annotateHub.clearSelection");
    }

    /// <summary>Gold that no unit covers (drawn where no annotator has a span): listed under the text, where it can be edited.</summary>
    private IEnumerable<GoldView> GoldOutsideUnits() =>
        _state!.Gold.Where(g => !_state.Units.Any(u => g.Start < u.Unit.End && u.Unit.Start < g.End));

    /// <summary>The text as paragraphs of runs (UTF-16 offsets, as the browser's selection reports them), cut where gold
    /// starts and ends; a run under gold names the shortest gold span over it.</summary>
    private static List<List<TextRun>> BuildParagraphs(string text, CodePointIndex offsets, IReadOnlyList<GoldView> gold)
    {
        var spans = gold.Select(g => (Start: offsets.ToUtf16(Math.Clamp(g.Start, 0, offsets.Length)), End: offsets.ToUtf16(Math.Clamp(g.End, 0, offsets.Length)), Gold: g))
            .Where(g => g.End > g.Start).OrderBy(g => g.Start).ToList();
        var cuts = new SortedSet<int>(spans.SelectMany(g => new[] { g.Start, g.End }));
        var paragraphs = new List<List<TextRun>>();
        var active = new List<(int Start, int End, GoldView Gold)>();
        var next = 0;
        for (var at = 0; at <= text.Length;)
        {
            var newline = text.IndexOf('\n', at);
            var stop = newline < 0 ? text.Length : newline;
            if (stop > at)
            {
                var runs = new List<TextRun>();
                var from = at;
                foreach (var cut in cuts.GetViewBetween(at + 1, stop).Append(stop))
                {
                    if (cut <= from) continue;
                    while (next < spans.Count && spans[next].Start <= from) active.Add(spans[next++]);
                    active.RemoveAll(g => g.End <= from);
                    var over = active.Count == 0 ? null : active.MinBy(g => g.End - g.Start).Gold;
                    runs.Add(new TextRun(from, cut, over));
                    from = cut;
                }
                paragraphs.Add(runs);
            }
            at = stop + 1;
        }
        return paragraphs;
    }

    private Task AddGoldAsync(CurationUnit unit, int labelId) => GatedAsync(async () =>
    {
        Select(unit);
        await AfterDecisionAsync(await Curation.CreateGoldAsync(DocumentId, _userId, unit.Start, unit.End, labelId, _note));
    });

    // The preview of boundaries being typed: out of range shows nothing rather than failing the render.
    private string SafeSlice(int start, int end) =>
        _state is { } s && start >= 0 && end > start && end <= new AnnotateHub.Core.Text.CodePointIndex(s.Text).Length ? Slice(start, end) : "";

    private Task DeleteGoldAsync(GoldView gold) => GatedAsync(async () =>
        await AfterAsync(await Curation.DeleteGoldAsync(gold.Id, _userId, gold.Version), "Gold span removed."));

    private Task ToggleHistoryAsync(long targetId, bool rejection = false) => GatedAsync(async () =>
        _history = _history is { } h && h.TargetId == targetId && h.Rejection == rejection ? null
            : (targetId, rejection, await Curation.HistoryAsync(DocumentId, targetId, _userId, rejection)));

    private bool ShowsHistory(long targetId, bool rejection) => _history is { } h && h.TargetId == targetId && h.Rejection == rejection;

    private Task RevertAsync(long changeId) => GatedAsync(async () => await AfterAsync(await Curation.RevertAsync(changeId, _userId), "Reverted."));

    // ---- what the markup shows ----

    private string Slice(int start, int end)
    {
        var offsets = _offsets!;
        return _state!.Text[offsets.ToUtf16(Math.Clamp(start, 0, offsets.Length))..offsets.ToUtf16(Math.Clamp(end, 0, offsets.Length))];
    }

    private static IEnumerable<LaneSpan> SpansIn(CurationLane lane, CurationUnit unit) => lane.Spans.Where(s => s.Start < unit.End && unit.Start < s.End);

    private IEnumerable<GoldView> GoldIn(CurationUnit unit) => _state!.Gold.Where(g => g.Start < unit.End && unit.Start < g.End);

    private IEnumerable<RejectionView> RejectionsIn(CurationUnit unit) => _state!.Rejections.Where(r => r.Start < unit.End && unit.Start < r.End);

    private string LabelColor(int labelId) => _state!.Labels.FirstOrDefault(l => l.Id == labelId)?.Color ?? "#9e9e9e";

    private bool Curated => _state?.Status == CurationStatus.Curated;

    private string? FinishRefusal => _state is { Undecided: > 0 } s ? $"Decide the {Plural(s.Undecided, "undecided unit")} first." : null;

    private string AnonymousHref => $"/documents/{DocumentId}/curate" + (Anonymous ? "" : "?anonymous=true");

    private static string Plural(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n.ToString(System.Globalization.CultureInfo.InvariantCulture)} {noun}s";

    private static string Range(int start, int end) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{start}–{end}");

    private static string ChangeName(string kind) => kind switch
    {
        "GoldCreated" => "added",
        "GoldUpdated" => "changed",
        "GoldDeleted" => "removed",
        "Rejected" => "rejected",
        "RejectionRemoved" => "rejection removed",
        _ => kind.ToLowerInvariant(),
    };

    internal static string KindKey(UnitKind kind) => kind switch
    {
        UnitKind.Agreement => "agree",
        UnitKind.Missed => "missed",
        UnitKind.Extra => "extra",
        UnitKind.WrongLabel => "wrong-label",
        _ => "boundary",
    };

    internal static string KindName(UnitKind kind) => kind switch
    {
        UnitKind.Agreement => "agree",
        UnitKind.Missed => "missed",
        UnitKind.Extra => "extra",
        UnitKind.WrongLabel => "wrong label",
        _ => "boundary",
    };

    private static string ExplainKind(UnitKind kind) => kind switch
    {
        UnitKind.Agreement => "Every annotator has exactly this span.",
        UnitKind.Missed => "Most annotators have this span; the others missed it.",
        UnitKind.Extra => "At most half of the annotators have this span.",
        UnitKind.WrongLabel => "Same start and end, different labels.",
        _ => "Overlapping spans whose offsets differ.",
    };

    private static (string Text, Color Color) StatusChip(CurationStatus status) => status switch
    {
        CurationStatus.Curated => ("Curated", Color.Success),
        CurationStatus.Ready => ("Ready", Color.Info),
        _ => ("Annotating", Color.Default),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        if (_attached)
        {
            try
            {
                await JS.InvokeVoidAsync("annotateHubCuration.detach");
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so is the listener.
            }
        }
        _self?.Dispose();
    }
}
