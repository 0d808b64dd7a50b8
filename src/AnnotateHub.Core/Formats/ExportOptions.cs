namespace AnnotateHub.Core.Formats;

/// <summary>Which spans an export holds.</summary>
public enum SpanLayerKind
{
    /// <summary>Every annotator's spans, each with its annotator.</summary>
    All,
    /// <summary>The document's gold spans (curated).</summary>
    Gold,
    /// <summary>One annotator's spans.</summary>
    Annotator,
    /// <summary>The spans more than half of the document's annotators gave with the same offsets and label.</summary>
    Majority,
    /// <summary>
    /// The default, decided per document: <see cref="Gold"/> for a curated document, else <see cref="All"/> (or
    /// <see cref="Majority"/> for a format that needs one layer); see <see cref="SpanLayer.For"/>.
    /// </summary>
    Auto,
    /// <summary>
    /// Pending suggestions (pre-annotations no one has accepted or rejected), each with its source as the annotator and
    /// its attribute values; the export service puts them in the documents' annotations.
    /// </summary>
    Suggestions,
}

/// <summary>The layer of an export: a kind, and for <see cref="SpanLayerKind.Annotator"/> the annotator's name.</summary>
public sealed record SpanLayer(SpanLayerKind Kind, string? AnnotatorName = null)
{
    /// <summary>The layer of every annotator's spans.</summary>
    public static readonly SpanLayer All = new(SpanLayerKind.All);
    /// <summary>The layer of the gold (curated) spans.</summary>
    public static readonly SpanLayer Gold = new(SpanLayerKind.Gold);
    /// <summary>The layer of the majority spans.</summary>
    public static readonly SpanLayer Majority = new(SpanLayerKind.Majority);
    /// <summary>The default layer: gold where a document is curated, else every annotator's spans (majority for one-layer formats).</summary>
    public static readonly SpanLayer Auto = new(SpanLayerKind.Auto);
    /// <summary>The layer of the pending suggestions, each with its source as the annotator.</summary>
    public static readonly SpanLayer Suggestions = new(SpanLayerKind.Suggestions);

    /// <summary>
    /// The layer <paramref name="document"/> is exported with: this layer, or for <see cref="SpanLayerKind.Auto"/> gold
    /// when the document is curated, else <see cref="All"/>, or <see cref="Majority"/> when <paramref name="singleLayer"/>
    /// (a format such as CoNLL that holds one layer).
    /// </summary>
    public SpanLayer For(InterchangeDocument document, bool singleLayer = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        if (Kind != SpanLayerKind.Auto) return this;
        return document.Curated ? Gold : singleLayer ? Majority : All;
    }

    /// <summary>The layer of one annotator's spans; <paramref name="name"/> is trimmed.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or whitespace.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> is null.</exception>
    public static SpanLayer OfAnnotator(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new SpanLayer(SpanLayerKind.Annotator, name.Trim());
    }

    /// <summary>Reads "auto", "all", "gold", "majority", "suggestions" or "annotator:NAME" (case-insensitive); null or blank is auto; null with an error otherwise.</summary>
    public static (SpanLayer? Layer, string? Error) Parse(string? text)
    {
        var value = string.IsNullOrWhiteSpace(text) ? "auto" : text.Trim();
        if (value.Equals("auto", StringComparison.OrdinalIgnoreCase)) return (Auto, null);
        if (value.Equals("all", StringComparison.OrdinalIgnoreCase)) return (All, null);
        if (value.Equals("gold", StringComparison.OrdinalIgnoreCase)) return (Gold, null);
        if (value.Equals("majority", StringComparison.OrdinalIgnoreCase)) return (Majority, null);
        if (value.Equals("suggestions", StringComparison.OrdinalIgnoreCase)) return (Suggestions, null);
        const string prefix = "annotator:";
        if (value.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            var name = value[prefix.Length..].Trim();
            return name.Length > 0 ? (OfAnnotator(name), null) : (null, "The layer \"annotator:\" needs a name, as in \"annotator:alice\".");
        }
        return (null, $"Unknown layer \"{value}\"; use \"auto\", \"all\", \"gold\", \"majority\", \"suggestions\" or \"annotator:NAME\".");
    }

