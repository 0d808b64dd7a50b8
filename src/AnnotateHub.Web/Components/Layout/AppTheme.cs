using MudBlazor;

namespace AnnotateHub.Web.Components.Layout;

/// <summary>The app's MudBlazor theme: system fonts only (no web-font downloads).</summary>
public static class AppTheme
{
    private static readonly string[] SansSerif = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica Neue", "Arial", "sans-serif"];

    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#2f4858",
            Secondary = "#33658a",
            AppbarBackground = "#2f4858",
            Background = "#f7f7f5",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SansSerif },
        },
    };
}
