using System.Globalization;

namespace AnnotateHub.Core.Labels;

/// <summary>The type of a label's attribute (issue 19: what a span says, not only where it is).</summary>
public enum AttributeKind
{
    /// <summary>A number (a count), optionally within a range.</summary>
    Number,
    /// <summary>One value of a list (a status, a qualifier).</summary>
    Choice,
    /// <summary>Free text on one line (who, a source).</summary>
    Text,
    /// <summary>Yes or no.</summary>
    YesNo,
    /// <summary>A calendar date, yyyy-MM-dd.</summary>
    Date,
}

/// <summary>
/// A typed field of a label, defined in the project's label set: a casualty figure's count, status, who and qualifier.
/// Values are kept as canonical strings (a number in invariant form, a choice as the set spells it, yes/no, a date as
/// yyyy-MM-dd), so every format that can hold text holds them.
/// </summary>
/// <param name="Name">The attribute's name, unique within its label (case-insensitively).</param>
/// <param name="Kind">Its type.</param>
/// <param name="Choices">The allowed values of a <see cref="AttributeKind.Choice"/>; null for other kinds.</param>
/// <param name="Required">Whether a span of the label needs a value.</param>
/// <param name="Default">The value a new span starts with; null for none.</param>
/// <param name="Min">The smallest allowed number (inclusive); <see cref="AttributeKind.Number"/> only.</param>
/// <param name="Max">The largest allowed number (inclusive); <see cref="AttributeKind.Number"/> only.</param>
public sealed record AttributeDefinition(
    string Name, AttributeKind Kind, IReadOnlyList<string>? Choices = null, bool Required = false, string? Default = null,
    decimal? Min = null, decimal? Max = null);

/// <summary>The checked values of a span's attributes: canonical values by attribute name, or the reasons they were refused.</summary>
public sealed record AttributeCheck(IReadOnlyDictionary<string, string> Values, IReadOnlyList<string> Errors)
{
    /// <summary>Whether every value was accepted.</summary>
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>Validates attribute definitions and values; the same rules for the UI, the hub, the API and imports.</summary>
public static class AttributeRules
{
    /// <summary>The most attributes one label has.</summary>
    public const int MaxAttributesPerLabel = 20;
    /// <summary>The longest attribute name, in UTF-16 code units after trimming.</summary>
    public const int MaxNameLength = 40;
    /// <summary>The most values a choice lists.</summary>
    public const int MaxChoices = 50;
    /// <summary>The longest value of a choice.</summary>
    public const int MaxChoiceLength = 60;
    /// <summary>The longest text value.</summary>
    public const int MaxTextLength = 500;
    /// <summary>A name no attribute may have: the formats write a span's note beside its values under it.</summary>
    public const string ReservedName = "note";

    /// <summary>What the demo project's labels carry, by label name (the issue's list).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<AttributeDefinition>> Defaults { get; } =
        new Dictionary<string, IReadOnlyList<AttributeDefinition>>(StringComparer.Ordinal)
        {
            ["casualty figure"] =
            [
                new("count", AttributeKind.Number, Min: 0),
                new("status", AttributeKind.Choice, ["killed", "injured", "missing", "none", "unknown"]),
                new("who", AttributeKind.Text),
                new("qualifier", AttributeKind.Choice, ["exact", "at least", "more than", "nearly", "up to", "vague"], Default: "exact"),
            ],
            ["claim"] =
            [
                new("stance", AttributeKind.Choice, ["asserted", "reported", "denied", "unverified"]),
                new("source", AttributeKind.Text),
            ],
        };

    /// <summary>What the demo project (and every new project with the default labels) asks about a whole document.</summary>
    public static IReadOnlyList<AttributeDefinition> DocumentDefaults { get; } =
    [
        new("outlet stance", AttributeKind.Choice, ["sympathetic to the attackers", "sympathetic to the US", "neutral", "unclear"]),
        new("event date", AttributeKind.Date),
    ];

