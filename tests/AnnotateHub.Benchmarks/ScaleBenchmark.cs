using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Data.Sqlite;

namespace AnnotateHub.Benchmarks;

/// <summary>
/// A large project through the real server, as a separate process: builds a database of D documents (about 1,200
/// characters each, S spans each from three annotators who all marked every document done) straight with SQLite
/// inserts (<see cref="LargeCorpus"/>), then for each export format starts a fresh server on it, signs in as admin,
/// downloads <c>GET /api/projects/{id}/export</c> (counting the bytes, keeping none), and prints the time and the
/// server's peak resident memory (VmHWM of /proc/PID/status: everything the process ever held, start-up included).
/// The same for the agreement report and a late page of the document list. Asserts nothing.
/// Run: dotnet run -c Release --project tests/AnnotateHub.Benchmarks -- scale [--documents 100000 --spans-per-document 10]
/// </summary>
public static partial class ScaleBenchmark
{
    private const string AdminPassword = "Bench-Admin-pw-1234";

    public static async Task RunAsync(int documents, int spansPerDocument, IReadOnlyList<string> formats)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AnnotateHub.Web.dll");
        var dir = Directory.CreateTempSubdirectory("annotatehub-scale-");
        var database = Path.Combine(dir.FullName, "scale.db");
        try
        {
            // First start: migrations, the first admin and the demo project; then the big project goes in beside them.
            using (var first = await Server.StartAsync(dll, database)) { }
            string adminId;
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT Id FROM AspNetUsers WHERE NormalizedUserName = 'ADMIN'";
                adminId = (string)command.ExecuteScalar()!;
            }
            var annotators = new[] { "ana", "ben", "cy" }.Select(n => LargeCorpus.AddUser(database, n)).ToList();
            var sw = Stopwatch.StartNew();
            var corpus = LargeCorpus.Write(database, "Scale", adminId, annotators, documents, spansPerDocument);
            Console.WriteLine($"database: {documents:N0} documents, {corpus.Spans:N0} spans, {annotators.Count * documents:N0} done assignments, " +
                              $"written in {sw.Elapsed.TotalSeconds:N1} s; file {new FileInfo(database).Length / (1024.0 * 1024):N0} MB");
            Console.WriteLine($"processors: {Environment.ProcessorCount}; server: Production, server GC as configured by the app");

            var requests = formats.Select(f => ($"export {f,-8}", $"/api/projects/{corpus.ProjectId}/export?format={f}&layer={(f == "conll" ? "majority" : "all")}")).ToList();
            requests.Add(("agreement", $"/api/projects/{corpus.ProjectId}/agreement?documents=false"));
            requests.Add(("documents", $"/api/projects/{corpus.ProjectId}/documents?offset={Math.Max(0, documents - 50)}&limit=50"));
            foreach (var (name, path) in requests)
            {
                using var server = await Server.StartAsync(dll, database);
                var idle = server.PeakResidentBytes();
                using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
                    { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(30) };
                http.DefaultRequestHeaders.Add("Cookie", await SignInAsync(server.BaseAddress));
                sw.Restart();
                using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                long bytes = 0;
                await using (var body = await response.Content.ReadAsStreamAsync())
                {
                    var buffer = new byte[81920];
                    int read;
                    while ((read = await body.ReadAsync(buffer)) > 0) bytes += read;
                }
                var seconds = sw.Elapsed.TotalSeconds;
                Console.WriteLine($"{name}: HTTP {(int)response.StatusCode}, {bytes / (1024.0 * 1024),8:N1} MB in {seconds,6:N1} s; " +
                                  $"server peak RSS {server.PeakResidentBytes() / (1024 * 1024),4:N0} MB (after start-up and sign-in {idle / (1024 * 1024):N0} MB)");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { dir.Delete(recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>
    /// The lists at scale (issue 20): a project of <paramref name="documents"/> short documents (two annotators, one span
    /// each, a quarter not started, a quarter in progress) and a second project of <paramref name="assignments"/> documents
    /// all assigned to the admin (their home queue). One server process; each page is fetched <paramref name="runs"/> times
    /// (the first after start-up, so JIT is in it) and the time to the first byte and to the whole prerendered page (its
    /// first rows are in it) is printed per run. Asserts nothing.
    /// </summary>
    public static async Task RunListsAsync(int documents, int assignments, int runs)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "AnnotateHub.Web.dll");
        var dir = Directory.CreateTempSubdirectory("annotatehub-lists-");
        var database = Path.Combine(dir.FullName, "lists.db");
        try
        {
            using (var first = await Server.StartAsync(dll, database)) { }
            string adminId;
            using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
            {
                connection.Open();
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT Id FROM AspNetUsers WHERE NormalizedUserName = 'ADMIN'";
                adminId = (string)command.ExecuteScalar()!;
            }
            var annotators = new[] { "ana", "ben" }.Select(n => LargeCorpus.AddUser(database, n)).ToList();
            var sw = Stopwatch.StartNew();
            var big = LargeCorpus.Write(database, "Lists", adminId, annotators, documents, 1, chars: 200, titleOf: i => $"Report {i}",
                stateOf: i => (i % 4) switch { 1 => Core.Projects.AssignmentState.NotStarted, 2 => Core.Projects.AssignmentState.InProgress, _ => Core.Projects.AssignmentState.Done });
            var queue = LargeCorpus.Write(database, "Queue", adminId, [adminId], assignments, 0, chars: 200, titleOf: i => $"Queued {i}",
                stateOf: i => i < assignments / 2 ? Core.Projects.AssignmentState.Done : Core.Projects.AssignmentState.NotStarted);
            Console.WriteLine($"database: {documents:N0} + {assignments:N0} documents written in {sw.Elapsed.TotalSeconds:N1} s; " +
                              $"file {new FileInfo(database).Length / (1024.0 * 1024):N0} MB; processors: {Environment.ProcessorCount}");
            using var server = await Server.StartAsync(dll, database);
            using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
                { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
            http.DefaultRequestHeaders.Add("Cookie", await SignInAsync(server.BaseAddress));
            var pages = new (string Name, string Path, string Marker)[]
            {
                ("project page (date order)", $"/projects/{big.ProjectId}", "data-testid=\"doc-link\""),
                ("project page, title order", $"/projects/{big.ProjectId}?sort=title", "data-testid=\"doc-link\""),
                ("title order, page 1,000", $"/projects/{big.ProjectId}?sort=title&page=1000", "data-testid=\"doc-link\""),
                ("in progress, title order", $"/projects/{big.ProjectId}?sort=title&status=in-progress", "data-testid=\"doc-link\""),
                ("status order", $"/projects/{big.ProjectId}?sort=status", "data-testid=\"doc-link\""),
                ("spans order", $"/projects/{big.ProjectId}?sort=spans&order=desc", "data-testid=\"doc-link\""),
                ($"home page, {assignments:N0} assignments", "/", "data-testid=\"queue-item\""),
            };
            foreach (var (name, path, marker) in pages)
            {
                var results = new List<string>();
                for (var run = 0; run < runs; run++)
                {
                    sw.Restart();
                    using var response = await http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead);
                    await using var body = await response.Content.ReadAsStreamAsync();
                    var buffer = new byte[81920];
                    var firstByte = -1.0;
                    var text = new System.Text.StringBuilder();
                    int read;
                    while ((read = await body.ReadAsync(buffer)) > 0)
                    {
                        if (firstByte < 0) firstByte = sw.Elapsed.TotalMilliseconds;
                        text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, read));
                    }
                    var whole = sw.Elapsed.TotalMilliseconds;
                    var html = text.ToString();
                    var rows = Regex.Count(html, Regex.Escape(marker));
                    results.Add($"{firstByte:N0}/{whole:N0} ms ({rows} rows, {html.Length / 1024:N0} KB, HTTP {(int)response.StatusCode})");
                }
                Console.WriteLine($"{name,-32} first byte/whole page: {string.Join("; ", results)}");
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try { dir.Delete(recursive: true); }
            catch (IOException) { /* a leftover temp folder is harmless */ }
        }
    }

