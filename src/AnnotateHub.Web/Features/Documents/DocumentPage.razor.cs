using AnnotateHub.Core.Text;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Features.Suggestions;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace AnnotateHub.Web.Features.Documents;

public sealed partial class DocumentPage
{
    [Parameter] public int DocumentId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private CorpusService Corpus { get; set; } = default!;
    [Inject] private LabelService LabelService { get; set; } = default!;
    [Inject] private AnnotationService Annotations { get; set; } = default!;
    [Inject] private SuggestionService Suggestions { get; set; } = default!;

    /// <summary>A span to select and scroll to when the page opens (a link from the claims board).</summary>
    [SupplyParameterFromQuery(Name = "span")] public long? SpanId { get; set; }
    [Inject] private RecognizerService Recognizers { get; set; } = default!;
    [Inject] private ProjectAccess Access { get; set; } = default!;
    [Inject] private TeamService Team { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private Users.CallerStanding Standing { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private PresenceTracker Presence { get; set; } = default!;
    [Inject] private CircuitConnection Connection { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILogger<DocumentPage> Logger { get; set; } = default!;
    [Inject] private DocumentTexts Texts { get; set; } = default!;

    private DocumentContent? _doc;
    private DocumentModel? _model;
    private IReadOnlyList<LabelView> _labels = [];
    private List<BreadcrumbItem> _crumbs = [];
    // The spans under the click that selected the span, by id: the details panel lists them as they are now (a live
    // change of one of them renders the page), not as they were when clicked.
    private IReadOnlyList<long> _overlappingIds = [];
    private string _userId = "";
    private bool _notFound;
    private string? _refusal; // the document exists, but this user may not open it

    // What the page renders once both are loaded (the gate shows progress until then).
    private sealed record LoadedDocument(DocumentContent Doc, DocumentModel Model);
    private LoadedDocument? Loaded => _doc is not null && _model is not null ? new(_doc, _model) : null;
    private DocumentAccess? _access;
    private Components.Shared.ProjectColors? _colors;
    private int _version;

    // Live changes render these two regions alone while the page shows the current model and no change touched what the
    // rest of the page shows (the selected span's details); otherwise the whole page renders.
    private LiveRegion? _articleRegion;
    private LiveRegion? _spansRegion;
    private AnnotatedParagraph?[] _paragraphViews = []; // the article's paragraph components by index (@ref; none for a blank line)
    private DocumentModel? _shownModel; // the model of the page's last render (set while rendering)
    private bool _pageTouched;

    // The suggestions still pending for this user, in text order, and a decision under way (its buttons wait).
    private IReadOnlyList<SuggestionView> _suggestionList = [];
    private int _suggestionVersion;
    private bool _deciding;
    private bool _undoing;
    private int _historyVersion; // bumped by an undo or revert, so an open history reloads

    private (int Start, int End)? _pending; // UTF-16 range waiting for a label
    private double _menuX, _menuY;

    private ElementReference _container;
    private DotNetObjectReference<DocumentPage>? _self;
    private bool _attached;
    private readonly List<IDisposable> _subscriptions = [];
    private readonly string _presenceKey = "circuit:" + Guid.NewGuid().ToString("N");
    private bool _offline;
    private (long Id, string Message)? _notice; // a refused change of this span, shown in its details panel

    // The live stream: the last sequence shown, catch-up, the blind filter (DocumentStream).
    private DocumentStream? _stream;
    private long _nextPendingId;

    protected override async Task OnInitializedAsync()
    {
        _userId = (await AuthState).User.Id();
        _access = await Access.ForDocumentAsync(DocumentId, _userId);
        // A document of a project the user is not in looks like one that does not exist.
        if (_access is null || !_access.Permissions.IsMember)
        {
            _notFound = true;
            return;
        }
        if (!_access.CanOpen)
        {
            _refusal = "This document is not assigned to you. Your documents are listed on your home page.";
            return;
        }
        _doc = await Corpus.GetDocumentAsync(DocumentId);
        if (_doc is null)
        {
            _notFound = true;
            return;
        }
        // The text every view of this document shares (DocumentTexts): the copy just read is not kept by each circuit.
        _doc = _doc with { Text = Texts.Get(DocumentId, _doc.Text).Text };
        _crumbs = [new("Projects", "/"), new(_doc.ProjectName, $"/projects/{_doc.ProjectId}")];
        _labels = await LabelService.ListAsync(_doc.ProjectId);
        // Opened before loading so no change committed in between is missed: changes up to the snapshot's
        // sequence are skipped as duplicates, later ones apply in order.
        _stream = new DocumentStream(DocumentId, Bus, (after, max) => Annotations.ChangesAfterAsync(DocumentId, after, max), InvokeAsync, Logger);
        _subscriptions.Add(Bus.Subscribe<LabelsChangedEvent>(_doc.ProjectId, OnLabelsChanged));
        _subscriptions.Add(Bus.Subscribe<TeamChangedEvent>(_doc.ProjectId, OnTeamChanged));
        _subscriptions.Add(Bus.Subscribe<SuggestionsDecidedEvent>(DocumentId, OnSuggestionsDecided));
        _subscriptions.Add(Bus.Subscribe<SuggestionsAddedEvent>(DocumentId, OnSuggestionsAdded));
        Connection.Changed += OnConnectionChanged;
        await LoadSpansAsync();
        await Presence.JoinAsync(DocumentId, _presenceKey, _userId);
        if (_access.Assignment == Core.Projects.AssignmentState.NotStarted) await Team.MarkStartedAsync(_access);
    }

    /// <summary>Reads the spans this user may see (all, or only their own in a blind project).</summary>
    private async Task LoadSpansAsync()
    {
        var snapshot = await Annotations.SnapshotAsync(_access!);
        _colors ??= await Team.ColorsAsync(_doc!.ProjectId);
        var model = new DocumentModel(Texts.Get(DocumentId, _doc!.Text), snapshot.Annotations, _labels, _userId) { AnnotatorColor = _colors.Of };
        model.SetSuggestions(await Suggestions.PendingAsync(_access!));
        _model = model;
        if (_paragraphViews.Length != model.Paragraphs.Count) _paragraphViews = new AnnotatedParagraph?[model.Paragraphs.Count];
        RefreshSuggestionList();
        _version++;
        if (_stream is { } stream) await stream.ResetAsync(snapshot.Sequence, new DocumentStreamTarget(CanSee, ApplyVisible, RenderLive));
    }

    /// <summary>The spans listed beside the selected one: those of the click that are still there, with their current values.</summary>
    private IReadOnlyList<AnnotationView> OverlappingNow(DocumentModel model) => [.. _overlappingIds.Select(model.Find).OfType<AnnotationView>()];

    /// <summary>Whether this user may add and change their own spans here now (not when their document is marked done).</summary>
    private bool CanAnnotate => _access?.RefusalToAnnotate is null;

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusNext && _next is not null)
        {
            // Marked done by keyboard: Enter on the focused button opens the next document.
            _focusNext = false;
            await _nextButton.FocusAsync();
        }
        // The model can be set between a render without the article and this call (a load finishing on the dispatcher
        // first): attach only once the article's element was rendered, or the browser gets no element and the circuit dies.
        if (_model is not null && !_attached && !string.IsNullOrEmpty(_container.Id))
        {
            _attached = true;
            _self = DotNetObjectReference.Create(this);
            _configured = (_labels, _access?.RefusalToAnnotate);
            await JS.InvokeVoidAsync("annotateHub.attach", _container, _self, BrowserOptions());
            // A link to one span (the claims board's, ?span=ID) opens the document with that span selected and in view.
            if (SpanId is { } linked && _model.Find(linked) is not null) Select(linked, scroll: true);
        }
        else if (_attached && _model is not null && _configured != (_labels, _access?.RefusalToAnnotate))
        {
            // The browser tags on its own while offline: it needs the current labels and whether this user may tag.
            _configured = (_labels, _access?.RefusalToAnnotate);
            await JS.InvokeVoidAsync("annotateHub.configure", _container, BrowserOptions());
        }
    }

    private (IReadOnlyList<LabelView>, string?) _configured;

    private object BrowserOptions() => new
    {
        documentId = DocumentId,
        userId = _userId,
        refusal = _access?.RefusalToAnnotate,
        labels = _labels.Select(l => new { id = l.Id, name = l.Name, color = l.Color, hotkey = l.Hotkey }).ToList(),
    };

    /// <summary>The answer to a span the browser queued while it could not reach the server.</summary>
    public sealed record QueuedSave(bool Saved, string? Error);

    /// <summary>
    /// A span tagged while offline, sent by the browser once the connection is back (oldest first; UTF-16 offsets of the
    /// selection, snapped here as a fresh selection is). The same checks as a span tagged online; a span this user
    /// already has (same range and label) answers "saved", so a queue sent twice (an answer lost with the connection,
    /// two tabs) stores it once. A refusal comes back with its reason for the browser to show with Retry and Discard.
    /// </summary>
    [JSInvokable]
    public async Task<QueuedSave> SaveQueued(int start, int end, int labelId)
    {
        if (_model is null || _access is null) return new QueuedSave(false, "The document is not open.");
        await CatchUpAsync(); // what the connection missed first, so a span already saved is recognised
        if (_access.RefusalToAnnotate is { } refusal) return new QueuedSave(false, refusal);
        if (_labels.FirstOrDefault(l => l.Id == labelId) is not { } label)
            return new QueuedSave(false, "Its label is no longer in this project's label set.");
        if (start < 0 || end > _model.Text.Length || WordSnapper.Snap(_model.Text, start, end) is not { } snapped)
            return new QueuedSave(false, "The selection holds no text of this document.");
        var cpStart = _model.Offsets.ToCodePoint(snapped.Start);
        var cpEnd = _model.Offsets.ToCodePoint(snapped.End);
        if (_model.Annotations.Any(a => a.AnnotatorId == _userId && a.Start == cpStart && a.End == cpEnd && a.LabelId == labelId))
            return new QueuedSave(true, null);
        var result = await CommitNewAsync(cpStart, cpEnd, label, showPending: false);
        return result.Succeeded ? new QueuedSave(true, null) : new QueuedSave(false, result.Error);
    }

    [JSInvokable]
    public Task OnSelection(int start, int end, double x, double y)
    {
        if (_model is null) return Task.CompletedTask;
        if (!CanAnnotate)
        {
            Snackbar.Add(_access!.RefusalToAnnotate!, Severity.Info);
            return Task.CompletedTask;
        }
        var snapped = WordSnapper.Snap(_model.Text, start, end);
        _pending = snapped;
        (_menuX, _menuY) = (x, y);
        if (snapped is not null) _model.Select(null);
        SetActivity(snapped is null ? "reading" : "selecting text");
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnSpanClick(string ids, double x, double y)
    {
        if (_model is null) return Task.CompletedTask;
        // Annotation ids, and suggestions as "s" + id, innermost first.
        var tokens = ids.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var selected = _model.SelectedSuggestionId is { } sid ? DocumentModel.SuggestionToken(sid)
            : _model.SelectedId?.ToString(System.Globalization.CultureInfo.InvariantCulture);
        // Clicking the selected span again cycles to the next span under the pointer, so nested spans stay reachable.
        var current = selected is null ? -1 : Array.IndexOf(tokens, selected);
        var next = tokens[(current + 1) % tokens.Length];
        _pending = null;
        if (next.StartsWith('s'))
        {
            SelectSuggestion(long.Parse(next.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture), scroll: false);
            return Task.CompletedTask;
        }
        var spanIds = tokens.Where(t => !t.StartsWith('s')).Select(t => long.Parse(t, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Select(long.Parse(next, System.Globalization.CultureInfo.InvariantCulture), scroll: false, overlapping: spanIds);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnBackgroundClick()
    {
        _pending = null;
        _model?.Select(null);
        SetActivity("reading");
        StateHasChanged();
        return Task.CompletedTask;
    }

    public Task OnHotkey(string key) => OnHotkeyShown(key, 0, 0);

    /// <summary>A label's key. <paramref name="shownId"/> and <paramref name="shownVersion"/> are the span and version the
    /// details panel showed when the key was pressed (0: none), so a relabel is checked against what the user saw.</summary>
    [JSInvokable]
    public async Task OnHotkeyShown(string key, long shownId, int shownVersion)
    {
        var label = _labels.FirstOrDefault(l => l.Hotkey == key);
        if (label is null || _model is null) return;
        if (_pending is not null)
        {
            await CreateAsync(label);
        }
        else if (SelectedAsShown(shownId, shownVersion) is { } selected && selected.AnnotatorId == _userId)
        {
            await UpdateAsync(selected, label.Id, selected.Note);
        }
    }

    /// <summary>A click in the span details panel, sent by the browser with the span and version the panel showed and,
    /// for "note", the note as typed: the change is checked against what the user saw (decision 0029).</summary>
    [JSInvokable]
    public async Task OnDetailsAction(string action, long shownId, int shownVersion, int labelId, string? note)
    {
        if (_model?.Find(shownId) is not { } span)
        {
            Snackbar.Add("Not saved: this span was deleted elsewhere first.", Severity.Warning);
            return;
        }
        if (span.AnnotatorId != _userId || !CanAnnotate) return;
        var shown = shownVersion > 0 ? span with { Version = shownVersion } : span;
        switch (action)
        {
            case "label":
                await UpdateAsync(shown, labelId, shown.Note);
                break;
            case "note":
                await UpdateAsync(shown, shown.LabelId, note);
                break;
            case "delete":
                await DeleteAsync(shown);
                break;
        }
    }

    /// <summary>"Save values" or Enter in the span's fields, sent by the browser with the version the panel showed and the
    /// values as typed (by attribute name; empty clears one).</summary>
    [JSInvokable]
    public async Task OnDetailsAttributes(long shownId, int shownVersion, Dictionary<string, string?> values)
    {
        if (_model?.Find(shownId) is not { } span)
        {
            Snackbar.Add("Not saved: this span was deleted elsewhere first.", Severity.Warning);
            return;
        }
        if (span.AnnotatorId != _userId || !CanAnnotate) return;
        var shown = shownVersion > 0 ? span with { Version = shownVersion } : span;
        await UpdateAsync(shown, shown.LabelId, shown.Note, values);
    }

    // Typed values equal to the span's own (blank ones dropped, compared as typed: "Injured" is sent and made canonical).
    private static bool SameValues(AnnotationView annotation, IReadOnlyDictionary<string, string?> typed)
    {
        var given = typed.Where(v => !string.IsNullOrWhiteSpace(v.Value)).ToDictionary(v => v.Key, v => v.Value!.Trim(), StringComparer.Ordinal);
        return string.Equals(Core.Labels.AttributeJson.Values(given), annotation.Attributes, StringComparison.Ordinal);
    }

    // The text values the project's spans have (read once, when a span is first shown), with this document's own.
    private IReadOnlyDictionary<(int LabelId, string Name), IReadOnlyList<string>>? _earlierValues;
    private bool _readingEarlierValues;

    private Func<string, IReadOnlyList<string>> EarlierValuesOf(DocumentModel model, AnnotationView span)
    {
        if (_earlierValues is null && !_readingEarlierValues && _doc is not null && _access is not null)
        {
            _readingEarlierValues = true;
            _ = ReadEarlierValuesAsync();
        }
        return name =>
        {
            var values = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
            if (_earlierValues?.GetValueOrDefault((span.LabelId, name)) is { } earlier) values.UnionWith(earlier);
            foreach (var other in model.SpansOfLabel(span.LabelId))
                if (other.Attributes is not null && other.Values().TryGetValue(name, out var v)) values.Add(v);
            return [.. values];
        };
    }

    private async Task ReadEarlierValuesAsync()
    {
        try
        {
            _earlierValues = await Annotations.EarlierValuesAsync(_doc!.ProjectId, _access!.Permissions, _userId);
            await InvokeAsync(StateHasChanged);
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.Data.Common.DbException or ObjectDisposedException)
        {
            // Only the offer of earlier values is missing; the document's own are still offered.
            Logger.LogWarning(ex, "Could not read the earlier attribute values of project {Project}", _doc?.ProjectId);
        }
    }

    /// <summary>The selected span, with the version the browser showed when it is known (it may lag the server's).</summary>
    private AnnotationView? SelectedAsShown(long shownId, int shownVersion)
    {
        if (_model?.SelectedId is not { } id || _model.Find(id) is not { } selected) return null;
        return shownId == id && shownVersion > 0 ? selected with { Version = shownVersion } : selected;
    }

    [JSInvokable]
    public Task OnEscape() => OnBackgroundClick();

    public Task OnDeleteKey() => OnDeleteKeyShown(0, 0);

    [JSInvokable]
    public async Task OnDeleteKeyShown(long shownId, int shownVersion)
    {
        if (_model?.SelectedSuggestionId is { } suggestionId)
        {
            await RejectSuggestionAsync(suggestionId);
        }
        else if (SelectedAsShown(shownId, shownVersion) is { } selected && selected.AnnotatorId == _userId)
        {
            await DeleteAsync(selected);
        }
    }

    /// <summary>Enter (outside buttons and fields) accepts the selected suggestion.</summary>
    [JSInvokable]
    public async Task OnEnterKey()
    {
        if (_model?.SelectedSuggestionId is { } suggestionId) await AcceptSuggestionAsync(suggestionId, select: true);
    }

    private void Select(long id, bool scroll, IReadOnlyList<long>? overlapping = null)
    {
        if (_model is null) return;
        if (_notice is { } notice && notice.Id != id) _notice = null;
        _model.Select(id);
        // Switching between the spans under one click keeps the others listed.
        _overlappingIds = overlapping ?? (_overlappingIds.Contains(id) ? _overlappingIds : [id]);
        if (_model.Find(id) is { } span) SetActivity($"on “{Shorten(_model.TextOf(span))}”");
        StateHasChanged();
        if (scroll) _ = JS.InvokeVoidAsync("annotateHub.scrollToSpan", _container, id).AsTask();
    }

    private async Task CreateAsync(LabelView label)
    {
        if (_model is null || _pending is not { } range) return;
        _pending = null;
        var start = _model.Offsets.ToCodePoint(range.Start);
        var end = _model.Offsets.ToCodePoint(range.End);
        await JS.InvokeVoidAsync("annotateHub.clearSelection");
        await SaveNewAsync(start, end, label);
    }

    /// <summary>Shows the new span at once as pending (dashed), then as committed once the server says so. A refused
    /// or failed save removes it and says why, with a way to try again: nothing is dropped silently.</summary>
    private async Task SaveNewAsync(int start, int end, LabelView label)
    {
        var result = await CommitNewAsync(start, end, label, showPending: true);
        if (_model is null || result.Succeeded) return;
        Snackbar.Add($"Not saved: {result.Error}", Severity.Error, o =>
        {
            o.Action = "Retry";
            o.RequireInteraction = true;
            o.OnClick = _ => SaveNewAsync(start, end, label);
        });
        StateHasChanged();
    }

    /// <summary>Saves a new span (code points). With <paramref name="showPending"/> it shows at once as pending until the
    /// server answers (a queued span is drawn pending by the browser instead); once committed it is selected.</summary>
    private async Task<AnnotationResult> CommitNewAsync(int start, int end, LabelView label, bool showPending)
    {
        if (_model is null) return AnnotationResult.Fail(AnnotationOutcome.Invalid, "The document is not open.");
        var placeholderId = --_nextPendingId; // negative: never a database id
        if (showPending)
        {
            var now = DateTime.UtcNow;
            var myName = Presence.ViewersOf(DocumentId).FirstOrDefault(v => v.UserId == _userId)?.Name ?? "you";
            _model.Upsert(new AnnotationView(placeholderId, DocumentId, _userId, myName, start, end, label.Id, label.Name, null, now, now, 0));
            _model.SetPending(placeholderId, true);
            _version++;
        }
        SetActivity($"tagging {label.Name}");
        StateHasChanged();

        AnnotationResult result;
        try
        {
            result = await SignedOutAsync() is { } refusal ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, refusal)
                : await Annotations.CreateAsync(DocumentId, _userId, start, end, label.Id, note: null);
        }
        catch (Exception ex)
        {
            result = AnnotationResult.Fail(AnnotationOutcome.Invalid, "the server could not save it (" + ex.GetType().Name + ").");
        }
        if (showPending)
        {
            _model.Remove(placeholderId);
            _version++;
        }
        if (!result.Succeeded)
        {
            StateHasChanged();
            return result;
        }
        await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, result.Sequence, result.Kind, result.Annotation!, _userId, result.Annotation!.UpdatedAt));
        Select(result.Annotation!.Id, scroll: false);
        return result;
    }

    /// <summary>Changes a span as <paramref name="annotation"/> shows it: its version is the one the user saw, so a span
    /// changed meanwhile (another tab, a program) is refused and the current state shown instead. <paramref name="attributes"/>
    /// (what it says, as typed) replace its values when given; null keeps them.</summary>
    private async Task UpdateAsync(AnnotationView annotation, int labelId, string? note, IReadOnlyDictionary<string, string?>? attributes = null)
    {
        var sameValues = attributes is null || SameValues(annotation, attributes);
        if (labelId == annotation.LabelId && (note ?? "") == (annotation.Note ?? "") && sameValues)
        {
            Snackbar.Add(attributes is null ? "Nothing to save: the label and note are unchanged." : "Nothing to save: the values are unchanged.", Severity.Info);
            return;
        }
        _notice = null;
        _model?.SetPending(annotation.Id, true);
        StateHasChanged();
        AnnotationResult result;
        try
        {
            result = await SignedOutAsync() is { } refusal ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, refusal)
                : await Annotations.UpdateAsync(annotation.Id, _userId, annotation.Version, labelId, note, attributes);
        }
        catch (Exception ex)
        {
            result = AnnotationResult.Fail(AnnotationOutcome.Invalid, "The server could not save it (" + ex.GetType().Name + "); nothing was changed.");
        }
        _model?.SetPending(annotation.Id, false);
        if (result.Succeeded)
        {
            await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, result.Sequence, result.Kind, result.Annotation!, _userId, result.Annotation!.UpdatedAt));
            Snackbar.Add("Saved.", Severity.Success);
        }
        else
        {
            await RefusedChangeAsync(annotation, result);
        }
        StateHasChanged();
    }

    private async Task DeleteAsync(AnnotationView annotation)
    {
        _notice = null;
        _model?.SetPending(annotation.Id, true);
        StateHasChanged();
        AnnotationResult result;
        try
        {
            result = await SignedOutAsync() is { } refusal ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, refusal)
                : await Annotations.DeleteAsync(annotation.Id, _userId, annotation.Version);
        }
        catch (Exception ex)
        {
            result = AnnotationResult.Fail(AnnotationOutcome.Invalid, "The server could not delete it (" + ex.GetType().Name + "); nothing was changed.");
        }
        _model?.SetPending(annotation.Id, false);
        if (result.Succeeded)
        {
            await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, result.Sequence, result.Kind, result.Annotation!, _userId, DateTime.UtcNow));
            Snackbar.Add("Span deleted.", Severity.Info);
        }
        else
        {
            await RefusedChangeAsync(annotation, result);
        }
        StateHasChanged();
    }

    /// <summary>Ctrl+Z outside a text field.</summary>
    [JSInvokable]
    public Task OnUndoKey() => UndoAsync();

    /// <summary>Undoes this user's latest change to the document that is not undone yet: from the change log, so it reaches
    /// back past a reload, another document or a restart; each press goes one change further back.</summary>
    private Task UndoAsync() => RevertOrUndoAsync(null);

    /// <summary>Reverts one change from a span's history (the user's own, or anyone's for a supervisor).</summary>
    private Task RevertAsync(long sequence) => RevertOrUndoAsync(sequence);

    private async Task RevertOrUndoAsync(long? sequence)
    {
        if (_model is null || _undoing) return;
        if (sequence is null && !CanAnnotate)
        {
            Snackbar.Add(_access!.RefusalToAnnotate!, Severity.Info);
            return;
        }
        _undoing = true;
        AnnotationResult result;
        try
        {
            result = await SignedOutAsync() is { } refusal ? AnnotationResult.Fail(AnnotationOutcome.Forbidden, refusal)
                : sequence is { } s ? await Annotations.RevertAsync(DocumentId, s, _userId)
                : await Annotations.UndoAsync(DocumentId, _userId);
        }
        catch (Exception ex)
        {
            result = AnnotationResult.Fail(AnnotationOutcome.Invalid, "The server could not undo it (" + ex.GetType().Name + "); nothing was changed.");
        }
        finally
        {
            _undoing = false;
        }
        if (!result.Succeeded)
        {
            Snackbar.Add((sequence is null ? "Not undone: " : "Not reverted: ") + result.Error, result.Outcome == AnnotationOutcome.NotFound ? Severity.Info : Severity.Warning);
            StateHasChanged();
            return;
        }
        var span = result.Annotation!;
        await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, result.Sequence, result.Kind, span, _userId, DateTime.UtcNow));
        var text = Shorten(_model.TextOf(span));
        var verb = sequence is null ? "Undone" : "Reverted";
        if (result.Kind == ChangeKind.AnnotationDeleted)
        {
            if (_model.SelectedId == span.Id) _model.Select(null);
            Snackbar.Add($"{verb}: the {span.LabelName} span “{text}” is removed.", Severity.Info);
        }
        else
        {
            Select(span.Id, scroll: true);
            Snackbar.Add(result.Kind == ChangeKind.AnnotationCreated
                ? $"{verb}: the {span.LabelName} span “{text}” is back."
                : $"{verb}: “{text}” is {span.LabelName} again{(string.IsNullOrEmpty(span.Note) ? "" : ", with its note")}.", Severity.Info);
        }
        _historyVersion++;
        StateHasChanged();
    }

    /// <summary>Says why a change was refused and shows what the server holds now; a conflict also stays in the details panel.</summary>
    private async Task RefusedChangeAsync(AnnotationView annotation, AnnotationResult result)
    {
        if (result.Outcome != AnnotationOutcome.Conflict)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            await RefreshAsync(annotation.Id, result.Annotation);
            return;
        }
        await RefreshAsync(annotation.Id, result.Annotation);
        var current = result.Annotation ?? _model?.Find(annotation.Id);
        var message = current is null
            ? "Not saved: this span was deleted elsewhere first."
            : ConflictMessage(current);
        _notice = current is null ? null : (annotation.Id, message);
        Snackbar.Add(message, Severity.Warning);
    }

    // Only a span's annotator may change it, so whoever changed it first is this user elsewhere (a tab or a program).
    private string ConflictMessage(AnnotationView current)
    {
        var label = _labels.FirstOrDefault(l => l.Id == current.LabelId)?.Name ?? current.LabelName;
        var note = string.IsNullOrEmpty(current.Note) ? "no note" : $"note “{Shorten(current.Note)}”";
        var by = current.AnnotatorId == _userId ? "by you in another tab or program" : $"by {current.AnnotatorName}";
        return $"Not saved: changed {by} first. Now: {label}, {note}. Your change was not applied; make it again if you still want it.";
    }

    /// <summary>After a refused change, show what the server holds now.</summary>
    private async Task RefreshAsync(long id, AnnotationView? current)
    {
        current ??= await Annotations.FindAsync(id);
        if (current is null) _model?.Remove(id); else _model?.Upsert(current);
        _version++;
    }

    private void SetActivity(string activity) => Presence.SetActivity(DocumentId, _presenceKey, activity);

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..39] + "…";

    private static string? SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        foreach (var subscription in _subscriptions) subscription.Dispose();
        _stream?.Dispose();
        Connection.Changed -= OnConnectionChanged;
        Presence.Leave(DocumentId, _presenceKey);
        if (_attached)
        {
            try
            {
                await JS.InvokeVoidAsync("annotateHub.detach", _container);
            }
            catch (JSDisconnectedException)
            {
                // The circuit is gone; so are the listeners.
            }
        }
        _self?.Dispose();
    }
}
