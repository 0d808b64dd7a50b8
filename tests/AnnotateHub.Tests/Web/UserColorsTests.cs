using System.Globalization;
using AnnotateHub.Web.Components.Shared;

namespace AnnotateHub.Tests.Web;

/// <summary>Annotator colours (issue 20): within a project never the same twice, never the selection's blue, and dark
/// enough for white initials.</summary>
public sealed class UserColorsTests
{
    private static (double R, double G, double B) Rgb(string hex) =>
        (int.Parse(hex[1..3], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0,
         int.Parse(hex[3..5], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0,
         int.Parse(hex[5..7], NumberStyles.HexNumber, CultureInfo.InvariantCulture) / 255.0);

    private static double Luminance(string hex)
    {
        static double Channel(double c) => c <= 0.03928 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4);
        var (r, g, b) = Rgb(hex);
        return (0.2126 * Channel(r)) + (0.7152 * Channel(g)) + (0.0722 * Channel(b));
    }

    private static double Hue(string hex)
    {
        var (r, g, b) = Rgb(hex);
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b)), d = max - min;
        if (d < 0.0001) return -1; // grey: no hue
        var h = max == r ? (g - b) / d % 6 : max == g ? ((b - r) / d) + 2 : ((r - g) / d) + 4;
        return (h * 60 + 360) % 360;
    }

    private static double Saturation(string hex)
    {
        var (r, g, b) = Rgb(hex);
        double max = Math.Max(r, Math.Max(g, b)), min = Math.Min(r, Math.Min(g, b));
        return max == 0 ? 0 : (max - min) / max;
    }

    [Fact]
    public void Two_hundred_members_get_two_hundred_colours_none_a_saturated_blue_each_readable_under_white_text()
    {
        var colors = Enumerable.Range(0, 200).Select(UserColors.ForIndex).ToList();

        Assert.Equal(200, colors.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(colors, c => Assert.Matches("^#[0-9a-f]{6}$", c));
        Assert.All(colors, c => Assert.True((1.05 / (Luminance(c) + 0.05)) >= 4.5, $"{c}: white text on it is below 4.5:1"));
        // The selection is a saturated blue: no member colour is one (a blue grey is allowed, it is barely blue).
        Assert.All(colors, c => Assert.False(Hue(c) is >= 190 and <= 250 && Saturation(c) > 0.5, $"{c} looks like the selection"));
    }

    [Fact]
    public void A_project_gives_each_member_their_own_colour_in_the_order_they_joined_and_a_stranger_the_next_free_one()
    {
        var members = Enumerable.Range(0, 30).Select(i => $"user-{i}").ToList();
        var colors = new ProjectColors(members);

        Assert.Equal(members.Select((_, i) => UserColors.ForIndex(i)), members.Select(colors.Of));
        Assert.Equal(UserColors.ForIndex(30), colors.Of("former-member"));
        Assert.Equal(UserColors.ForIndex(30), colors.Of("former-member"));
        Assert.Equal(colors.Of("user-3"), new ProjectColors(members).Of("user-3")); // every viewer alike
    }
}
