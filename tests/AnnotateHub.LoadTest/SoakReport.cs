using System.Globalization;
using System.Text.Json;

namespace AnnotateHub.LoadTest;

/// <summary>One sample of the soak: the server's heap after a full GC, its memory and threads, and progress so far.</summary>
internal sealed record SoakSample(double AtSeconds, string Phase, long? HeapBytes, long? WorkingSetBytes, long? RssBytes, int? Threads,
    int Creates, int Relabels, int Deletes, int Errors, int LiveSpans, double? CollectMs);

/// <summary>A page's DOM against the database at the end: spans drawn, spans missing, spans drawn that are not stored, labels wrong.</summary>
internal sealed record PageCheck(int Page, int DocumentId, int InDom, int InDatabase, int Missing, int Ghosts, int WrongLabel, string? Problem)
{
    public bool Ok => Missing == 0 && Ghosts == 0 && WrongLabel == 0 && Problem is null;
}

/// <summary>Everything one soak measured; printed as a summary and as one JSON line (the last line).</summary>
internal sealed class SoakReport
{
    public string RunId { get; set; } = "";
    public LoadOptions Options { get; set; } = new();
    public string BaseAddress { get; set; } = "";
    public int? ServerPid { get; set; }
    public bool Completed { get; set; }
    public List<string> Notes { get; } = [];
    public IReadOnlyList<int> DocumentIds { get; set; } = [];
    public IReadOnlyList<string> Labels { get; set; } = [];

    public MemorySample? Idle { get; set; }
    public MemorySample? Start { get; set; }
    public MemorySample? End { get; set; }
    public string? ProbeMissing { get; set; }
    public List<SoakSample> Samples { get; } = [];
    public int LiveSpansAtStart { get; set; }
    public int LiveSpansAtEnd { get; set; }

    public int Creates { get; set; }
    public int Relabels { get; set; }
    public int Deletes { get; set; }
    public int Rejected { get; set; }
    public int Failed { get; set; }
    public int UnansweredAfterDrain { get; set; }
    public int Skipped { get; set; }
    public int Vanished { get; set; }
    public IReadOnlyDictionary<string, int> RejectionCodes { get; set; } = new Dictionary<string, int>();
    public int HubDisconnects { get; set; }
    public int ReconnectFailures { get; set; }
    public int HubReconnects { get; set; }
    public int ReloadFailures { get; set; }
    public int PageReloads { get; set; }
    /// <summary>Seconds at the end of the measured part without page reloads, so the pages' final spans all came live.</summary>
    public int ReloadQuietSeconds { get; set; }
    public int ConsoleErrors { get; set; }
    public int PageErrors { get; set; }
    public int Crashes { get; set; }
    public int CircuitDisconnects { get; set; }
    public double MaxScheduleLagMs { get; set; }
    public double MeasuredWallSeconds { get; set; }
    public double? ServerCpuBefore { get; set; }
    public double? ServerCpuAfter { get; set; }
    public IReadOnlyList<string> ErrorSamples { get; set; } = [];

    public int DbSpans { get; set; }
    public int DbMissing { get; set; }
    public int DbResurrected { get; set; }
    public int DbLabelMismatches { get; set; }
    public int DbVersionMismatches { get; set; }
    public int DbUnexpected { get; set; }
    public int DbStoredUnanswered { get; set; }
    public long HubEventsExpected { get; set; }
    public long HubEventsLost { get; set; }
    public long HubDuplicates { get; set; }
    public long HubOutOfOrder { get; set; }
    public IReadOnlyList<PageCheck> Pages { get; set; } = [];

    public int Changes => Creates + Relabels + Deletes;
    public int Errors => Rejected + Failed + UnansweredAfterDrain + HubDisconnects + ReconnectFailures + ReloadFailures
        + ConsoleErrors + PageErrors + Crashes + CircuitDisconnects;
    public long PageLost => Pages.Sum(p => (long)p.Missing + p.Ghosts + p.WrongLabel + (p.Problem is null ? 0 : 1));
    public long Lost => DbMissing + DbResurrected + DbLabelMismatches + DbVersionMismatches + DbUnexpected + Vanished + HubEventsLost + HubOutOfOrder + PageLost;

