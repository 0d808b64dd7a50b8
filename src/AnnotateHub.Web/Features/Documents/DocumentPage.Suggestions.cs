using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Suggestions;
using Microsoft.JSInterop;
using MudBlazor;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>The document page's suggestions: selecting, accepting and rejecting them, and decisions made elsewhere.</summary>
public sealed partial class DocumentPage
{
    private void SelectSuggestion(long id, bool scroll)
    {
        if (_model?.FindSuggestion(id) is not { } suggestion) return;
        _model.SelectSuggestion(id);
        _overlappingIds = [];
        SetActivity($"on “{Shorten(_model.TextOf(suggestion))}”");
        StateHasChanged();
        if (scroll) _ = JS.InvokeVoidAsync("annotateHub.scrollToSpan", _container, DocumentModel.SuggestionToken(id)).AsTask();
    }

    /// <summary>The suggestion's label as the label set has it now.</summary>
    private (string Name, string Color) LabelOf(SuggestionView s) =>
        _model is not null && _model.Labels.TryGetValue(s.LabelId, out var label) ? (label.Name, label.Color) : (s.LabelName, s.LabelColor);

    /// <summary>Makes the suggestion this user's span: it leaves the suggestions and appears as a committed span, like a
    /// span made by hand. From the details panel the new span is then selected (to relabel or annotate it).</summary>
    private async Task AcceptSuggestionAsync(long id, bool select)
    {
        if (_model?.FindSuggestion(id) is not { } suggestion || _deciding) return;
        var result = await DecideAsync(() => Suggestions.AcceptAsync(_access!, id));
        if (result.Succeeded)
        {
            RemoveSuggestion(id);
            var created = result.Created!;
            await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, created.Sequence, created.Kind, created.Annotation!, _userId, created.Annotation!.UpdatedAt));
            if (select) Select(created.Annotation.Id, scroll: false);
            Snackbar.Add($"Accepted as {LabelOf(suggestion).Name}: “{Shorten(_model.TextOf(suggestion))}”.", Severity.Success);
        }
        else
        {
            await RefusedAsync(id, "Not accepted: " + result.Error, result.Outcome);
        }
        StateHasChanged();
    }

    private async Task RejectSuggestionAsync(long id)
    {
        if (_model?.FindSuggestion(id) is null || _deciding) return;
        var result = await DecideAsync(() => Suggestions.RejectAsync(_access!, id));
        if (result.Succeeded) RemoveSuggestion(id);
        else await RefusedAsync(id, "Not rejected: " + result.Error, result.Outcome);
        StateHasChanged();
    }

    private async Task AcceptAllSuggestionsAsync()
    {
        if (_model is null || _deciding) return;
        _deciding = true;
        StateHasChanged();
        AcceptAllResult result;
        try
        {
            result = await Suggestions.AcceptAllAsync(_access!);
        }
        catch (Exception ex)
        {
            result = new AcceptAllResult([], [], [], "the server could not save them (" + ex.GetType().Name + ").");
        }
        finally
        {
            _deciding = false;
        }
        if (result.Refused)
        {
            Snackbar.Add("Not accepted: " + result.Refusal, Severity.Error);
            _access = await Access.ForDocumentAsync(DocumentId, _userId) ?? _access;
            StateHasChanged();
            return;
        }
        foreach (var id in result.Accepted) _model.RemoveSuggestion(id);
        RefreshSuggestionList();
        foreach (var created in result.Created)
        {
            await ApplyCommittedAsync(new DocumentChangeEvent(DocumentId, created.Sequence, created.Kind, created.Annotation!, _userId, created.Annotation!.UpdatedAt));
        }
        if (result.Errors.Count == 0)
        {
            Snackbar.Add($"Accepted {result.Accepted.Count} suggestion{(result.Accepted.Count == 1 ? "" : "s")}.", Severity.Success);
        }
        else
        {
            Snackbar.Add($"Accepted {result.Accepted.Count}; {result.Errors.Count} not accepted: {result.Errors[0]}", Severity.Warning);
        }
        StateHasChanged();
    }

    /// <summary>Why this circuit's user may no longer change anything (locked, removed, signed out everywhere), or null.
    /// The circuit is signed out by the same signal a moment later; a save in between is refused here.</summary>
    private async Task<string?> SignedOutAsync() => await Standing.RefusalAsync((await AuthState).User);

    private async Task<SuggestionResult> DecideAsync(Func<Task<SuggestionResult>> decide)
    {
        _deciding = true;
        StateHasChanged();
        try
        {
            return await SignedOutAsync() is { } refusal ? SuggestionResult.Fail(AnnotationOutcome.Forbidden, refusal) : await decide();
        }
        catch (Exception ex)
        {
            return SuggestionResult.Fail(AnnotationOutcome.Invalid, "the server could not save it (" + ex.GetType().Name + ").");
        }
        finally
        {
            _deciding = false;
        }
    }

    /// <summary>Says why, and shows what holds now: a suggestion already decided (in another tab) leaves the list; a refusal
    /// (the document was marked done elsewhere) re-reads what this user may do.</summary>
    private async Task RefusedAsync(long id, string message, AnnotationOutcome outcome)
    {
        Snackbar.Add(message, outcome == AnnotationOutcome.Conflict ? Severity.Warning : Severity.Error);
        if (outcome is AnnotationOutcome.Conflict or AnnotationOutcome.NotFound) RemoveSuggestion(id);
        if (outcome == AnnotationOutcome.Forbidden) _access = await Access.ForDocumentAsync(DocumentId, _userId) ?? _access;
    }

    private void RemoveSuggestion(long id)
    {
        if (_model is null) return;
        _model.RemoveSuggestion(id);
        RefreshSuggestionList();
    }

    /// <summary>A recognizer added suggestions to this document (here or in another view): read the pending ones again.</summary>
    private Task OnSuggestionsAdded(SuggestionsAddedEvent added) => InvokeAsync(async () =>
    {
        if (_model is null || _access is null) return;
        _model.SetSuggestions(await Suggestions.PendingAsync(_access));
        RefreshSuggestionList();
        _version++;
        StateHasChanged();
    });

    private bool _recognizing;
    // Bumped by each run, so the menu is drawn afresh (closed) when it ends.
    private int _recognizeRuns;

    /// <summary>Runs a recognizer over this document (supervisors): what it finds becomes suggestions for every annotator.</summary>
    private async Task RecognizeAsync(RecognizerKind kind)
    {
        if (_doc is null || _access is null || _recognizing) return;
        // The standing now, not the one the page read when it opened: a supervisor demoted since runs nothing.
        if (!(await Access.ForProjectAsync(_doc.ProjectId, _userId)).IsSupervisor)
        {
            Snackbar.Add("Only the project's supervisors can run recognizers.", Severity.Info);
            return;
        }
        _recognizing = true;
        StateHasChanged();
        try
        {
            var (report, error) = await Recognizers.RunAsync(_doc.ProjectId, kind, gazetteer: null, documentId: DocumentId);
            if (report is null) Snackbar.Add(error!, Severity.Warning);
            else Snackbar.Add(report.Describe(), report.Added > 0 ? Severity.Success : Severity.Info);
        }
        finally
        {
            _recognizing = false;
            _recognizeRuns++;
        }
        StateHasChanged();
    }

    private void RefreshSuggestionList()
    {
        _suggestionList = _model?.Suggestions.OrderBy(s => s.Start).ThenBy(s => s.End).ThenBy(s => s.Id).ToList() ?? [];
        _suggestionVersion++;
    }

    /// <summary>This user decided in another tab or through the API: those suggestions leave this view too.</summary>
    private Task OnSuggestionsDecided(SuggestionsDecidedEvent decided) => InvokeAsync(() =>
    {
        if (_model is null || decided.UserId != _userId) return;
        var removed = 0;
        foreach (var id in decided.SuggestionIds)
        {
            if (_model.FindSuggestion(id) is null) continue;
            _model.RemoveSuggestion(id);
            removed++;
        }
        if (removed == 0) return;
        RefreshSuggestionList();
        StateHasChanged();
    });
}
