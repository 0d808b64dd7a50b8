using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.LoadTest;

/// <summary>
/// --circuit-path (issue 18): the browser path at counts a browser farm cannot reach. Blazor circuits opened at the
/// protocol level (<see cref="CircuitClient"/>) on one document, while a hub client creates spans on it at --rate for
/// --seconds. For each span level (--span-levels, the document filled to that many spans first): --repeats windows
/// without circuits, then --circuits circuits open and the same windows again (each phase after one unmeasured warm-up
/// window). After each window its spans are deleted again, so the document stays at its level.
/// <para>Reports per level: server cpu per change per circuit (with minus without, per repeat, and the spread), the
/// server's cpu use with the circuits open (cores), change-to-render-batch latency (create sent to the first batch that
/// carries the span's id, every circuit, every create) beside the hub path's, memory per idle circuit (managed heap
/// after a full GC and RSS, N circuits against none) and updates missing from a circuit (must be 0). After the first level, with
/// --idle-circuits M, M circuits are opened and held: memory per circuit, how many are still connected after
/// --hold seconds, and whether every one of them renders one more create.</para>
/// </summary>
internal sealed class CircuitPathRun(LoadOptions options, Uri baseAddress, Action<HttpConnectionOptions> authenticate, CookieContainer cookies,
    ServerProcess server, TextWriter log)
{
    private const int DocumentId = 1;
    private static readonly string DocumentPath = $"/documents/{DocumentId}";

    private static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public async Task<CircuitPathReport> RunAsync(CancellationToken ct)
    {
        var report = new CircuitPathReport { Options = options, BaseAddress = baseAddress.ToString(), ServerPid = server.Pid };
        var text = await DocumentTextAsync(ct);
        var length = text.EnumerateRunes().Count();
        report.DocumentLength = length;
        await using var writer = await ConnectAsync(ct);
        await using var observer = await ConnectAsync(ct);
        var hubSeen = new Dictionary<long, double>();
        void Heard(ChangeDto c)
        {
            var at = NowMs();
            if (c.Annotation is { } a) lock (hubSeen) hubSeen.TryAdd(a.Id, at);
        }
        observer.On<ChangeDto>("Change", Heard);
        observer.On<ChangeDto[]>("Changes", cs => { foreach (var c in cs) Heard(c); });
        var joined = await observer.InvokeAsync<JoinResult>("JoinDocument", DocumentId, null, ct);
        var random = new Random(18);
        var spans = joined.Annotations?.Count ?? 0;
        using var memory = new MemoryProbeClient(baseAddress, cookies, null);

        foreach (var level in options.SpanLevels)
        {
            if (spans < level)
            {
                await FillAsync(writer, length, random, level - spans, ct);
                spans = level;
            }
            var result = new CircuitLevelResult { Spans = spans };
            report.Levels.Add(result);
            log.WriteLine($"level {spans:N0} spans on document {DocumentId} ({length:N0} code points)");

            await WindowAsync(writer, length, random, $"{spans}:0:warmup", ct);
            for (var k = 0; k < options.Repeats; k++)
            {
                var window = await WindowAsync(writer, length, random, $"{spans}:0:{k}", ct);
                result.CpuWithout.Add(window.CpuSeconds);
                Collect(window, hubSeen, result.HubLatencies);
                log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  repeat {k + 1} without circuits: {window.Sent.Count:N0} creates, server cpu {window.CpuSeconds:0.000} s"));
            }

            result.MemoryWithout = await SampleAsync(memory, ct);
            var circuits = await OpenManyAsync(options.Circuits, ct);
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(5), ct); // idle
                result.MemoryWith = await SampleAsync(memory, ct);
                result.CircuitsOpen = circuits.Count;

                var warmup = await WindowAsync(writer, length, random, $"{spans}:c:warmup", ct, circuits);
                var expected = new List<long>(warmup.Sent.Keys);
                for (var k = 0; k < options.Repeats; k++)
                {
                    var window = await WindowAsync(writer, length, random, $"{spans}:c:{k}", ct, circuits);
                    result.CpuWith.Add(window.CpuSeconds);
                    result.WindowSeconds = window.Seconds;
                    result.CreatesPerWindow = window.Sent.Count;
                    Collect(window, hubSeen, result.HubLatenciesWith);
                    expected.AddRange(window.Sent.Keys);
                    foreach (var circuit in circuits)
                    {
                        var seen = circuit.Seen();
                        foreach (var (id, sentAt) in window.Sent)
                            if (seen.TryGetValue(id, out var at)) result.BatchLatencies.Add(at - sentAt);
                    }
                    log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"  repeat {k + 1} with {circuits.Count} circuits: {window.Sent.Count:N0} creates, server cpu {window.CpuSeconds:0.000} s"));
                }
                foreach (var circuit in circuits)
                {
                    result.MissingUpdates += expected.Count(id => !circuit.HasSeen(id));
                    if (circuit.Error is { } error) result.Errors.Add(error);
                }
                result.ExpectedUpdates = expected.Count * circuits.Count;
                result.Batches = circuits.Sum(c => c.Batches);
                result.BatchBytes = circuits.Sum(c => c.BatchBytes);
                result.InteropCalls = circuits.Sum(c => c.InteropCalls);
            }
            finally
            {
                await CloseAllAsync(circuits);
            }
            await Task.Delay(TimeSpan.FromSeconds(2), ct); // the circuits' disposal

            // Idle circuits on the first level (the document as people open it), not on a level filled for the cpu figure.
            if (options.IdleCircuits > 0 && report.Idle is null) report.Idle = await IdleAsync(writer, length, random, memory, spans, ct);
        }

        report.ServerFailures = server.Failures;
        report.ServerWarnings = server.Warnings;
        report.ServerProblems.AddRange(server.Problems);
        report.Completed = true;
        return report;
    }

    /// <summary>Opens M circuits, holds them --hold seconds, samples memory, counts the connected ones and checks that each
    /// renders one more create.</summary>
    private async Task<CircuitIdleResult> IdleAsync(HubConnection writer, int length, Random random, MemoryProbeClient memory, int spans, CancellationToken ct)
    {
        var result = new CircuitIdleResult { Requested = options.IdleCircuits, HoldSeconds = options.HoldSeconds, Spans = spans };
        result.MemoryWithout = await SampleAsync(memory, ct);
        result.ResidentSettledWithout = await SettledResidentAsync(ct);
        var opening = Stopwatch.StartNew();
        var circuits = await OpenManyAsync(options.IdleCircuits, ct);
        try
        {
            result.OpenSeconds = opening.Elapsed.TotalSeconds;
            log.WriteLine(string.Create(CultureInfo.InvariantCulture, $"idle: {circuits.Count:N0} circuits open in {result.OpenSeconds:0.0} s; holding {options.HoldSeconds} s"));
            await Task.Delay(TimeSpan.FromSeconds(options.HoldSeconds), ct);
            result.MemoryWith = await SampleAsync(memory, ct);
            result.ResidentSettledWith = await SettledResidentAsync(ct);
            result.Opened = circuits.Count;
            result.ConnectedAfterHold = circuits.Count(c => c.Connected);
            var (id, version) = await CreateAsync(writer, length, random, "cp:idle", ct);
            var limit = Stopwatch.StartNew();
            while (limit.Elapsed < TimeSpan.FromSeconds(60) && circuits.Any(c => !c.HasSeen(id))) await Task.Delay(200, ct);
            result.RenderedLastCreate = circuits.Count(c => c.HasSeen(id));
            result.Errors.AddRange(circuits.Select(c => c.Error).OfType<string>().Distinct().Take(5));
            await writer.InvokeAsync<MutationResult>("DeleteAnnotation", id, version, ct);
        }
        finally
        {
            await CloseAllAsync(circuits);
        }
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        return result;
    }

    /// <summary>Opens circuits a few at a time (as people arrive), each with its own page read and connection.</summary>
    private async Task<List<CircuitClient>> OpenManyAsync(int count, CancellationToken ct)
    {
        var circuits = new List<CircuitClient>(count);
        const int atOnce = 8;
        for (var i = 0; i < count; i += atOnce)
        {
            var group = Enumerable.Range(i, Math.Min(atOnce, count - i)).Select(_ => CircuitClient.OpenAsync(baseAddress, DocumentPath, cookies, options.Deflate, ct)).ToList();
            try
            {
                await Task.WhenAll(group);
            }
            catch
            {
                foreach (var t in group) if (t.IsCompletedSuccessfully) circuits.Add(t.Result);
                await CloseAllAsync(circuits);
                throw;
            }
            circuits.AddRange(group.Select(t => t.Result));
        }
        return circuits;
    }

    private static async Task CloseAllAsync(List<CircuitClient> circuits)
    {
        foreach (var chunk in circuits.Chunk(50)) await Task.WhenAll(chunk.Select(c => c.DisposeAsync().AsTask()));
        circuits.Clear();
    }

    private sealed record Window(Dictionary<long, double> Sent, double CpuSeconds, double Seconds);

    /// <summary>Creates at --rate for --seconds (open loop), waits for every answer, for the circuits to render them
    /// (at most 20 s) and a second of quiet, and takes the server cpu of all that. Then deletes the window's spans
    /// (not measured) and waits for quiet again.</summary>
    private async Task<Window> WindowAsync(HubConnection writer, int length, Random random, string tag, CancellationToken ct,
        List<CircuitClient>? circuits = null)
    {
        var total = options.Rate * options.Seconds;
        var sent = new Dictionary<long, double>(total);
        var versions = new Dictionary<long, int>(total);
        var cpuBefore = server.ReadCpuTime() ?? TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var answers = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / options.Rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            var at = NowMs();
            answers.Add(CreateAsync(writer, length, random, $"cp:{tag}:{i}", ct).ContinueWith(t =>
            {
                if (!t.IsCompletedSuccessfully) return;
                lock (sent)
                {
                    sent[t.Result.Id] = at;
                    versions[t.Result.Id] = t.Result.Version;
                }
            }, TaskScheduler.Default));
        }
        await Task.WhenAll(answers);
        if (circuits is { Count: > 0 })
        {
            var limit = Stopwatch.StartNew();
            while (limit.Elapsed < TimeSpan.FromSeconds(20) && circuits.Any(c => sent.Keys.Any(id => !c.HasSeen(id)))) await Task.Delay(100, ct);
        }
        await Task.Delay(TimeSpan.FromSeconds(1), ct);
        var cpu = ((server.ReadCpuTime() ?? TimeSpan.Zero) - cpuBefore).TotalSeconds;
        var seconds = clock.Elapsed.TotalSeconds;
        if (sent.Count < total) throw new InvalidOperationException($"{total - sent.Count} of {total} creates failed in window {tag}.");

        foreach (var chunk in versions.Chunk(50))
        {
            var deletes = chunk.Select(p => writer.InvokeAsync<MutationResult>("DeleteAnnotation", p.Key, p.Value, ct)).ToList();
            foreach (var result in await Task.WhenAll(deletes))
                if (!result.Ok) throw new InvalidOperationException($"A delete was refused: {result.Code} {result.Error}");
        }
        await Task.Delay(TimeSpan.FromSeconds(circuits is { Count: > 0 } ? 3 : 1), ct);
        return new Window(sent, cpu, seconds);
    }

    private static async Task FillAsync(HubConnection writer, int length, Random random, int count, CancellationToken ct)
    {
        for (var i = 0; i < count; i += 50)
            await Task.WhenAll(Enumerable.Range(i, Math.Min(50, count - i)).Select(k => CreateAsync(writer, length, random, $"cp:base:{k}", ct)));
    }

    private static async Task<(long Id, int Version)> CreateAsync(HubConnection writer, int length, Random random, string note, CancellationToken ct)
    {
        int start, end;
        lock (random)
        {
            start = random.Next(0, Math.Max(1, length - 40));
            end = Math.Min(length, start + random.Next(5, 30));
        }
        var result = await writer.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(DocumentId, start, end, "claim", null, note), ct);
        if (!result.Ok || result.Change?.Annotation is not { } created) throw new InvalidOperationException($"A create was refused: {result.Code} {result.Error}");
        return (created.Id, created.Version);
    }

    private static void Collect(Window window, Dictionary<long, double> hubSeen, List<double> into)
    {
        lock (hubSeen)
        {
            foreach (var (id, sentAt) in window.Sent)
                if (hubSeen.TryGetValue(id, out var at)) into.Add(at - sentAt);
        }
    }

    /// <summary>The server's RSS 10 s after a sample's full collection: the collector gives back the regions it freed over
    /// a few seconds, so the sample itself reads high.</summary>
    private async Task<long> SettledResidentAsync(CancellationToken ct)
    {
        await Task.Delay(TimeSpan.FromSeconds(10), ct);
        return server.ReadResidentBytes() ?? 0;
    }

    private async Task<BrowserPathMemory> SampleAsync(MemoryProbeClient memory, CancellationToken ct)
    {
        var (sample, missing) = await memory.MeasureAsync(ct);
        if (sample is null) throw new InvalidOperationException(missing);
        return new BrowserPathMemory(sample.ManagedBytesAfterFullCollect, server.ReadResidentBytes() ?? 0, sample.CommittedBytes);
    }

    private async Task<string> DocumentTextAsync(CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler { CookieContainer = cookies, UseCookies = true };
        using var http = new HttpClient(handler) { BaseAddress = baseAddress };
        var document = await http.GetFromJsonAsync<JsonElement>($"/api/documents/{DocumentId}", ct);
        return document.GetProperty("text").GetString() ?? throw new InvalidOperationException("The document has no text.");
    }

    private async Task<HubConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, "/hubs/annotations"), o =>
            {
                authenticate(o);
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        connection.HandshakeTimeout = TimeSpan.FromSeconds(60);
        await connection.StartAsync(ct);
        return connection;
    }
}

