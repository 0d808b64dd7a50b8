using AnnotateHub.Core.Projects;
using AnnotateHub.Web.Features.Corpus;
using AnnotateHub.Web.Realtime;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace AnnotateHub.Web.Features.Projects;

public sealed partial class TeamPanel : IDisposable
{
    [Parameter, EditorRequired] public required int ProjectId { get; set; }
    [Parameter, EditorRequired] public required string UserId { get; set; }
    [Inject] private TeamService Team { get; set; } = default!;
    [Inject] private ProjectAccess Access { get; set; } = default!;
    [Inject] private CorpusService Corpus { get; set; } = default!;
    [Inject] private EventBus Bus { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private ProjectMode _mode;
    private IReadOnlyList<MemberRow> _members = [];
    private IReadOnlyList<MemberRow> _annotators = [];
    private DocumentListPage _documents = new([], 0, 0, MatrixPageSize);
    private int _offset;
    /// <summary>Documents per page of the assignment matrix: it never holds the whole project.</summary>
    public const int MatrixPageSize = DocumentQuery.DefaultLimit;
    private Dictionary<(int DocumentId, string UserId), AssignmentState> _assignments = [];
    private string? _newUser;
    private ProjectRole _newRole = ProjectRole.Annotator;
    private const int DefaultPerDocument = 2;
    private int _perDocument = DefaultPerDocument;
    private bool _perDocumentChosen;
    private IDisposable? _subscription;

    protected override async Task OnInitializedAsync()
    {
        await LoadAsync();
        // Annotators marking documents done (and other supervisors' changes) show up here live.
        _subscription = Bus.Subscribe<TeamChangedEvent>(ProjectId, _ => InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        }));
    }

    private async Task LoadAsync()
    {
        _mode = (await Access.ForProjectAsync(ProjectId, UserId)).Mode;
        _members = await Team.MembersAsync(ProjectId);
        _annotators = _members.Where(m => m.Role == ProjectRole.Annotator).ToList();
        _documents = await Corpus.PageDocumentsAsync(ProjectId, new DocumentQuery(Offset: _offset, Limit: MatrixPageSize), CorpusScope.Everything);
        if (_documents.Rows.Count == 0 && _documents.Total > 0 && _offset > 0)
        {
            _offset = (_documents.Total - 1) / MatrixPageSize * MatrixPageSize;
            _documents = await Corpus.PageDocumentsAsync(ProjectId, new DocumentQuery(Offset: _offset, Limit: MatrixPageSize), CorpusScope.Everything);
        }
        // Only the shown documents' assignments: a page's worth, however large the project.
        _assignments = (await Team.AssignmentsAsync(ProjectId, _documents.Rows.Select(d => d.Id).ToList())).ToDictionary(a => (a.DocumentId, a.UserId), a => a.State);
        // Until the supervisor picks a number, suggest two (for agreement) or as many as there are annotators; clamping
        // a stored value instead would leave a panel opened before annotators were added stuck at one.
        if (!_perDocumentChosen) _perDocument = Math.Clamp(DefaultPerDocument, 1, Math.Max(1, _annotators.Count));
    }

    private int MatrixPageCount => Math.Max(1, (_documents.Total + MatrixPageSize - 1) / MatrixPageSize);

    private async Task GoToAsync(int offset)
    {
        _offset = Math.Max(0, offset);
        await LoadAsync();
    }

    private void ChoosePerDocument(int value)
    {
        _perDocument = value;
        _perDocumentChosen = true;
    }

    private Task SetModeAsync(ProjectMode mode) =>
        RunAsync(Team.SetModeAsync(ProjectId, UserId, mode), mode == ProjectMode.Blind ? "Blind: annotators now see only their own spans." : "Open: annotators now see each other's spans.");

    private Dictionary<string, UserChoice> _choices = [];
    private MudAutocomplete<string>? _picker;

    private async Task<IEnumerable<string>> SearchUsersAsync(string? text, CancellationToken ct)
    {
        var found = await Team.FindUsersAsync(ProjectId, text, ct);
        _choices = found.ToDictionary(u => u.UserName, StringComparer.Ordinal);
        return found.Select(u => u.UserName);
    }

    private void PickUser(string? userName) => _newUser = userName;

    private void TypeUser(string? text) => _newUser = text;

    // No receiver: noting the text does not re-render the panel.
    private EventCallback<string> TypeUserCallback => new(null, (Action<string?>)TypeUser);

    private async Task AddMemberAsync()
    {
        if (string.IsNullOrWhiteSpace(_newUser))
        {
            Snackbar.Add("Type a user's name, or pick one from the list.", Severity.Warning);
            return;
        }
        if (await RunAsync(Team.SetMemberAsync(ProjectId, UserId, _newUser ?? "", _newRole), $"{_newUser?.Trim()} added as {_newRole.ToString().ToLowerInvariant()}."))
        {
            _newUser = null;
            if (_picker is not null) await _picker.ClearAsync();
        }
    }

    private static readonly ProjectRole[] Roles = [ProjectRole.Annotator, ProjectRole.Curator, ProjectRole.Supervisor];

    /// <summary>A project role as the pages show it.</summary>
    public static string RoleName(ProjectRole role) => role switch
    {
        ProjectRole.Supervisor => "Supervisor",
        ProjectRole.Curator => "Curator",
        ProjectRole.Annotator => "Annotator",
        _ => "None",
    };

    private Task SwitchRoleAsync(MemberRow member, ProjectRole role)
    {
        return RunAsync(Team.SetMemberAsync(ProjectId, UserId, member.UserName, role), $"{member.Name} is now {role.ToString().ToLowerInvariant()}.");
    }

    private Task RemoveAsync(MemberRow member) =>
        RunAsync(Team.RemoveMemberAsync(ProjectId, UserId, member.UserId), $"{member.Name} removed from the project.");

    private async Task AssignEachAsync()
    {
        var result = await Team.AssignEachAsync(ProjectId, UserId, _perDocument);
        await ShowAsync(result, result.Count == 0 ? "Every document already has enough annotators." : $"{result.Count} assignment{(result.Count == 1 ? "" : "s")} made.");
    }

    private Task SetAssignedAsync(int documentId, string annotatorId, bool assigned) =>
        RunAsync(Team.SetAssignedAsync(ProjectId, UserId, documentId, annotatorId, assigned), null);

    private async Task<bool> RunAsync(Task<TeamResult> action, string? success) => await ShowAsync(await action, success);

    private async Task<bool> ShowAsync(TeamResult result, string? success)
    {
        if (!result.Succeeded) Snackbar.Add(result.Error!, Severity.Error);
        else if (success is not null) Snackbar.Add(success, Severity.Success);
        // Reload either way: a refused checkbox must show what is stored, not what was clicked.
        await LoadAsync();
        return result.Succeeded;
    }

    private static string StateName(AssignmentState state) => state switch
    {
        AssignmentState.NotStarted => "not started",
        AssignmentState.InProgress => "in progress",
        _ => "done",
    };

    public void Dispose() => _subscription?.Dispose();
}
