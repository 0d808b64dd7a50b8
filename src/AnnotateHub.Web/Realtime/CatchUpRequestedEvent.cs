namespace AnnotateHub.Web.Realtime;

/// <summary>Asks open document pages to read the change log for what they may have missed (the bus between instances was
/// down for a while): published by the Redis bridge when its connection is back (decision 0068).</summary>
public sealed record CatchUpRequestedEvent : IBusEvent
{
    public const string AllKey = "all";
    public string Key => AllKey;
}
