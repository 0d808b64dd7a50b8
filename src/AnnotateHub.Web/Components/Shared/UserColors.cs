namespace AnnotateHub.Web.Components.Shared;

/// <summary>
/// Colours for users: their presence initials and the outline of their spans. Within a project each member has their own
/// (<see cref="ProjectColors"/>: by the order they joined, so every viewer sees the same), none of them blue, the colour of
/// a text selection, and each dark enough for white initials (WCAG AA).
/// </summary>
public static class UserColors
{
    // Distinct hues, none near the selection's blue; white text on each has a contrast of at least 4.5:1.
    private static readonly string[] Palette =
        ["#00796b", "#c2185b", "#5d4037", "#2e7d32", "#bf360c", "#6a1b9a", "#6b5d00", "#455a64", "#ad1457", "#33691e", "#4e342e", "#00695c"];

    /// <summary>How many members a project has before colours are made rather than picked.</summary>
    public static int PaletteSize => Palette.Length;

    /// <summary>The colour of the <paramref name="index"/>-th member (0-based): the palette's, then hues spread
    /// by the golden ratio that skip the blues (190 to 250 degrees) at three depths, each dark enough for white text.</summary>
    public static string ForIndex(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        if (index < Palette.Length) return Palette[index];
        var k = index - Palette.Length;
        // The golden ratio's multiples spread hues evenly over the 300 degrees that are not blue, never repeating.
        var hue = k * 0.6180339887498949 % 1 * 300;
        if (hue >= 190) hue += 60; // past the blues
        // Three depths, so hues that come close still differ; the lightest keeps white text at 4.5:1.
        return Hsl(hue, 0.70, k % 3 == 0 ? 0.20 : k % 3 == 1 ? 0.24 : 0.27);
    }

    /// <summary>A colour for a user outside any project's order: stable, from the palette.</summary>
    public static string Of(string userId)
    {
        var hash = 0;
        foreach (var c in userId) hash = unchecked(hash * 31 + c);
        return Palette[(hash & int.MaxValue) % Palette.Length];
    }

    private static string Hsl(double h, double s, double l)
    {
        var c = (1 - Math.Abs((2 * l) - 1)) * s;
        var x = c * (1 - Math.Abs((h / 60 % 2) - 1));
        var m = l - (c / 2);
        var (r, g, b) = h switch
        {
            < 60 => (c, x, 0.0),
            < 120 => (x, c, 0.0),
            < 180 => (0.0, c, x),
            < 240 => (0.0, x, c),
            < 300 => (x, 0.0, c),
            _ => (c, 0.0, x),
        };
        static int Byte(double v) => (int)Math.Round(Math.Clamp(v, 0, 1) * 255);
        return $"#{Byte(r + m):x2}{Byte(g + m):x2}{Byte(b + m):x2}";
    }
}

/// <summary>
/// One project's user colours: each member (in the order given, the order they joined) their own; anyone else (a former
/// member's spans) the next free one as they are first seen.
/// </summary>
public sealed class ProjectColors(IReadOnlyList<string> members)
{
    private readonly Dictionary<string, string> _colors = members.Distinct(StringComparer.Ordinal)
        .Select((id, i) => (id, i)).ToDictionary(x => x.id, x => UserColors.ForIndex(x.i), StringComparer.Ordinal);

    /// <summary>The user's colour in this project.</summary>
    public string Of(string userId)
    {
        lock (_colors)
        {
            if (!_colors.TryGetValue(userId, out var color)) _colors[userId] = color = UserColors.ForIndex(_colors.Count);
            return color;
        }
    }
}
