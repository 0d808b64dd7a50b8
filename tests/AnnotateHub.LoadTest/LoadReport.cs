using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace AnnotateHub.LoadTest;

/// <summary>Latency percentiles (nearest rank) in milliseconds.</summary>
internal sealed record LatencySummary(int Count, double P50Ms, double P95Ms, double P99Ms, double MaxMs, double MeanMs)
{
    public static LatencySummary FromTicks(List<long> ticks)
    {
        if (ticks.Count == 0) return new LatencySummary(0, 0, 0, 0, 0, 0);
        var sorted = ticks.ToArray();
        Array.Sort(sorted);
        double Ms(long t) => Math.Round(t * 1000.0 / Stopwatch.Frequency, 3);
        double At(double p) => Ms(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)]);
        return new LatencySummary(sorted.Length, At(0.50), At(0.95), At(0.99), Ms(sorted[^1]), Math.Round(sorted.Average() * 1000.0 / Stopwatch.Frequency, 3));
    }

    public override string ToString() => Count == 0
        ? "no samples"
        : string.Create(CultureInfo.InvariantCulture, $"p50 {P50Ms:0.00} ms  p95 {P95Ms:0.00} ms  p99 {P99Ms:0.00} ms  max {MaxMs:0.00} ms  (n={Count:N0})");
}

/// <summary>Everything one run measured; printed as a summary and as one JSON line.</summary>
internal sealed class LoadReport
{
    public string RunId { get; set; } = "";
    [JsonIgnore] public LoadOptions Options { get; set; } = new();
    public string BaseAddress { get; set; } = "";
    public int? ServerPid { get; set; }
    public bool Completed { get; set; }
    public List<string> Notes { get; } = [];
    public IReadOnlyList<LoadDocument> Documents { get; set; } = [];
    public IReadOnlyList<string> Labels { get; set; } = [];
    public IReadOnlyDictionary<int, int> ClientsPerDocument { get; set; } = new Dictionary<int, int>();

    // Several instances (--instances N): null or empty with one.
    public IReadOnlyList<string> Instances { get; set; } = [];
    public string? InstancesDatabase { get; set; }
    public IReadOnlyList<int> ClientsPerInstance { get; set; } = [];
    /// <summary>create->others for receivers on the sender's instance / on another instance.</summary>
    public LatencySummary? SameInstance { get; set; }
    public LatencySummary? CrossInstance { get; set; }
    public long ExpectedSameDeliveries { get; set; }
    public long LostSameDeliveries { get; set; }
    public long ExpectedCrossDeliveries { get; set; }
    public long LostCrossDeliveries { get; set; }
    /// <summary>Cross-instance p50 minus same-instance p50: what the Redis backplane adds.</summary>
    public double? CrossAddedP50Ms => SameInstance is { Count: > 0 } same && CrossInstance is { Count: > 0 } cross ? Math.Round(cross.P50Ms - same.P50Ms, 3) : null;
    /// <summary>The issue's target (issue 17): the cross-instance p50 at most 2 ms over same-instance, nothing lost.</summary>
    public const double CrossAddedTargetMs = 2.0;
    /// <summary>Null too when the servers fell behind the offered rate: then both p50s are mostly the wait behind the backlog.</summary>
    public bool? CrossTargetMet => CrossAddedP50Ms is { } added && KeptUp ? added < CrossAddedTargetMs && LostSameDeliveries == 0 && LostCrossDeliveries == 0 : null;
    /// <summary>The server(s) committed at least 95% of the offered rate and answered every create.</summary>
    public bool KeptUp => CommittedPerSecond >= 0.95 * Options.Rate && Unanswered == 0;

    public LatencySummary EchoIdle { get; set; } = LatencySummary.FromTicks([]);
    public LatencySummary EchoDuringLoad { get; set; } = LatencySummary.FromTicks([]);
    /// <summary>A raw hub message from one client to the others on its document, before the load: the fan-out floor.</summary>
    public LatencySummary FanOutIdle { get; set; } = LatencySummary.FromTicks([]);
    /// <summary>Why the fan-out floor was not measured (the probe is off on a --target server), if it was not.</summary>
    public string? FanOutMissing { get; set; }
    public LatencySummary CreateToOthers { get; set; } = LatencySummary.FromTicks([]);
    public LatencySummary CreateAck { get; set; } = LatencySummary.FromTicks([]);

