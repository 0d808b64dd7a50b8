using MudBlazor;

namespace AnnotateHub.Web.Components.Layout;

/// <summary>The app's MudBlazor theme: system fonts only (no web-font downloads), and colours whose text meets WCAG AA.</summary>
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
            // MudBlazor's defaults for these fall short of 4.5:1 as text on the background (#f44336 3.4, #00c853 2.1,
            // #2196f3 under white 3.1, secondary text 4.5 to the second decimal): darker shades of the same hues.
            Error = "#c62828",
            Success = "#2e7d32",
            Info = "#1565c0",
            Warning = "#b45309",
            TextSecondary = "rgba(0,0,0,0.62)",
        },
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = SansSerif },
        },
    };
}