/// <summary>One span level of --circuit-path.</summary>
internal sealed class CircuitLevelResult
{
    public int Spans { get; set; }
    public int CircuitsOpen { get; set; }
    public int CreatesPerWindow { get; set; }
    public double WindowSeconds { get; set; }
    public List<double> CpuWithout { get; } = [];
    public List<double> CpuWith { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> HubLatencies { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> HubLatenciesWith { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> BatchLatencies { get; } = [];
    public BrowserPathMemory? MemoryWithout { get; set; }
    public BrowserPathMemory? MemoryWith { get; set; }
    public int ExpectedUpdates { get; set; }
    public int MissingUpdates { get; set; }
    public long Batches { get; set; }
    public long BatchBytes { get; set; }
    public long InteropCalls { get; set; }
    public List<string> Errors { get; } = [];

    /// <summary>Server cpu per change per circuit in ms, per repeat: (with - without) / (creates x circuits).</summary>
    public List<double> CpuPerChangePerCircuitMs => CpuWith.Zip(CpuWithout,
        (with, without) => Math.Round((with - without) * 1000 / Math.Max(1, CreatesPerWindow) / Math.Max(1, CircuitsOpen), 4)).ToList();

    /// <summary>The server's cpu use with the circuits open, in cores, per repeat (cpu seconds over the window's seconds).</summary>
    public List<double> CoresWith => CpuWith.Select(c => Math.Round(c / Math.Max(0.001, WindowSeconds), 3)).ToList();

    public double? ManagedBytesPerCircuit => MemoryWith is { } w && MemoryWithout is { } o && CircuitsOpen > 0 ? (double)(w.ManagedBytes - o.ManagedBytes) / CircuitsOpen : null;
    public double? ResidentBytesPerCircuit => MemoryWith is { } w && MemoryWithout is { } o && CircuitsOpen > 0 ? (double)(w.ResidentBytes - o.ResidentBytes) / CircuitsOpen : null;
    public LatencySummary Batch => CircuitPathReport.Summary(BatchLatencies);
    public LatencySummary Hub => CircuitPathReport.Summary(HubLatencies);
    public LatencySummary HubWith => CircuitPathReport.Summary(HubLatenciesWith);
}

internal sealed class CircuitIdleResult
{
    public int Requested { get; set; }
    public int Spans { get; set; }
    public int Opened { get; set; }
    public int HoldSeconds { get; set; }
    public double OpenSeconds { get; set; }
    public int ConnectedAfterHold { get; set; }
    public int RenderedLastCreate { get; set; }
    public BrowserPathMemory? MemoryWithout { get; set; }
    public BrowserPathMemory? MemoryWith { get; set; }
    public long ResidentSettledWithout { get; set; }
    public long ResidentSettledWith { get; set; }
    public List<string> Errors { get; } = [];
    public double? ManagedBytesPerCircuit => MemoryWith is { } w && MemoryWithout is { } o && Opened > 0 ? (double)(w.ManagedBytes - o.ManagedBytes) / Opened : null;
    public double? ResidentSettledBytesPerCircuit => Opened > 0 && ResidentSettledWith > 0 ? (double)(ResidentSettledWith - ResidentSettledWithout) / Opened : null;
    public double? ResidentBytesPerCircuit => MemoryWith is { } w && MemoryWithout is { } o && Opened > 0 ? (double)(w.ResidentBytes - o.ResidentBytes) / Opened : null;
}

/// <summary>What --circuit-path measured; printed as a summary and as one JSON line.</summary>
internal sealed class CircuitPathReport
{
    [System.Text.Json.Serialization.JsonIgnore] public LoadOptions Options { get; set; } = new();
    public string BaseAddress { get; set; } = "";
    public int ServerPid { get; set; }
    public bool Completed { get; set; }
    public int DocumentLength { get; set; }
    public List<CircuitLevelResult> Levels { get; } = [];
    public CircuitIdleResult? Idle { get; set; }
    public int ServerFailures { get; set; }
    public int ServerWarnings { get; set; }
    public List<string> ServerProblems { get; } = [];

    public bool HasFailures => !Completed || ServerFailures > 0
        || Levels.Any(l => l.MissingUpdates > 0 || l.Errors.Count > 0)
        || Idle is { } idle && (idle.Opened < idle.Requested || idle.ConnectedAfterHold < idle.Opened || idle.RenderedLastCreate < idle.Opened);

    internal static LatencySummary Summary(List<double> ms) => LatencySummary.FromTicks(ms.Select(m => (long)Math.Round(m * Stopwatch.Frequency / 1000.0)).ToList());

    public void Print(TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        string List(IEnumerable<double> values, string format) => string.Join(", ", values.Select(v => v.ToString(format, c)));
        o.WriteLine(string.Create(c, $"document       {DocumentLength:N0} code points; {Options.Repeats} repeats of {Options.Rate * Options.Seconds:N0} creates ({Options.Rate}/s for {Options.Seconds} s) without circuits, then with {Options.Circuits}"));
        foreach (var level in Levels)
        {
            var perCircuit = level.CpuPerChangePerCircuitMs;
            o.WriteLine(string.Create(c, $"--- {level.Spans:N0} spans, {level.CircuitsOpen} circuits"));
            o.WriteLine(string.Create(c, $"server cpu     without circuits {List(level.CpuWithout, "0.000")} s; with {List(level.CpuWith, "0.000")} s ({List(level.CoresWith, "0.00")} cores over {level.WindowSeconds:0.0} s windows)"));
            o.WriteLine(perCircuit.Count == 0 ? "cpu/change/circuit n/a" : string.Create(c,
                $"cpu/change/circuit {List(perCircuit, "0.0000")} ms per repeat; median {perCircuit.Order().ElementAt(perCircuit.Count / 2):0.0000} ms, spread {perCircuit.Min():0.0000} to {perCircuit.Max():0.0000} ms (target at most 0.1 ms)"));
            o.WriteLine($"change->batch  {level.Batch}  (every circuit, every create; target p99 under 100 ms)");
            o.WriteLine($"change->hub    {level.HubWith}  (a hub client, same runs)");
            o.WriteLine($"change->hub    {level.Hub}  (a hub client, runs without circuits)");
            if (level.ManagedBytesPerCircuit is { } managed)
                o.WriteLine(string.Create(c, $"per circuit    managed {managed / 1024:0} KB, RSS {level.ResidentBytesPerCircuit / 1024:0} KB (idle; managed heap after a full GC {level.MemoryWithout!.ManagedBytes / 1048576.0:0.0} MB without, {level.MemoryWith!.ManagedBytes / 1048576.0:0.0} MB with)"));
            o.WriteLine(string.Create(c, $"batches        {level.Batches:N0} received and acknowledged, {level.BatchBytes / 1024.0:N0} KB; {level.InteropCalls:N0} JS interop calls answered"));
            o.WriteLine(string.Create(c, $"updates        missing {level.MissingUpdates:N0} of {level.ExpectedUpdates:N0} (every circuit must render every create); circuit errors {level.Errors.Count}"));
            foreach (var error in level.Errors.Distinct().Take(5)) o.WriteLine($"  {error}");
        }
        if (Idle is { } idle)
        {
            o.WriteLine(string.Create(c, $"--- idle, {idle.Spans:N0} spans: {idle.Opened:N0} of {idle.Requested:N0} circuits opened in {idle.OpenSeconds:0.0} s; {idle.ConnectedAfterHold:N0} connected after {idle.HoldSeconds} s; {idle.RenderedLastCreate:N0} rendered one more create"));
            if (idle.ManagedBytesPerCircuit is { } managed)
                o.WriteLine(string.Create(c, $"per circuit    managed {managed / 1024:0} KB, RSS {idle.ResidentBytesPerCircuit / 1024:0} KB (managed heap {idle.MemoryWithout!.ManagedBytes / 1048576.0:0.0} MB without, {idle.MemoryWith!.ManagedBytes / 1048576.0:0.0} MB with; RSS {idle.MemoryWithout.ResidentBytes / 1048576.0:0} MB, {idle.MemoryWith.ResidentBytes / 1048576.0:0} MB; GC committed {idle.MemoryWithout.CommittedBytes / 1048576.0:0} MB, {idle.MemoryWith.CommittedBytes / 1048576.0:0} MB)"));
                o.WriteLine(string.Create(c, $"per circuit    RSS {idle.ResidentSettledBytesPerCircuit / 1024:0} KB 10 s after the collections ({idle.ResidentSettledWithout / 1048576.0:0} MB without, {idle.ResidentSettledWith / 1048576.0:0} MB with)"));
            foreach (var error in idle.Errors) o.WriteLine($"  {error}");
        }
        o.WriteLine(string.Create(c, $"server log     {ServerFailures} errors, {ServerWarnings} warnings"));
        foreach (var problem in ServerProblems) o.WriteLine($"  {problem}");
        o.WriteLine(HasFailures ? "result         FAILURES" : "result         ok");
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        tool = "AnnotateHub.LoadTest",
        mode = "circuit-path",
        ServerFailures, ServerWarnings, ServerProblems,
        Completed, BaseAddress, ServerPid, DocumentLength,
        circuits = Options.Circuits, rate = Options.Rate, seconds = Options.Seconds, repeats = Options.Repeats,
        levels = Levels.Select(l => new
        {
            l.Spans, l.CircuitsOpen, l.CreatesPerWindow, l.WindowSeconds, l.CpuWithout, l.CpuWith, l.CpuPerChangePerCircuitMs, l.CoresWith,
            changeToBatchMs = l.Batch, changeToHubMs = l.HubWith, changeToHubWithoutCircuitsMs = l.Hub,
            l.MemoryWithout, l.MemoryWith, l.ManagedBytesPerCircuit, l.ResidentBytesPerCircuit,
            l.ExpectedUpdates, l.MissingUpdates, l.Batches, l.BatchBytes, l.InteropCalls, l.Errors,
        }),
        Idle,
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
