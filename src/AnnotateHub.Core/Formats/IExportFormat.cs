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

    /// <summary>
    /// Writes <paramref name="documents"/> to <paramref name="output"/> in this format, reading them once, in order, with
    /// the spans of the layer <paramref name="options"/> selects. The output is flushed but not closed.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="Check"/> refuses <paramref name="options"/>.</exception>
    Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default);
}

/// <summary>The export formats, by name.</summary>
public static class ExportFormats
{
    /// <summary>One instance of every format, in the order a format picker shows them.</summary>
    public static IReadOnlyList<IExportFormat> All { get; } =
    [
        new InterchangeJsonlWriter(), new SpacyJsonlWriter(), new ConllWriter(), new BratWriter(),
        new W3cAnnotationWriter(), new CsvSpanWriter(), new ParquetDatasetWriter(),
    ];

    /// <summary>The <see cref="IExportFormat.Name"/> of each format in <see cref="All"/>, in the same order.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(f => f.Name).ToList();

    /// <summary>The format called <paramref name="name"/> (case-insensitive), or null.</summary>
    public static IExportFormat? Find(string? name) =>
        All.FirstOrDefault(f => string.Equals(f.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));
}
