using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Import;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AnnotateHub.Web.Features.Corpus;

/// <summary>/projects/{id}: the project's documents (searched, sorted and paged in the database), its labels and, for
/// supervisors, its team, import and export.</summary>
public sealed partial class CorpusPage : IDisposable
{
    /// <summary>Rows per page of the document list.</summary>
    public const int PageSize = DocumentQuery.DefaultLimit;

    [Parameter] public int ProjectId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private CorpusService Corpus { get; set; } = default!;
    [Inject] private LabelService Labels { get; set; } = default!;
    [Inject] private ProjectAccess Access { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;

    private ProjectSummary? _project;
    private IReadOnlyList<LabelView>? _labels;
    private DocumentListPage? _page;
    private string? _search;
    private DocumentSort _sort = DocumentSort.Published;
    private bool _descending;
    private int _offset;
    private int _request; // the latest list request; an older one that answers late is dropped
    private bool _notFound;
    private List<BreadcrumbItem> _crumbs = [];
    private string _userId = "";
    private ProjectPermissions _permissions = ProjectPermissions.NoAccess;
    private CorpusScope _scope = CorpusScope.Everything;
    private IDisposable? _teamSubscription;
    private DocumentDialogs? _documentDialogs;

    // What the page renders once both are loaded (the gate shows progress until then).
    private sealed record LoadedProject(ProjectSummary Project, IReadOnlyList<LabelView> Labels);
    private LoadedProject? Loaded => _project is not null && _labels is not null ? new(_project, _labels) : null;

    private int PageCount => _page is null || _page.Total == 0 ? 1 : (_page.Total + PageSize - 1) / PageSize;

    private string RangeText
    {
        get
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            var range = $"{(_page!.Offset + 1).ToString("N0", culture)}–{(_page.Offset + _page.Rows.Count).ToString("N0", culture)} of {_page.Total.ToString("N0", culture)}";
            return string.IsNullOrEmpty(_search) ? $"{range} document{(_page.Total == 1 ? "" : "s")}" : $"{range} matching “{_search}”";
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        _userId = (await AuthState).User.Id();
        await LoadAsync();
        _teamSubscription?.Dispose();
        _teamSubscription = Bus.Subscribe<TeamChangedEvent>(ProjectId, _ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    private async Task LoadAsync()
    {
        _permissions = await Access.ForProjectAsync(ProjectId, _userId);
        // A project the user is not in looks like one that does not exist.
        _project = _permissions.IsMember ? await Corpus.FindProjectAsync(ProjectId) : null;
        _notFound = _project is null;
        if (_project is null) return;
        _crumbs = [new("Projects", "/"), new(_project.Name, null, disabled: true)];
        _labels = await Labels.ListAsync(ProjectId);
        _scope = CorpusScope.For(_userId, _permissions);
        await LoadPageAsync();
    }

    private async Task LoadPageAsync()
    {
        var request = ++_request;
        var page = await Corpus.PageDocumentsAsync(ProjectId, new DocumentQuery(_search, _sort, _descending, _offset, PageSize), _scope);
        // Documents went away (or the search narrowed) under the page shown: show the last page that has rows.
        if (page.Rows.Count == 0 && page.Total > 0 && _offset > 0)
        {
            _offset = (page.Total - 1) / PageSize * PageSize;
            page = await Corpus.PageDocumentsAsync(ProjectId, new DocumentQuery(_search, _sort, _descending, _offset, PageSize), _scope);
        }
        if (request == _request) _page = page;
    }

    private async Task OnSearch(string? value)
    {
        _search = value;
        _offset = 0;
        await LoadPageAsync();
    }

    private async Task SortByAsync(DocumentSort sort)
    {
        _descending = _sort == sort && !_descending;
        _sort = sort;
        _offset = 0;
        await LoadPageAsync();
    }

    private async Task GoToAsync(int offset)
    {
        _offset = Math.Max(0, offset);
        await LoadPageAsync();
    }

    private string Arrow(DocumentSort sort) => _sort != sort ? "" : _descending ? "▼" : "▲";

    private async Task OnLabelsChanged()
    {
        _labels = await Labels.ListAsync(ProjectId);
        await LoadPageAsync();
    }

    private async Task OnImported(ImportReport report)
    {
        if (report.Succeeded) await LoadAsync();
    }

    public void Dispose() => _teamSubscription?.Dispose();
}
