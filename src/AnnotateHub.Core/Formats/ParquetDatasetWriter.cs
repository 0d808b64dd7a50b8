using Parquet;
using Parquet.Schema;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// Parquet, one row per document, in the shape Hugging Face <c>datasets.load_dataset("parquet", ...)</c> reads
/// as is: id, text, split, title, outlet, published, url (strings) and spans, a list of
/// struct&lt;start: int32, end: int32, label: string, annotator: string, gold_origin: string, gold_rule: string,
/// gold_curator: string, gold_sources: string&gt; (the gold_ fields a gold span's provenance, null elsewhere; sources
/// comma-separated user names) (with soft labels also voters: int32 and
/// votes: list&lt;struct&lt;label: string, count: int32&gt;&gt;), then one nullable string attr_NAME per attribute name
/// (the span's value, null where it has none). A row group every <see cref="ExportOptions.ParquetRowGroupSize"/>
/// documents keeps memory flat.
/// </summary>
public sealed class ParquetDatasetWriter : IExportFormat
{
    /// <summary>The meta keys written, in order, as nullable string columns after id, text and split (null where a document lacks the key).</summary>
    public static readonly string[] MetaColumns = ["title", "outlet", "published", "url"];
    /// <summary>The provenance fields of each span, after annotator: nullable strings, set for gold spans whose provenance is known.</summary>
    public static readonly string[] GoldColumns = ["gold_origin", "gold_rule", "gold_curator", "gold_sources"];

    /// <inheritdoc/>
    public string Name => "parquet";
    /// <inheritdoc/>
    public string Description => "Parquet, one row per document with a list of spans; loads with Hugging Face datasets and pandas.";
    /// <inheritdoc/>
    public string FileExtension(ExportOptions options) => ".parquet";
    /// <inheritdoc/>
    public string ContentType(ExportOptions options) => "application/vnd.apache.parquet";
    /// <inheritdoc/>
    /// <remarks>Refuses a row group size below 1.</remarks>
    public string? Check(ExportOptions options) => options.ParquetRowGroupSize < 1 ? "The Parquet row group size must be at least 1." : null;

    /// <summary>The file's schema for these options.</summary>
    public static ParquetSchema Schema(bool softLabels) => Schema(softLabels, []);

    /// <summary>The file's schema for these options, with a nullable string field attr_NAME in each span per attribute name, last.</summary>
    public static ParquetSchema Schema(bool softLabels, IReadOnlyList<string> attributeNames)
    {
        ArgumentNullException.ThrowIfNull(attributeNames);
        var spanFields = new List<Field>
        {
            new DataField<int>("start", false), new DataField<int>("end", false),
            new DataField<string>("label", false), new DataField<string>("annotator", true),
        };
        spanFields.AddRange(GoldColumns.Select(c => new DataField<string>(c, true)));
        if (softLabels)
        {
            spanFields.Add(new DataField<int>("voters", false));
            spanFields.Add(new ListField("votes", new StructField("element", new DataField<string>("label", false), new DataField<int>("count", false))));
        }
        spanFields.AddRange(attributeNames.Select(n => new DataField<string>(ExportOptions.AttributeColumnPrefix + n, true)));
        var fields = new List<Field> { new DataField<string>("id", false), new DataField<string>("text", false), new DataField<string>("split", true) };
        fields.AddRange(MetaColumns.Select(c => new DataField<string>(c, true)));
        fields.Add(new ListField("spans", new StructField("element", [.. spanFields])));
        return new ParquetSchema(fields);
    }

    /// <inheritdoc/>
    public async Task WriteAsync(IAsyncEnumerable<InterchangeDocument> documents, Stream output, ExportOptions options, CancellationToken ct = default)
    {
        if (Check(options) is { } problem) throw new ArgumentException(problem, nameof(options));
        var names = options.AttributeNames ?? [];
        var schema = Schema(options.SoftLabels, names);
        var buffer = new OutputBuffer(output);
        var batch = new List<(InterchangeDocument Document, IReadOnlyList<ExportSpan> Spans)>(options.ParquetRowGroupSize);
        await using (var writer = await ParquetWriter.CreateAsync(schema, buffer, cancellationToken: ct))
        {
            await foreach (var d in documents.WithCancellation(ct))
            {
                batch.Add((d, LayerSelector.Select(d, options.Layer, options.SoftLabels)));
                if (batch.Count < options.ParquetRowGroupSize) continue;
                await WriteRowGroupAsync(writer, schema, batch, options, names, ct);
                batch.Clear();
                await buffer.DrainAsync(ct);
            }
            if (batch.Count > 0) await WriteRowGroupAsync(writer, schema, batch, options, names, ct);
        }
        await buffer.DrainAsync(ct);
    }

