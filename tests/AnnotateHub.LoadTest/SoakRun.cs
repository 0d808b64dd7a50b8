using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace AnnotateHub.LoadTest;

/// <summary>
/// The soak (--soak): hub clients create, relabel and delete spans (each change carrying the version it was made
/// against) on a few documents at a steady rate, keeping each document at most --span-cap live spans, while Chromium
/// pages stay open on those documents. Pages reload now and then (new circuits) and a tenth of the hub clients
/// reconnect and catch up every --reconnect seconds. At the end the database, every page's DOM and every hub client
/// must agree with what the clients were told was saved, and the server's managed heap after a full collection must
/// be within --heap-growth of the start (measured after the warm-up). See decision 0037.
/// </summary>
internal sealed class SoakRun(
    LoadOptions options, Uri baseAddress, Action<HttpConnectionOptions> authenticate, System.Net.CookieContainer? cookies, string? token,
    string user, string? password, ServerProcess? server, TextWriter log)
{
    private const string HubPath = "/hubs/annotations";
    private const int ConnectParallelism = 8, ReconnectParallelism = 4;
    private static readonly string[] PreferredLabels = ["claim", "actor", "casualty figure"];

    private enum Kind { Create, Relabel, Delete }

    private readonly ConcurrentDictionary<string, int> _rejections = new();
    private readonly ConcurrentQueue<string> _errorSamples = new();
    private readonly ConcurrentDictionary<string, byte> _uncertainNotes = new();
    private readonly ConcurrentDictionary<long, byte> _uncertainSpans = new();
    private readonly Stopwatch _clock = new();
    private string _notePrefix = "";
    private string[] _labels = [];
    private SoakDocument[] _documents = [];
    private Dictionary<int, SoakDocument> _byId = new();
    private SoakClient[] _clients = [];
    private SoakClient[][] _clientsOf = [];
    private int _maxStart;
    private int _inFlight, _stopping, _hubDisconnects, _reconnectFailures, _reloadFailures, _skipped, _vanished;
    private int _creates, _relabels, _deletes, _rejected, _failed;
    private long _maxScheduleLagTicks;

    public async Task<SoakReport> RunAsync(CancellationToken ct)
    {
        _clock.Start();
        var runId = Guid.NewGuid().ToString("N")[..8];
        _notePrefix = $"lt:{runId}:";
        var report = new SoakReport { RunId = runId, Options = options, BaseAddress = baseAddress.ToString(), ServerPid = server?.Pid };
        // Generated articles are about 1,270 code points long; a target's documents may be short, so stay near the top.
        _maxStart = server is null ? 200 : 1000;

        await using var observer = await ConnectAsync(ct);
        await LoadDocumentsAsync(observer, report, ct);

        using var probe = new MemoryProbeClient(baseAddress, cookies, token);
        var (idle, missing) = await probe.MeasureAsync(ct);
        report.Idle = idle;
        report.ProbeMissing = missing;
        log.WriteLine(idle is null ? $"server heap: not available ({missing})" : $"server heap (idle, before any client): {Mb(idle.ManagedBytesAfterFullCollect)} after a full GC");

        await using var browser = options.Pages > 0 ? await SoakBrowser.LaunchAsync() : null;
        if (browser is not null)
        {
            if (password is null) throw new InvalidOperationException("--pages needs --password: the pages sign in through the login form.");
            await browser.OpenAsync(baseAddress, user, password, _documents.Select(d => d.Id).ToList(), options.Pages, log, ct);
        }
        var pages = browser?.Pages ?? [];

        try
        {
            await ConnectClientsAsync(ct);
            log.WriteLine($"connected {_clients.Length} hub clients: {string.Join(", ", _clientsOf.Select((c, i) => $"document {_documents[i].Id}: {c.Length}"))}");

            // Warm-up: the same load until the documents hold their steady number of spans, then every page reloads once
            // (circuit set-up and tear-down warmed), and the start heap is read at a quiet moment.
            var warmupOps = options.WarmupCreates;
            var totalOps = options.TotalCreates;
            log.WriteLine($"warm-up: {warmupOps:N0} changes at {options.Rate}/s ({options.WarmupSeconds} s)");
            await RunScheduleAsync(0, warmupOps, ct);
            await DrainAsync(ct);
            await ForEachAsync(pages, ReconnectParallelism, async p =>
            {
                try { await SoakBrowser.ReloadAsync(p); }
                catch (Exception ex) when (ex is Microsoft.Playwright.PlaywrightException or TimeoutException) { ReloadFailed(p, ex); }
            }, ct);
            report.Start = await SampleAsync(probe, "start", report, ct);
            report.LiveSpansAtStart = LiveSpans();

            log.WriteLine($"measured: {totalOps - warmupOps:N0} changes at {options.Rate}/s ({options.Seconds} s), span cap {options.SpanCap} per document; " +
                $"pages reload every ~{options.PageReloadSeconds} s, {Math.Max(1, _clients.Length / 10)} hub clients reconnect every {options.ReconnectSeconds} s");
            using var measuring = CancellationTokenSource.CreateLinkedTokenSource(ct);
            var sampling = SampleEveryAsync(probe, report, measuring.Token);
            // No reloads in the last stretch: a reloaded page reads the database, and the end check must show live delivery.
            report.ReloadQuietSeconds = Math.Min(60, options.Seconds / 3);
            var reloading = ReloadPagesAsync(pages, TimeSpan.FromSeconds(options.Seconds - report.ReloadQuietSeconds), measuring.Token);
            var reconnecting = ReconnectClientsAsync(measuring.Token);
            report.ServerCpuBefore = server?.ReadCpuTime()?.TotalSeconds;
            var measuredClock = Stopwatch.StartNew();
            await RunScheduleAsync(warmupOps, totalOps, ct);
            report.MeasuredWallSeconds = measuredClock.Elapsed.TotalSeconds;
            await measuring.CancelAsync();
            await Task.WhenAll(sampling, reloading, reconnecting);
            report.ServerCpuAfter = server?.ReadCpuTime()?.TotalSeconds;
            await DrainAsync(ct);
            report.UnansweredAfterDrain = Volatile.Read(ref _inFlight);
        }
        finally
        {
            Interlocked.Exchange(ref _stopping, 1);
        }

        // The database as a fresh connection reads it, after every answer is in.
        var stored = new Dictionary<int, JoinResult>();
        await using (var verifier = await ConnectAsync(ct))
        {
            foreach (var d in _documents)
            {
                stored[d.Id] = await verifier.InvokeAsync<JoinResult>("JoinDocument", d.Id, (long?)null, ct);
                await verifier.InvokeAsync("LeaveDocument", d.Id, ct);
            }
        }
        CompareWithDatabase(stored, report);
        await WaitForHubClientsAsync(stored, report, ct);
        await WaitForPagesAsync(pages, stored, report, ct);

        report.End = await SampleAsync(probe, "end", report, ct);
        report.LiveSpansAtEnd = LiveSpans();

        if (browser is not null)
        {
            report.ConsoleErrors = browser.ConsoleErrors;
            report.PageErrors = browser.PageErrors;
            report.Crashes = browser.Crashes;
            report.CircuitDisconnects = browser.CircuitDisconnects;
            report.PageReloads = pages.Sum(p => p.Reloads);
            foreach (var sample in browser.ErrorSamples) _errorSamples.Enqueue(sample);
        }
        Summarize(report);
        await DisconnectClientsAsync();
        report.Completed = true;
        return report;
    }

    private async Task LoadDocumentsAsync(HubConnection observer, SoakReport report, CancellationToken ct)
    {
        var documents = new List<SoakDocument>();
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
            documents.Add(new SoakDocument(id, joined.Sequence));
            if (_labels.Length == 0) _labels = ChooseLabels(joined.Labels);
        }
        if (documents.Count == 0) throw new InvalidOperationException($"None of the document ids 1..{options.Documents} exists on the server.");
        if (_labels.Length < 2) throw new InvalidOperationException($"Document {documents[0].Id} needs at least two labels to relabel between.");
        if (documents.Count < options.Documents)
            report.Notes.Add($"asked for {options.Documents} documents, the server has {documents.Count} of ids 1..{options.Documents}");
        _documents = documents.ToArray();
        _byId = _documents.ToDictionary(d => d.Id);
        report.DocumentIds = _documents.Select(d => d.Id).ToList();
        report.Labels = _labels;
        log.WriteLine($"documents: {string.Join(", ", _documents.Select(d => d.Id))}; labels: {string.Join(", ", _labels)}");
    }

    private static string[] ChooseLabels(IReadOnlyList<LabelDto>? labels)
    {
        var names = labels?.Select(l => l.Name).Where(n => !string.IsNullOrWhiteSpace(n)).ToArray() ?? [];
        var preferred = PreferredLabels.Where(p => names.Contains(p, StringComparer.OrdinalIgnoreCase)).ToArray();
        return preferred.Length >= 2 ? preferred : names;
    }

    // ---- hub connections ----

    private HubConnection BuildConnection()
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, HubPath), o =>
            {
                authenticate(o);
                o.Transports = HttpTransportType.WebSockets;
            })
            .Build();
        // Two cores shared with the server and the browser: a busy moment is not a dead server.
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        connection.HandshakeTimeout = TimeSpan.FromSeconds(60);
        return connection;
    }

    private async Task<HubConnection> ConnectAsync(CancellationToken ct)
    {
        var connection = BuildConnection();
        foreach (var name in new[] { "Presence", "LabelsChanged", "Change", "Changes", "AccessRevoked" }) connection.On<JsonElement>(name, _ => { });
        await StartAsync(connection, ct);
        return connection;
    }

    private static async Task StartAsync(HubConnection connection, CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await connection.StartAsync(timeout.Token);
    }

    private HubConnection BuildClientConnection(SoakClient client)
    {
        var connection = BuildConnection();
        connection.On<ChangeDto>("Change", change => OnChange(client, change, live: true));
        connection.On<ChangeDto[]>("Changes", batch => { foreach (var change in batch) OnChange(client, change, live: true); });
        connection.On<JsonElement>("Presence", _ => { });
        connection.On<JsonElement>("LabelsChanged", _ => { });
        connection.On<JsonElement>("AccessRevoked", _ =>
        {
            Interlocked.Increment(ref _hubDisconnects);
            Error($"client {client.Index}: AccessRevoked");
        });
        connection.Closed += error =>
        {
            // Only the current connection, closed by neither the tool's reconnect nor the end of the run, is an error.
            if (Volatile.Read(ref _stopping) == 0 && !client.Reconnecting && ReferenceEquals(client.Connection, connection))
            {
                Interlocked.Increment(ref _hubDisconnects);
                Error($"client {client.Index} disconnected: {error?.Message ?? "closed by the server"}");
            }
            return Task.CompletedTask;
        };
        return connection;
    }

    private async Task ConnectClientsAsync(CancellationToken ct)
    {
        _clients = Enumerable.Range(0, options.Clients).Select(i => new SoakClient(i, _documents[i % _documents.Length].Id)).ToArray();
        _clientsOf = _documents.Select(d => _clients.Where(c => c.DocumentId == d.Id).ToArray()).ToArray();
        await ForEachAsync(_clients, ConnectParallelism, async client =>
        {
            var document = _byId[client.DocumentId];
            client.Connection = BuildClientConnection(client);
            await StartAsync(client.Connection, ct);
            // Catch-up from the sequence seen before the run: no snapshot per client.
            lock (client.Gate) client.JoinSequence = client.LastSequence = document.StartSequence;
            var joined = await client.Connection.InvokeAsync<JoinResult>("JoinDocument", document.Id, (long?)document.StartSequence, ct);
            Absorb(client, joined);
        }, ct);
    }

    /// <summary>A join's catch-up changes count as received; a snapshot (a gap too long to replay) covers everything up to its sequence.</summary>
    private void Absorb(SoakClient client, JoinResult joined)
    {
        foreach (var change in joined.Changes ?? []) OnChange(client, change, live: false);
        lock (client.Gate)
        {
            if (joined.Snapshot)
            {
                for (var s = client.JoinSequence + 1; s <= joined.Sequence; s++) client.Seen.Add(s);
            }
            client.LastSequence = Math.Max(client.LastSequence, joined.Sequence);
        }
    }

    private void OnChange(SoakClient client, ChangeDto change, bool live)
    {
        lock (client.Gate)
        {
            if (change.DocumentId != client.DocumentId) { Error($"client {client.Index}: a change of document {change.DocumentId}"); return; }
            if (change.Sequence <= client.JoinSequence) return;
            if (!client.Seen.Add(change.Sequence)) { client.Duplicates++; return; }
            if (live && !client.Reconnecting && change.Sequence < client.LastSequence) client.OutOfOrder++;
            client.LastSequence = Math.Max(client.LastSequence, change.Sequence);
        }
    }

    private async Task DisconnectClientsAsync()
    {
        Interlocked.Exchange(ref _stopping, 1);
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Task.WhenAll(_clients.Where(c => c.Connection is not null).Select(async c =>
        {
            try { await c.Connection.DisposeAsync().AsTask().WaitAsync(limit.Token); }
            catch (Exception) { /* the process is ending anyway */ }
        }));
    }

    // ---- the changes ----

    /// <summary>Changes <paramref name="from"/> to <paramref name="to"/> (exclusive), open loop: change i is due at (i - from)/rate s.</summary>
    private Task RunScheduleAsync(int from, int to, CancellationToken ct)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                RunSchedule(from, to, ct);
                done.TrySetResult();
            }
            catch (Exception ex)
            {
                done.TrySetException(ex);
            }
        }) { IsBackground = true, Name = "soak schedule", Priority = ThreadPriority.AboveNormal };
        thread.Start();
        return done.Task;
    }

    private void RunSchedule(int from, int to, CancellationToken ct)
    {
        var random = new Random(20261202 + from);
        var start = Stopwatch.GetTimestamp();
        var ticksPerChange = (double)Stopwatch.Frequency / options.Rate;
        for (var i = from; i < to && !ct.IsCancellationRequested; i++)
        {
            var due = start + (long)((i - from) * ticksPerChange);
            long now;
            while ((now = Stopwatch.GetTimestamp()) < due && !ct.IsCancellationRequested)
            {
                Thread.Sleep((int)Math.Clamp((due - now) * 1000 / Stopwatch.Frequency, 1, 50));
            }
            if (now - due > _maxScheduleLagTicks) _maxScheduleLagTicks = now - due;
            Send(i, random);
        }
    }

    private void Send(int index, Random random)
    {
        // Change i goes to document i mod M, from the next of its clients not in the middle of a reconnect.
        var slot = index % _documents.Length;
        var document = _documents[slot];
        var candidates = _clientsOf[slot];
        SoakClient? client = null;
        for (var k = 0; k < candidates.Length && client is null; k++)
        {
            var c = candidates[(index / _documents.Length + k) % candidates.Length];
            if (!c.Reconnecting && c.Connection.State == HubConnectionState.Connected) client = c;
        }
        if (client is null) { Interlocked.Increment(ref _skipped); return; }

        Kind kind;
        SoakSpan? span = null;
        string label;
        lock (document.Gate)
        {
            var live = document.Live.Count + document.PendingCreates;
            var r = random.NextDouble();
            // Below half the cap mostly creates; up to the cap as many deletes as creates; at the cap no creates.
            kind = live < options.SpanCap / 2 ? (r < 0.7 ? Kind.Create : r < 0.85 ? Kind.Relabel : Kind.Delete)
                : live < options.SpanCap ? (r < 0.4 ? Kind.Create : r < 0.6 ? Kind.Relabel : Kind.Delete)
                : (r < 0.5 ? Kind.Relabel : Kind.Delete);
            if (kind != Kind.Create)
            {
                var idle = document.Live.Values.Where(s => !s.Busy).ToList();
                if (idle.Count > 0) span = idle[random.Next(idle.Count)];
                else if (live < options.SpanCap) kind = Kind.Create;
                else { Interlocked.Increment(ref _skipped); return; }
            }
            if (span is not null)
            {
                span.Busy = true;
                var others = _labels.Where(l => !string.Equals(l, span.Label, StringComparison.OrdinalIgnoreCase)).ToArray();
                label = others[random.Next(others.Length)];
            }
            else
            {
                document.PendingCreates++;
                label = _labels[random.Next(_labels.Length)];
            }
        }

        Interlocked.Increment(ref _inFlight);
        Interlocked.Increment(ref client.InFlight);
        var note = _notePrefix + index.ToString(CultureInfo.InvariantCulture);
        Task<MutationResult> invoke;
        try
        {
            invoke = kind switch
            {
                Kind.Create => Create(client.Connection, document, random, label, note),
                Kind.Relabel => client.Connection.InvokeAsync<MutationResult>("UpdateAnnotation",
                    new UpdateAnnotationRequest(span!.Id, span.Version, label, null, span.Note), CancellationToken.None),
                _ => client.Connection.InvokeAsync<MutationResult>("DeleteAnnotation", span!.Id, span.Version, CancellationToken.None),
            };
        }
        catch (Exception ex)
        {
            invoke = Task.FromException<MutationResult>(ex);
        }
        invoke.ContinueWith(t => OnAnswer(kind, client, document, span, label, note, t), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private Task<MutationResult> Create(HubConnection connection, SoakDocument document, Random random, string label, string note)
    {
        var begin = random.Next(0, _maxStart);
        var request = new CreateAnnotationRequest(document.Id, begin, begin + random.Next(3, 26), label, null, note);
        return connection.InvokeAsync<MutationResult>("CreateAnnotation", request, CancellationToken.None);
    }

    private void OnAnswer(Kind kind, SoakClient client, SoakDocument document, SoakSpan? span, string label, string note, Task<MutationResult> invoke)
    {
        try
        {
            var result = invoke.IsCompletedSuccessfully ? invoke.Result : null;
            lock (document.Gate)
            {
                if (result is { Ok: true })
                {
                    switch (kind)
                    {
                        case Kind.Create:
                            document.PendingCreates--;
                            if (result.Change?.Annotation is { } created)
                            {
                                document.Live[created.Id] = new SoakSpan(created.Id, created.Version, label, note);
                                Interlocked.Increment(ref _creates);
                            }
                            else
                            {
                                _uncertainNotes[note] = 0;
                                Error("a create answered ok without the annotation");
                            }
                            break;
                        case Kind.Relabel:
                            span!.Version = result.Change?.Annotation?.Version ?? span.Version + 1;
                            span.Label = label;
                            span.Busy = false;
                            Interlocked.Increment(ref _relabels);
                            break;
                        default:
                            document.Live.Remove(span!.Id);
                            document.Deleted.Add(span.Id);
                            Interlocked.Increment(ref _deletes);
                            break;
                    }
                    return;
                }

                if (result is not null)
                {
                    // Refused: with every change carrying the current version this is a bug (or a broken rule) worth a look.
                    Interlocked.Increment(ref _rejected);
                    _rejections.AddOrUpdate($"{kind.ToString().ToLowerInvariant()}: {result.Code ?? "(no code)"}", 1, (_, n) => n + 1);
                    Error($"{kind} {(span is null ? note : $"span {span.Id} v{span.Version}")}: {result.Code}: {result.Error}");
                    if (kind == Kind.Create) { document.PendingCreates--; return; }
                    if (result.Code == "not_found")
                    {
                        // A span the server says does not exist although its delete was never answered ok: lost.
                        document.Live.Remove(span!.Id);
                        Interlocked.Increment(ref _vanished);
                        return;
                    }
                    if (result.Current is { } current)
                    {
                        span!.Version = current.Version;
                        span.Label = current.Label ?? span.Label;
                    }
                    span!.Busy = false;
                    return;
                }

                // No answer (the connection failed): the change may or may not be stored; the span is left alone from now on.
                Interlocked.Increment(ref _failed);
                var ex = invoke.Exception?.GetBaseException();
                Error($"{kind} on client {client.Index}: {ex?.GetType().Name}: {ex?.Message}");
                if (kind == Kind.Create) { document.PendingCreates--; _uncertainNotes[note] = 0; }
                else _uncertainSpans[span!.Id] = 0;
            }
        }
        finally
        {
            Interlocked.Decrement(ref client.InFlight);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    private async Task DrainAsync(CancellationToken ct)
    {
        var limit = TimeSpan.FromSeconds(options.DrainSeconds ?? 120);
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _inFlight) > 0 && clock.Elapsed < limit) await Task.Delay(50, ct);
    }

    private int LiveSpans() => _documents.Sum(d => { lock (d.Gate) return d.Live.Count; });

    // ---- churn: page reloads and hub reconnects ----

    private async Task ReloadPagesAsync(IReadOnlyList<SoakPage> pages, TimeSpan until, CancellationToken stop)
    {
        if (pages.Count == 0 || options.PageReloadSeconds == 0) return;
        var interval = TimeSpan.FromSeconds(Math.Max(1.0, (double)options.PageReloadSeconds / pages.Count));
        var clock = Stopwatch.StartNew();
        using var timer = new PeriodicTimer(interval);
        try
        {
            for (var next = 0; await timer.WaitForNextTickAsync(stop) && clock.Elapsed < until; next = (next + 1) % pages.Count)
            {
                try { await SoakBrowser.ReloadAsync(pages[next]); }
                catch (Exception ex) when (ex is Microsoft.Playwright.PlaywrightException or TimeoutException) { ReloadFailed(pages[next], ex); }
            }
        }
        catch (OperationCanceledException) { }
    }

    private void ReloadFailed(SoakPage page, Exception ex)
    {
        Interlocked.Increment(ref _reloadFailures);
        Error($"page {page.Index} (document {page.DocumentId}) reload: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
    }

    private async Task ReconnectClientsAsync(CancellationToken stop)
    {
        if (options.ReconnectSeconds == 0 || _clients.Length == 0) return;
        var batch = Math.Max(1, _clients.Length / 10);
        var next = 0;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.ReconnectSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var chosen = Enumerable.Range(0, batch).Select(k => _clients[(next + k) % _clients.Length]).ToList();
                next = (next + batch) % _clients.Length;
                await ForEachAsync(chosen, ReconnectParallelism, ReconnectAsync, CancellationToken.None);
            }
        }
        catch (OperationCanceledException) { }
    }

    /// <summary>Closes the client's connection once its changes are answered, opens a new one and catches up from the last sequence it saw.</summary>
    private async Task ReconnectAsync(SoakClient client)
    {
        client.Reconnecting = true;
        try
        {
            var wait = Stopwatch.StartNew();
            while (Volatile.Read(ref client.InFlight) > 0 && wait.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(20);
            await client.Connection.DisposeAsync();
            client.Connection = BuildClientConnection(client);
            await StartAsync(client.Connection, CancellationToken.None);
            long after;
            lock (client.Gate) after = client.LastSequence;
            var joined = await client.Connection.InvokeAsync<JoinResult>("JoinDocument", client.DocumentId, (long?)after);
            Absorb(client, joined);
            Interlocked.Increment(ref client.Reconnects);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            Interlocked.Increment(ref _reconnectFailures);
            Error($"client {client.Index} reconnect: {ex.GetType().Name}: {ex.Message}");
        }
        finally
        {
            client.Reconnecting = false;
        }
    }

    // ---- samples ----

    private async Task SampleEveryAsync(MemoryProbeClient probe, SoakReport report, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.SampleSeconds));
        try
        {
            while (await timer.WaitForNextTickAsync(stop)) await SampleAsync(probe, "load", report, stop);
        }
        catch (OperationCanceledException) { }
    }

    private async Task<MemorySample?> SampleAsync(MemoryProbeClient probe, string phase, SoakReport report, CancellationToken ct)
    {
        var (sample, missing) = await probe.MeasureAsync(ct);
        var row = new SoakSample(
            Math.Round(_clock.Elapsed.TotalSeconds, 1), phase, sample?.ManagedBytesAfterFullCollect, sample?.WorkingSetBytes,
            server?.ReadResidentBytes(), server?.ReadThreadCount() ?? sample?.Threads,
            Volatile.Read(ref _creates), Volatile.Read(ref _relabels), Volatile.Read(ref _deletes), CurrentErrors(), LiveSpans(), sample?.CollectMilliseconds);
        lock (report.Samples) report.Samples.Add(row);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{row.AtSeconds,6:0} s] {phase,-5} heap after full GC {Mb(row.HeapBytes)} (collect {row.CollectMs?.ToString("0", CultureInfo.InvariantCulture) ?? "n/a"} ms), " +
            $"working set {Mb(row.WorkingSetBytes)}, VmRSS {Mb(row.RssBytes)}, threads {row.Threads?.ToString(CultureInfo.InvariantCulture) ?? "n/a"}; " +
            $"ok creates {row.Creates:N0}, relabels {row.Relabels:N0}, deletes {row.Deletes:N0}; errors {row.Errors}; live spans {row.LiveSpans}{(missing is null ? "" : "; heap n/a: " + missing)}"));
        return sample;
    }

    private int CurrentErrors() => Volatile.Read(ref _rejected) + Volatile.Read(ref _failed) + Volatile.Read(ref _hubDisconnects)
        + Volatile.Read(ref _reconnectFailures) + Volatile.Read(ref _reloadFailures);

    // ---- the end checks ----

    private void CompareWithDatabase(Dictionary<int, JoinResult> stored, SoakReport report)
    {
        foreach (var document in _documents)
        {
            var inDb = (stored[document.Id].Annotations ?? []).ToDictionary(a => a.Id);
            lock (document.Gate)
            {
                foreach (var span in document.Live.Values)
                {
                    if (_uncertainSpans.ContainsKey(span.Id)) continue;
                    if (!inDb.TryGetValue(span.Id, out var a)) { report.DbMissing++; Error($"span {span.Id} (document {document.Id}) answered as saved is not in the database"); }
                    else if (!string.Equals(a.Label, span.Label, StringComparison.OrdinalIgnoreCase)) { report.DbLabelMismatches++; Error($"span {span.Id}: database label '{a.Label}', last saved relabel '{span.Label}'"); }
                    else if (a.Version != span.Version) { report.DbVersionMismatches++; Error($"span {span.Id}: database version {a.Version}, last answered {span.Version}"); }
                }
                foreach (var a in inDb.Values.Where(a => a.Note?.StartsWith(_notePrefix, StringComparison.Ordinal) == true))
                {
                    if (document.Live.ContainsKey(a.Id)) continue;
                    if (document.Deleted.Contains(a.Id)) { report.DbResurrected++; Error($"span {a.Id} (document {document.Id}) deleted with an ok answer is still in the database"); }
                    else if (_uncertainNotes.ContainsKey(a.Note!) || _uncertainSpans.ContainsKey(a.Id)) report.DbStoredUnanswered++;
                    else { report.DbUnexpected++; Error($"span {a.Id} ({a.Note}) is in the database though its create was refused"); }
                }
                report.DbSpans += inDb.Count;
            }
        }
    }

    private async Task WaitForHubClientsAsync(Dictionary<int, JoinResult> stored, SoakReport report, CancellationToken ct)
    {
        long Lost(SoakClient c)
        {
            var head = stored[c.DocumentId].Sequence;
            lock (c.Gate) return Math.Max(0, head - c.JoinSequence - c.Seen.Count(s => s <= head));
        }
        var clock = Stopwatch.StartNew();
        while (_clients.Any(c => Lost(c) > 0) && clock.Elapsed < TimeSpan.FromSeconds(options.GraceSeconds)) await Task.Delay(200, ct);
        report.HubEventsExpected = _clients.Sum(c => Math.Max(0, stored[c.DocumentId].Sequence - c.JoinSequence));
        report.HubEventsLost = _clients.Sum(Lost);
        report.HubDuplicates = _clients.Sum(c => { lock (c.Gate) return c.Duplicates; });
        report.HubOutOfOrder = _clients.Sum(c => { lock (c.Gate) return c.OutOfOrder; });
        report.HubReconnects = _clients.Sum(c => c.Reconnects);
        foreach (var c in _clients.Where(c => Lost(c) > 0).Take(5)) Error($"client {c.Index} (document {c.DocumentId}) never received {Lost(c)} changes");
    }

    private async Task WaitForPagesAsync(IReadOnlyList<SoakPage> pages, Dictionary<int, JoinResult> stored, SoakReport report, CancellationToken ct)
    {
        var results = new Dictionary<int, PageCheck>();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            foreach (var page in pages)
            {
                if (results.TryGetValue(page.Index, out var done) && done.Ok) continue;
                results[page.Index] = await CheckPageAsync(page, stored[page.DocumentId]);
            }
            if (results.Values.All(r => r.Ok) || clock.Elapsed > TimeSpan.FromSeconds(options.GraceSeconds)) break;
            await Task.Delay(1000, ct);
        }
        report.Pages = results.Values.OrderBy(r => r.Page).ToList();
        foreach (var bad in report.Pages.Where(r => !r.Ok).Take(5))
            Error($"page {bad.Page} (document {bad.DocumentId}): {bad.InDom} spans in the DOM, {bad.InDatabase} in the database; missing {bad.Missing}, not in the database {bad.Ghosts}, wrong label {bad.WrongLabel}{(bad.Problem is null ? "" : "; " + bad.Problem)}");
    }

    private static async Task<PageCheck> CheckPageAsync(SoakPage page, JoinResult stored)
    {
        var inDb = (stored.Annotations ?? []).ToDictionary(a => a.Id);
        try
        {
            var dom = await SoakBrowser.ReadSpansAsync(page);
            var missing = inDb.Keys.Count(id => !dom.Article.Contains(id));
            var ghosts = dom.Article.Count(id => !inDb.ContainsKey(id));
            var wrongLabel = dom.Listed.Count(p => !inDb.TryGetValue(p.Key, out var a) || !string.Equals(a.Label, p.Value, StringComparison.OrdinalIgnoreCase));
            var unlisted = inDb.Keys.Count(id => !dom.Listed.ContainsKey(id));
            return new PageCheck(page.Index, page.DocumentId, dom.Article.Count, inDb.Count, missing, ghosts, wrongLabel + unlisted,
                dom.ReconnectShown ? "the reconnect dialog is open" : null);
        }
        catch (Exception ex) when (ex is Microsoft.Playwright.PlaywrightException or JsonException)
        {
            return new PageCheck(page.Index, page.DocumentId, 0, inDb.Count, inDb.Count, 0, 0, $"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
        }
    }

    private void Summarize(SoakReport report)
    {
        report.Creates = _creates;
        report.Relabels = _relabels;
        report.Deletes = _deletes;
        report.Rejected = _rejected;
        report.Failed = _failed;
        report.Skipped = _skipped;
        report.Vanished = _vanished;
        report.HubDisconnects = _hubDisconnects;
        report.ReconnectFailures = _reconnectFailures;
        report.ReloadFailures = _reloadFailures;
        report.RejectionCodes = new Dictionary<string, int>(_rejections);
        report.MaxScheduleLagMs = Math.Round(_maxScheduleLagTicks * 1000.0 / Stopwatch.Frequency, 1);
        report.ErrorSamples = _errorSamples.Take(20).ToList();
    }

    private void Error(string text)
    {
        if (_errorSamples.Count < 40) _errorSamples.Enqueue(text);
    }

    private static async Task ForEachAsync<T>(IEnumerable<T> items, int parallelism, Func<T, Task> body, CancellationToken ct)
    {
        using var gate = new SemaphoreSlim(parallelism);
        await Task.WhenAll(items.Select(async item =>
        {
            await gate.WaitAsync(ct);
            try { await body(item); }
            finally { gate.Release(); }
        }));
    }

    internal static string Mb(long? bytes) => bytes is { } b ? string.Create(CultureInfo.InvariantCulture, $"{b / 1048576.0:0.0} MB") : "n/a";
}
