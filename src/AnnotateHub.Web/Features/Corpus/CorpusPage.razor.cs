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
    /// <summary>Rows per page of the document list unless the address says otherwise.</summary>
    public const int DefaultPageSize = DocumentQuery.DefaultLimit;

    [Parameter] public int ProjectId { get; set; }

    // The list's state lives in the address (DocumentListQuery's words), so a reload or a shared link shows the same page.
    [SupplyParameterFromQuery(Name = "sort")] public string? SortParameter { get; set; }
    [SupplyParameterFromQuery(Name = "order")] public string? OrderParameter { get; set; }
    [SupplyParameterFromQuery(Name = "status")] public string? StatusParameter { get; set; }
    [SupplyParameterFromQuery(Name = "label")] public string? LabelParameter { get; set; }
    [SupplyParameterFromQuery(Name = "assignee")] public string? AssigneeParameter { get; set; }
    [SupplyParameterFromQuery(Name = "search")] public string? SearchParameter { get; set; }
    [SupplyParameterFromQuery(Name = "page")] public string? PageParameter { get; set; }
    [SupplyParameterFromQuery(Name = "size")] public string? SizeParameter { get; set; }
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TeamService Team { get; set; } = default!;
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
    private int _pageSize = DefaultPageSize;
    private DocumentStatus? _status;
    private int? _labelId;
    private string? _assigneeId;
    private IReadOnlyList<UserChoice> _annotators = [];
    private int? _loadedProjectId;
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

    private int PageSize => _pageSize;

    private int PageCount => _page is null || _page.Total == 0 ? 1 : (_page.Total + PageSize - 1) / PageSize;

    private bool Filtered => _status is not null || _labelId is not null || _assigneeId is not null;

    private string RangeText
    {
        get
        {
            var culture = System.Globalization.CultureInfo.InvariantCulture;
            var range = $"{(_page!.Offset + 1).ToString("N0", culture)}–{(_page.Offset + _page.Rows.Count).ToString("N0", culture)} of {_page.Total.ToString("N0", culture)}";
            var noun = $"{range} {(Filtered ? "matching " : "")}document{(_page.Total == 1 ? "" : "s")}";
            return string.IsNullOrEmpty(_search) ? noun : $"{range} matching “{_search}”";
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        ReadAddress();
        // Only the query changed (the list's own navigation): load the list, not the project again.
        if (_loadedProjectId == ProjectId)
        {
            await LoadPageAsync();
            return;
        }
        _loadedProjectId = ProjectId;
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
        _annotators = _permissions.IsSupervisor ? (await Team.MemberNamesAsync(ProjectId)).Where(m => m.Role == ProjectRole.Annotator).ToList() : [];
        await LoadPageAsync();
    }

    private void ReadAddress()
    {
        _sort = DocumentListQuery.ParseSort(SortParameter) ?? DocumentSort.Published;
        _descending = string.Equals(OrderParameter, "desc", StringComparison.OrdinalIgnoreCase);
        _status = DocumentListQuery.ParseStatus(StatusParameter);
        _labelId = DocumentListQuery.ParseInt(LabelParameter);
        _assigneeId = string.IsNullOrEmpty(AssigneeParameter) ? null : AssigneeParameter;
        _search = string.IsNullOrEmpty(SearchParameter) ? null : SearchParameter;
        var size = DocumentListQuery.ParseInt(SizeParameter);
        _pageSize = size is { } s && DocumentListQuery.PageSizes.Contains(s) ? s : DefaultPageSize;
        var page = DocumentListQuery.ParseInt(PageParameter) ?? 1;
        _offset = (Math.Clamp(page, 1, DocumentQuery.MaxLimit * 1000) - 1) * _pageSize;
    }

    /// <summary>Puts the list's state into the address; the page reloads the list when the parameters arrive.</summary>
    private void Navigate(bool replace = false)
    {
        string? Or<T>(T value, T @default) => EqualityComparer<T>.Default.Equals(value, @default) ? null : value?.ToString();
        var uri = Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["sort"] = _sort == DocumentSort.Published ? null : DocumentListQuery.SortName(_sort),
            ["order"] = _descending ? "desc" : null,
            ["status"] = _status is { } st ? DocumentListQuery.StatusName(st) : null,
            ["label"] = _labelId,
            ["assignee"] = _assigneeId,
            ["search"] = string.IsNullOrEmpty(_search) ? null : _search,
            ["page"] = _offset == 0 ? null : (_offset / PageSize + 1).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["size"] = Or(_pageSize, DefaultPageSize),
        });
        Navigation.NavigateTo(uri, replace: replace);
    }

    private async Task LoadPageAsync()
    {
        var request = ++_request;
        if (_project is null) return;
        var page = await Corpus.PageDocumentsAsync(ProjectId, Query(), _scope);
        // Documents went away (or the search narrowed) under the page shown: show the last page that has rows.
        if (page.Rows.Count == 0 && page.Total > 0 && _offset > 0)
        {
            _offset = (page.Total - 1) / PageSize * PageSize;
            page = await Corpus.PageDocumentsAsync(ProjectId, Query(), _scope);
        }
        if (request == _request) _page = page;
    }

    private DocumentQuery Query() => new(_search, _sort, _descending, _offset, PageSize, _status, _assigneeId, _labelId);

    private void OnSearch(string? value)
    {
        _search = value;
        _offset = 0;
        Navigate(replace: true); // typing is not a step to go back through
    }

    private void SortBy(DocumentSort sort)
    {
        _descending = _sort == sort && !_descending;
        _sort = sort;
        _offset = 0;
        Navigate();
    }

    private void GoTo(int offset)
    {
        _offset = Math.Max(0, offset);
        Navigate();
    }

    private void FilterStatus(DocumentStatus? status)
    {
        _status = status;
        _offset = 0;
        Navigate();
    }

    private void FilterLabel(int? labelId)
    {
        _labelId = labelId;
        _offset = 0;
        Navigate();
    }

    private void FilterAssignee(string? userId)
    {
        _assigneeId = userId;
        _offset = 0;
        Navigate();
    }

    private void ChoosePageSize(int size)
    {
        // Keep the first row shown on the page of the new size.
        _offset = _offset / size * size;
        _pageSize = size;
        Navigate();
    }

    private void ClearFilters()
    {
        (_status, _labelId, _assigneeId, _offset) = (null, null, null, 0);
        Navigate();
    }

    private static string StatusClass(DocumentStatus status) => status switch
    {
        DocumentStatus.NotStarted => "notstarted",
        DocumentStatus.InProgress => "inprogress",
        DocumentStatus.Done => "done",
        _ => "curated",
    };

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
