using Microsoft.AspNetCore.Components.Server.Circuits;

namespace AnnotateHub.Web.Realtime;

/// <summary>
/// Tells the pages of one circuit when the browser's connection drops and returns. The circuit keeps receiving
/// changes while the browser is away; on return the document page re-reads the change log after the last sequence
/// it showed, so nothing is missed even if an event was lost (another instance, a failed delivery).
/// </summary>
public sealed class CircuitConnection : CircuitHandler
{
    public event Func<bool, Task>? Changed;

    public bool IsUp { get; private set; } = true;

    public override Task OnConnectionUpAsync(Circuit circuit, CancellationToken cancellationToken) => Raise(true);

    public override Task OnConnectionDownAsync(Circuit circuit, CancellationToken cancellationToken) => Raise(false);

    private async Task Raise(bool up)
    {
        if (IsUp == up) return;
        IsUp = up;
        if (Changed is { } handlers)
        {
            foreach (var handler in handlers.GetInvocationList().Cast<Func<bool, Task>>()) await handler(up);
        }
    }
}