    /// <summary>Signs in through the real form (its antiforgery cookie and token) and returns the Identity cookie.</summary>
    private static async Task<string> SignInAsync(Uri baseAddress)
    {
        var cookies = new CookieContainer();
        using var http = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = baseAddress };
        var form = await http.GetStringAsync("/Account/Login");
        var token = TokenRegex().Match(form).Groups[1].Value;
        using var response = await http.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.UserName"] = "admin", ["Input.Password"] = AdminPassword, ["__RequestVerificationToken"] = token, ["_handler"] = "login",
        }));
        var identity = cookies.GetAllCookies().FirstOrDefault(c => c.Name == ".AspNetCore.Identity.Application")
            ?? throw new InvalidOperationException($"Signing in failed ({(int)response.StatusCode}).");
        return $"{identity.Name}={identity.Value}";
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    /// <summary>The web app as its own process on a free loopback port.</summary>
    private sealed class Server : IDisposable
    {
        private readonly Process _process;

        private Server(Process process, Uri baseAddress)
        {
            _process = process;
            BaseAddress = baseAddress;
        }

        public Uri BaseAddress { get; }

        public static async Task<Server> StartAsync(string dll, string database)
        {
            int port;
            using (var listener = new TcpListener(IPAddress.Loopback, 0))
            {
                listener.Start();
                port = ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            var start = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["ConnectionStrings__AnnotateHub"] = $"Data Source={database}";
            start.Environment["Seed__AdminPassword"] = AdminPassword;
            start.Environment["Seed__AdminMustChangePassword"] = "false";
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            start.Environment.Remove("ASPNETCORE_URLS");
            var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine("server: " + e.Data); };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new Server(process, new Uri($"http://127.0.0.1:{port}"));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            for (var i = 0; i < 240; i++)
            {
                if (process.HasExited) throw new InvalidOperationException($"The server exited with code {process.ExitCode}.");
                try
                {
                    using var response = await http.GetAsync(new Uri(server.BaseAddress, "/Account/Login"));
                    if (response.IsSuccessStatusCode) return server;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(250);
            }
            server.Dispose();
            throw new TimeoutException("The server did not answer within 60 s.");
        }

        /// <summary>VmHWM: the most resident memory the process has had.</summary>
        public long PeakResidentBytes()
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            }
            return 0;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
            _process.Dispose();
        }
    }
}
