using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using MudBlazor;

namespace AnnotateHub.Web.Features.Documents;

/// <summary>The document page's live state: what the stream applies, how it renders, and changes of labels, team and connection
/// (the stream itself, its sequence and catch-up, is <see cref="DocumentStream"/>).</summary>
public sealed partial class DocumentPage
{
    /// <summary>Renders what the live changes just applied touched: the paragraphs they rebuilt and the span panel, or the
    /// page when a change touched the selected span or the page has not rendered this model yet.</summary>
    private void RenderLive()
    {
        var rebuilt = _model?.TakeRebuilt();
        if (_pageTouched || _articleRegion is null || _spansRegion is null || !ReferenceEquals(_shownModel, _model))
        {
            _pageTouched = false;
            StateHasChanged();
            return;
        }
        // Each touched paragraph renders on its own, in the span panel's render batch; the article walks its paragraphs
        // only when all were rebuilt or one has no view yet. A change costs what it touches, not the document's length
        // (decision 0075).
        var (model, article) = (_model!, _articleRegion);
        if (rebuilt is null) article.Refresh();
        _spansRegion.Refresh(rebuilt is null ? null : () =>
        {
            if (!ShowParagraphs(model, rebuilt)) article.Refresh();
        });
    }

    private bool ShowParagraphs(DocumentModel model, IReadOnlyCollection<int> rebuilt)
    {
        foreach (var p in rebuilt)
        {
            if (model.Paragraphs[p].IsBlank) continue; // a blank line has no view
            if (p >= _paragraphViews.Length || _paragraphViews[p] is not { } view) return false;
            view.Show(model.Paragraphs[p]);
        }
        return true;
    }

    /// <summary>A committed change this view made (the service's answer): through the stream, so it applies in order and once.</summary>
    private Task ApplyCommittedAsync(DocumentChangeEvent change) => _stream?.ApplyAsync(change) ?? Task.CompletedTask;

    /// <summary>Reads the change log after the last sequence shown and applies what is there, in order.</summary>
    private Task CatchUpAsync() => _model is null ? Task.CompletedTask : _stream?.CatchUpAsync() ?? Task.CompletedTask;

    /// <summary>Whether this user may see a change by <paramref name="annotatorId"/> (in a blind project, only their own).</summary>
    private bool CanSee(string annotatorId) => _access is not { } access || access.CanSeeChangeBy(annotatorId);

    /// <summary>Shows one committed change the stream let through (in order, visible to this user).</summary>
    private void ApplyVisible(DocumentChangeEvent change)
    {
        if (_model is null) return;
        // The details panel shows the selected span: a change of it renders the page.
        if (change.Annotation.Id == _model.SelectedId || _notice?.Id == change.Annotation.Id || _overlappingIds.Contains(change.Annotation.Id)) _pageTouched = true;
        if (change.Kind == ChangeKind.AnnotationDeleted)
        {
            _model.Remove(change.Annotation.Id);
        }
        else
        {
            // The log is ordered, but a refused change may have shown a newer version already: never go back.
            if (_model.Find(change.Annotation.Id) is { } known && known.Version >= change.Annotation.Version) return;
            _model.Upsert(change.Annotation);
        }
        _version++;
    }

    private Task OnLabelsChanged(LabelsChangedEvent change) => InvokeAsync(() =>
    {
        if (_model is null) return;
        _labels = change.Labels;
        _model.ReplaceLabels(change.Labels);
        _version++;
        _suggestionVersion++;
        StateHasChanged();
    });

    /// <summary>The mode, the members or the assignments changed: re-check what this user may see and do here.</summary>
    private Task OnTeamChanged(TeamChangedEvent change) => InvokeAsync(async () =>
    {
        var before = _access;
        _access = await Access.ForDocumentAsync(DocumentId, _userId);
        if (_access is null || !_access.Permissions.IsMember || !_access.CanOpen)
        {
            _stream?.Dispose();
            _stream = null;
            _model = null;
            // No standing at all: the document (or its project) was deleted (ProjectAdminService forgets its facts first).
            _refusal = _access is null ? "This document was deleted." : "You no longer have access to this document.";
        }
        else if (before is null || before.Permissions.SeesOthers != _access.Permissions.SeesOthers)
        {
            await LoadSpansAsync();
        }
        StateHasChanged();
    });

    private QueueItem? _next;
    private bool _nextAsked, _focusNext;
    private Microsoft.AspNetCore.Components.ElementReference _nextButton;

    private void OpenNext(int documentId) => Navigation.NavigateTo($"/documents/{documentId}", forceLoad: true);

    private async Task SetDoneAsync(bool done)
    {
        var result = await Team.SetDoneAsync(DocumentId, _userId, done);
        if (!result.Succeeded)
        {
            Snackbar.Add(result.Error!, Severity.Error);
            return;
        }
        _access = await Access.ForDocumentAsync(DocumentId, _userId);
        _pending = null;
        // Done: what comes next is one click (or Enter on the focused button) away; nothing left says so.
        _next = done ? await Team.NextAssignmentAsync(_userId, DocumentId) : null;
        (_nextAsked, _focusNext) = (done, done);
        Snackbar.Add(done ? "Marked done. Reopen it to change your spans." : "Reopened.", Severity.Success);
        StateHasChanged();
    }

    private Task OnConnectionChanged(bool up) => InvokeAsync(async () =>
    {
        _offline = !up;
        StateHasChanged();
        SetActivity(up ? "reading" : "away (offline)");
        if (up) await CatchUpAsync();
    });
}
