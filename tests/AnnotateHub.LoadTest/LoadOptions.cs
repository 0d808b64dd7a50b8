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

    public int WarmupCreates => checked(Rate * WarmupSeconds);
    public int MeasuredCreates => checked(Rate * Seconds);
    public int TotalCreates => checked(WarmupCreates + MeasuredCreates);

    public static LoadOptions Parse(IReadOnlyList<string> args)
    {
        var o = new LoadOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var name = args[i];
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
                "--help" or "-h" => o with { Help = true },
                _ => throw new ArgumentException($"Unknown argument '{name}'."),
            };
        }
        if (o.Help) return o;
        if ((long)o.Rate * (o.Seconds + o.WarmupSeconds) > 10_000_000)
            throw new ArgumentException("--rate times (--seconds + --warmup) must stay at or below 10,000,000 creates.");
        if (o.Target is not null && o.ServerEnvironment.Count > 0)
            throw new ArgumentException("--server-env applies to a server the tool starts, not to --target.");
        if (o.Target is not null && o.Token is null && (o.User is null || o.Password is null))
            throw new ArgumentException("--target needs --user and --password, or --token.");
        return o;
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
