namespace AnnotateHub.Web.Data;

/// <summary>
/// The system clock in whole microseconds: what PostgreSQL keeps of a timestamp (SQLite keeps .NET's 100 ns ticks). A
/// time the app hands back when it saves (a span's <c>UpdatedAt</c>) then equals the one read back later, on either
/// provider.
/// </summary>
public sealed class MicrosecondClock : TimeProvider
{
    public static readonly MicrosecondClock Instance = new();

    public override DateTimeOffset GetUtcNow()
    {
        var now = System.GetUtcNow();
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
    }
}
