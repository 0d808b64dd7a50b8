using System.Globalization;
using System.Security.Claims;
using System.Text.RegularExpressions;
using AnnotateHub.Web.Components.Shared;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Projects;

namespace AnnotateHub.Web.Features.Import;

/// <summary>
/// How large an uploaded file may be (the browser's upload and the REST import): <c>Import:MaxUploadBytes</c>; and how
/// much one zip may expand to when read, whichever door it came through: <c>Import:MaxZipExpandedBytes</c> (decision 0040).
/// </summary>
public static class ImportLimits
{
    public const long DefaultMaxUploadBytes = 64L * 1024 * 1024;
    public const long DefaultMaxZipExpandedBytes = 1L << 30;

    public static long MaxUploadBytes(IConfiguration configuration) => configuration.GetValue("Import:MaxUploadBytes", DefaultMaxUploadBytes);

    public static long MaxZipExpandedBytes(IConfiguration configuration) => configuration.GetValue("Import:MaxZipExpandedBytes", DefaultMaxZipExpandedBytes);

    /// <summary>A size as a person reads it: "1 GB", "64 MB", "1.5 MB", "900 KB".</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1L << 30 when bytes % (1L << 30) == 0 => $"{bytes >> 30} GB",
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MB"),
        >= 1L << 10 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 10):0.#} KB"),
        _ => $"{bytes} bytes",
    };
}

/// <summary>
/// REST: <c>POST /api/projects/{id}/import?name=FILE&amp;spans=annotations|suggestions</c> with the file as the body, for a
/// project's supervisors: what a pre-annotation script or a pipeline uses (with an API token). Same importer, same
/// all-or-nothing rules and report as the browser and the command line.
/// </summary>
public static partial class ImportEndpoints
{
    public static bool IsImport(HttpRequest request) => HttpMethods.IsPost(request.Method) && ImportPath().IsMatch(request.Path.Value ?? "");

    [GeneratedRegex(@"^/api/projects/\d+/import/?$", RegexOptions.IgnoreCase)]
    private static partial Regex ImportPath();

    public static RouteGroupBuilder MapImportEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/projects/{projectId}/import", async Task<IResult> (int projectId, string? name, string? spans, ClaimsPrincipal user,
            ImportService importer, HttpContext http, CancellationToken ct) =>
        {
            var kind = (spans ?? "annotations").Trim().ToLowerInvariant() switch
            {
                "annotations" => (ImportedSpans?)ImportedSpans.Annotations,
                "suggestions" => ImportedSpans.Suggestions,
                _ => null,
            };
            if (kind is null) return ApiProblems.Invalid($"spans is \"annotations\" or \"suggestions\", not \"{spans}\".");
            var fileName = string.IsNullOrWhiteSpace(name) ? "upload.jsonl" : Path.GetFileName(name.Trim());
            if (ImportFileReader.UnsupportedReason(fileName) is { } unsupported) return ApiProblems.Invalid(unsupported);

            // The importer reads synchronously (and a zip needs to seek): the body goes to a temporary file first.
            var temp = Path.Combine(Path.GetTempPath(), $"annotatehub-api-import-{Guid.NewGuid():N}{Path.GetExtension(fileName)}");
            try
            {
                await using (var file = File.Create(temp))
                {
                    await http.Request.Body.CopyToAsync(file, ct);
                }
                ImportReport report;
                await using (var input = File.OpenRead(temp))
                {
                    report = await importer.ImportAsync(input, fileName, new ImportOptions(user.Id(), ProjectId: projectId, Spans: kind.Value), progress: null, ct);
                }
                var body = ImportResponse.From(report);
                return report.Succeeded ? TypedResults.Ok(body) : TypedResults.BadRequest(body);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                return TypedResults.Problem($"The file is larger than {ImportLimits.MaxUploadBytes(http.RequestServices.GetRequiredService<IConfiguration>()) / (1024 * 1024)} MB.",
                    statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large");
            }
            finally
            {
                try { File.Delete(temp); }
                catch (IOException) { /* a leftover temp file is harmless */ }
            }
        }).RequireProjectSupervisor("Only the project's supervisors import documents.");
        return api;
    }
}

public sealed record ImportErrorDto(int Line, string? Field, string Message, string Text);

/// <summary>
/// The import report as JSON: what came in, or (with <c>succeeded</c> false and status 400) every error. New documents
/// are counted in <c>documents</c>, <c>annotations</c>, <c>goldSpans</c>, <c>suggestions</c>; spans for documents the
/// project already had in the <c>attached...</c> counts, with how many of those documents got them (<c>...Existing</c>);
/// what of the file gave way to a curator's work there in <c>goldKept</c>, <c>curatedKept</c> and <c>keptDetails</c>.
/// <c>lines</c> is the report as the browser and the command line show it.
/// </summary>
public sealed record ImportResponse(
    bool Succeeded, int Documents, int Annotations, int GoldSpans, int Suggestions,
    int AttachedAnnotations, int AttachedGoldSpans, int AttachedSuggestions, int AnnotatedExisting, int GoldExisting, int SuggestedExisting, int AlreadyThere,
    int CuratedExisting, int GoldKept, int CuratedKept, IReadOnlyList<string> KeptDetails, int Duplicates, IReadOnlyList<string> DuplicateDetails,
    IReadOnlyList<string> CreatedLabels, IReadOnlyList<string> AddedMembers, IReadOnlyList<string> CreatedAnnotators,
    int ErrorCount, IReadOnlyList<ImportErrorDto> Errors, IReadOnlyList<string> Warnings, IReadOnlyList<string> Lines)
{
    public static ImportResponse From(ImportReport report) => new(
        report.Succeeded, report.Documents, report.Annotations, report.GoldSpans, report.Suggestions,
        report.AttachedAnnotations, report.AttachedGoldSpans, report.AttachedSuggestions, report.AnnotatedExisting, report.GoldExisting, report.SuggestedExisting, report.AlreadyThere,
        report.CuratedExisting, report.GoldKept, report.CuratedKept, report.KeptDetails, report.Duplicates, report.DuplicateDetails, report.CreatedLabels, report.AddedMembers, report.CreatedAnnotators,
        report.ErrorCount, report.Errors.Select(e => new ImportErrorDto(e.Line, e.Field, e.Message, e.ToString())).ToList(), report.Warnings,
        report.Describe().ToList());
}