    private static async Task WriteRowGroupAsync(ParquetWriter writer, ParquetSchema schema, List<(InterchangeDocument Document, IReadOnlyList<ExportSpan> Spans)> batch,
        ExportOptions options, IReadOnlyList<string> names, CancellationToken ct)
    {
        var fields = schema.GetDataFields();
        using var group = writer.CreateRowGroup();
        var column = 0;
        await group.WriteAsync(fields[column++], batch.Select(b => b.Document.Id).ToList());
        await group.WriteAsync(fields[column++], batch.Select(b => b.Document.Text).ToList());
        await group.WriteAsync(fields[column++], batch.Select(b => options.SplitOf(b.Document.Id)).ToList()!);
        foreach (var key in MetaColumns) await group.WriteAsync(fields[column++], batch.Select(b => b.Document.Meta.GetValueOrDefault(key)).ToList()!);

        // The span columns, shredded by hand (Dremel levels): spans is an optional list (definition level 1 when
        // present, 2 for an element) of optional structs (3); annotator and the gold_ fields are optional (4); votes is an optional list
        // inside the struct (4 present, 5 element, 6 struct). Repetition 1 starts a new span, 2 a new vote.
        var spans = batch.Select(b => b.Spans).ToList();
        await WriteSpanColumn(group, Check(fields[column++], 3, 1), spans, s => s.Start, ct);
        await WriteSpanColumn(group, Check(fields[column++], 3, 1), spans, s => s.End, ct);
        await WriteSpanColumn(group, Check(fields[column++], 3, 1), spans, s => s.Label.AsMemory(), ct);
        await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Annotator?.AsMemory(), ct);
        await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Provenance?.Origin.AsMemory(), ct);
        await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Provenance?.Rule?.AsMemory(), ct);
        await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Provenance?.Curator?.AsMemory(), ct);
        await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Provenance is { } p ? string.Join(',', p.Sources).AsMemory() : (ReadOnlyMemory<char>?)null, ct);
        if (options.SoftLabels)
        {
            await WriteSpanColumn(group, Check(fields[column++], 3, 1), spans, s => s.Votes!.Voters, ct);
            await WriteVoteColumn(group, Check(fields[column++], 6, 2), spans, c => c.Label.AsMemory(), ct);
            await WriteVoteColumn(group, Check(fields[column++], 6, 2), spans, c => c.Count, ct);
        }
        foreach (var name in names)
            await WriteSpanColumn(group, Check(fields[column++], 4, 1), spans, s => s.Attributes?.GetValueOrDefault(name)?.AsMemory(), ct);
        group.CompleteValidate();
    }

    // The levels below are for this schema; a library that nested it differently would write a wrong file, so fail instead.
    private static DataField Check(DataField field, int maxDefinition, int maxRepetition) =>
        field.MaxDefinitionLevel == maxDefinition && field.MaxRepetitionLevel == maxRepetition ? field
            : throw new InvalidOperationException($"Parquet column {field.Path} has levels {field.MaxDefinitionLevel}/{field.MaxRepetitionLevel}, expected {maxDefinition}/{maxRepetition}.");

    private static Task WriteSpanColumn<T>(ParquetRowGroupWriter group, DataField field, List<IReadOnlyList<ExportSpan>> documents, Func<ExportSpan, T?> value, CancellationToken ct)
        where T : struct
    {
        var values = new List<T>();
        var definitions = new List<int>();
        var repetitions = new List<int>();
        foreach (var spans in documents)
        {
            if (spans.Count == 0) { definitions.Add(1); repetitions.Add(0); continue; }
            for (var i = 0; i < spans.Count; i++)
            {
                repetitions.Add(i == 0 ? 0 : 1);
                if (value(spans[i]) is { } v) { values.Add(v); definitions.Add(field.MaxDefinitionLevel); }
                else definitions.Add(3); // a null annotator (or gold_ field) inside a present span
            }
        }
        return group.WriteAllPartsAsync<T>(field, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), ct);
    }

    private static Task WriteSpanColumn<T>(ParquetRowGroupWriter group, DataField field, List<IReadOnlyList<ExportSpan>> documents, Func<ExportSpan, T> value, CancellationToken ct)
        where T : struct => WriteSpanColumn<T>(group, field, documents, s => (T?)value(s), ct);

    private static Task WriteVoteColumn<T>(ParquetRowGroupWriter group, DataField field, List<IReadOnlyList<ExportSpan>> documents, Func<LabelCount, T> value, CancellationToken ct)
        where T : struct
    {
        var values = new List<T>();
        var definitions = new List<int>();
        var repetitions = new List<int>();
        foreach (var spans in documents)
        {
            if (spans.Count == 0) { definitions.Add(1); repetitions.Add(0); continue; }
            for (var i = 0; i < spans.Count; i++)
            {
                var counts = spans[i].Votes!.Counts;
                if (counts.Count == 0) { definitions.Add(4); repetitions.Add(i == 0 ? 0 : 1); continue; }
                for (var j = 0; j < counts.Count; j++)
                {
                    repetitions.Add(j > 0 ? 2 : i == 0 ? 0 : 1);
                    definitions.Add(6);
                    values.Add(value(counts[j]));
                }
            }
        }
        return group.WriteAllPartsAsync<T>(field, values.ToArray(), definitions.ToArray(), repetitions.ToArray(), ct);
    }
}