    /// <summary>End heap over start heap (managed bytes after a full, compacting GC), or null when the probe is off.</summary>
    public double? HeapRatio => Start is { ManagedBytesAfterFullCollect: > 0 } s && End is { } e
        ? Math.Round((double)e.ManagedBytesAfterFullCollect / s.ManagedBytesAfterFullCollect, 3)
        : null;
    public bool HeapFlat => HeapRatio is { } r && r <= 1 + Options.HeapGrowthLimit;
    public bool HasFailures => Errors > 0 || Lost > 0 || !HeapFlat || !Completed;

    public void Print(TextWriter w)
    {
        var o = Options;
        var ic = CultureInfo.InvariantCulture;
        static string Mb(long? b) => SoakRun.Mb(b);
        w.WriteLine();
        w.WriteLine($"==== AnnotateHub soak, run {RunId} ====");
        w.WriteLine($"server         {BaseAddress}{(ServerPid is { } pid ? $" (started by the tool, pid {pid})" : " (target)")}");
        foreach (var note in Notes) w.WriteLine($"note           {note}");
        w.WriteLine(string.Create(ic, $"load           {o.Clients} hub clients and {o.Pages} Chromium pages on documents {string.Join(", ", DocumentIds)}; {o.Rate} changes/s for {o.Seconds} s after {o.WarmupSeconds} s warm-up; at most {o.SpanCap} live spans per document"));
        w.WriteLine(string.Create(ic, $"changes        {Changes:N0} answered ok: {Creates:N0} creates, {Relabels:N0} relabels, {Deletes:N0} deletes (each with its version); {Skipped} skipped (no client or span free); schedule lag max {MaxScheduleLagMs:0} ms"));
        w.WriteLine(string.Create(ic, $"churn          {PageReloads} page reloads (new circuits; none in the last {ReloadQuietSeconds} s, whose changes reached the pages live only), {HubReconnects} hub reconnects with catch-up"));
        w.WriteLine(string.Create(ic, $"errors         {Errors}: refused {Rejected}{(RejectionCodes.Count > 0 ? " [" + string.Join(", ", RejectionCodes.Select(p => $"{p.Key}: {p.Value}")) + "]" : "")}, failed {Failed}, unanswered {UnansweredAfterDrain}, hub disconnects {HubDisconnects}, reconnect failures {ReconnectFailures}, reload failures {ReloadFailures}; pages: console errors {ConsoleErrors}, page errors {PageErrors}, crashes {Crashes}, circuit disconnects {CircuitDisconnects}"));
        foreach (var sample in ErrorSamples) w.WriteLine($"  e.g.         {sample}");
        w.WriteLine(string.Create(ic, $"database       {DbSpans:N0} spans stored at the end; answered saved but missing {DbMissing}, deleted but present {DbResurrected}, wrong label {DbLabelMismatches}, wrong version {DbVersionMismatches}, stored though refused {DbUnexpected}, vanished before their delete {Vanished}; stored but unanswered {DbStoredUnanswered}"));
        w.WriteLine(string.Create(ic, $"hub events     lost {HubEventsLost:N0} of {HubEventsExpected:N0} expected (live or by catch-up); out of order {HubOutOfOrder}, duplicates {HubDuplicates} (after reconnects, skipped by sequence)"));
        var pagesOk = Pages.Count(p => p.Ok);
        w.WriteLine(string.Create(ic, $"pages          {pagesOk} of {Pages.Count} pages show exactly the database's spans with their labels: {string.Join(", ", Pages.Select(p => $"{p.Page}:{p.InDom}/{p.InDatabase}"))} (page:DOM/database)"));
        foreach (var bad in Pages.Where(p => !p.Ok)) w.WriteLine(string.Create(ic, $"  page {bad.Page}     document {bad.DocumentId}: missing {bad.Missing}, not stored {bad.Ghosts}, wrong or unlisted label {bad.WrongLabel}{(bad.Problem is null ? "" : "; " + bad.Problem)}"));
        w.WriteLine($"server heap    idle {Mb(Idle?.ManagedBytesAfterFullCollect)}, start {Mb(Start?.ManagedBytesAfterFullCollect)}, end {Mb(End?.ManagedBytesAfterFullCollect)} (managed, after a full compacting GC); " +
            (HeapRatio is { } r ? string.Create(ic, $"end/start {r:0.000} (limit {1 + o.HeapGrowthLimit:0.00}: {(HeapFlat ? "flat" : "GREW")})") : $"n/a: {ProbeMissing}"));
        w.WriteLine($"working set    start {Mb(Start?.WorkingSetBytes)}, end {Mb(End?.WorkingSetBytes)}; peak sampled {Mb(Samples.Max(s => s.WorkingSetBytes))}; threads start {Start?.Threads.ToString(ic) ?? "n/a"}, end {End?.Threads.ToString(ic) ?? "n/a"}");
        var cpu = ServerCpuAfter - ServerCpuBefore;
        w.WriteLine(string.Create(ic, $"cpu            server {(cpu is { } c ? $"{c:0} s over {MeasuredWallSeconds:0} s measured ({100 * c / MeasuredWallSeconds / Environment.ProcessorCount:0}% of {Environment.ProcessorCount} cores)" : "n/a")}"));
        w.WriteLine("samples        at (s)  phase  heap after GC  working set  threads  ok changes  errors  live spans");
        foreach (var s in Samples)
        {
            w.WriteLine(string.Create(ic, $"               {s.AtSeconds,6:0}  {s.Phase,-5}  {Mb(s.HeapBytes),13}  {Mb(s.WorkingSetBytes),11}  {s.Threads?.ToString(ic) ?? "n/a",7}  {s.Creates + s.Relabels + s.Deletes,10:N0}  {s.Errors,6}  {s.LiveSpans,10}"));
        }
        w.WriteLine($"result         {(HasFailures ? "FAILURES (see errors, database, hub events, pages, server heap)" : "ok: zero errors, zero lost, heap flat")}");
    }