    /// <summary>The layer as <see cref="Parse"/> reads it: "auto", "all", "gold", "majority", "suggestions" or "annotator:NAME".</summary>
    public override string ToString() => Kind switch
    {
        SpanLayerKind.Annotator => $"annotator:{AnnotatorName}",
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

/// <summary>How token-per-line exports (CoNLL) spell a span as tags; see docs/formats.md for each scheme.</summary>
public enum TagScheme
{
    /// <summary>IOB2, what most tools call BIO: every span's first token is B-, the rest I-.</summary>
    Bio,
    /// <summary>IOB1 (the original CoNLL-2003 files): I- everywhere; B- only on a span's first token when it directly follows a span of the same label.</summary>
    Iob1,
    /// <summary>BILOU: B- first, I- inside, L- last, U- a one-token span.</summary>
    Bilou,
    /// <summary>BIOES (IOBES): BILOU with E- for last and S- for a single token.</summary>
    Bioes,
}

/// <summary>What an export holds and how; the same options drive every format (a format ignores what it has no place for).</summary>
public sealed record ExportOptions
{
    /// <summary>Which spans the export holds; by default <see cref="SpanLayer.Auto"/>: gold where a document is curated, else every annotator's.</summary>
    public SpanLayer Layer { get; init; } = SpanLayer.Auto;

    /// <summary>CoNLL only.</summary>
    public TagScheme Scheme { get; init; } = TagScheme.Bio;

    /// <summary>Beside each span (or token, in CoNLL) how many annotators gave each label.</summary>
    public bool SoftLabels { get; init; }

    /// <summary>Document id → "train", "dev" or "test" (from <see cref="SplitPlanner"/>); null for no split. A document missing from the map has no split.</summary>
    public IReadOnlyDictionary<string, string>? Splits { get; init; }

    /// <summary>
    /// The attribute names CSV and Parquet give a column each (attr_NAME), in order. Columns come before the first row,
    /// and the writers stream, so the names are given up front: the export service passes every name the project's labels
    /// define or its spans have (<see cref="LayerSelector.AttributeNames"/> finds them in documents at hand); null is none.
    /// </summary>
    public IReadOnlyList<string>? AttributeNames { get; init; }

    /// <summary>Each label's attribute definitions, by label name: brat writes choice and yes/no values as attributes
    /// (A lines, declared in annotation.conf) only when it knows them; null or a label missing from the map writes every
    /// value in the span's AnnotatorNotes.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<Labels.AttributeDefinition>>? AttributeDefinitions { get; init; }

    /// <summary>The column prefix of an attribute in CSV and Parquet: attr_count, attr_status.</summary>
    public const string AttributeColumnPrefix = "attr_";

    /// <summary>Documents per Parquet row group: what the Parquet writer holds in memory at once.</summary>
    public int ParquetRowGroupSize { get; init; } = 500;

    /// <summary>The split of a document, or null when there is no split.</summary>
    public string? SplitOf(string documentId) =>
        Splits is not null && Splits.TryGetValue(documentId, out var split) ? split : null;

    /// <summary>Reads "bio"/"iob2", "iob"/"iob1", "bilou" or "bioes"/"iobes" (case-insensitive, trimmed; null means bio); null for anything else.</summary>
    public static TagScheme? ParseScheme(string? text) => (text ?? "bio").Trim().ToLowerInvariant() switch
    {
        "bio" or "iob2" => TagScheme.Bio,
        "iob" or "iob1" => TagScheme.Iob1,
        "bilou" => TagScheme.Bilou,
        "bioes" or "iobes" => TagScheme.Bioes,
        _ => null,
    };
}
