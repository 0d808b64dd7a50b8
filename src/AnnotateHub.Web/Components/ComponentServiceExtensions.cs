using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Realtime;
using MudBlazor.Services;

namespace AnnotateHub.Web.Components;

public static class ComponentServiceExtensions
{
    /// <summary>Interactive server components with MudBlazor, and the keep-alives and timeouts of the circuit and the
    /// annotation hub: Realtime/ConnectionTimeouts.cs (decision 0028).</summary>
    public static IHostApplicationBuilder AddAnnotateHubComponents(this IHostApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents().AddInteractiveServerComponents().AddHubOptions(ConnectionTimeouts.ConfigureCircuit);
        builder.Services.AddSignalR().AddHubOptions<AnnotationHub>(ConnectionTimeouts.ConfigureProgramHub);
        builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);
        return builder;
    }
}
