using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.LoadTest;

/// <summary>A span the soak created and believes stored: its id, the version its next change must carry, and its label.</summary>
internal sealed class SoakSpan(long id, int version, string label, string note)
{
    public long Id { get; } = id;
    public int Version { get; set; } = version;
    public string Label { get; set; } = label;
    public string Note { get; } = note;
    /// <summary>A relabel or delete is in flight: one change per span at a time, so every version carried is current.</summary>
    public bool Busy { get; set; }
}

/// <summary>What the soak knows of one document: the spans it made that are live (answered ok and not deleted).</summary>
internal sealed class SoakDocument(int id, long startSequence)
{
    public int Id { get; } = id;
    public long StartSequence { get; } = startSequence;
    public object Gate { get; } = new();
    public Dictionary<long, SoakSpan> Live { get; } = new();
    /// <summary>Spans whose delete was answered ok: they must not be in the database or on a page.</summary>
    public HashSet<long> Deleted { get; } = new();
    public int PendingCreates { get; set; }
}

/// <summary>One hub connection of the soak and what it received since it first joined its document.</summary>
internal sealed class SoakClient(int index, int documentId)
{
    public int Index { get; } = index;
    public int DocumentId { get; } = documentId;
    public HubConnection Connection { get; set; } = null!;
    public object Gate { get; } = new();
    /// <summary>The document's sequence when the client first joined: every later sequence must reach it (live or by catch-up).</summary>
    public long JoinSequence { get; set; }
    public long LastSequence { get; set; }
    public HashSet<long> Seen { get; } = new();
    public long Duplicates { get; set; }
    public long OutOfOrder { get; set; }
    public int InFlight;
    public int Reconnects;
    /// <summary>Set while the tool itself closes and reopens the connection: the schedule skips it, Closed is not an error.</summary>
    public volatile bool Reconnecting;
}
