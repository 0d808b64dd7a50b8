using System.Globalization;

namespace AnnotateHub.LoadTest;

/// <summary>Command-line settings of one load run; see the header of Program.cs.</summary>
internal sealed record LoadOptions
{
    public const string DefaultUser = "admin";
    public const string DefaultStartedServerPassword = "Load-Test-pw-1234";

    public int Clients { get; init; } = 50;
    public int Documents { get; init; } = 1;
    public int Rate { get; init; } = 1000;
    public int Seconds { get; init; } = 30;
    public int WarmupSeconds { get; init; } = 2;
    public int GraceSeconds { get; init; } = 10;
    /// <summary>Longest wait for answers to creates still in flight after the last one was sent; null: max(60, 2 x run).</summary>
    public int? DrainSeconds { get; init; }
    public int EffectiveDrainSeconds => DrainSeconds ?? Math.Min(600, Math.Max(60, 2 * (Seconds + WarmupSeconds)));
    public Uri? Target { get; init; }
    public string? User { get; init; }
    public string? Password { get; init; }
    public string? Token { get; init; }
    public bool Strict { get; init; }
    /// <summary>Extra environment for a started server (--server-env KEY=VALUE), e.g. to compare settings.</summary>
    public IReadOnlyDictionary<string, string> ServerEnvironment { get; init; } = new Dictionary<string, string>();
    public bool Help { get; init; }

    /// <summary>App processes the tool starts (--instances N); above 1 they share one PostgreSQL database and one Redis.</summary>
    public int Instances { get; init; } = 1;
    /// <summary>PostgreSQL server connection string without a database (--postgres); the run creates and drops its own database.</summary>
    public string? Postgres { get; init; }
    /// <summary>Redis connection (--redis), the SignalR backplane and bus between the instances.</summary>
    public string? Redis { get; init; }

    /// <summary>--soak: a long steady mixed load with browser pages and server heap checks (SoakRun) instead of the latency run.</summary>
    public bool Soak { get; init; }
    /// <summary>Chromium pages kept open on the soak's documents, dealt round-robin.</summary>
    public int Pages { get; init; } = 20;
    /// <summary>Most live spans the soak keeps on one document: past it, spans are only relabelled and deleted.</summary>
    public int SpanCap { get; init; } = 40;
    /// <summary>Seconds between the soak's samples (server heap after a full GC, working set, progress).</summary>
    public int SampleSeconds { get; init; } = 60;
    /// <summary>Each soak page reloads (a new circuit, the old one closed) about this often; 0: never.</summary>
    public int PageReloadSeconds { get; init; } = 120;
    /// <summary>Every this many seconds a tenth of the soak's hub clients reconnect and catch up; 0: never.</summary>
    public int ReconnectSeconds { get; init; } = 60;
    /// <summary>Most heap growth the soak accepts: managed heap after a full GC at the end over the start, minus one.</summary>
    public double HeapGrowthLimit { get; init; } = 0.10;

    /// <summary>--browser-path: the cost of the path people use (BrowserPathRun) instead of the latency run.</summary>
    public bool BrowserPath { get; init; }
    /// <summary>How often --browser-path repeats its window without pages and with them.</summary>
    public int Repeats { get; init; } = 3;
    /// <summary>Spans --browser-path puts on the document before measuring.</summary>
    public int BaseSpans { get; init; } = 100;
    /// <summary>--circuit-path: Blazor circuits at the protocol level, without browsers (CircuitPathRun).</summary>
    public bool CircuitPath { get; init; }
    /// <summary>Circuits --circuit-path opens on the document for its measured windows.</summary>
    public int Circuits { get; init; } = 50;
    /// <summary>The span counts --circuit-path fills the document to, one measured level each, in order.</summary>
    public IReadOnlyList<int> SpanLevels { get; init; } = [100, 5000];
    /// <summary>With --circuit-path: document 1 is a generated article of about this many characters instead of a short one; 0: the usual.</summary>
    public int ArticleChars { get; init; }
    /// <summary>--deflate: the circuit clients offer per-message deflate on their WebSocket, as browsers do.</summary>
    public bool Deflate { get; init; }
    /// <summary>Idle circuits --circuit-path opens and holds at the end; 0: none.</summary>
    public int IdleCircuits { get; init; }
    /// <summary>Seconds --circuit-path holds its idle circuits before it samples and checks them.</summary>
    public int HoldSeconds { get; init; } = 30;
    /// <summary>CPUs a started server is pinned to (--server-cpus, as taskset -c takes them), so it does not share the tool's.</summary>
    public string? ServerCpus { get; init; }

