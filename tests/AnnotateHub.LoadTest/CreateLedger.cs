using System.Collections;
using System.Diagnostics;
using System.Globalization;

namespace AnnotateHub.LoadTest;

/// <summary>
/// Bookkeeping for every create the run sends. Each create is numbered (its index, 0-based; warm-up creates first)
/// and carries the note <c>lt:RUN:INDEX</c>, so a receiver can match a <c>Change</c> event to its send time even
/// before the sender's invoke has returned.
/// </summary>
internal sealed class CreateLedger
{
    public const int Pending = 0, Committed = 1, Rejected = 2, Failed = 3;

    private readonly long[] _sent;
    private readonly long[] _acked;
    private readonly int[] _delivered;
    private readonly int[] _deliveredCross;
    private readonly int[] _outcome;

    public CreateLedger(string runId, int total, int warmup, int clients)
    {
        NotePrefix = $"lt:{runId}:";
        Total = total;
        Warmup = warmup;
        Clients = clients;
        _sent = new long[total];
        _acked = new long[total];
        _delivered = new int[total];
        _deliveredCross = new int[total];
        _outcome = new int[total];
    }

    public string NotePrefix { get; }
    public int Total { get; }
    public int Warmup { get; }
    public int Clients { get; }

    /// <summary>Creates are dealt round-robin: create i is sent by client i mod clients.</summary>
    public int SenderOf(int index) => index % Clients;

    public string NoteFor(int index) => NotePrefix + index.ToString(CultureInfo.InvariantCulture);

    public bool TryParseNote(string? note, out int index)
    {
        index = -1;
        return note is not null
            && note.StartsWith(NotePrefix, StringComparison.Ordinal)
            && int.TryParse(note.AsSpan(NotePrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out index)
            && index >= 0 && index < Total;
    }

    public void MarkSent(int index) => Volatile.Write(ref _sent[index], Stopwatch.GetTimestamp());
    public long SentAt(int index) => Volatile.Read(ref _sent[index]);
    public long AckedAt(int index) => Volatile.Read(ref _acked[index]);
    public int Outcome(int index) => Volatile.Read(ref _outcome[index]);
    public int Delivered(int index) => Volatile.Read(ref _delivered[index]);
    /// <summary>Deliveries to clients on another app instance than the sender's (a subset of <see cref="Delivered"/>).</summary>
    public int DeliveredCross(int index) => Volatile.Read(ref _deliveredCross[index]);

    public void MarkDone(int index, int outcome)
    {
        Volatile.Write(ref _acked[index], Stopwatch.GetTimestamp());
        Volatile.Write(ref _outcome[index], outcome);
    }

    /// <summary>The outcomes as of now: the accounting and the database check must read one consistent cut,
    /// because answers still arriving would make a create look committed but missing from an earlier snapshot.</summary>
    public int[] FreezeOutcomes()
    {
        var copy = new int[Total];
        for (var i = 0; i < Total; i++) copy[i] = Volatile.Read(ref _outcome[i]);
        return copy;
    }

    public void CountDelivery(int index, bool crossInstance)
    {
        Interlocked.Increment(ref _delivered[index]);
        if (crossInstance) Interlocked.Increment(ref _deliveredCross[index]);
    }
}

/// <summary>One hub connection of the load, with what it received.</summary>
internal sealed class LoadClient(int index, int documentId, Microsoft.AspNetCore.SignalR.Client.HubConnection connection, int totalCreates, int instance = 0)
{
    public int Index { get; } = index;
    public int DocumentId { get; } = documentId;
    /// <summary>Which app instance (0-based) this client is connected to.</summary>
    public int Instance { get; } = instance;
    public Microsoft.AspNetCore.SignalR.Client.HubConnection Connection { get; } = connection;

    public object Gate { get; } = new();
    /// <summary>Which creates of this run this client has seen, to tell a duplicate from a first arrival.</summary>
    public BitArray Seen { get; } = new(totalCreates);
    /// <summary>Stopwatch ticks from send to arrival, measured creates of other clients only.</summary>
    public List<long> Latencies { get; } = new();
    /// <summary>The same samples split by whether the sender is on another app instance (filled with several instances only).</summary>
    public List<long> SameInstanceLatencies { get; } = new();
    public List<long> CrossInstanceLatencies { get; } = new();
    /// <summary>The document's sequence when this client joined; events after it are expected.</summary>
    public long JoinSequence { get; set; }
    public long LastSequence { get; set; }
    /// <summary>Events received once (duplicates not counted): with LastSequence, tells how many were never received.</summary>
    public long DistinctEvents { get; set; }
    public long Duplicates { get; set; }
    public long OutOfOrder { get; set; }

    /// <summary>Sequence numbers between joining and the last one seen that never arrived on this connection.</summary>
    public long MissedSequences => Math.Max(0, LastSequence - JoinSequence - DistinctEvents);
    public long OwnEvents { get; set; }
    public long ForeignEvents { get; set; }
    public long BadEvents { get; set; }
}
