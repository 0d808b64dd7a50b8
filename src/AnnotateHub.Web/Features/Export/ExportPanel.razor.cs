using AnnotateHub.Core.Formats;
using AnnotateHub.Web.Features.Projects;
using Microsoft.AspNetCore.Components;

namespace AnnotateHub.Web.Features.Export;

/// <summary>The Export tab: choose format, layer and options; the file is written on the server with progress, then downloaded.</summary>
public sealed partial class ExportPanel
{
    [Parameter, EditorRequired] public required int ProjectId { get; set; }
    [Parameter, EditorRequired] public required string UserId { get; set; }
    [Inject] private ExportService Export { get; set; } = default!;
    [Inject] private PreparedExports Prepared { get; set; } = default!;
    [Inject] private TeamService Team { get; set; } = default!;

    private string _format = "jsonl";
    private string _layer = "auto";
    private string _scheme = "bio";
    private string _split = "none";
    private string _groupBy = "none";
    private int _seed;
    private bool _softLabels;
    private bool _busy;
    private int _done;
    private int _total;
    private List<string> _errors = [];
    private List<string> _annotators = [];
    private (string Token, string FileName, string Size, int Documents)? _ready;

    protected override async Task OnParametersSetAsync() =>
        // Names only: the members' counts (MembersAsync) group every span of the project, which the Export tab does not show.
        _annotators = (await Team.MemberNamesAsync(ProjectId)).Where(m => m.Role == AnnotateHub.Core.Projects.ProjectRole.Annotator).Select(m => m.UserName).Order(StringComparer.Ordinal).ToList();

    private static string FormatTitle(string name) => name switch
    {
        "jsonl" => "JSONL interchange (doccano)",
        "spacy" => "spaCy / Prodigy JSONL",
        "conll" => "CoNLL (token per line)",
        "brat" => "brat standoff (zip)",
        "w3c" => "W3C Web Annotation (JSON-LD)",
        "csv" => "CSV (one row per span)",
        "parquet" => "Parquet (Hugging Face datasets)",
        _ => name,
    };

    private async Task PrepareAsync()
    {
        _errors = [];
        _ready = null;
        var values = new List<KeyValuePair<string, string?>> { new("format", _format), new("layer", _layer) };
        if (_format == "conll") values.Add(new("scheme", _scheme));
        if (_softLabels) values.Add(new("soft-labels", "true"));
        if (_split != "none")
        {
            values.Add(new("split", _split));
            values.Add(new("seed", _seed.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            if (_groupBy != "none") values.Add(new("group-by", _groupBy));
        }
        var (parsed, errors) = ExportRequest.Parse(values);
        if (parsed is null)
        {
            _errors = [.. errors];
            return;
        }
        var (request, error) = await Export.ResolveAsync(ProjectId, parsed);
        if (request is null)
        {
            _errors = [error!];
            return;
        }

        _busy = true;
        _done = 0;
        _total = await Export.CountAsync(ProjectId);
        StateHasChanged();
        var options = await Export.OptionsAsync(ProjectId, request);
        var path = Prepared.NewPath(request.Format.FileExtension(options));
        try
        {
            var progress = new Progress<int>(n => _ = InvokeAsync(() =>
            {
                _done = n;
                StateHasChanged();
            }));
            int documents;
            await using (var file = File.Create(path))
            {
                documents = await Task.Run(() => Export.WriteAsync(ProjectId, request.Format, options, file, progress));
            }
            var fileName = $"project-{ProjectId}-{request.Format.Name}{request.Format.FileExtension(options)}";
            var token = Prepared.Add(UserId, path, fileName, request.Format.ContentType(options));
            var bytes = new FileInfo(path).Length;
            _ready = (token, fileName, bytes < 1024 * 1024 ? $"{bytes / 1024.0:0.#} KB" : $"{bytes / (1024.0 * 1024):0.#} MB", documents);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            PreparedExports.TryDelete(path);
            _errors = [$"The export failed: {e.Message}"];
        }
        finally
        {
            _busy = false;
        }
    }
}
