using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;

namespace AnnotateHub.Web.Features.Import;

/// <summary>Upload a file into a project (<see cref="ProjectId"/> set) or into a new project named here (null): upload with
/// progress, then the import with progress, then the report.</summary>
public sealed partial class ImportPanel
{
    /// <summary>The project to import into; null to create a new one from the file.</summary>
    [Parameter] public int? ProjectId { get; set; }
    [Parameter, EditorRequired] public required string UserId { get; set; }
    [Parameter] public EventCallback<ImportReport> Imported { get; set; }
    [Inject] private ImportService Importer { get; set; } = default!;
    [Inject] private IConfiguration Configuration { get; set; } = default!;

    private IBrowserFile? _file;
    // A new <input> after every try: the browser fires no change for the same file chosen again, and a file fixed on
    // disk since it was chosen can no longer be read through the old one.
    private int _inputGeneration;
    private string? _projectName;
    private bool _asSuggestions;
    private bool _recognize;
    private string? _recognized;
    [Inject] private Suggestions.RecognizerService Recognizers { get; set; } = default!;
    private bool _busy;
    private string _phase = "";
    private double _percent;
    private string? _problem;
    private ImportReport? _report;

    private long MaxUploadBytes => ImportLimits.MaxUploadBytes(Configuration);

    private void OnFileChosen(InputFileChangeEventArgs e)
    {
        _report = null;
        _problem = null;
        _file = e.File;
        if (ImportFileReader.UnsupportedReason(_file.Name) is { } unsupported)
        {
            _problem = unsupported;
            _file = null;
        }
        else if (_file.Size > MaxUploadBytes)
        {
            _problem = $"\"{_file.Name}\" is {FormatSize(_file.Size)}; uploads in the browser are limited to {FormatSize(MaxUploadBytes)}. " +
                       "Split the file, or import it on the server with: import --project NAME --input FILE";
            _file = null;
        }
    }

    private async Task ImportAsync()
    {
        if (_file is null) return;
        _busy = true;
        _report = null;
        _problem = null;
        var temp = Path.Combine(Path.GetTempPath(), $"annotatehub-upload-{Guid.NewGuid():N}{Path.GetExtension(_file.Name)}");
        try
        {
            _phase = "Uploading…";
            _percent = 0;
            await using (var target = File.Create(temp))
            await using (var source = _file.OpenReadStream(MaxUploadBytes))
            {
                var buffer = new byte[256 * 1024];
                long copied = 0;
                int read;
                while ((read = await source.ReadAsync(buffer)) > 0)
                {
                    await target.WriteAsync(buffer.AsMemory(0, read));
                    copied += read;
                    var percent = 100.0 * copied / Math.Max(1, _file.Size);
                    if (percent - _percent >= 2)
                    {
                        _percent = percent;
                        StateHasChanged();
                    }
                }
            }

            _phase = "Importing…";
            _percent = 0;
            StateHasChanged();
            var options = new ImportOptions(UserId, ProjectId, ProjectId is null ? _projectName?.Trim() : null,
                _asSuggestions ? ImportedSpans.Suggestions : ImportedSpans.Annotations);
            var progress = new Progress<ImportProgress>(p => _ = InvokeAsync(() =>
            {
                _percent = p.TotalBytes is > 0 ? 100.0 * p.BytesRead / p.TotalBytes.Value : 0;
                _phase = $"Importing… {p.Documents} documents read";
                StateHasChanged();
            }));
            var name = _file.Name;
            // The reader is synchronous over a local file: keep it off the circuit's thread.
            _report = await Task.Run(async () =>
            {
                await using var input = File.OpenRead(temp);
                return await Importer.ImportAsync(input, name, options, progress);
            });
            // The import service has told open pages and the hub guard (save first, then notify, in the service).
            if (_report.Succeeded) _file = null;
            _recognized = null;
            if (_report.Succeeded && _recognize && _report.ProjectId is { } projectId)
            {
                _phase = "Suggesting casualty figures…";
                StateHasChanged();
                var (recognized, refusal) = await Task.Run(() => Recognizers.RunAsync(projectId, Suggestions.RecognizerKind.Casualty));
                _recognized = recognized?.Describe() ?? "No suggestions were made: " + refusal;
            }
            await Imported.InvokeAsync(_report);
        }
        catch (IOException e)
        {
            _problem = $"The upload did not complete ({e.Message}). Nothing was imported.";
        }
        catch (InvalidOperationException e)
        {
            // e.g. the browser went away mid-upload; the import runs in one transaction, so nothing half-happened.
            _problem = $"The import stopped ({e.Message}). Nothing was imported.";
        }
        finally
        {
            _busy = false;
            _file = null;
            _inputGeneration++;
            try { File.Delete(temp); }
            catch (IOException) { /* a leftover temp file is harmless */ }
        }
    }

    private static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes / (1024.0 * 1024):0.#} MB",
    };
}
