using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// The web app run as its own process (<c>dotnet AnnotateHub.Web.dll</c> from this test's output folder, where the
/// project reference puts it with its runtime config), on a free 127.0.0.1 port and a given SQLite file, so a test can
/// SIGKILL it and start it again on the same file. Production environment, admin password <see cref="AppServer.AdminPassword"/>.
/// </summary>
internal sealed class AppProcess : IDisposable
{
    private const int TailLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly ConcurrentQueue<string> _errorLines = new();
    private readonly List<(string Fragment, TaskCompletionSource Seen)> _watches = [];
    private readonly Lock _watchLock = new();

    private AppProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }
    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the server wrote (stdout and stderr), for failure messages.</summary>
    public string Output => string.Join(Environment.NewLine, _lines);

    /// <summary>The last lines the server wrote to stderr alone.</summary>
    public string ErrorOutput => string.Join(Environment.NewLine, _errorLines);

    /// <summary>Waits for the process to end by itself (a refused start) and returns its exit code, with its output read to the end.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The server did not exit within {limit.TotalSeconds:0} s.\n{Output}");
        }
        return _process.ExitCode;
    }

    /// <summary>Starts the server and returns at once; <see cref="WaitUntilHealthyAsync"/> waits for it to answer.</summary>
    public static AppProcess Start(string databasePath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var folder = AppContext.BaseDirectory;
        var dll = Path.Combine(folder, "AnnotateHub.Web.dll");
        var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
        var start = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = folder, // the content root: appsettings.json and seeds/ are copied here
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["ConnectionStrings__AnnotateHub"] = $"Data Source={databasePath}";
        start.Environment["Seed__AdminPassword"] = AppServer.AdminPassword;
        // The suites sign in as admin with this password; FirstAdminPasswordTests leave the first-sign-in change on.
        start.Environment["Seed__AdminMustChangePassword"] = "false";
        start.Environment["RateLimits__SignIn__PerAddress__PermitLimit"] = "100000";
        start.Environment["RateLimits__SignIn__PerAccount__PermitLimit"] = "100000";
        start.Environment["RateLimits__SignIn__PairFailuresBeforeDelay"] = "100000";
        start.Environment["RateLimits__SignIn__AddressFailuresBeforeDelay"] = "100000";
        // The durability clients create as fast as the server answers; HubRateLimitTests pin the hub's limit.
        start.Environment["RateLimits__Hub__BurstLimit"] = "1000000";
        start.Environment["RateLimits__Hub__PerSecond"] = "1000000";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft"] = "Warning";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var app = new AppProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => app.Remember(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            app.Remember(e.Data);
            if (e.Data is not null) app._errorLines.Enqueue(e.Data);
        };
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start.");
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return app;
    }

    /// <summary>Completes when the server writes a line containing <paramref name="fragment"/> (from now on).</summary>
    public Task WhenOutputContains(string fragment)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_watchLock) _watches.Add((fragment, seen));
        return seen.Task;
    }

    /// <summary>Polls GET /health until it answers 200 "Healthy"; fails with the server's output if it exits or takes longer than <paramref name="limit"/>.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan limit)
    {
        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (_process.HasExited) throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before it was healthy.\n{Output}");
            try
            {
                using var response = await http.GetAsync("/health");
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) { }
            await Task.Delay(100);
        }
        throw new TimeoutException($"The server was not healthy within {limit.TotalSeconds:0} s.\n{Output}");
    }

    /// <summary>SIGKILL: no shutdown code runs, as when the machine's OOM killer or `kill -9` ends it.</summary>
    public void Kill()
    {
        try
        {
            if (!_process.HasExited) _process.Kill();
        }
        catch (InvalidOperationException) { /* already gone */ }
        _process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        _lines.Enqueue(line);
        while (_lines.Count > TailLines && _lines.TryDequeue(out _)) { }
        lock (_watchLock)
        {
            foreach (var watch in _watches.Where(w => line.Contains(w.Fragment, StringComparison.Ordinal)).ToList())
            {
                watch.Seen.TrySetResult();
                _watches.Remove(watch);
            }
        }
    }

    private static string DotnetHost()
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        return !string.IsNullOrEmpty(host) && File.Exists(host) ? host : "dotnet";
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
