using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace AnnotateHub.LoadTest;

/// <summary>
/// The web app's build output run as a separate process (<c>dotnet AnnotateHub.Web.dll</c>) on a free loopback
/// port with a fresh SQLite file, so the load tool and the server share nothing but the network. Its demo project
/// is seeded from generated articles, one per document the run asks for, through the app's own seed importer.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif
    private const int TailLines = 60;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private int _disposed;

    private ServerProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }
    public string DataDirectory { get; }
    public int Pid => _process.Id;
    public string DatabasePath => Path.Combine(DataDirectory, "load.db");

    /// <summary>The last lines the server wrote, for error messages.</summary>
    public string Tail => string.Join(Environment.NewLine, _tail);

    /// <param name="published">Run a <c>dotnet publish --no-build</c> copy instead of the build output: Production serves the
    /// static web assets (blazor.web.js, MudBlazor's files) only from published output, and the soak's browser pages need them.</param>
    public static async Task<ServerProcess> StartAsync(string adminPassword, int documents, IReadOnlyDictionary<string, string> extraEnvironment, TextWriter log, CancellationToken ct,
        bool published = false, string? cpus = null, int articleChars = 0)
    {
        var repoRoot = FindRepositoryRoot();
        var dll = Path.Combine(repoRoot, "src", "AnnotateHub.Web", "bin", Configuration, "net10.0", "AnnotateHub.Web.dll");
        if (!File.Exists(dll))
        {
            log.WriteLine($"building src/AnnotateHub.Web ({Configuration}): {dll} is missing");
            await BuildAsync(repoRoot, ct);
            if (!File.Exists(dll)) throw new InvalidOperationException($"The build finished but {dll} does not exist.");
        }

        var dataDirectory = Directory.CreateTempSubdirectory("annotatehub-load-").FullName;
        if (published)
        {
            var output = Path.Combine(dataDirectory, "app");
            log.WriteLine($"publishing src/AnnotateHub.Web ({Configuration}, --no-build) to {output}");
            try
            {
                await RunDotnetAsync(repoRoot, ["publish", "src/AnnotateHub.Web", "-c", Configuration, "--no-build", "--nologo", "-v", "q", "-o", output], ct);
            }
            catch
            {
                Directory.Delete(dataDirectory, recursive: true);
                throw;
            }
            dll = Path.Combine(output, "AnnotateHub.Web.dll");
        }
        var baseAddress = new Uri($"http://127.0.0.1:{FreeLoopbackPort()}");
        // Pinned (taskset, which execs the server in its place: the pid is the server's) so it does not share the tool's CPUs.
        var start = new ProcessStartInfo(cpus is null ? DotnetHost() : "taskset")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!, // the content root: appsettings.json and seeds/ live there
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (cpus is not null)
        {
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(cpus);
            start.ArgumentList.Add(DotnetHost());
        }
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));
        start.Environment["ConnectionStrings__AnnotateHub"] = $"Data Source={Path.Combine(dataDirectory, "load.db")}";
        start.Environment["Seed__AdminPassword"] = adminPassword;
        // A Production server would make the admin set a new password at the first sign-in (decision 0085).
        start.Environment["Seed__AdminMustChangePassword"] = "false";
        // The start-up importer reads every .txt of the seed folder into the demo project, in file-name order: a fresh
        // database then holds exactly the documents 1..M the run asks for.
        start.Environment["Seed__Directory"] = WriteArticles(Path.Combine(dataDirectory, "seeds"), documents, articleChars);
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // The fan-out floor (LoadRun.MeasureFanOutAsync) needs the hub's diagnostic probe.
        start.Environment["Realtime__FanOutProbe"] = "true";
        // The soak's heap samples (SoakRun) need the admin-only memory probe, off by default.
        start.Environment["Diagnostics__MemoryProbe"] = "true";
        // Every client of a run signs in as one user, and a load run sends up to 100,000 creates/s: far past the per-user
        // hub limit that protects a real server (RateLimits:Hub, decision 0050). A --target server needs the same settings.
        start.Environment["RateLimits__Hub__BurstLimit"] = "10000000";
        start.Environment["RateLimits__Hub__PerSecond"] = "1000000";
        start.Environment.Remove("ASPNETCORE_URLS");
        foreach (var (key, value) in extraEnvironment) start.Environment[key] = value;

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        if (!process.Start()) throw new InvalidOperationException("dotnet did not start.");
        var server = new ServerProcess(process, baseAddress, dataDirectory);
        process.OutputDataReceived += (_, e) => server.Remember(e.Data);
        process.ErrorDataReceived += (_, e) => server.Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(TimeSpan.FromSeconds(120), ct);
        }
        catch
        {
            server.Dispose();
            throw;
        }
        return server;
    }

    /// <summary>
    /// Writes <paramref name="count"/> distinct plain-text articles (a title line, then paragraphs of a few hundred
    /// characters) named load-0001.txt, load-0002.txt, ...; the creates pick offsets in the first 220 code points.
    /// </summary>
    /// <summary>Writes the run's articles; with <paramref name="firstChars"/> above 0 the first is a long one of about that
    /// many characters (paragraphs of 300 to 900, from varied sentences), the rest as usual.</summary>
    internal static string WriteArticles(string folder, int count, int firstChars = 0)
    {
        Directory.CreateDirectory(folder);
        for (var i = 1; i <= count; i++)
        {
            if (i == 1 && firstChars > 0)
            {
                File.WriteAllText(Path.Combine(folder, "load-0001.txt"), LongArticle(firstChars));
                continue;
            }
            var text = new System.Text.StringBuilder();
            text.Append(CultureInfo.InvariantCulture, $"Load test article {i}\n\n");
            for (var paragraph = 1; paragraph <= 5; paragraph++)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"Paragraph {paragraph} of article {i}. Witnesses reported an attack on the base in the early morning; ")
                    .Append("officials gave casualty figures that other sources disputed, and two groups claimed responsibility. ")
                    .Append("The statements differ on the time, the weapons used and the damage done.\n\n");
            }
            File.WriteAllText(Path.Combine(folder, $"load-{i:D4}.txt"), text.ToString());
        }
        return folder;
    }

    private static string LongArticle(int chars)
    {
        string[] sentences =
        [
            "Witnesses reported an attack on the base in the early morning.",
            "Officials gave casualty figures that other sources disputed.",
            "Two groups claimed responsibility within hours of each other.",
            "The statements differ on the time, the weapons used and the damage done.",
            "A spokesman said that 14 soldiers were wounded and none were killed.",
            "Local hospitals counted at least 31 people brought in overnight.",
            "Satellite images taken two days later show three destroyed hangars.",
            "The ministry denied that any aircraft had been hit.",
        ];
        var random = new Random(chars);
        var text = new System.Text.StringBuilder(chars + 1000);
        text.Append("Load test article 1 (long)\n\n");
        while (text.Length < chars)
        {
            var target = random.Next(300, 900);
            var paragraphStart = text.Length;
            while (text.Length - paragraphStart < target) text.Append(sentences[random.Next(sentences.Length)]).Append(' ');
            text.Length--;
            text.Append("\n\n");
        }
        return text.ToString();
    }

    /// <summary>Resident memory of the server process (VmRSS), or null once it is gone.</summary>
    public long? ReadResidentBytes() => ReadStatus("VmRSS:") * 1024;

    /// <summary>The server's OS threads: a count that climbs under load means blocked thread-pool threads.</summary>
    public int? ReadThreadCount() => (int?)ReadStatus("Threads:");

    private long? ReadStatus(string field)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (!line.StartsWith(field, StringComparison.Ordinal)) continue;
                var value = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return long.Parse(value, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    public TimeSpan? ReadCpuTime()
    {
        try
        {
            _process.Refresh();
            return _process.HasExited ? null : _process.TotalProcessorTime;
        }
        catch (InvalidOperationException) { return null; }
    }

    public bool HasExited => _process.HasExited;

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            /* already gone */
        }
        _process.Dispose();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
        catch (UnauthorizedAccessException) { }
    }

    private int _failures;
    private int _warnings;
    private readonly ConcurrentQueue<string> _problems = new();

    /// <summary>Lines the server logged at error level or worse ("fail:", "crit:") since it started.</summary>
    public int Failures => Volatile.Read(ref _failures);

    /// <summary>Lines the server logged at warning level ("warn:") since it started.</summary>
    public int Warnings => Volatile.Read(ref _warnings);

    /// <summary>The first few warning and error lines with the line after each (the category, then the message).</summary>
    public IReadOnlyList<string> Problems => [.. _problems];

    private string? _problemOpen;
    private readonly Lock _remembering = new();

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_remembering)
        {
            if (_problemOpen is { } open)
            {
                _problemOpen = null;
                if (_problems.Count < 10) _problems.Enqueue($"{open} {line.Trim()}");
            }
            if (line.StartsWith("fail:", StringComparison.Ordinal) || line.StartsWith("crit:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _failures);
                _problemOpen = line.Trim();
            }
            else if (line.StartsWith("warn:", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _warnings);
                _problemOpen = line.Trim();
            }
            _tail.Enqueue(line);
            while (_tail.Count > TailLines && _tail.TryDequeue(out _)) { }
        }
    }

    private async Task WaitUntilReadyAsync(TimeSpan limit, CancellationToken ct)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { Timeout = TimeSpan.FromSeconds(5) };
        var login = new Uri(BaseAddress, "/Account/Login");
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            ct.ThrowIfCancellationRequested();
            if (_process.HasExited)
                throw new InvalidOperationException($"The server exited with code {_process.ExitCode} before answering.{Environment.NewLine}{Tail}");
            try
            {
                using var response = await http.GetAsync(login, ct);
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException) { }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested) { }
            await Task.Delay(250, ct);
        }
        throw new TimeoutException($"The server did not answer GET {login} within {limit.TotalSeconds:0} s.{Environment.NewLine}{Tail}");
    }

    private static Task BuildAsync(string repoRoot, CancellationToken ct) =>
        RunDotnetAsync(repoRoot, ["build", "src/AnnotateHub.Web", "-c", Configuration, "--nologo", "-v", "q"], ct);

    private static async Task RunDotnetAsync(string repoRoot, string[] arguments, CancellationToken ct)
    {
        var build = new ProcessStartInfo(DotnetHost()) { WorkingDirectory = repoRoot, UseShellExecute = false };
        foreach (var a in arguments) build.ArgumentList.Add(a);
        using var process = Process.Start(build) ?? throw new InvalidOperationException("dotnet build did not start.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(10));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        if (process.ExitCode != 0) throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} failed with exit code {process.ExitCode}.");
    }

    private static string FindRepositoryRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "AnnotateHub.sln"))) return dir.FullName;
            }
        }
        throw new InvalidOperationException("AnnotateHub.sln not found above the tool or the current folder; run from the repository or pass --target.");
    }

    /// <summary>The dotnet muxer: the SDK tells child processes where it is; otherwise the one on PATH.</summary>
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