    public int Sent { get; set; }
    public int Committed { get; set; }
    public int MeasuredCommitted { get; set; }
    public int Rejected { get; set; }
    public int Failed { get; set; }
    public int Unanswered { get; set; }
    public int UnansweredAfterDrain { get; set; }
    public IReadOnlyDictionary<string, int> RejectionCodes { get; set; } = new Dictionary<string, int>();
    public IReadOnlyList<string> ErrorSamples { get; set; } = [];
    public int Disconnects { get; set; }
    public double OfferedPerSecond { get; set; }
    public double CommittedPerSecond { get; set; }
    public double MaxScheduleLagMs { get; set; }
    public double DrainSeconds { get; set; }
    public double GraceWaitedSeconds { get; set; }

    public long ExpectedDeliveries { get; set; }
    public long LostDeliveries { get; set; }
    public long DeliveriesOfUncommitted { get; set; }
    public long Duplicates { get; set; }
    public long OutOfOrder { get; set; }
    public long MissedSequences { get; set; }
    public long ForeignEvents { get; set; }
    public long BadEvents { get; set; }
    public long OwnEvents { get; set; }

    public int InDatabase { get; set; }
    public int MissingInDatabase { get; set; }
    public int UnexpectedInDatabase { get; set; }
    public int DoubledInDatabase { get; set; }
    public int StoredButUnanswered { get; set; }
    public int AnsweredLate { get; set; }
    public int NeverAnswered { get; set; }
    public int? ServerThreadsBefore { get; set; }
    public int? ServerThreadsPeak { get; set; }
    public long SequenceAdvance { get; set; }

    public long? ServerRssBaselineBytes { get; set; }
    public long? ServerRssPeakBytes { get; set; }
    public long? ServerRssEndBytes { get; set; }
    public double? ServerCpuSeconds { get; set; }
    public double ToolCpuSeconds { get; set; }
    public double LoadWallSeconds { get; set; }
    public double? LoadAverageBefore { get; set; }
    public double? LoadAverageAfter { get; set; }
    public double? CpuPressureBefore { get; set; }
    public double? CpuPressureAfter { get; set; }

    /// <summary>create->others p50 over the echo p50 on an idle server, measured before the load.</summary>
    public double? EchoRatio => Ratio(CreateToOthers, EchoIdle);
    /// <summary>create->others p50 over the echo p50 measured during the same load (one echo every 100 ms).</summary>
    public double? EchoUnderLoadRatio => Ratio(CreateToOthers, EchoDuringLoad);

    /// <summary>create->others p50 over the fan-out floor's p50: what the database, validation and writer add to the
    /// same messages sent by SignalR alone.</summary>
    public double? FanOutRatio => Ratio(CreateToOthers, FanOutIdle);

    /// <summary>The issue's target: the create's p50 at most 3 times the echo floor.</summary>
    public const double RatioTarget = 3.0;

    private static double? Ratio(LatencySummary create, LatencySummary echo) =>
        echo.P50Ms > 0 && create.Count > 0 ? Math.Round(create.P50Ms / echo.P50Ms, 1) : null;

    public int Errors => Rejected + Failed + Unanswered + Disconnects;
    public long Lost => LostDeliveries + MissingInDatabase;
    public bool HasFailures => Errors > 0 || Lost > 0 || Duplicates > 0 || OutOfOrder > 0 || UnexpectedInDatabase > 0 || DoubledInDatabase > 0;

