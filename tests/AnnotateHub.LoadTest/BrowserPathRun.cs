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
/// --browser-path (issue 18): what the path people use costs. One document, a hub client creating spans on it at --rate
/// for --seconds, --repeats times (after one unmeasured warm-up window) without pages and then with --pages Chromium
/// pages open on it. Reports the server's cpu
/// per change per open page (with pages minus without, per repeat, and their spread), change-to-DOM latency in the pages
/// (a MutationObserver stamps each span id when it first appears in the article) beside the hub path's (a second hub
/// client's Change events), memory per idle circuit (managed heap after a full GC and RSS, with the pages open against
/// none), and updates missing from a page at the end (must be 0). Clocks: the pages' performance.timeOrigin + now() and
/// the tool's DateTime.UtcNow, one machine's clock.
/// </summary>
internal sealed class BrowserPathRun(LoadOptions options, Uri baseAddress, Action<HttpConnectionOptions> authenticate, CookieContainer cookies,
    string user, string password, ServerProcess server, TextWriter log)
{
    private const int DocumentId = 1;

    // Stamps every annotation id (suggestions are "s<id>") the first time it appears in the article; ids already drawn are 0.
    private const string RecordScript = """
        () => {
            if (window.__seen) return Object.keys(window.__seen).length;
            const seen = window.__seen = {};
            const root = document.querySelector('[data-testid=doc-text]');
            const mark = (el, t) => {
                const ids = el.dataset && el.dataset.anns;
                if (ids) for (const id of ids.split(' ')) if (id && id[0] !== 's' && !(id in seen)) seen[id] = t;
            };
            const visit = (node, t) => {
                if (node.nodeType !== 1) return;
                mark(node, t);
                for (const el of node.querySelectorAll('[data-anns]')) mark(el, t);
            };
            visit(root, 0);
            new MutationObserver(records => {
                const t = performance.timeOrigin + performance.now();
                for (const r of records) {
                    if (r.type === 'attributes') visit(r.target, t);
                    else for (const n of r.addedNodes) visit(n, t);
                }
            }).observe(root, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-anns'] });
            return Object.keys(seen).length;
        }
        """;

    private const string ReadScript = "() => JSON.stringify(window.__seen || {})";

    private static double NowMs() => (DateTime.UtcNow - DateTime.UnixEpoch).TotalMilliseconds;

    public async Task<BrowserPathReport> RunAsync(CancellationToken ct)
    {
        var report = new BrowserPathReport { Options = options, BaseAddress = baseAddress.ToString(), ServerPid = server.Pid };
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

        // The document's spans before measuring, spread over the text.
        var existing = joined.Annotations?.Count ?? 0;
        for (var i = existing; i < options.BaseSpans; i++) await CreateAsync(writer, length, random, $"bp:base:{i}", ct);
        report.SpansBefore = Math.Max(existing, options.BaseSpans);
        log.WriteLine($"document {DocumentId}: {report.DocumentLength:N0} code points, {report.SpansBefore:N0} spans before the runs");

        using var memory = new MemoryProbeClient(baseAddress, cookies, null);
        report.MemoryWithoutPages = await SampleAsync(memory, ct);

        // One window unmeasured first in each phase: the server's first renders and sends of each kind pay for the JIT.
        await WindowAsync(writer, length, random, "0:warmup", ct);
        for (var k = 0; k < options.Repeats; k++)
        {
            var window = await WindowAsync(writer, length, random, $"0:{k}", ct);
            report.CpuWithoutPages.Add(window.CpuSeconds);
            Collect(window, hubSeen, report.HubLatencies);
            log.WriteLine($"repeat {k + 1} without pages: {window.Sent.Count:N0} creates, server cpu {window.CpuSeconds:0.000} s");
        }

        await using var browser = await SoakBrowser.LaunchAsync();
        await browser.OpenAsync(baseAddress, user, password, [DocumentId], options.Pages, log, ct);
        foreach (var page in browser.Pages) await page.Page.EvaluateAsync<int>(RecordScript);
        await Task.Delay(TimeSpan.FromSeconds(5), ct); // the circuits idle
        report.MemoryWithPages = await SampleAsync(memory, ct);

        var created = new List<long>();
        var warmup = await WindowAsync(writer, length, random, "p:warmup", ct);
        created.AddRange(warmup.Sent.Keys);
        await WaitForPagesAsync(browser, warmup.Sent.Keys.ToList(), ct);
        for (var k = 0; k < options.Repeats; k++)
        {
            var window = await WindowAsync(writer, length, random, $"p:{k}", ct);
            report.CpuWithPages.Add(window.CpuSeconds);
            report.CreatesPerWindow = window.Sent.Count;
            Collect(window, hubSeen, report.HubLatenciesWithPages);
            created.AddRange(window.Sent.Keys);
            await WaitForPagesAsync(browser, window.Sent.Keys.ToList(), ct);
            foreach (var page in browser.Pages)
            {
                var seen = await ReadSeenAsync(page);
                foreach (var (id, sentAt) in window.Sent)
                {
                    if (seen.TryGetValue(id, out var at) && at > 0) report.DomLatencies.Add(at - sentAt);
                }
            }
            log.WriteLine($"repeat {k + 1} with {options.Pages} pages: {window.Sent.Count:N0} creates, server cpu {window.CpuSeconds:0.000} s");
        }

        foreach (var page in browser.Pages)
        {
            var seen = await ReadSeenAsync(page);
            report.MissingUpdates += created.Count(id => !seen.ContainsKey(id));
        }
        report.ExpectedUpdates = created.Count * browser.Pages.Count;
        report.PageErrors = browser.ConsoleErrors + browser.PageErrors + browser.Crashes + browser.CircuitDisconnects;
        report.ErrorSamples.AddRange(browser.ErrorSamples);
        report.SpansAfter = report.SpansBefore + 2 * (options.Repeats + 1) * report.CreatesPerWindow;
        report.Completed = true;
        return report;
    }

    private sealed record Window(Dictionary<long, double> Sent, double CpuSeconds);

    /// <summary>Creates at --rate for --seconds (open loop: create i is sent at i/rate s), waits for every answer and a
    /// second of quiet, and returns what was sent when, and the server cpu the window took.</summary>
    private async Task<Window> WindowAsync(HubConnection writer, int length, Random random, string tag, CancellationToken ct)
    {
        var total = options.Rate * options.Seconds;
        var sent = new Dictionary<long, double>(total);
        var cpuBefore = server.ReadCpuTime() ?? TimeSpan.Zero;
        var clock = Stopwatch.StartNew();
        var answers = new List<Task>(total);
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds((double)i / options.Rate);
            if (due > clock.Elapsed) await Task.Delay(due - clock.Elapsed, ct);
            var at = NowMs();
            var answer = CreateAsync(writer, length, random, $"bp:{tag}:{i}", ct);
            answers.Add(answer.ContinueWith(t =>
            {
                if (t.IsCompletedSuccessfully) lock (sent) sent[t.Result] = at;
            }, TaskScheduler.Default));
        }
        await Task.WhenAll(answers);
        await Task.Delay(TimeSpan.FromSeconds(1), ct); // the pages' renders of the last creates
        var cpu = ((server.ReadCpuTime() ?? TimeSpan.Zero) - cpuBefore).TotalSeconds;
        if (sent.Count < total) throw new InvalidOperationException($"{total - sent.Count} of {total} creates failed in window {tag}.");
        return new Window(sent, cpu);
    }

    private static async Task<long> CreateAsync(HubConnection writer, int length, Random random, string note, CancellationToken ct)
    {
        var start = random.Next(0, Math.Max(1, length - 40));
        var end = Math.Min(length, start + random.Next(5, 30));
        var result = await writer.InvokeAsync<MutationResult>("CreateAnnotation", new CreateAnnotationRequest(DocumentId, start, end, "claim", null, note), ct);
        if (!result.Ok || result.Change?.Annotation is not { } created) throw new InvalidOperationException($"A create was refused: {result.Code} {result.Error}");
        return created.Id;
    }

    private static void Collect(Window window, Dictionary<long, double> hubSeen, List<double> into)
    {
        lock (hubSeen)
        {
            foreach (var (id, sentAt) in window.Sent)
                if (hubSeen.TryGetValue(id, out var at)) into.Add(at - sentAt);
        }
    }

    private static async Task WaitForPagesAsync(SoakBrowser browser, List<long> ids, CancellationToken ct)
    {
        var limit = Stopwatch.StartNew();
        while (limit.Elapsed < TimeSpan.FromSeconds(20))
        {
            var complete = true;
            foreach (var page in browser.Pages)
            {
                var seen = await ReadSeenAsync(page);
                if (ids.Any(id => !seen.ContainsKey(id))) complete = false;
            }
            if (complete) return;
            await Task.Delay(250, ct);
        }
    }

    private static async Task<Dictionary<long, double>> ReadSeenAsync(SoakPage page)
    {
        var json = await page.Page.EvaluateAsync<string>(ReadScript);
        var seen = JsonSerializer.Deserialize<Dictionary<string, double>>(json) ?? [];
        return seen.Where(p => long.TryParse(p.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => long.Parse(p.Key, CultureInfo.InvariantCulture), p => p.Value);
    }

    private async Task<BrowserPathMemory> SampleAsync(MemoryProbeClient memory, CancellationToken ct)
    {
        var (sample, missing) = await memory.MeasureAsync(ct);
        if (sample is null) throw new InvalidOperationException(missing);
        return new BrowserPathMemory(sample.ManagedBytesAfterFullCollect, server.ReadResidentBytes() ?? 0);
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

/// <summary>A memory sample: the managed heap after a full collection, the process's RSS and what the collector has committed.</summary>
internal sealed record BrowserPathMemory(long ManagedBytes, long ResidentBytes, long CommittedBytes = 0);

/// <summary>What --browser-path measured; printed as a summary and as one JSON line.</summary>
internal sealed class BrowserPathReport
{
    [System.Text.Json.Serialization.JsonIgnore] public LoadOptions Options { get; set; } = new();
    public string BaseAddress { get; set; } = "";
    public int ServerPid { get; set; }
    public bool Completed { get; set; }
    public int DocumentLength { get; set; }
    public int SpansBefore { get; set; }
    public int SpansAfter { get; set; }
    public int CreatesPerWindow { get; set; }
    public List<double> CpuWithoutPages { get; } = [];
    public List<double> CpuWithPages { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> HubLatencies { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> HubLatenciesWithPages { get; } = [];
    [System.Text.Json.Serialization.JsonIgnore] public List<double> DomLatencies { get; } = [];
    public BrowserPathMemory? MemoryWithoutPages { get; set; }
    public BrowserPathMemory? MemoryWithPages { get; set; }
    public int ExpectedUpdates { get; set; }
    public int MissingUpdates { get; set; }
    public int PageErrors { get; set; }
    public List<string> ErrorSamples { get; } = [];

    /// <summary>Server cpu per change per open page in ms, per repeat: (with pages - without) / (creates x pages).</summary>
    public List<double> CpuPerChangePerPageMs => CpuWithPages.Zip(CpuWithoutPages,
        (with, without) => Math.Round((with - without) * 1000 / Math.Max(1, CreatesPerWindow) / Math.Max(1, Options.Pages), 4)).ToList();

    public LatencySummary Dom => Summary(DomLatencies);
    public LatencySummary Hub => Summary(HubLatencies);
    public LatencySummary HubWithPages => Summary(HubLatenciesWithPages);

    public double? ManagedBytesPerCircuit => MemoryWithPages is { } w && MemoryWithoutPages is { } o && Options.Pages > 0 ? (double)(w.ManagedBytes - o.ManagedBytes) / Options.Pages : null;
    public double? ResidentBytesPerCircuit => MemoryWithPages is { } w && MemoryWithoutPages is { } o && Options.Pages > 0 ? (double)(w.ResidentBytes - o.ResidentBytes) / Options.Pages : null;

    public bool HasFailures => !Completed || MissingUpdates > 0 || PageErrors > 0;

    private static LatencySummary Summary(List<double> ms) => LatencySummary.FromTicks(ms.Select(m => (long)Math.Round(m * Stopwatch.Frequency / 1000.0)).ToList());

    public void Print(TextWriter o)
    {
        var c = CultureInfo.InvariantCulture;
        var perPage = CpuPerChangePerPageMs;
        o.WriteLine(string.Create(c, $"document       {DocumentLength:N0} code points; spans {SpansBefore:N0} before, {SpansAfter:N0} after; {Options.Repeats} repeats of {CreatesPerWindow:N0} creates ({Options.Rate}/s for {Options.Seconds} s) without pages, then with {Options.Pages} pages"));
        o.WriteLine(string.Create(c, $"server cpu     without pages {string.Join(", ", CpuWithoutPages.Select(v => v.ToString("0.000", c)))} s; with {Options.Pages} pages {string.Join(", ", CpuWithPages.Select(v => v.ToString("0.000", c)))} s"));
        o.WriteLine(perPage.Count == 0 ? "cpu/change/page n/a" : string.Create(c,
            $"cpu/change/page {string.Join(", ", perPage.Select(v => v.ToString("0.0000", c)))} ms per repeat; median {perPage.Order().ElementAt(perPage.Count / 2):0.0000} ms, spread {perPage.Min():0.0000} to {perPage.Max():0.0000} ms (target at most 0.1 ms)"));
        o.WriteLine($"change->DOM    {Dom}  (every page, every create)");
        o.WriteLine($"change->hub    {HubWithPages}  (a hub client, same runs)");
        o.WriteLine($"change->hub    {Hub}  (a hub client, runs without pages)");
        if (MemoryWithoutPages is { } without && MemoryWithPages is { } with)
        {
            o.WriteLine(string.Create(c, $"memory         managed heap after a full GC {without.ManagedBytes / 1048576.0:0.0} MB without pages, {with.ManagedBytes / 1048576.0:0.0} MB with {Options.Pages}; RSS {without.ResidentBytes / 1048576.0:0.0} MB, {with.ResidentBytes / 1048576.0:0.0} MB"));
            o.WriteLine(string.Create(c, $"per circuit    managed {ManagedBytesPerCircuit / 1024:0} KB, RSS {ResidentBytesPerCircuit / 1024:0} KB (idle, on this document; target under 500 KB)"));
        }
        o.WriteLine(string.Create(c, $"updates        missing {MissingUpdates:N0} of {ExpectedUpdates:N0} (every page must show every create); page errors {PageErrors}"));
        foreach (var sample in ErrorSamples) o.WriteLine($"  {sample}");
        o.WriteLine(HasFailures ? "result         FAILURES" : "result         ok");
    }

    public string ToJson() => JsonSerializer.Serialize(new
    {
        tool = "AnnotateHub.LoadTest",
        mode = "browser-path",
        Completed, BaseAddress, ServerPid, DocumentLength, SpansBefore, SpansAfter, CreatesPerWindow,
        pages = Options.Pages, rate = Options.Rate, seconds = Options.Seconds, repeats = Options.Repeats,
        CpuWithoutPages, CpuWithPages, CpuPerChangePerPageMs,
        changeToDomMs = Dom, changeToHubMs = HubWithPages, changeToHubWithoutPagesMs = Hub,
        MemoryWithoutPages, MemoryWithPages, ManagedBytesPerCircuit, ResidentBytesPerCircuit,
        ExpectedUpdates, MissingUpdates, PageErrors,
    }, new JsonSerializerOptions(JsonSerializerDefaults.Web));
}
