using System.Globalization;

namespace AnnotateHub.Web.Features.Corpus;

/// <summary>
/// The document list's state as query-string words, shared by the project page's address (so a reload or a link keeps
/// the page, order and filters) and the REST list: <c>sort</c> (published, title, outlet, spans, status), <c>order</c>
/// (asc, desc), <c>status</c> (not-started, in-progress, done, curated), <c>label</c> (a label id), <c>assignee</c> (a
/// user id), <c>search</c>, and paging.
/// </summary>
public static class DocumentListQuery
{
    /// <summary>What the page offers as rows per page.</summary>
    public static readonly int[] PageSizes = [25, 50, 100, 200];

    public static string SortName(DocumentSort sort) => sort.ToString().ToLowerInvariant();

    public static DocumentSort? ParseSort(string? name) =>
        // Names only: Enum.TryParse would also take "7".
        string.IsNullOrEmpty(name) || name.Any(char.IsDigit) || !Enum.TryParse<DocumentSort>(name, ignoreCase: true, out var sort) || !Enum.IsDefined(sort)
            ? null : sort;

    public static string StatusName(DocumentStatus status) => status switch
    {
        DocumentStatus.NotStarted => "not-started",
        DocumentStatus.InProgress => "in-progress",
        DocumentStatus.Done => "done",
        _ => "curated",
    };

    /// <summary>How the page writes a status in words.</summary>
    public static string StatusText(DocumentStatus status) => StatusName(status).Replace('-', ' ');

    public static DocumentStatus? ParseStatus(string? name) => name?.ToLowerInvariant() switch
    {
        "not-started" => DocumentStatus.NotStarted,
        "in-progress" => DocumentStatus.InProgress,
        "done" => DocumentStatus.Done,
        "curated" => DocumentStatus.Curated,
        _ => null,
    };

    public static int? ParseInt(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
}