    public void Print(TextWriter w)
    {
        var o = Options;
        var ic = CultureInfo.InvariantCulture;
        string Mb(long? bytes) => bytes is { } b ? string.Create(ic, $"{b / 1048576.0:0.0} MB") : "n/a";
        w.WriteLine();
        w.WriteLine($"==== AnnotateHub load test, run {RunId} ====");
        w.WriteLine($"server         {BaseAddress}{(ServerPid is { } pid ? $" (started by the tool, pid {pid})" : " (target)")}");
        w.WriteLine($"documents      {string.Join(", ", Documents.Select(d => d.Id))}; clients per document: {string.Join(", ", ClientsPerDocument.Select(p => $"{p.Key}:{p.Value}"))}");
        foreach (var note in Notes) w.WriteLine($"note           {note}");
        w.WriteLine(string.Create(ic, $"load           {o.Clients} clients, {o.Rate} creates/s for {o.Seconds} s after {o.WarmupSeconds} s warm-up: {o.MeasuredCreates:N0} measured + {o.WarmupCreates:N0} warm-up creates; labels {string.Join(", ", Labels)}"));
        w.WriteLine($"echo (idle)    {EchoIdle}");
        w.WriteLine($"echo (load)    {EchoDuringLoad}");
        w.WriteLine($"fan-out (idle) {(FanOutMissing is null ? FanOutIdle.ToString() : "n/a: " + FanOutMissing)}");
        w.WriteLine($"create->others {CreateToOthers}");
        w.WriteLine($"create ack     {CreateAck}");
        if (Instances.Count > 1)
        {
            w.WriteLine($"instances      {Instances.Count}: {string.Join(", ", Instances)}; clients per instance {string.Join(", ", ClientsPerInstance)}; database {InstancesDatabase}; Redis backplane");
            w.WriteLine(string.Create(ic, $"same instance  {SameInstance}; lost {LostSameDeliveries:N0} of {ExpectedSameDeliveries:N0}"));
            w.WriteLine(string.Create(ic, $"cross instance {CrossInstance}; lost {LostCrossDeliveries:N0} of {ExpectedCrossDeliveries:N0}"));
            w.WriteLine(string.Create(ic, $"cross added    cross p50 - same p50 = {(CrossAddedP50Ms is { } a ? $"{a:0.00} ms" : "n/a")} (target under {CrossAddedTargetMs:0} ms p50 and zero lost: {CrossTargetMet switch { true => "met", false => "not met", null => KeptUp ? "n/a" : "n/a, the servers fell behind the offered rate" }})"));
        }
        string RatioLine(double? ratio) => ratio is { } r
            ? string.Create(ic, $"{r:0.0}x (target {RatioTarget:0}x: {(r <= RatioTarget ? "met" : "not met")})")
            : "n/a";
        w.WriteLine($"ratio (idle)   create->others p50 / echo (idle) p50 = {RatioLine(EchoRatio)}");
        w.WriteLine($"ratio (load)   create->others p50 / echo (load) p50 = {RatioLine(EchoUnderLoadRatio)}");
        w.WriteLine($"ratio (fan-out) create->others p50 / fan-out (idle) p50 = {(FanOutRatio is { } f ? string.Create(ic, $"{f:0.0}x") : "n/a")}");
        w.WriteLine(string.Create(ic, $"throughput     offered {OfferedPerSecond:0} creates/s, committed {CommittedPerSecond:0.0} creates/s ({MeasuredCommitted:N0} measured creates committed); schedule lag max {MaxScheduleLagMs:0.0} ms"));
        w.WriteLine(string.Create(ic, $"errors         {Errors} (rejected {Rejected}{(RejectionCodes.Count > 0 ? " [" + string.Join(", ", RejectionCodes.Select(p => $"{p.Key}: {p.Value}")) + "]" : "")}, failed {Failed}, unanswered {Unanswered}, disconnects {Disconnects}); drain {DrainSeconds:0.0} s"));
        if (Unanswered > 0) w.WriteLine($"  unanswered   {AnsweredLate} answered within {o.GraceSeconds} s after the cut-off, {NeverAnswered} still without an answer");
        foreach (var sample in ErrorSamples) w.WriteLine($"  e.g.         {sample}");
        w.WriteLine(string.Create(ic, $"events         lost {LostDeliveries:N0} of {ExpectedDeliveries:N0} expected deliveries to other clients (waited {GraceWaitedSeconds:0.0} s of {o.GraceSeconds} s grace); duplicates {Duplicates}, out of order {OutOfOrder}, sequence numbers never received {MissedSequences}, events of failed creates {DeliveriesOfUncommitted}, other events {ForeignEvents + BadEvents}, own echoes {OwnEvents:N0}"));
        w.WriteLine(string.Create(ic, $"database       {InDatabase:N0} of this run's creates in the snapshot; committed but missing {MissingInDatabase}, stored though refused or failed {UnexpectedInDatabase}, doubled {DoubledInDatabase}, stored but unanswered {StoredButUnanswered}; sequence advanced by {SequenceAdvance:N0} for {Committed + StoredButUnanswered:N0} stored creates"));
        w.WriteLine($"server memory  VmRSS before load {Mb(ServerRssBaselineBytes)}, peak {Mb(ServerRssPeakBytes)}, after {Mb(ServerRssEndBytes)}; threads {ServerThreadsBefore?.ToString(ic) ?? "n/a"} before, peak {ServerThreadsPeak?.ToString(ic) ?? "n/a"}");
        var cores = Environment.ProcessorCount;
        w.WriteLine(string.Create(ic, $"cpu            over {LoadWallSeconds:0.0} s of load: server {(ServerCpuSeconds is { } s ? $"{s:0.0} s ({100 * s / LoadWallSeconds / cores:0}% of {cores} cores)" : "n/a")}, load tool {ToolCpuSeconds:0.0} s ({100 * ToolCpuSeconds / LoadWallSeconds / cores:0}% of {cores} cores); machine load average {LoadAverageBefore?.ToString("0.00", ic) ?? "n/a"} before, {LoadAverageAfter?.ToString("0.00", ic) ?? "n/a"} after; cpu pressure (some, avg10) {CpuPressureBefore?.ToString("0", ic) ?? "n/a"}% before, {CpuPressureAfter?.ToString("0", ic) ?? "n/a"}% after"));
        w.WriteLine($"result         {(HasFailures ? "FAILURES (see errors / events / database)" : "ok: every create committed, delivered to every other client and stored")}");
    }

