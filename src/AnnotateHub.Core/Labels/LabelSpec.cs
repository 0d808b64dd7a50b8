using System.Text.RegularExpressions;

namespace AnnotateHub.Core.Labels;

/// <summary>The user-editable fields of a label: name, colour (#rrggbb), hotkey (one of 1-9 or empty), description.</summary>
public sealed record LabelSpec(string Name, string Color, string? Hotkey, string? Description = null);

/// <summary>Validates label specs against each other; the rules are the same for the UI, the API and imports.</summary>
public static partial class LabelRules
{
    /// <summary>The longest label name, in UTF-16 code units after trimming.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The labels every new project starts with.</summary>
    public static IReadOnlyList<LabelSpec> Defaults { get; } =
    [
        new("claim", "#1e88e5", "1", "A statement an actor or outlet asserts as fact."),
        new("actor", "#8e24aa", "2", "A person, group, state or organisation that acts or speaks."),
        new("casualty figure", "#e53935", "3", "A number of people killed, injured or missing."),
    ];

    /// <summary>Colours given to labels that arrive without one (from an imported file), in order.</summary>
    public static IReadOnlyList<string> Palette { get; } =
        ["#1e88e5", "#8e24aa", "#e53935", "#43a047", "#fb8c00", "#00897b", "#6d4c41", "#3949ab", "#d81b60", "#7cb342", "#546e7a", "#f4511e"];

    /// <summary>The spec for the <paramref name="index"/>-th label a file introduces: palette colour, hotkeys 1-9 while they last.</summary>
    public static LabelSpec ForImport(string name, int index) =>
        new(name.Trim(), Palette[index % Palette.Count], index < 9 ? (index + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : null);

    /// <summary>Returns the problems with <paramref name="label"/> given the other labels of the project (empty when valid).</summary>
    public static IReadOnlyList<string> Validate(LabelSpec label, IEnumerable<LabelSpec> others)
    {
        var errors = new List<string>();
        var name = label.Name?.Trim() ?? "";
        if (name.Length == 0) errors.Add("A label needs a name.");
        else if (name.Length > MaxNameLength) errors.Add($"A label name is at most {MaxNameLength} characters.");
        if (!ColorPattern().IsMatch(label.Color ?? "")) errors.Add("The colour must look like #1e88e5.");
        if (!string.IsNullOrEmpty(label.Hotkey) && !HotkeyPattern().IsMatch(label.Hotkey))
            errors.Add("The hotkey must be a single digit from 1 to 9, or empty.");
        foreach (var other in others)
        {
            if (string.Equals(other.Name.Trim(), name, StringComparison.OrdinalIgnoreCase))
                errors.Add($"The project already has a label named \"{other.Name}\".");
            if (!string.IsNullOrEmpty(label.Hotkey) && other.Hotkey == label.Hotkey)
                errors.Add($"Hotkey {label.Hotkey} is already used by \"{other.Name}\".");
        }
        return errors;
    }

    [GeneratedRegex(@"\A#[0-9a-fA-F]{6}\z")]
    private static partial Regex ColorPattern();

    [GeneratedRegex(@"\A[1-9]\z")]
    private static partial Regex HotkeyPattern();
}
