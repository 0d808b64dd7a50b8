using AnnotateHub.Core.Labels;
using AnnotateHub.Web.Components.Shared;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace AnnotateHub.Web.Features.Labels;

/// <summary>The Labels tab: supervisors add, edit and remove the project's labels; an edit made meanwhile by someone else
/// is refused, not overwritten.</summary>
public sealed partial class LabelSetEditor
{
    [Parameter, EditorRequired] public required int ProjectId { get; set; }
    [Parameter, EditorRequired] public required IReadOnlyList<LabelView> Labels { get; set; }
    [Parameter] public EventCallback LabelsChanged { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;
    [Inject] private LabelService Service { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    private List<Row> _rows = [];
    private IReadOnlyList<LabelView>? _shown;
    private List<string> _errors = [];
    private bool _canEdit;
    private string _userId = "";

    [Inject] private DocumentLabelService DocumentLabels { get; set; } = default!;
    private string? _documentAttributes;

    protected override async Task OnInitializedAsync()
    {
        _userId = (await AuthState).User.Id();
        _canEdit = await Service.CanEditAsync(ProjectId, _userId);
        _documentAttributes = AttributeJson.Definitions(await DocumentLabels.DefinitionsAsync(ProjectId)) ?? "";
    }

    private async Task<AttributeEditor.AttributeSave> SaveAttributesAsync(LabelView label, IReadOnlyList<AttributeDefinition> definitions, string? read)
    {
        var result = await Service.SetAttributesAsync(label.Id, _userId, definitions, expected: read, checkExpected: true);
        return new(result.Errors, result.Conflict, result.Label?.AttributesJson ?? read);
    }

    private async Task<AttributeEditor.AttributeSave> SaveDocumentAttributesAsync(IReadOnlyList<AttributeDefinition> definitions, string? read)
    {
        var errors = await DocumentLabels.SetDefinitionsAsync(ProjectId, _userId, definitions);
        _documentAttributes = AttributeJson.Definitions(await DocumentLabels.DefinitionsAsync(ProjectId)) ?? "";
        return new(errors, false, errors.Count == 0 ? _documentAttributes : read);
    }

    protected override void OnParametersSet()
    {
        // The parent re-renders for other reasons too: only a new label set rebuilds the rows. A row being edited keeps
        // what was typed and the label as it was read, so saving it is refused if the label changed meanwhile.
        if (ReferenceEquals(_shown, Labels)) return;
        _shown = Labels;
        var editing = _rows.Where(r => r.Original is not null && r.IsDirty).ToDictionary(r => r.Original!.Id);
        var blank = _rows.FirstOrDefault(r => r.Original is null && r.IsTyped);
        _rows = Labels.Select(l => editing.GetValueOrDefault(l.Id) ?? new Row(l)).ToList();
        if (_canEdit || _rows.Count == 0) _rows.Add(blank ?? Row.Blank(Labels));
    }

    private async Task AddAsync(Row row) => await Apply(await Service.AddAsync(ProjectId, _userId, row.ToSpec()), "Label added.");

    private async Task SaveAsync(Row row)
    {
        if (!row.IsDirty)
        {
            _errors = [];
            Snackbar.Add($"Nothing to save: \"{row.Original!.Name}\" is unchanged.", Severity.Info);
            return;
        }
        // The label as this row read it: a label changed by someone else since is refused, not overwritten.
        await Apply(await Service.UpdateAsync(row.Original!.Id, _userId, row.ToSpec(), expected: row.Original.ToSpec()), "Label saved.");
    }

    private async Task RemoveAsync(Row row) => await Apply(await Service.RemoveAsync(row.Original!.Id, _userId, expected: row.Original.ToSpec()), "Label removed.");

    private async Task Apply(LabelResult result, string success)
    {
        _errors = result.Errors.ToList();
        if (!result.Succeeded)
        {
            // A refusal because the label changed elsewhere: show the label set as it is now (what was typed is dropped).
            if (result.Conflict) await ReloadAsync();
            return;
        }
        Snackbar.Add(success, Severity.Success);
        await LabelsChanged.InvokeAsync();
    }

    private async Task ReloadAsync()
    {
        var current = await Service.ListAsync(ProjectId);
        _shown = current;
        _rows = current.Select(l => new Row(l)).ToList();
        if (_canEdit || _rows.Count == 0) _rows.Add(Row.Blank(current));
        await LabelsChanged.InvokeAsync();
    }

    private sealed class Row
    {
        public Row(LabelView? original)
        {
            Original = original;
            Name = original?.Name ?? "";
            Color = original?.Color ?? "#607d8b";
            Hotkey = original?.Hotkey ?? "";
            Description = original?.Description;
        }

        public static Row Blank(IReadOnlyList<LabelView> existing)
        {
            var freeKey = Enumerable.Range(1, 9).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(k => existing.All(l => l.Hotkey != k));
            return new Row(null) { Hotkey = freeKey ?? "" };
        }

        public LabelView? Original { get; }
        public string Name { get; set; }
        public string Color { get; set; }
        public string Hotkey { get; set; }
        public string? Description { get; set; }

        public bool IsDirty => Original is null || Original.Name != Name || Original.Color != Color
            || (Original.Hotkey ?? "") != Hotkey || (Original.Description ?? "") != (Description ?? "");

        /// <summary>A blank row someone has started to fill in.</summary>
        public bool IsTyped => Name.Length > 0 || !string.IsNullOrEmpty(Description);

        public LabelSpec ToSpec() => new(Name, Color, Hotkey, Description);
    }
}