    public string ToJson()
    {
        var o = Options;
        var summary = new
        {
            tool = "AnnotateHub.LoadTest",
            run = RunId,
            completed = Completed,
            target = BaseAddress,
            serverStarted = ServerPid is not null,
            clients = o.Clients,
            documentsRequested = o.Documents,
            documents = Documents.Select(d => d.Id),
            rate = o.Rate,
            seconds = o.Seconds,
            warmupSeconds = o.WarmupSeconds,
            sent = Sent,
            committed = Committed,
            committedPerSecond = Math.Round(CommittedPerSecond, 1),
            createToOthersMs = CreateToOthers,
            createAckMs = CreateAck,
            echoIdleMs = EchoIdle,
            echoDuringLoadMs = EchoDuringLoad,
            fanOutIdleMs = FanOutMissing is null ? FanOutIdle : null,
            fanOutRatio = FanOutRatio,
            echoRatio = EchoRatio,
            echoUnderLoadRatio = EchoUnderLoadRatio,
            errors = Errors,
            rejected = Rejected,
            rejectionCodes = RejectionCodes,
            failed = Failed,
            unanswered = Unanswered,
            disconnects = Disconnects,
            expectedDeliveries = ExpectedDeliveries,
            lostDeliveries = LostDeliveries,
            duplicates = Duplicates,
            outOfOrder = OutOfOrder,
            missedSequences = MissedSequences,
            missingInDatabase = MissingInDatabase,
            unexpectedInDatabase = UnexpectedInDatabase,
            doubledInDatabase = DoubledInDatabase,
            storedButUnanswered = StoredButUnanswered,
            answeredLate = AnsweredLate,
            neverAnswered = NeverAnswered,
            serverThreadsBefore = ServerThreadsBefore,
            serverThreadsPeak = ServerThreadsPeak,
            sequenceAdvance = SequenceAdvance,
            lost = Lost,
            serverRssBaselineBytes = ServerRssBaselineBytes,
            serverRssPeakBytes = ServerRssPeakBytes,
            serverRssEndBytes = ServerRssEndBytes,
            serverCpuSeconds = ServerCpuSeconds is { } s ? Math.Round(s, 2) : (double?)null,
            toolCpuSeconds = Math.Round(ToolCpuSeconds, 2),
            loadWallSeconds = Math.Round(LoadWallSeconds, 2),
            loadAverageBefore = LoadAverageBefore,
            loadAverageAfter = LoadAverageAfter,
            cpuPressureBefore = CpuPressureBefore,
            cpuPressureAfter = CpuPressureAfter,
            maxScheduleLagMs = Math.Round(MaxScheduleLagMs, 2),
            notes = Notes,
        };
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        if (Instances.Count <= 1) return JsonSerializer.Serialize(summary, json);
        var node = JsonSerializer.SerializeToNode(summary, json)!.AsObject();
        node["instances"] = JsonSerializer.SerializeToNode(new
        {
            count = Instances.Count,
            addresses = Instances,
            database = InstancesDatabase,
            clientsPerInstance = ClientsPerInstance,
            sameInstanceMs = SameInstance,
            crossInstanceMs = CrossInstance,
            expectedSameDeliveries = ExpectedSameDeliveries,
            lostSameDeliveries = LostSameDeliveries,
            expectedCrossDeliveries = ExpectedCrossDeliveries,
            lostCrossDeliveries = LostCrossDeliveries,
            crossAddedP50Ms = CrossAddedP50Ms,
            crossTargetMet = CrossTargetMet,
        }, json);
        return node.ToJsonString(json);
    }
}
