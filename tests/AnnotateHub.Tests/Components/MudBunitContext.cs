using Bunit;
using MudBlazor.Services;

namespace AnnotateHub.Tests.Components;

/// <summary>Hosts components with MudBlazor's services, loose JS interop (the page's own script is not loaded)
/// and zero transition times, so nothing in a test waits on an animation.</summary>
public abstract class MudBunitContext : BunitContext
{
    protected MudBunitContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices(o =>
        {
            o.SnackbarConfiguration.ShowTransitionDuration = 0;
            o.SnackbarConfiguration.HideTransitionDuration = 0;
            o.PopoverOptions.CheckForPopoverProvider = false;
        });
    }
}
