using AnnotateHub.Core.Text;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Features.Labels;
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
    [Inject] private DocumentChangeNotifier Notifier { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private DocumentContent? _doc;
    private DocumentModel? _model;
    private IReadOnlyList<LabelView> _labels = [];
    private List<BreadcrumbItem> _crumbs = [];
    private IReadOnlyList<AnnotationView> _overlapping = [];
    private string _userId = "";
    private bool _notFound;
    private int _version;

    private (int Start, int End)? _pending; // UTF-16 range waiting for a label
    private double _menuX, _menuY;

    private ElementReference _container;
    private DotNetObjectReference<DocumentPage>? _self;
    private bool _attached;
    private IDisposable? _subscription;

    protected override async Task OnInitializedAsync()
    {
        _userId = (await AuthState).User.Id();
        _doc = await Corpus.GetDocumentAsync(DocumentId);
        if (_doc is null)
        {
            _notFound = true;
            return;
        }
        _crumbs = [new("Projects", "/"), new(_doc.ProjectName, $"/projects/{_doc.ProjectId}")];
        _labels = await LabelService.ListAsync(_doc.ProjectId);
        // Subscribe before loading so no change committed in between is missed; applying one twice is harmless.
        _subscription = Notifier.Subscribe(DocumentId, OnDocumentChanged);
        _model = new DocumentModel(_doc.Text, await Annotations.ListAsync(DocumentId), _labels);
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_model is not null && !_attached)
        {
            _attached = true;
            _self = DotNetObjectReference.Create(this);
            await JS.InvokeVoidAsync("annotateHub.attach", _container, _self);
        }
    }

    [JSInvokable]
    public Task OnSelection(int start, int end, double x, double y)
    {
        if (_model is null) return Task.CompletedTask;
        var snapped = WordSnapper.Snap(_model.Text, start, end);
        _pending = snapped;
        (_menuX, _menuY) = (x, y);
        if (snapped is not null) _model.Select(null);
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnSpanClick(string ids, double x, double y)
    {
        if (_model is null) return Task.CompletedTask;
        var spanIds = ids.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(long.Parse).ToList();
        // Clicking the selected span again cycles to the next span under the pointer, so nested spans stay reachable.
        var current = _model.SelectedId is { } sel ? spanIds.IndexOf(sel) : -1;
        var next = spanIds[(current + 1) % spanIds.Count];
        _pending = null;
        Select(next, scroll: false, overlapping: spanIds);
        return Task.CompletedTask;
    }

    [JSInvokable]
    public Task OnBackgroundClick()
    {
        _pending = null;
        _model?.Select(null);
        StateHasChanged();
        return Task.CompletedTask;
    }

    [JSInvokable]
    public async Task OnHotkey(string key)
    {
        var label = _labels.FirstOrDefault(l => l.Hotkey == key);
        if (label is null || _model is null) return;
        if (_pending is not null)
        {
            await CreateAsync(label);
        }
        else if (_model.SelectedId is { } id && _model.Find(id) is { } selected && selected.AnnotatorId == _userId)
        {
            await UpdateAsync(selected, label.Id, selected.Note);
        }
    }

    [JSInvokable]
    public Task OnEscape() => OnBackgroundClick();

    [JSInvokable]
    public async Task OnDeleteKey()
    {
        if (_model?.SelectedId is { } id && _model.Find(id) is { } selected && selected.AnnotatorId == _userId)
        {
            await DeleteAsync(selected);
        }
    }

    private void Select(long id, bool scroll, IReadOnlyList<long>? overlapping = null)
    {
        if (_model is null) return;
        _model.Select(id);
        _overlapping = (overlapping ?? [id]).Select(_model.Find).OfType<AnnotationView>().ToList();
        StateHasChanged();
        if (scroll) _ = JS.InvokeVoidAsync("annotateHub.scrollToSpan", _container, id).AsTask();
    }

    private async Task CreateAsync(LabelView label)
    {
        if (_model is null || _pending is not { } range) return;
        _pending = null;
        var start = _model.Offsets.ToCodePoint(range.Start);
        var end = _model.Offsets.ToCodePoint(range.End);
        var result = await Annotations.CreateAsync(DocumentId, _userId, start, end, label.Id, note: null);
        await JS.InvokeVoidAsync("annotateHub.clearSelection");
        if (!result.Succeeded)
        {
            Snackbar.Add($"Not saved: {result.Error}", Severity.Error);
            return;
        }
        Apply(result.Annotation!);
        Select(result.Annotation!.Id, scroll: false);
    }

    private async Task UpdateAsync(AnnotationView annotation, int labelId, string? note)
    {
        var result = await Annotations.UpdateAsync(annotation.Id, _userId, annotation.Version, labelId, note);
        if (result.Succeeded)
        {
            Apply(result.Annotation!);
            Snackbar.Add("Saved.", Severity.Success);
        }
        else
        {
            Snackbar.Add(result.Error!, result.Outcome == AnnotationOutcome.Conflict ? Severity.Warning : Severity.Error);
            await RefreshAsync(annotation.Id, result.Annotation);
        }
        StateHasChanged();
    }

    private async Task DeleteAsync(AnnotationView annotation)
    {
        var result = await Annotations.DeleteAsync(annotation.Id, _userId, annotation.Version);
        if (result.Succeeded)
        {
            _model?.Remove(annotation.Id);
            _version++;
            Snackbar.Add("Span deleted.", Severity.Info);
        }
        else
        {
            Snackbar.Add(result.Error!, result.Outcome == AnnotationOutcome.Conflict ? Severity.Warning : Severity.Error);
            await RefreshAsync(annotation.Id, result.Annotation);
        }
        StateHasChanged();
    }

    /// <summary>After a refused change, show what the server holds now.</summary>
    private async Task RefreshAsync(long id, AnnotationView? current)
    {
        current ??= await Annotations.FindAsync(id);
        if (current is null) _model?.Remove(id); else _model?.Upsert(current);
        _version++;
    }

    /// <summary>Shows a committed version of a span; returns false when the view already had it (or a newer one).</summary>
    private bool Apply(AnnotationView annotation)
    {
        if (_model is null) return false;
        // Never replace a newer version with an older one, and skip the one we already show: our own change
        // arrives twice, once as the service's result and once as the notifier's event.
        if (_model.Find(annotation.Id) is { } known && known.Version >= annotation.Version) return false;
        _model.Upsert(annotation);
        _version++;
        return true;
    }

    private Task OnDocumentChanged(DocumentChangeEvent change) => InvokeAsync(() =>
    {
        if (_model is null) return;
        var changed = change.Kind == ChangeKind.AnnotationDeleted ? _model.Remove(change.Annotation.Id) > 0 : Apply(change.Annotation);
        if (!changed) return;
        _version++;
        StateHasChanged();
    });

    private static string? SafeUrl(string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri.ToString() : null;

    public async ValueTask DisposeAsync()
    {
        _subscription?.Dispose();
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
