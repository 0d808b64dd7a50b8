using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.LoadTest;

/// <summary>A document the run writes to, with its state before the run.</summary>
internal sealed record LoadDocument(int Id, long StartSequence, int StartAnnotations);

/// <summary>One app instance of the run: where it answers, how to sign in to it, and its process if the tool started it.</summary>
internal sealed record LoadInstance(Uri BaseAddress, Action<HttpConnectionOptions> Authenticate, ServerProcess? Server);

/// <summary>
/// One load run against a server that is already up: probe documents, measure the Echo floor, connect the
/// clients, send creates on a fixed schedule, wait for answers and events, then check the database. With several
/// instances (one database, one Redis backplane) the observer uses the first, the clients are dealt over all of them
/// (each document gets clients on every instance) and the verifier uses the last.
/// </summary>
internal sealed class LoadRun(LoadOptions options, IReadOnlyList<LoadInstance> instances, TextWriter log)
{
    private const string HubPath = "/hubs/annotations";
    private const int EchoWarmup = 200, EchoCount = 2000, ConnectParallelism = 8;
    private const int ProbeWarmup = 50, ProbeRounds = 500;
    private static readonly string[] PreferredLabels = ["claim", "actor", "casualty figure"];

    private readonly ConcurrentDictionary<string, int> _rejections = new();
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly List<long> _echoDuringLoad = new();
    private CreateLedger _ledger = null!;
    private FanOutProbe? _probe;
    private LoadClient[] _clients = [];
    private int _inFlight, _disconnects, _stopping;
    private long _maxScheduleLagTicks, _scheduleStart;
    private readonly ServerProcess[] _servers = instances.Select(i => i.Server).OfType<ServerProcess>().ToArray();
    private bool MultiInstance => instances.Count > 1;

    /// <summary>With several instances: the database they share, for the report.</summary>
    public string? InstancesDatabase { get; init; }

    // Server figures: with one instance, that process; with several, summed over them (null if any is unreadable).
    private long? ServersRss() => SumAll(_servers.Select(s => s.ReadResidentBytes()));
    private int? ServersThreads() => (int?)SumAll(_servers.Select(s => (long?)s.ReadThreadCount()));
    private TimeSpan? ServersCpu() => SumAll(_servers.Select(s => s.ReadCpuTime()?.Ticks)) is { } t ? TimeSpan.FromTicks(t) : null;

    private static long? SumAll(IEnumerable<long?> values)
    {
        long sum = 0;
        var any = false;
        foreach (var value in values)
        {
            if (value is not { } v) return null;
            sum += v;
            any = true;
        }
        return any ? sum : null;
    }

