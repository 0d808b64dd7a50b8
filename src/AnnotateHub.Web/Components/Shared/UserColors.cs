namespace AnnotateHub.Web.Components.Shared;

/// <summary>A stable colour per user, for presence initials and the outline of their spans.</summary>
public static class UserColors
{
    private static readonly string[] Palette = ["#3949ab", "#00897b", "#6d4c41", "#c2185b", "#5e35b1", "#2e7d32", "#ef6c00", "#546e7a"];

    public static string Of(string userId)
    {
        var hash = 0;
        foreach (var c in userId) hash = unchecked(hash * 31 + c);
        return Palette[(hash & int.MaxValue) % Palette.Length];
    }
}