    /// <summary>The problems with a label's attribute definitions (empty when they are valid).</summary>
    public static IReadOnlyList<string> ValidateDefinitions(IReadOnlyList<AttributeDefinition> definitions)
    {
        var errors = new List<string>();
        if (definitions.Count > MaxAttributesPerLabel) errors.Add($"A label has at most {MaxAttributesPerLabel} attributes.");
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in definitions)
        {
            var name = d.Name?.Trim() ?? "";
            if (name.Length == 0) { errors.Add("An attribute needs a name."); continue; }
            if (name.Length > MaxNameLength) errors.Add($"An attribute name is at most {MaxNameLength} characters: \"{name[..MaxNameLength]}…\".");
            if (name.Any(char.IsControl)) errors.Add($"The attribute name \"{name}\" holds a control character.");
            if (!names.Add(name)) errors.Add($"Two attributes are named \"{name}\".");
            if (string.Equals(name, ReservedName, StringComparison.OrdinalIgnoreCase))
                errors.Add($"\"{ReservedName}\" is every span's own note; give the attribute another name.");
            if (!Enum.IsDefined(d.Kind)) errors.Add($"\"{name}\" has an unknown type.");
            if (d.Kind == AttributeKind.Choice)
            {
                var choices = d.Choices ?? [];
                if (choices.Count == 0) errors.Add($"The choice \"{name}\" needs at least one value.");
                if (choices.Count > MaxChoices) errors.Add($"The choice \"{name}\" has at most {MaxChoices} values.");
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var c in choices)
                {
                    var value = c?.Trim() ?? "";
                    if (value.Length == 0 || value.Length > MaxChoiceLength || value.Any(char.IsControl))
                        errors.Add($"A value of \"{name}\" must be 1 to {MaxChoiceLength} characters without control characters.");
                    else if (!seen.Add(value)) errors.Add($"\"{name}\" lists \"{value}\" twice.");
                }
            }
            else if (d.Choices is { Count: > 0 }) errors.Add($"Only a choice has values to pick from; \"{name}\" is a {Describe(d.Kind)}.");
            if (d.Kind != AttributeKind.Number && (d.Min is not null || d.Max is not null)) errors.Add($"Only a number has a range; \"{name}\" is a {Describe(d.Kind)}.");
            if (d.Min is { } min && d.Max is { } max && min > max) errors.Add($"The range of \"{name}\" is empty ({Format(min)} > {Format(max)}).");
            if (d.Default is { } fallback && Canonical(d, fallback, out var error) is null) errors.Add($"The default of \"{name}\" is not valid: {error}");
        }
        return errors;
    }

    /// <summary>
    /// Checks a span's attribute values against its label's definitions. An unknown attribute, a value of the wrong type,
    /// out of range or not among the choices, and a missing required value are refused, each with its reason; empty
    /// values are dropped; the rest come back canonical. Nothing is changed on a refusal: the caller saves nothing.
    /// </summary>
    public static AttributeCheck Check(IReadOnlyList<AttributeDefinition> definitions, IReadOnlyDictionary<string, string?> values)
    {
        var errors = new List<string>();
        var byName = new Dictionary<string, AttributeDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var d in definitions) byName.TryAdd(d.Name.Trim(), d);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, raw) in values)
        {
            if (!byName.TryGetValue(name?.Trim() ?? "", out var definition))
            {
                errors.Add(byName.Count == 0 ? $"This label has no attributes; \"{name}\" is not one." : $"This label has no attribute \"{name}\" (it has {string.Join(", ", byName.Keys.Select(k => $"\"{k}\""))}).");
                continue;
            }
            if (string.IsNullOrWhiteSpace(raw)) continue;
            if (Canonical(definition, raw, out var error) is { } canonical) result[definition.Name.Trim()] = canonical;
            else errors.Add($"{definition.Name.Trim()}: {error}");
        }
        foreach (var d in definitions)
            if (d.Required && !result.ContainsKey(d.Name.Trim()) && !errors.Any(e => e.StartsWith(d.Name.Trim() + ":", StringComparison.Ordinal)))
                errors.Add($"{d.Name.Trim()}: a value is required.");
        return new AttributeCheck(errors.Count == 0 ? result : new Dictionary<string, string>(), errors);
    }

    /// <summary>The values among <paramref name="values"/> that <paramref name="definitions"/> define and allow, canonical;
    /// the others are left out (what a relabelled span keeps, what a recognizer's finding may say).</summary>
    public static Dictionary<string, string> Fitting(IReadOnlyList<AttributeDefinition> definitions, IReadOnlyDictionary<string, string>? values)
    {
        var kept = new Dictionary<string, string>(StringComparer.Ordinal);
        if (values is null) return kept;
        foreach (var d in definitions)
            if (values.TryGetValue(d.Name.Trim(), out var v) && Canonical(d, v, out _) is { } canonical) kept[d.Name.Trim()] = canonical;
        return kept;
    }

    /// <summary>The values a new span of the label starts with: each attribute's default.</summary>
    public static IReadOnlyDictionary<string, string> DefaultsOf(IReadOnlyList<AttributeDefinition> definitions) =>
        definitions.Where(d => d.Default is not null && Canonical(d, d.Default, out _) is not null)
            .ToDictionary(d => d.Name.Trim(), d => Canonical(d, d.Default!, out _)!, StringComparer.Ordinal);

    /// <summary>The canonical form of <paramref name="raw"/> for <paramref name="definition"/>, or null with the reason.</summary>
    public static string? Canonical(AttributeDefinition definition, string raw, out string? error)
    {
        error = null;
        var value = raw.Trim();
        switch (definition.Kind)
        {
            case AttributeKind.Number:
                if (!decimal.TryParse(value, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out var number))
                {
                    error = $"\"{Clip(value)}\" is not a number (write it as 10, 39600 or 2.5).";
                    return null;
                }
                if (definition.Min is { } min && number < min) { error = $"{Format(number)} is below the smallest allowed, {Format(min)}."; return null; }
                if (definition.Max is { } max && number > max) { error = $"{Format(number)} is above the largest allowed, {Format(max)}."; return null; }
                return Format(number);
            case AttributeKind.Choice:
                var choice = (definition.Choices ?? []).FirstOrDefault(c => string.Equals(c.Trim(), value, StringComparison.OrdinalIgnoreCase));
                if (choice is null) error = $"\"{Clip(value)}\" is not one of {string.Join(", ", (definition.Choices ?? []).Select(c => c.Trim()))}.";
                return choice?.Trim();
            case AttributeKind.YesNo:
                switch (value.ToLowerInvariant())
                {
                    case "yes" or "true" or "y" or "1": return "yes";
                    case "no" or "false" or "n" or "0": return "no";
                    default: error = $"\"{Clip(value)}\" is neither yes nor no."; return null;
                }
            case AttributeKind.Date:
                if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)) return date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                error = $"\"{Clip(value)}\" is not a date written as 2020-01-08.";
                return null;
            case AttributeKind.Text:
                if (value.Length > MaxTextLength) { error = $"a text is at most {MaxTextLength} characters (this one has {value.Length})."; return null; }
                if (value.Any(c => char.IsControl(c) && c != '\t')) { error = "a text cannot hold control characters or line breaks."; return null; }
                return value;
            default:
                error = "the attribute has an unknown type.";
                return null;
        }
    }

    /// <summary>The type's name as users read it.</summary>
    public static string Describe(AttributeKind kind) => kind switch
    {
        AttributeKind.Number => "number",
        AttributeKind.Choice => "choice",
        AttributeKind.Text => "text",
        AttributeKind.YesNo => "yes/no",
        AttributeKind.Date => "date",
        _ => "unknown type",
    };

    private static string Format(decimal number) => number.ToString("0.############################", CultureInfo.InvariantCulture);

    private static string Clip(string value) => value.Length <= 40 ? value : value[..39] + "…";
}
