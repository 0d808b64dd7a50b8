// AnnotateHub load test: N SignalR clients on M documents create annotations at a fixed total rate through the
// hub at /hubs/annotations (docs/realtime.md) and measure how long each create takes to reach every OTHER client
// on its document, against two floors: the raw Echo round trip (one message, one client), idle and under the load,
// and the fan-out floor (a raw hub message from one client to the others on the document, through the diagnostic
// ProbeFanOut, which the tool turns on in a server it starts; with --target it is measured only if the target has
// Realtime:FanOutProbe=true, and reported as n/a otherwise).
//
// Run from the repository root:
//   dotnet run -c Release --project tests/AnnotateHub.LoadTest -- [options]
//   dotnet run -c Release --project tests/AnnotateHub.LoadTest -- --clients 5 --rate 50 --seconds 5      (smoke)
//   dotnet run -c Release --project tests/AnnotateHub.LoadTest -- --clients 200 --documents 20 --rate 1000 --seconds 30
//
// Options:
//   --clients N      hub connections (default 50), dealt round-robin over the documents
//   --documents M    document ids 1..M (default 1). A server the tool starts is seeded with M generated articles, so
//                    it has exactly those. With --target, ids that do not exist are skipped and the clients are
//                    spread over the ones that do (the demo database has 5); the summary says so
//   --rate R         creates per second across all clients (default 1000); open loop: create i is sent at i/R s
//   --seconds T      measured seconds (default 30): R*T creates are timed
//   --warmup W       seconds of the same load before the measured part (default 2): checked, not timed
//   --grace G        seconds to wait for outstanding events after the last answer (default 10)
//   --drain D        seconds to wait for answers to creates still in flight after the last send
//                    (default max(60, 2 x (T + W)), at most 600); what is unanswered then counts as an error
//   --target URL     use a running server instead of starting one; needs --user and --password, or --token
//   --user NAME      sign-in name (default admin)
//   --password PW    sign-in password (for a started server: the seeded admin password, default Load-Test-pw-1234)
//   --token TOKEN    personal API token, sent as a Bearer token instead of signing in
//   --server-env K=V extra environment variable for the started server (repeatable), e.g. to compare settings
//   --strict         exit 2 if any create failed, any event was lost/duplicated or the database misses a create
//   --instances N    start N app processes (default 1; at most 4) instead of one; above 1 needs --postgres and --redis
//   --postgres CONN  run the started server(s) on PostgreSQL (Database__Provider=Postgres) instead of SQLite: CONN
//                    without a database, e.g. "Host=127.0.0.1;Port=55432;Username=postgres"; the run uses a fresh
//                    database annotatehub_load_<guid> (created by the first instance's migrations) and drops it at the end
//   --redis HOST:PORT  Redis__Connection for the started server(s), with a channel prefix unique to the run: the
//                    SignalR backplane and the bus between instances
//
// Two instances (issue 17; docs/benchmarks.md, Two instances):
//   dotnet run -c Release --project tests/AnnotateHub.LoadTest -- --clients 50 --documents 1 --rate 500 --seconds 20 \
//     --instances 2 --postgres "Host=127.0.0.1;Port=55432;Username=postgres" --redis 127.0.0.1:56379
// The first instance starts (migrates and seeds) before the second; each is signed in to on its own. Client i is on
// document i mod M and on instance (i div M) mod N, so each document has clients on every instance. The report adds
// create->others split by whether the receiver is on the sender's instance or another one, with lost deliveries for
// each, and the cross-instance p50 minus the same-instance p50 (target: under 2 ms, nothing lost).
//
// Without --target the tool runs src/AnnotateHub.Web's build output (built together with this project; built on
// demand if missing) as `dotnet AnnotateHub.Web.dll --urls http://127.0.0.1:<free port>` with a fresh SQLite file
// in a temp folder (Production environment, so the first run seeds the admin and the demo project, here from M
// generated articles: Seed__Directory points at a temp folder of load-0001.txt ... load-M.txt; a --server-env
// Seed__Directory=... of your own wins), and always kills it at the end. Sign-in goes through the /Account/Login form; the Identity cookie rides on every connection.
//
// --soak: instead of the latency run, a long steady mixed load (decision 0037; docs/benchmarks.md, Soak):
//   dotnet run -c Release --project tests/AnnotateHub.LoadTest -- --soak --clients 200 --pages 20 --minutes 10 --strict
// Hub clients create, relabel and delete spans (each change carrying the version it was made against) on --documents
// documents (soak default 10) at --rate changes/s (soak default 20), keeping each document at or below --span-cap live
// spans (default 40), while --pages Chromium pages (default 20; /usr/bin/chromium, headless) stay open on those
// documents. Every --page-reload seconds (default 120) each page has reloaded once (a new circuit), and every
// --reconnect seconds (default 60) a tenth of the hub clients reconnect and catch up. The server's managed heap after a
// full compacting GC (GET /api/diagnostics/memory, on only with Diagnostics:MemoryProbe=true, which the tool sets on a
// server it starts) is read after the --warmup (soak default 30 s), every --sample seconds (default 60) and at the end.
// At the end the database, each page's DOM (span ids drawn and each listed span's label) and each hub client's events
// must match what the clients were told was saved. --strict: exit 2 on any error (refused, failed or unanswered change,
// hub disconnect, page console error, page error, crash, circuit disconnect), anything lost, or heap growth over 10%.
// --seconds T runs T seconds instead of --minutes (for a short smoke); soak defaults: --grace 60.
//
// Every create carries the note "lt:<run>:<index>", so a receiver matches the event to its send time. After the
// run, a fresh connection's snapshot must contain each committed create exactly once. Output: a summary, then
// one JSON line (the last line). Exit codes: 0 completed, 1 could not run, 2 --strict found failures, 130 cancelled.
using System.Runtime.InteropServices;
using AnnotateHub.LoadTest;
using Microsoft.AspNetCore.Http.Connections.Client;

