namespace AnnotateHub.Core.Formats;

/// <summary>The attribute columns of CSV and Parquet: from the options, or gathered from the documents first.</summary>
public static class AttributeColumns
{
    /// <summary>
    /// The attribute names to give columns, with the documents to write: <see cref="ExportOptions.AttributeNames"/> and the
    /// documents as they stream when the options name them, else the names every span of the layer has (the documents
    /// read into memory first).
    /// </summary>
    public static async Task<(IReadOnlyList<string> Names, IAsyncEnumerable<InterchangeDocument> Documents)> ResolveAsync(
        IAsyncEnumerable<InterchangeDocument> documents, ExportOptions options, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.AttributeNames is { } names) return (names, documents);
        var all = new List<InterchangeDocument>();
        await foreach (var d in documents.WithCancellation(ct)) all.Add(d);
        return (LayerSelector.AttributeNames(all, options.Layer), ToAsync(all));
    }

    private static async IAsyncEnumerable<InterchangeDocument> ToAsync(List<InterchangeDocument> documents)
    {
        foreach (var d in documents) yield return d;
        await Task.CompletedTask;
    }
}
