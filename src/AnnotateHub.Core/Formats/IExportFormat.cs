namespace AnnotateHub.Core.Formats;

/// <summary>
/// One export format. A writer reads the documents once, in order, and writes as it goes: memory holds a document
/// (a row group for Parquet) at a time, and the output only sees asynchronous writes (safe on an ASP.NET response).
/// </summary>
public interface IExportFormat
{
    /// <summary>The name used in URLs and on the command line: jsonl, spacy, conll, brat, w3c, csv, parquet.</summary>
    string Name { get; }

    /// <summary>One line for a format picker.</summary>
    string Description { get; }

    /// <summary>The file name extension with its dot, for these options (CoNLL with a split is a zip).</summary>
    string FileExtension(ExportOptions options);

    /// <summary>The Content-Type of the output for these options.</summary>
    string ContentType(ExportOptions options);

    /// <summary>Why these options do not fit this format, in words a person can act on; null when they do.</summary>
    string? Check(ExportOptions options);

    Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default);
}

/// <summary>The export formats, by name.</summary>
public static class ExportFormats
{
    public static IReadOnlyList<IExportFormat> All { get; } =
    [
        new InterchangeJsonlWriter(), new SpacyJsonlWriter(), new ConllWriter(), new BratWriter(),
        new W3cAnnotationWriter(), new CsvSpanWriter(), new ParquetDatasetWriter(),
    ];

    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.Name).ToList();

    /// <summary>The format called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IExportFormat? Find(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