LoadOptions options;
try
{
    options = LoadOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine("Usage: dotnet run -c Release --project tests/AnnotateHub.LoadTest -- [--clients N] [--documents M] [--rate R] [--seconds T] [--warmup W] [--grace G] [--drain D] [--target URL (--user NAME --password PW | --token TOKEN)] [--server-env K=V] [--instances N --postgres CONN --redis HOST:PORT] [--strict] | --soak [--clients N] [--pages P] [--documents M] [--rate R] [--minutes T | --seconds T] [--span-cap C] [--sample S] [--page-reload S] [--reconnect S] [--strict]");
    return 64;
}
if (options.Help)
{
    Console.WriteLine("See the header of tests/AnnotateHub.LoadTest/Program.cs.");
    Console.WriteLine("Usage: dotnet run -c Release --project tests/AnnotateHub.LoadTest -- [--clients N] [--documents M] [--rate R] [--seconds T] [--warmup W] [--grace G] [--drain D] [--target URL (--user NAME --password PW | --token TOKEN)] [--server-env K=V] [--instances N --postgres CONN --redis HOST:PORT] [--strict]");
    return 0;
}

using var cancel = new CancellationTokenSource();
ServerProcess? server = null;
var servers = new List<ServerProcess>();
string? postgresDatabase = null;
void DisposeServers()
{
    server?.Dispose();
    lock (servers) foreach (var s in servers) s.Dispose();
}
// Ctrl-C or SIGTERM: stop the run and clean up (the finally below kills the server). A second signal: kill the
// server and let the default action end the tool at once.
void OnSignal(PosixSignalContext context)
{
    if (cancel.IsCancellationRequested)
    {
        DisposeServers();
        return;
    }
    context.Cancel = true;
    cancel.Cancel();
}
using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
AppDomain.CurrentDomain.ProcessExit += (_, _) => DisposeServers();

