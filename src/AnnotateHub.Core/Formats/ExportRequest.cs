using System.Globalization;

namespace AnnotateHub.Core.Formats;

/// <summary>
/// An export as a person asks for it — format, layer, scheme, soft labels, split — read from a query string or
/// command-line arguments, with every problem reported in words. The split is planned later, once the caller has
/// the documents' facts: <see cref="OptionsFor"/>.
/// </summary>
public sealed record ExportRequest(IExportFormat Format, ExportOptions Options, SplitSpec? Split)
{
    /// <summary>The option names, as in <c>--format conll --scheme bilou --layer majority --split 80/10/10 --seed 7 --group-by outlet --soft-labels</c>.</summary>
    public static readonly IReadOnlyList<string> OptionNames = ["format", "layer", "scheme", "soft-labels", "split", "seed", "group-by", "row-group-size"];

    /// <summary>
    /// Reads options by name (case-insensitive; "soft_labels", "softLabels" and "soft-labels" are the same). A flag
    /// with no value (soft-labels) is true. Returns the request, or null and every error.
    /// </summary>
    public static (ExportRequest? Request, IReadOnlyList<string> Errors) Parse(IEnumerable<KeyValuePair<string, string?>> values)
    {
        var errors = new List<string>();
        var given = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            var name = OptionNames.FirstOrDefault(n => Normalize(n) == Normalize(key));
            if (name is null) errors.Add($"Unknown option \"{key}\"; the options are {string.Join(", ", OptionNames)}.");
            else if (given.ContainsKey(name)) errors.Add($"The option \"{name}\" is given twice.");
            else given[name] = value?.Trim();
        }

        var formatName = given.GetValueOrDefault("format") ?? "jsonl";
        var format = ExportFormats.Find(formatName);
        if (format is null) errors.Add($"Unknown format \"{formatName}\"; the formats are {string.Join(", ", ExportFormats.Names)}.");

        var (layer, layerError) = SpanLayer.Parse(given.GetValueOrDefault("layer"));
        if (layerError is not null) errors.Add(layerError);

        var scheme = ExportOptions.ParseScheme(given.GetValueOrDefault("scheme"));
        if (scheme is null) errors.Add($"Unknown tag scheme \"{given["scheme"]}\"; use bio (the same as iob2), iob1, bilou or bioes.");

        bool softLabels = false;
        if (given.TryGetValue("soft-labels", out var soft))
        {
            switch ((soft ?? "").ToLowerInvariant())
            {
                case "" or "true" or "1" or "yes" or "on": softLabels = true; break;
                case "false" or "0" or "no" or "off": break;
                default: errors.Add($"soft-labels is true or false, not \"{soft}\"."); break;
            }
        }

        var rowGroupSize = new ExportOptions().ParquetRowGroupSize;
        if (given.GetValueOrDefault("row-group-size") is { Length: > 0 } size
            && (!int.TryParse(size, NumberStyles.None, CultureInfo.InvariantCulture, out rowGroupSize) || rowGroupSize < 1))
            errors.Add($"row-group-size is a number of documents of 1 or more, not \"{size}\".");

        SplitSpec? split = null;
        var splitText = given.GetValueOrDefault("split");
        if (splitText is { Length: > 0 } && !splitText.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            var (spec, splitError) = SplitSpec.Parse(splitText, given.GetValueOrDefault("seed"), given.GetValueOrDefault("group-by"));
            if (splitError is not null) errors.Add(splitError);
            split = spec;
        }
        else if (given.ContainsKey("seed") || given.ContainsKey("group-by"))
        {
            errors.Add("seed and group-by shape a split: give the split too, as in --split 80/10/10.");
        }

        if (errors.Count > 0) return (null, errors);
        var options = new ExportOptions { Layer = layer!, Scheme = scheme!.Value, SoftLabels = softLabels, ParquetRowGroupSize = rowGroupSize };
        // Check with a placeholder plan, so that "a split was asked for" counts.
        if (format!.Check(split is null ? options : options with { Splits = new Dictionary<string, string>() }) is { } problem) return (null, [problem]);
        return (new ExportRequest(format, options, split), []);
    }

    /// <summary>Reads command-line style arguments: <c>--name value</c>, <c>--name=value</c>, or a bare <c>--soft-labels</c>.</summary>
    public static (ExportRequest? Request, IReadOnlyList<string> Errors) ParseArguments(IReadOnlyList<string> args)
    {
        var values = new List<KeyValuePair<string, string?>>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
                return (null, [$"Expected an option such as --format, found \"{arg}\"."]);
            var equals = arg.IndexOf('=');
            if (equals > 0) { values.Add(new(arg[2..equals], arg[(equals + 1)..])); continue; }
            var hasValue = i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            values.Add(new(arg[2..], hasValue ? args[++i] : null));
        }
        return Parse(values);
    }

    /// <summary>The options with the split planned over <paramref name="documents"/> (the options as they are when there is no split).</summary>
    public ExportOptions OptionsFor(IEnumerable<DocumentFacts> documents) =>
        Split is null ? Options : Options with { Splits = SplitPlanner.Plan(documents, Split) };

    private static string Normalize(string name) => name.Replace("-", "").Replace("_", "").ToLowerInvariant();
}