    public async Task<LoadReport> RunAsync(CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var report = new LoadReport { RunId = runId, Options = options, BaseAddress = instances[0].BaseAddress.ToString(), ServerPid = instances[0].Server?.Pid };
        if (MultiInstance)
        {
            report.Instances = instances.Select(i => i.BaseAddress.ToString() + (i.Server is { } p ? $" (pid {p.Pid})" : "")).ToList();
            report.InstancesDatabase = InstancesDatabase;
            report.Notes.Add($"{instances.Count} instances: server memory, threads and cpu are summed over them; the observer (echo, fan-out floor) uses the first, the database check the last");
        }

        await using var observer = await ConnectAsync(ct);

        // Documents: ids 1..M, skipping ones that do not exist.
        var documents = new List<LoadDocument>();
        string[] labels = [];
        for (var id = 1; id <= options.Documents; id++)
        {
            JoinResult joined;
            try
            {
                joined = await observer.InvokeAsync<JoinResult>("JoinDocument", id, (long?)null, ct);
            }
            catch (HubException ex) when (ex.Message.Contains("does not exist", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            await observer.InvokeAsync("LeaveDocument", id, ct);
            documents.Add(new LoadDocument(id, joined.Sequence, joined.Annotations?.Count ?? 0));
            if (labels.Length == 0) labels = ChooseLabels(joined.Labels);
        }
        if (documents.Count == 0) throw new InvalidOperationException($"None of the document ids 1..{options.Documents} exists on the server.");
        if (labels.Length == 0) throw new InvalidOperationException($"Document {documents[0].Id} has no labels to annotate with.");
        report.Documents = documents;
        report.Labels = labels;
        if (documents.Count < options.Documents)
        {
            report.Notes.Add($"asked for {options.Documents} documents, the server has {documents.Count} of ids 1..{options.Documents} " +
                $"({string.Join(", ", documents.Select(d => d.Id))}); the {options.Clients} clients are spread round-robin over those {documents.Count}");
        }
        log.WriteLine($"documents: {string.Join(", ", documents.Select(d => $"{d.Id} (sequence {d.StartSequence}, {d.StartAnnotations} annotations)"))}; labels: {string.Join(", ", labels)}");

        // The floor: sequential echoes on one idle connection, no database involved.
        report.EchoIdle = await MeasureEchoAsync(observer, ct);
        log.WriteLine($"echo floor: p50 {report.EchoIdle.P50Ms:0.000} ms, p99 {report.EchoIdle.P99Ms:0.000} ms");

        _ledger = new CreateLedger(runId, options.TotalCreates, options.WarmupCreates, options.Clients);
        _clients = await ConnectClientsAsync(documents, ct);
        var perDocument = _clients.GroupBy(c => c.DocumentId).ToDictionary(g => g.Key, g => g.Count());
        report.ClientsPerDocument = perDocument;
        log.WriteLine($"connected {_clients.Length} clients: {string.Join(", ", perDocument.Select(p => $"document {p.Key}: {p.Value}"))}");

        // The fan-out floor: the same clients, the same kind of message, SignalR alone (no validation, no database).
        (report.FanOutIdle, report.FanOutMissing) = await MeasureFanOutAsync(ct);
        log.WriteLine(report.FanOutMissing is null
            ? $"fan-out floor: p50 {report.FanOutIdle.P50Ms:0.000} ms, p99 {report.FanOutIdle.P99Ms:0.000} ms"
            : $"fan-out floor not measured: {report.FanOutMissing}");

        try
        {
            report.LoadAverageBefore = ReadLoadAverage();
            report.CpuPressureBefore = ReadCpuPressure();
            report.ServerRssBaselineBytes = ServersRss();
            report.ServerThreadsBefore = ServersThreads();
            var serverCpuBefore = ServersCpu();
            var toolCpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var wallBefore = Stopwatch.GetTimestamp();

            using var loadDone = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var memory = SampleMemoryAsync(loadDone.Token);
            var echoes = EchoDuringLoadAsync(observer, loadDone.Token);

            log.WriteLine($"sending {options.TotalCreates} creates at {options.Rate}/s ({options.WarmupSeconds} s warm-up, {options.Seconds} s measured)");
            var schedule = new Thread(() => RunSchedule(labels, ct)) { IsBackground = true, Name = "load schedule", Priority = ThreadPriority.AboveNormal };
            schedule.Start();
            while (schedule.IsAlive) await Task.Delay(50, CancellationToken.None);
            ct.ThrowIfCancellationRequested();

            // Answers: bounded wait for the invokes still in flight.
            var drainLimit = TimeSpan.FromSeconds(options.EffectiveDrainSeconds);
            var drainClock = Stopwatch.StartNew();
            while (Volatile.Read(ref _inFlight) > 0 && drainClock.Elapsed < drainLimit) await Task.Delay(50, ct);
            report.DrainSeconds = drainClock.Elapsed.TotalSeconds;
            report.UnansweredAfterDrain = Volatile.Read(ref _inFlight);

            // Events: bounded wait until every committed create reached every other client on its document.
            var graceClock = Stopwatch.StartNew();
            while (MissingDeliveries(perDocument) > 0 && graceClock.Elapsed < TimeSpan.FromSeconds(options.GraceSeconds)) await Task.Delay(100, ct);
            report.GraceWaitedSeconds = graceClock.Elapsed.TotalSeconds;

            await loadDone.CancelAsync();
            (report.ServerRssPeakBytes, report.ServerThreadsPeak) = await memory;
            _echoDuringLoad.AddRange(await echoes);
            report.ServerRssEndBytes = ServersRss();
            report.LoadAverageAfter = ReadLoadAverage();
            report.CpuPressureAfter = ReadCpuPressure();
            var wall = Stopwatch.GetElapsedTime(wallBefore);
            report.LoadWallSeconds = wall.TotalSeconds;
            report.ServerCpuSeconds = ServersCpu() - serverCpuBefore is { } s ? s.TotalSeconds : null;
            report.ToolCpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - toolCpuBefore).TotalSeconds;
        }
        finally
        {
            Interlocked.Exchange(ref _stopping, 1);
        }

        var outcomes = _ledger.FreezeOutcomes();
        Summarize(report, perDocument, outcomes);

        // The database: a fresh connection's snapshot must hold every committed create exactly once.
        await using (var verifier = await ConnectAsync(ct, instances.Count - 1))
        {
            await VerifyDatabaseAsync(verifier, documents, report, outcomes, ct);
        }

        // Creates unanswered at the cut-off: did the answers come late, or not at all?
        if (report.Unanswered > 0)
        {
            var lateClock = Stopwatch.StartNew();
            while (Volatile.Read(ref _inFlight) > 0 && lateClock.Elapsed < TimeSpan.FromSeconds(options.GraceSeconds)) await Task.Delay(100, ct);
            var late = _ledger.FreezeOutcomes();
            report.AnsweredLate = Enumerable.Range(0, late.Length).Count(i => outcomes[i] == CreateLedger.Pending && late[i] != CreateLedger.Pending);
            report.NeverAnswered = Enumerable.Range(0, late.Length).Count(i => late[i] == CreateLedger.Pending);
        }

        await DisconnectClientsAsync();
        report.Completed = true;
        return report;
    }

    /// <summary>The machine's 1-minute load average: other work on the same cores skews every figure.</summary>
    private static double? ReadLoadAverage()
    {
        try
        {
            var first = File.ReadAllText("/proc/loadavg").Split(' ')[0];
            return double.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    /// <summary>Linux pressure stall information: the share of the last 10 s in which some task waited for a CPU.</summary>
    private static double? ReadCpuPressure()
    {
        try
        {
            var some = File.ReadLines("/proc/pressure/cpu").FirstOrDefault(l => l.StartsWith("some ", StringComparison.Ordinal));
            var avg10 = some?.Split(' ').FirstOrDefault(p => p.StartsWith("avg10=", StringComparison.Ordinal));
            return avg10 is null ? null : double.Parse(avg10["avg10=".Length..], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException) { return null; }
    }

    private static string[] ChooseLabels(IReadOnlyList<LabelDto>? labels)
    {
        var names = labels?.Select(l => l.Name).Where(n => !string.IsNullOrWhiteSpace(n)).ToArray() ?? [];
        var preferred = PreferredLabels.Where(p => names.Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
        return preferred.Length > 0 ? preferred : names;
    }

    private HubConnection BuildConnection(int instance = 0)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(instances[instance].BaseAddress, HubPath), o =>
            {
                instances[instance].Authenticate(o);
                // WebSockets only: a silent fall-back to long polling would measure a different transport.
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        // The tool shares two cores with the server; do not mistake a busy moment for a dead server.
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        connection.HandshakeTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }

    private async Task<HubConnection> ConnectAsync(CancellationToken ct, int instance = 0)
    {
        var connection = BuildConnection(instance);
        connection.On<JsonElement>("Presence", _ => { });
        connection.On<JsonElement>("LabelsChanged", _ => { });
        connection.On<JsonElement>("Change", _ => { });
        connection.On<JsonElement>("Changes", _ => { });
        await StartAsync(connection, ct);
        return connection;
    }

    private static async Task StartAsync(HubConnection connection, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await connection.StartAsync(timeout.Token);
        }
        catch (HttpRequestException ex)
        {
            throw new InvalidOperationException($"Connecting to {HubPath} failed: {ex.Message}", ex);
        }
    }

    private async Task<LoadClient[]> ConnectClientsAsync(IReadOnlyList<LoadDocument> documents, CancellationToken ct)
    {
        var clients = new LoadClient[options.Clients];
        using var gate = new SemaphoreSlim(ConnectParallelism);
        var tasks = Enumerable.Range(0, options.Clients).Select(async i =>
        {
            await gate.WaitAsync(ct);
            try
            {
                var document = documents[i % documents.Count];
                // Instances alternate per round of documents, so every document has clients on every instance.
                var instance = i / documents.Count % instances.Count;
                var connection = BuildConnection(instance);
                var client = new LoadClient(i, document.Id, connection, _ledger.Total, instance);
                connection.On<ChangeDto>("Change", change => OnChange(client, change));
                // A busy document's changes can arrive several to a message (docs/realtime.md).
                connection.On<ChangeDto[]>("Changes", batch => { foreach (var change in batch) OnChange(client, change); });
                connection.On<JsonElement>("Presence", _ => { });
                connection.On<JsonElement>("LabelsChanged", _ => { });
                connection.On<string>("Probe", payload => OnProbe(client, payload));
                connection.Closed += error =>
                {
                    if (Volatile.Read(ref _stopping) == 0)
                    {
                        Interlocked.Increment(ref _disconnects);
                        _errorSamples.Enqueue($"client {i} disconnected: {error?.Message ?? "closed by the server"}");
                    }
                    return Task.CompletedTask;
                };
                clients[i] = client;
                await StartAsync(connection, ct);
                // Catch-up from the sequence seen before the run: no snapshot per client.
                var joined = await connection.InvokeAsync<JoinResult>("JoinDocument", document.Id, (long?)document.StartSequence, ct);
                var last = Math.Max(joined.Sequence, joined.Changes is { Count: > 0 } c ? c.Max(x => x.Sequence) : 0);
                lock (client.Gate) client.JoinSequence = client.LastSequence = Math.Max(last, document.StartSequence);
            }
            finally
            {
                gate.Release();
            }
        }).ToArray();
        try
        {
            await Task.WhenAll(tasks);
        }
        catch
        {
            _clients = clients.Where(c => c is not null).ToArray();
            await DisconnectClientsAsync();
            throw;
        }
        return clients;
    }

    private async Task DisconnectClientsAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var stops = _clients.Select(async c =>
        {
            try { await c.Connection.DisposeAsync().AsTask().WaitAsync(limit.Token); }
            catch (Exception) { /* the process is ending anyway */ }
        });
        await Task.WhenAll(stops);
    }

    private void OnChange(LoadClient client, ChangeDto change)
    {
        var now = Stopwatch.GetTimestamp();
        lock (client.Gate)
        {
            if (change.DocumentId != client.DocumentId || change.Annotation is null) { client.BadEvents++; return; }
            var inOrder = change.Sequence > client.LastSequence;
            if (inOrder) client.LastSequence = change.Sequence;
            if (!string.Equals(change.Kind, "created", StringComparison.OrdinalIgnoreCase) || !_ledger.TryParseNote(change.Annotation.Note, out var index))
            {
                // Not one of this run's creates (another writer): cannot tell a duplicate, counted as new.
                client.ForeignEvents++;
                client.DistinctEvents++;
                if (!inOrder) client.OutOfOrder++;
                return;
            }
            if (client.Seen[index]) { client.Duplicates++; return; }
            client.Seen[index] = true;
            client.DistinctEvents++;
            if (!inOrder) client.OutOfOrder++;
            var sender = _ledger.SenderOf(index);
            if (sender == client.Index) { client.OwnEvents++; return; }
            var cross = _clients[sender].Instance != client.Instance;
            _ledger.CountDelivery(index, cross);
            if (index >= _ledger.Warmup)
            {
                var latency = now - _ledger.SentAt(index);
                client.Latencies.Add(latency);
                if (MultiInstance) (cross ? client.CrossInstanceLatencies : client.SameInstanceLatencies).Add(latency);
            }
        }
    }

    /// <summary>Open-loop pacing: create i is due at start + i/rate, whatever happened to the ones before it.</summary>
    private void RunSchedule(string[] labels, CancellationToken ct)
    {
        var random = new Random(20261124);
        var start = Stopwatch.GetTimestamp();
        Volatile.Write(ref _scheduleStart, start);
        var ticksPerCreate = (double)Stopwatch.Frequency / options.Rate;
        for (var i = 0; i < _ledger.Total && !ct.IsCancellationRequested; i++)
        {
            var due = start + (long)(i * ticksPerCreate);
            long now;
            while ((now = Stopwatch.GetTimestamp()) < due && !ct.IsCancellationRequested)
            {
                var waitMs = (due - now) * 1000 / Stopwatch.Frequency;
                Thread.Sleep((int)Math.Clamp(waitMs, 1, 50));
            }
            if (now - due > _maxScheduleLagTicks) _maxScheduleLagTicks = now - due;

            var client = _clients[_ledger.SenderOf(i)];
            var begin = random.Next(0, 200);
            var request = new CreateAnnotationRequest(client.DocumentId, begin, begin + random.Next(1, 21), labels[random.Next(labels.Length)], null, _ledger.NoteFor(i));
            Interlocked.Increment(ref _inFlight);
            _ledger.MarkSent(i);
            Task<MutationResult> invoke;
            try
            {
                invoke = client.Connection.InvokeAsync<MutationResult>("CreateAnnotation", request, CancellationToken.None);
            }
            catch (Exception ex)
            {
                invoke = Task.FromException<MutationResult>(ex);
            }
            var index = i;
            invoke.ContinueWith(t => OnAnswer(index, t), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    private void OnAnswer(int index, Task<MutationResult> invoke)
    {
        if (invoke.IsCompletedSuccessfully && invoke.Result is { Ok: true })
        {
            _ledger.MarkDone(index, CreateLedger.Committed);
        }
        else if (invoke.IsCompletedSuccessfully)
        {
            var result = invoke.Result;
            _ledger.MarkDone(index, CreateLedger.Rejected);
            _rejections.AddOrUpdate(result?.Code ?? "(null result)", 1, (_, n) => n + 1);
            if (_errorSamples.Count < 10) _errorSamples.Enqueue($"create {index}: {result?.Code}: {result?.Error}");
        }
        else
        {
            _ledger.MarkDone(index, CreateLedger.Failed);
            var ex = invoke.Exception?.GetBaseException();
            if (_errorSamples.Count < 10) _errorSamples.Enqueue($"create {index}: {ex?.GetType().Name}: {ex?.Message}");
        }
        Interlocked.Decrement(ref _inFlight);
    }

    private long MissingDeliveries(IReadOnlyDictionary<int, int> perDocument)
    {
        long missing = 0;
        for (var i = 0; i < _ledger.Total; i++)
        {
            if (_ledger.Outcome(i) != CreateLedger.Committed) continue;
            var expected = perDocument[_clients[_ledger.SenderOf(i)].DocumentId] - 1;
            missing += Math.Max(0, expected - _ledger.Delivered(i));
        }
        return missing;
    }

    /// <summary>One probe round at a time: who sent it, when, and how many other clients have yet to receive it.</summary>
    private sealed class FanOutProbe
    {
        public int Round = -1, Sender = -1, Waiting;
        public long SentAt;
        public TaskCompletionSource Done = new();
        public readonly List<long> Samples = new(ProbeRounds * 64);
    }

    /// <summary>
    /// Sequential rounds on the first document: a client sends a string as long as a serialized <c>Change</c> through
    /// the hub's <c>ProbeFanOut</c>, which hands it straight to the document's groups; each other client records the time
    /// from send to arrival, as it does for a create. Needs <c>Realtime:FanOutProbe</c> on the server (set when the tool
    /// starts it).
    /// </summary>
    private async Task<(LatencySummary Floor, string? Missing)> MeasureFanOutAsync(CancellationToken ct)
    {
        var documentId = _clients[0].DocumentId;
        var members = _clients.Where(c => c.DocumentId == documentId).ToArray();
        if (members.Length < 2) return (LatencySummary.FromTicks([]), "needs at least two clients on a document");
        var padding = new string('x', Math.Max(0, SampleChangeLength() - "probe-000:".Length));
        var probe = new FanOutProbe();
        _probe = probe;
        try
        {
            var limit = Stopwatch.StartNew();
            for (var round = 0; round < ProbeWarmup + ProbeRounds && limit.Elapsed < TimeSpan.FromSeconds(60); round++)
            {
                var sender = members[round % members.Length];
                Task done;
                lock (probe)
                {
                    probe.Round = round;
                    probe.Sender = sender.Index;
                    probe.Waiting = members.Length - 1;
                    probe.Done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    done = probe.Done.Task;
                    probe.SentAt = Stopwatch.GetTimestamp();
                }
                try
                {
                    await sender.Connection.InvokeAsync("ProbeFanOut", documentId, $"probe-{round}:{padding}", ct);
                    await done.WaitAsync(TimeSpan.FromSeconds(10), ct);
                }
                catch (HubException ex)
                {
                    return (LatencySummary.FromTicks([]), ex.Message);
                }
                catch (TimeoutException)
                {
                    return (LatencySummary.FromTicks([]), $"probe {round} did not reach all {members.Length - 1} other clients within 10 s");
                }
            }
            lock (probe) return (LatencySummary.FromTicks(probe.Samples.ToList()), null);
        }
        finally
        {
            _probe = null;
        }
    }

    private void OnProbe(LoadClient client, string payload)
    {
        var now = Stopwatch.GetTimestamp();
        if (_probe is not { } probe) return;
        var colon = payload.IndexOf(':');
        if (colon < 0 || !int.TryParse(payload.AsSpan("probe-".Length, colon - "probe-".Length), out var round)) return;
        lock (probe)
        {
            if (round != probe.Round || client.Index == probe.Sender || probe.Waiting == 0) return;
            if (round >= ProbeWarmup) probe.Samples.Add(now - probe.SentAt);
            if (--probe.Waiting == 0) probe.Done.TrySetResult();
        }
    }

    /// <summary>The length of a typical <c>Change</c> message's argument, so the probe carries as many bytes.</summary>
    private int SampleChangeLength()
    {
        var at = DateTimeOffset.UtcNow;
        var userId = Guid.NewGuid().ToString();
        var change = new ChangeDto(1, 12345, "created", userId, at,
            new AnnotationDto(123456, 1, userId, "admin", 120, 135, 3, "casualty figure", _ledger.NoteFor(_ledger.Total - 1), at, at, 1));
        return JsonSerializer.Serialize(change, new JsonSerializerOptions(JsonSerializerDefaults.Web)).Length;
    }

    private static async Task<LatencySummary> MeasureEchoAsync(HubConnection connection, CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        var samples = new List<long>(EchoCount);
        for (var i = 0; i < EchoWarmup + EchoCount && limit.Elapsed < TimeSpan.FromSeconds(60); i++)
        {
            var payload = "echo-" + i;
            var sent = Stopwatch.GetTimestamp();
            var back = await connection.InvokeAsync<string>("Echo", payload, ct);
            var took = Stopwatch.GetTimestamp() - sent;
            if (back != payload) throw new InvalidOperationException($"Echo returned '{back}' for '{payload}'.");
            if (i >= EchoWarmup) samples.Add(took);
        }
        return LatencySummary.FromTicks(samples);
    }

    /// <summary>One echo every 100 ms on the observer while the load runs: the transport under load.</summary>
    private static async Task<List<long>> EchoDuringLoadAsync(HubConnection connection, CancellationToken stop)
    {
        var samples = new List<long>();
        try
        {
            for (var i = 0; i < 100_000 && !stop.IsCancellationRequested; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                await connection.InvokeAsync<string>("Echo", "load-" + i, stop);
                samples.Add(Stopwatch.GetTimestamp() - sent);
                await Task.Delay(100, stop);
            }
        }
        catch (OperationCanceledException) { }
        return samples;
    }

    private async Task<(long? PeakRss, int? PeakThreads)> SampleMemoryAsync(CancellationToken stop)
    {
        if (_servers.Length == 0) return (null, null);
        long peak = ServersRss() ?? 0;
        int threads = ServersThreads() ?? 0;
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(200));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                if (ServersRss() is { } rss && rss > peak) peak = rss;
                if (ServersThreads() is { } t && t > threads) threads = t;
            }
        }
        catch (OperationCanceledException) { }
        return (peak, threads);
    }

    private void Summarize(LoadReport report, IReadOnlyDictionary<int, int> perDocument, int[] outcomes)
    {
        var ticksPerCreate = (double)Stopwatch.Frequency / options.Rate;
        var measuredStart = _scheduleStart + (long)(_ledger.Warmup * ticksPerCreate);
        long lastAck = 0;
        int committed = 0, rejected = 0, failed = 0, pending = 0, measuredCommitted = 0;
        long expected = 0, lost = 0, phantom = 0, expectedCross = 0, lostCross = 0, lostSame = 0;
        // Receivers of a create on the sender's instance and on the others, per document and sender instance.
        var onInstance = _clients.GroupBy(c => (c.DocumentId, c.Instance)).ToDictionary(g => g.Key, g => g.Count());
        var acks = new List<long>(_ledger.Total);
        for (var i = 0; i < _ledger.Total; i++)
        {
            var outcome = outcomes[i];
            var receivers = perDocument[_clients[_ledger.SenderOf(i)].DocumentId] - 1;
            switch (outcome)
            {
                case CreateLedger.Committed:
                    committed++;
                    expected += receivers;
                    lost += Math.Max(0, receivers - _ledger.Delivered(i));
                    var senderClient = _clients[_ledger.SenderOf(i)];
                    var crossReceivers = perDocument[senderClient.DocumentId] - onInstance[(senderClient.DocumentId, senderClient.Instance)];
                    expectedCross += crossReceivers;
                    lostCross += Math.Max(0, crossReceivers - _ledger.DeliveredCross(i));
                    lostSame += Math.Max(0, receivers - crossReceivers - (_ledger.Delivered(i) - _ledger.DeliveredCross(i)));
                    if (i >= _ledger.Warmup)
                    {
                        measuredCommitted++;
                        lastAck = Math.Max(lastAck, _ledger.AckedAt(i));
                        acks.Add(_ledger.AckedAt(i) - _ledger.SentAt(i));
                    }
                    break;
                case CreateLedger.Rejected: rejected++; phantom += _ledger.Delivered(i); break;
                case CreateLedger.Failed: failed++; phantom += _ledger.Delivered(i); break;
                default: pending++; break;
            }
        }
        report.Sent = _ledger.Total;
        report.Committed = committed;
        report.Rejected = rejected;
        report.Failed = failed;
        report.Unanswered = pending;
        report.RejectionCodes = new Dictionary<string, int>(_rejections);
        report.ErrorSamples = _errorSamples.Take(10).ToList();
        report.Disconnects = Volatile.Read(ref _disconnects);
        report.ExpectedDeliveries = expected;
        report.LostDeliveries = lost;
        if (MultiInstance)
        {
            report.ExpectedCrossDeliveries = expectedCross;
            report.LostCrossDeliveries = lostCross;
            report.ExpectedSameDeliveries = expected - expectedCross;
            report.LostSameDeliveries = lostSame;
            report.ClientsPerInstance = _clients.GroupBy(c => c.Instance).OrderBy(g => g.Key).Select(g => g.Count()).ToList();
            report.SameInstance = LatencySummary.FromTicks(_clients.SelectMany(c => c.SameInstanceLatencies).ToList());
            report.CrossInstance = LatencySummary.FromTicks(_clients.SelectMany(c => c.CrossInstanceLatencies).ToList());
        }
        report.DeliveriesOfUncommitted = phantom;
        report.MeasuredCommitted = measuredCommitted;
        var window = lastAck > measuredStart ? (double)(lastAck - measuredStart) / Stopwatch.Frequency : 0;
        report.CommittedPerSecond = window > 0 ? measuredCommitted / window : 0;
        if (report.CommittedPerSecond < 0.95 * options.Rate || pending > 0)
        {
            report.Notes.Add($"the server did not keep up with {options.Rate} creates/s: committed {report.CommittedPerSecond:0.0}/s, {pending} creates unanswered after " +
                $"{report.DrainSeconds:0} s of draining; with open-loop pacing the latencies include the wait behind that backlog");
        }
        report.OfferedPerSecond = options.Rate;
        report.MaxScheduleLagMs = _maxScheduleLagTicks * 1000.0 / Stopwatch.Frequency;
        report.CreateToOthers = LatencySummary.FromTicks(_clients.SelectMany(c => c.Latencies).ToList());
        report.CreateAck = LatencySummary.FromTicks(acks);
        report.EchoDuringLoad = LatencySummary.FromTicks(_echoDuringLoad);
        report.Duplicates = _clients.Sum(c => c.Duplicates);
        report.OutOfOrder = _clients.Sum(c => c.OutOfOrder);
        report.MissedSequences = _clients.Sum(c => c.MissedSequences);
        report.ForeignEvents = _clients.Sum(c => c.ForeignEvents);
        report.BadEvents = _clients.Sum(c => c.BadEvents);
        report.OwnEvents = _clients.Sum(c => c.OwnEvents);
    }

    private async Task VerifyDatabaseAsync(HubConnection verifier, IReadOnlyList<LoadDocument> documents, LoadReport report, int[] outcomes, CancellationToken ct)
    {
        var found = new int[_ledger.Total];
        long sequenceAdvance = 0;
        foreach (var document in documents)
        {
            var joined = await verifier.InvokeAsync<JoinResult>("JoinDocument", document.Id, (long?)null, ct);
            sequenceAdvance += joined.Sequence - document.StartSequence;
            foreach (var annotation in joined.Annotations ?? [])
            {
                if (_ledger.TryParseNote(annotation.Note, out var index)) found[index]++;
            }
            await verifier.InvokeAsync("LeaveDocument", document.Id, ct);
        }
        int missing = 0, unexpected = 0, doubled = 0, present = 0, unanswered = 0;
        for (var i = 0; i < _ledger.Total; i++)
        {
            if (found[i] > 0) present++;
            if (found[i] > 1) doubled += found[i] - 1;
            switch (outcomes[i])
            {
                // Answered ok before the snapshot was read: it must be there.
                case CreateLedger.Committed when found[i] == 0: missing++; break;
                // Answered as failed or refused: it must not be there.
                case CreateLedger.Rejected or CreateLedger.Failed when found[i] > 0: unexpected++; break;
                // No answer yet (already counted as an error): stored or not, both are possible.
                case CreateLedger.Pending when found[i] > 0: unanswered++; break;
            }
        }
        report.StoredButUnanswered = unanswered;
        report.InDatabase = present;
        report.MissingInDatabase = missing;
        report.UnexpectedInDatabase = unexpected;
        report.DoubledInDatabase = doubled;
        report.SequenceAdvance = sequenceAdvance;
    }
}