try
{
    Uri baseAddress;
    var user = options.User ?? LoadOptions.DefaultUser;
    var password = options.Password ?? LoadOptions.DefaultStartedServerPassword;
    if (options.Target is null && (options.Instances > 1 || options.Postgres is not null))
    {
        var environment = new Dictionary<string, string>(options.ServerEnvironment);
        var started = InstanceSetup.Environment(options, environment);
        postgresDatabase = started.Database;
        if (postgresDatabase is not null) Console.WriteLine($"database: PostgreSQL {postgresDatabase} (fresh, dropped at the end)");
        if (started.ChannelPrefix is not null) Console.WriteLine($"redis: {options.Redis}, channel prefix {started.ChannelPrefix}");
        var instances = new List<LoadInstance>();
        for (var i = 0; i < options.Instances; i++)
        {
            // One at a time: the first migrates the empty database and seeds it; the others find it ready.
            Console.WriteLine($"starting instance {i + 1} of {options.Instances} (src/AnnotateHub.Web) ...");
            var instance = await ServerProcess.StartAsync(password, options.Documents, environment, Console.Out, cancel.Token);
            lock (servers) servers.Add(instance);
            Console.WriteLine($"instance {i + 1} up at {instance.BaseAddress} (pid {instance.Pid})");
            var signedIn = await LoginForm.SignInAsync(instance.BaseAddress, user, password, cancel.Token);
            instances.Add(new LoadInstance(instance.BaseAddress, o => o.Cookies = signedIn, instance));
        }
        foreach (var (key, value) in options.ServerEnvironment) Console.WriteLine($"server environment: {key}={value}");
        Console.WriteLine($"signed in as '{user}' through /Account/Login on each instance");
        var multi = await new LoadRun(options, instances, Console.Out) { InstancesDatabase = postgresDatabase ?? "SQLite" }.RunAsync(cancel.Token);
        multi.Print(Console.Out);
        Console.WriteLine(multi.ToJson());
        return options.Strict && multi.HasFailures ? 2 : 0;
    }
    if (options.Target is null)
    {
        Console.WriteLine("starting the server (src/AnnotateHub.Web) ...");
        server = await ServerProcess.StartAsync(password, options.Documents, options.ServerEnvironment, Console.Out, cancel.Token,
            published: options.Soak || options.BrowserPath || options.CircuitPath, cpus: options.ServerCpus, articleChars: options.ArticleChars);
        baseAddress = server.BaseAddress;
        Console.WriteLine($"server up at {baseAddress} (pid {server.Pid}, database {server.DatabasePath})");
        foreach (var (key, value) in options.ServerEnvironment) Console.WriteLine($"server environment: {key}={value}");
    }
    else
    {
        baseAddress = options.Target;
    }

    Action<HttpConnectionOptions> authenticate;
    System.Net.CookieContainer? cookies = null;
    if (options.Token is { } token)
    {
        authenticate = o => o.AccessTokenProvider = () => Task.FromResult<string?>(token);
        Console.WriteLine("authenticating with a Bearer token");
    }
    else
    {
        var signedIn = await LoginForm.SignInAsync(baseAddress, user, password, cancel.Token);
        cookies = signedIn;
        authenticate = o => o.Cookies = signedIn;
        Console.WriteLine($"signed in as '{user}' through /Account/Login");
    }

    if (options.BrowserPath)
    {
        var path = await new BrowserPathRun(options, baseAddress, authenticate, cookies!, user, password, server!, Console.Out).RunAsync(cancel.Token);
        path.Print(Console.Out);
        Console.WriteLine(path.ToJson());
        return options.Strict && path.HasFailures ? 2 : 0;
    }

    if (options.CircuitPath)
    {
        var circuits = await new CircuitPathRun(options, baseAddress, authenticate, cookies!, server!, Console.Out).RunAsync(cancel.Token);
        circuits.Print(Console.Out);
        Console.WriteLine(circuits.ToJson());
        return options.Strict && circuits.HasFailures ? 2 : 0;
    }

    if (options.Soak)
    {
        var pagePassword = options.Target is null || options.Password is not null ? password : null;
        var soak = await new SoakRun(options, baseAddress, authenticate, cookies, options.Token, user, pagePassword, server, Console.Out).RunAsync(cancel.Token);
        soak.Print(Console.Out);
        Console.WriteLine(soak.ToJson());
        return options.Strict && soak.HasFailures ? 2 : 0;
    }

    var report = await new LoadRun(options, [new LoadInstance(baseAddress, authenticate, server)], Console.Out).RunAsync(cancel.Token);
    report.Print(Console.Out);
    Console.WriteLine(report.ToJson());
    return options.Strict && report.HasFailures ? 2 : 0;
}
catch (OperationCanceledException) when (cancel.IsCancellationRequested)
{
    Console.Error.WriteLine("cancelled");
    return 130;
}
catch (Exception ex)
{
    Console.Error.WriteLine($"load test failed: {ex.GetType().Name}: {ex.Message}");
    if (server is not null && !string.IsNullOrWhiteSpace(server.Tail))
    {
        Console.Error.WriteLine("last server output:");
        Console.Error.WriteLine(server.Tail);
    }
    lock (servers)
    {
        foreach (var s in servers.Where(s => !string.IsNullOrWhiteSpace(s.Tail)))
        {
            Console.Error.WriteLine($"last output of the instance at {s.BaseAddress}:");
            Console.Error.WriteLine(s.Tail);
        }
    }
    return 1;
}
finally
{
    DisposeServers();
    if (postgresDatabase is not null && options.Postgres is { } postgres) await InstanceSetup.DropDatabaseAsync(postgres, postgresDatabase, Console.Out);
}
