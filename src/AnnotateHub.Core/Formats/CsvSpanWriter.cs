using System.Globalization;
using System.Text;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// CSV, one row per span: <c>document_id,split,annotator,start,end,label,text,gold_origin,gold_rule,gold_curator,gold_sources</c>
/// (plus <c>voters,votes</c> with soft labels, then one <c>attr_NAME</c> column per attribute, empty where a span has no value); the gold columns are a gold span's provenance, empty on other rows. RFC 4180 quoting and CRLF, UTF-8 with a byte-order mark so spreadsheets read the text right. Safe
/// against formula injection: a text cell starting with = + - @ tab or CR gets a leading apostrophe; the numeric
/// columns never do.
/// </summary>
public sealed class CsvSpanWriter : IExportFormat
{
    /// <summary>
    /// The provenance columns of <see cref="Header"/>: origin, merge rule name, curator and the annotators whose span it
    /// is (comma-separated user names); empty for rows that are not gold spans or whose provenance is not known.
    /// </summary>
    public static readonly string[] GoldHeader = ["gold_origin", "gold_rule", "gold_curator", "gold_sources"];
    /// <summary>The columns of every CSV span export, in order.</summary>
    public static readonly string[] Header = ["document_id", "split", "annotator", "start", "end", "label", "text", .. GoldHeader];
    /// <summary>The columns added after <see cref="Header"/> with soft labels.</summary>
    public static readonly string[] SoftLabelHeader = ["voters", "votes"];

    /// <inheritdoc/>
    public string Name => "csv";
    /// <inheritdoc/>
    public string Description => "CSV, one row per span with its text; safe to open in a spreadsheet.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => ".csv";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => "text/csv; charset=utf-8; header=present";
    /// <inheritdoc/>
    public string? Check(ExportOptions options) => null;

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        var names = options.AttributeNames ?? [];
        var buffer = new OutputBuffer(output);
        await using var writer = new StreamWriter(buffer, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), leaveOpen: true) { NewLine = "\r\n" };
        writer.WriteLine(string.Join(',', [.. options.SoftLabels ? [.. Header, .. SoftLabelHeader] : Header,
            .. names.Select(n => Cell(ExportOptions.AttributeColumnPrefix + n))]));
        await foreach (var d in documents.WithCancellation(ct))
        {
            var text = new CodePointText(d.Text);
            var split = options.SplitOf(d.Id) ?? "";
            foreach (var s in LayerSelector.Select(d, options.Layer, options.SoftLabels))
            {
                writer.Write(Cell(d.Id)); writer.Write(',');
                writer.Write(Cell(split)); writer.Write(',');
                writer.Write(Cell(s.Annotator ?? "")); writer.Write(',');
                writer.Write(s.Start.ToString(CultureInfo.InvariantCulture)); writer.Write(',');
                writer.Write(s.End.ToString(CultureInfo.InvariantCulture)); writer.Write(',');
                writer.Write(Cell(s.Label)); writer.Write(',');
                writer.Write(Cell(text.Slice(s.Start, s.End)));
                var p = s.Provenance;
                writer.Write(','); writer.Write(Cell(p?.Origin ?? ""));
                writer.Write(','); writer.Write(Cell(p?.Rule ?? ""));
                writer.Write(','); writer.Write(Cell(p?.Curator ?? ""));
                writer.Write(','); writer.Write(Cell(p is null ? "" : string.Join(',', p.Sources)));
                if (s.Votes is not null)
                {
                    writer.Write(',');
                    writer.Write(s.Votes.Voters.ToString(CultureInfo.InvariantCulture)); writer.Write(',');
                    writer.Write(Cell(s.Votes.ToCompactString()));
                }
                foreach (var name in names)
                {
                    writer.Write(',');
                    writer.Write(Cell(s.Attributes?.GetValueOrDefault(name) ?? ""));
                }
                writer.WriteLine();
            }
            writer.Flush(); // into the buffer
            await buffer.DrainIfFullAsync(ct);
        }
        writer.Flush();
        await buffer.DrainAsync(ct);
    }

    /// <summary>A text cell: apostrophe before a leading = + - @ tab or CR (OWASP's advice), then RFC 4180 quoting when needed.</summary>
    public static string Cell(string value)
    {
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r') value = "'" + value;
        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"") + "\"" : value;
    }
}