    public int WarmupCreates => checked(Rate * WarmupSeconds);
    public int MeasuredCreates => checked(Rate * Seconds);
    public int TotalCreates => checked(WarmupCreates + MeasuredCreates);

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LoadOptions();
        var given = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
            given.Add(name);
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            int Int(int min, int max)
            {
                var text = Value();
                if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < min || v > max)
                    throw new ArgumentException($"{name} must be a whole number from {min} to {max}, not '{text}'.");
                return v;
            }
            o = name switch
            {
                "--clients" => o with { Clients = Int(1, 5000) },
                "--documents" => o with { Documents = Int(1, 1000) },
                "--rate" => o with { Rate = Int(1, 100_000) },
                "--seconds" => o with { Seconds = Int(1, 3600) },
                "--warmup" => o with { WarmupSeconds = Int(0, 600) },
                "--grace" => o with { GraceSeconds = Int(0, 600) },
                "--drain" => o with { DrainSeconds = Int(0, 3600) },
                "--target" => o with { Target = ParseTarget(Value()) },
                "--user" => o with { User = Value() },
                "--password" => o with { Password = Value() },
                "--token" => o with { Token = Value() },
                "--strict" => o with { Strict = true },
                "--server-env" => o with { ServerEnvironment = WithVariable(o.ServerEnvironment, Value()) },
                "--instances" => o with { Instances = Int(1, 4) },
                "--postgres" => o with { Postgres = Value() },
                "--redis" => o with { Redis = Value() },
                "--help" or "-h" => o with { Help = true },
                "--soak" => o with { Soak = true },
                "--browser-path" => o with { BrowserPath = true },
                "--repeats" => o with { Repeats = Int(1, 20) },
                "--base-spans" => o with { BaseSpans = Int(0, 20_000) },
                "--server-cpus" => o with { ServerCpus = Value() },
                "--circuit-path" => o with { CircuitPath = true },
                "--deflate" => o with { Deflate = true },
                "--circuits" => o with { Circuits = Int(1, 2000) },
                "--span-levels" => o with { SpanLevels = Levels(Value()) },
                "--idle-circuits" => o with { IdleCircuits = Int(0, 5000) },
                "--hold" => o with { HoldSeconds = Int(0, 3600) },
                "--article-chars" => o with { ArticleChars = Int(1000, 2_000_000) },
                "--pages" => o with { Pages = Int(0, 100) },
                "--minutes" => o with { Seconds = checked(60 * Int(1, 60)) },
                "--span-cap" => o with { SpanCap = Int(1, 90) },
                "--sample" => o with { SampleSeconds = Int(5, 3600) },
                "--page-reload" => o with { PageReloadSeconds = Int(0, 3600) },
                "--reconnect" => o with { ReconnectSeconds = Int(0, 3600) },
                _ => throw new ArgumentException($"Unknown argument '{name}'."),
            };
        }
        if (o.Help) return o;
        if (o.CircuitPath && (o.BrowserPath || o.Soak)) throw new ArgumentException("--circuit-path is a run of its own: not with --browser-path or --soak.");
        if (o.Soak)
        {
            // The soak's own defaults (docs/benchmarks.md, Soak): 200 clients and 20 pages on 10 documents, 20 changes/s, 10 minutes.
            if (!given.Contains("--clients")) o = o with { Clients = 200 };
            if (!given.Contains("--documents")) o = o with { Documents = 10 };
            if (!given.Contains("--rate")) o = o with { Rate = 20 };
            if (!given.Contains("--seconds") && !given.Contains("--minutes")) o = o with { Seconds = 600 };
            if (!given.Contains("--warmup")) o = o with { WarmupSeconds = 30 };
            if (!given.Contains("--grace")) o = o with { GraceSeconds = 60 };
            if (o.Rate > 1000) throw new ArgumentException("--soak is a steady load: --rate must stay at or below 1,000 changes/s.");
        }
        else if (o.BrowserPath)
        {
            // Its own defaults (docs/benchmarks.md, "The browser path"): 10 pages, 40 creates/s for 10 s, three repeats.
            if (!given.Contains("--pages")) o = o with { Pages = 10 };
            if (!given.Contains("--rate")) o = o with { Rate = 40 };
            if (!given.Contains("--seconds")) o = o with { Seconds = 10 };
            if (o.Target is not null || o.Instances > 1) throw new ArgumentException("--browser-path starts its own server: no --target or --instances.");
            if (o.Pages < 1) throw new ArgumentException("--browser-path needs at least one page.");
        }
        else if (o.CircuitPath)
        {
            // Its own defaults (docs/benchmarks.md, "Circuits without browsers"): 50 circuits, 100 creates/s for 5 s.
            if (!given.Contains("--rate")) o = o with { Rate = 100 };
            if (!given.Contains("--seconds")) o = o with { Seconds = 5 };
            if (o.Target is not null || o.Instances > 1) throw new ArgumentException("--circuit-path starts its own server: no --target or --instances.");
            if (new[] { "--pages", "--minutes", "--span-cap", "--sample", "--page-reload", "--reconnect", "--base-spans" }.FirstOrDefault(given.Contains) is { } other)
                throw new ArgumentException($"{other} does not apply to --circuit-path (its document levels are --span-levels).");
        }
        else if (new[] { "--pages", "--minutes", "--span-cap", "--sample", "--page-reload", "--reconnect" }.FirstOrDefault(given.Contains) is { } soakOnly)
        {
            throw new ArgumentException($"{soakOnly} applies to --soak (and --pages to --browser-path) only.");
        }
        if (!o.BrowserPath && !o.CircuitPath && new[] { "--repeats", "--base-spans" }.FirstOrDefault(given.Contains) is { } pathOnly)
            throw new ArgumentException($"{pathOnly} applies to --browser-path and --circuit-path only.");
        if (!o.CircuitPath && new[] { "--circuits", "--span-levels", "--idle-circuits", "--hold", "--article-chars", "--deflate" }.FirstOrDefault(given.Contains) is { } circuitOnly)
            throw new ArgumentException($"{circuitOnly} applies to --circuit-path only.");
        if (o.Instances > 1 && (o.Postgres is null || o.Redis is null))
            throw new ArgumentException("--instances above 1 needs --postgres CONNECTION and --redis HOST:PORT: the instances share one database and one Redis.");
        if (o.Target is not null && (o.Instances > 1 || o.Postgres is not null || o.Redis is not null))
            throw new ArgumentException("--instances, --postgres and --redis apply to servers the tool starts, not to --target.");
        if (o.Soak && (o.Instances > 1 || o.Postgres is not null || o.Redis is not null))
            throw new ArgumentException("--instances, --postgres and --redis apply to the latency run, not to --soak.");
        if ((long)o.Rate * (o.Seconds + o.WarmupSeconds) > 10_000_000)
            throw new ArgumentException("--rate times (--seconds + --warmup) must stay at or below 10,000,000 creates.");
        if (o.Target is not null && o.ServerEnvironment.Count > 0)
            throw new ArgumentException("--server-env applies to a server the tool starts, not to --target.");
        if (o.Target is not null && o.Token is null && (o.User is null || o.Password is null))
            throw new ArgumentException("--target needs --user and --password, or --token.");
        return o;
    }

    private static int[] Levels(string text)
    {
        var levels = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) || v < 0 || v > 50_000)
                throw new ArgumentException($"--span-levels takes span counts from 0 to 50,000 separated by commas, not '{text}'.");
            if (levels.Count > 0 && v < levels[^1]) throw new ArgumentException($"--span-levels must not go down: '{text}'.");
            levels.Add(v);
        }
        return levels.Count > 0 ? [.. levels] : throw new ArgumentException("--span-levels needs at least one span count.");
    }

    private static Dictionary<string, string> WithVariable(IReadOnlyDictionary<string, string> current, string assignment)
    {
        var equals = assignment.IndexOf('=');
        if (equals <= 0) throw new ArgumentException($"--server-env takes KEY=VALUE, not '{assignment}'.");
        return new Dictionary<string, string>(current) { [assignment[..equals]] = assignment[(equals + 1)..] };
    }

    private static Uri ParseTarget(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? uri
            : throw new ArgumentException($"--target must be an http(s) address, not '{text}'.");
}