    public string ToJson()
    {
        var o = Options;
        var summary = new
        {
            tool = "AnnotateHub.LoadTest",
            mode = "soak",
            run = RunId,
            completed = Completed,
            target = BaseAddress,
            serverStarted = ServerPid is not null,
            clients = o.Clients,
            pages = o.Pages,
            documents = DocumentIds,
            rate = o.Rate,
            seconds = o.Seconds,
            warmupSeconds = o.WarmupSeconds,
            spanCap = o.SpanCap,
            changes = Changes,
            creates = Creates,
            relabels = Relabels,
            deletes = Deletes,
            pageReloads = PageReloads,
            reloadQuietSeconds = ReloadQuietSeconds,
            hubReconnects = HubReconnects,
            errors = Errors,
            rejected = Rejected,
            rejectionCodes = RejectionCodes,
            failed = Failed,
            unanswered = UnansweredAfterDrain,
            hubDisconnects = HubDisconnects,
            reconnectFailures = ReconnectFailures,
            reloadFailures = ReloadFailures,
            consoleErrors = ConsoleErrors,
            pageErrors = PageErrors,
            crashes = Crashes,
            circuitDisconnects = CircuitDisconnects,
            lost = Lost,
            dbSpans = DbSpans,
            dbMissing = DbMissing,
            dbResurrected = DbResurrected,
            dbLabelMismatches = DbLabelMismatches,
            dbVersionMismatches = DbVersionMismatches,
            dbUnexpected = DbUnexpected,
            vanished = Vanished,
            hubEventsExpected = HubEventsExpected,
            hubEventsLost = HubEventsLost,
            hubOutOfOrder = HubOutOfOrder,
            pageLost = PageLost,
            pagesOk = Pages.Count(p => p.Ok),
            pageCounts = Pages.Select(p => new { page = p.Page, document = p.DocumentId, dom = p.InDom, database = p.InDatabase }),
            heapIdleBytes = Idle?.ManagedBytesAfterFullCollect,
            heapStartBytes = Start?.ManagedBytesAfterFullCollect,
            heapEndBytes = End?.ManagedBytesAfterFullCollect,
            heapRatio = HeapRatio,
            heapFlat = HeapFlat,
            workingSetStartBytes = Start?.WorkingSetBytes,
            workingSetEndBytes = End?.WorkingSetBytes,
            serverGc = End?.ServerGc,
            samples = Samples.Select(s => new { at = s.AtSeconds, phase = s.Phase, heap = s.HeapBytes, workingSet = s.WorkingSetBytes, threads = s.Threads, errors = s.Errors, liveSpans = s.LiveSpans }),
            maxScheduleLagMs = MaxScheduleLagMs,
            failures = HasFailures,
            notes = Notes,
        };
        return JsonSerializer.Serialize(summary, new JsonSerializerOptions(JsonSerializerDefaults.Web));
    }
}
