using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Web.Security;

/// <summary>The <c>RateLimits:SignIn</c> section of the configuration (docs/decisions/0048).</summary>
public sealed class SignInLimitOptions
{
    public const string Section = "RateLimits:SignIn";

    /// <summary>Sign-in attempts per client address, whatever the names.</summary>
    public WindowLimit PerAddress { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };

    /// <summary>Sign-in attempts per account name (normalized as Identity does), whatever the addresses.</summary>
    public WindowLimit PerAccount { get; set; } = new() { PermitLimit = 10, WindowSeconds = 60 };

    /// <summary>Wrong passwords for one account from one address before that pair has to wait.</summary>
    public int PairFailuresBeforeDelay { get; set; } = 5;

    /// <summary>Wrong passwords from one address, all names together, before that address has to wait.</summary>
    public int AddressFailuresBeforeDelay { get; set; } = 20;

    /// <summary>The first wait; each further failure doubles it, up to <see cref="MaxDelaySeconds"/>.</summary>
    public int FirstDelaySeconds { get; set; } = 15;

    public int MaxDelaySeconds { get; set; } = 900;

    /// <summary>A pair or address with no wrong password for this long starts again from nothing.</summary>
    public int ForgetAfterSeconds { get; set; } = 3600;
}

/// <summary>Why a sign-in attempt was refused before its password was checked.</summary>
public enum SignInRefusal { None, Address, Account, PairDelay, AddressDelay }

/// <summary>The throttle's answer: allowed, or refused with how long to wait.</summary>
public readonly record struct SignInDecision(SignInRefusal Refusal, int RetryAfterSeconds)
{
    public bool Allowed => Refusal == SignInRefusal.None;

    /// <summary>One line for the sign-in page; it says nothing about whether the name exists.</summary>
    public string Message => Refusal switch
    {
        SignInRefusal.Address => $"Too many sign-in attempts from your address. Wait {Wait}, then try again.",
        SignInRefusal.Account => $"Too many sign-in attempts for this user name. Wait {Wait}, then try again.",
        SignInRefusal.PairDelay => $"Too many wrong passwords for this user name from your address. Wait {Wait}, then try again.",
        SignInRefusal.AddressDelay => $"Too many wrong passwords from your address. Wait {Wait}, then try again.",
        _ => "",
    };

    // Seconds up to a minute and a half, then whole minutes rounded up (Retry-After always has the seconds).
    private string Wait => RetryAfterSeconds <= 90
        ? (RetryAfterSeconds == 1 ? "1 second" : $"{RetryAfterSeconds} seconds")
        : $"{(RetryAfterSeconds + 59) / 60} minutes";
}

/// <summary>
/// Limits on sign-in attempts (docs/decisions/0048), in memory per process: a window per client address and one per
/// account, and a wait after repeated wrong passwords that doubles per (account, address) pair and per address.
/// Failures never lock the account itself, so a stranger's guesses cannot keep its owner out from elsewhere.
/// </summary>
public sealed class SignInThrottle : IDisposable
{
    // Above this many tracked pairs and addresses, forgotten and unblocked entries are dropped, then new ones untracked
    // (the windows still hold): a flood of made-up names cannot grow memory without bound.
    private const int MaxTracked = 100_000;

    private readonly SignInLimitOptions _options;
    private readonly TimeProvider _time;
    private readonly PartitionedRateLimiter<string> _perAddress;
    private readonly PartitionedRateLimiter<string> _perAccount;
    private readonly ConcurrentDictionary<string, FailureRecord> _failures = new(StringComparer.Ordinal);
    private int _failuresSinceSweep;

    public SignInThrottle(IOptions<SignInLimitOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
        _perAddress = PartitionedRateLimiter.Create<string, string>(a => RateLimitPartition.GetFixedWindowLimiter(a, _ => Window(_options.PerAddress)));
        _perAccount = PartitionedRateLimiter.Create<string, string>(a => RateLimitPartition.GetFixedWindowLimiter(a, _ => Window(_options.PerAccount)));
    }

    /// <summary>
    /// Asks to check a password for <paramref name="account"/> (normalized) from <paramref name="address"/>
    /// (<see cref="AddressKey(System.Net.IPAddress?)"/>). A wait refuses without spending either window, so a stranger held back by the wait
    /// does not use up the account's window for its owner.
    /// </summary>
    public SignInDecision TryBegin(string address, string account)
    {
        var now = _time.GetUtcNow();
        if (WaitLeft(PairKey(account, address), now) is { } pairWait) return new(SignInRefusal.PairDelay, pairWait);
        if (WaitLeft(AddressKey(address), now) is { } addressWait) return new(SignInRefusal.AddressDelay, addressWait);
        if (Acquire(_perAddress, address, _options.PerAddress) is { } addressRetry) return new(SignInRefusal.Address, addressRetry);
        if (Acquire(_perAccount, account, _options.PerAccount) is { } accountRetry) return new(SignInRefusal.Account, accountRetry);
        return default;
    }

    /// <summary>Spends one of the address's attempts on a post refused before sign-in (an ambiguous form).</summary>
    public SignInDecision CountRefusedPost(string address) =>
        Acquire(_perAddress, address, _options.PerAddress) is { } retry ? new(SignInRefusal.Address, retry) : default;

    /// <summary>A wrong password (or an unknown name): the pair's and the address's waits grow.</summary>
    public void RecordFailure(string address, string account)
    {
        var now = _time.GetUtcNow();
        Fail(PairKey(account, address), _options.PairFailuresBeforeDelay, now);
        Fail(AddressKey(address), _options.AddressFailuresBeforeDelay, now);
        if (Interlocked.Increment(ref _failuresSinceSweep) >= 1024 || _failures.Count > MaxTracked) Sweep(now);
    }

    /// <summary>The right password: the pair starts again. The address keeps its count, or one good account would clear
    /// the way for spraying others.</summary>
    public void RecordSuccess(string address, string account) => _failures.TryRemove(PairKey(account, address), out _);

    /// <summary>
    /// The address a limit is kept for: the TCP peer, or the client a configured proxy names (<see cref="ClientAddressOptions"/>).
    /// IPv4-mapped addresses count as IPv4; IPv6 counts by its /64, which one household or machine usually holds whole.
    /// </summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public void Dispose()
    {
        _perAddress.Dispose();
        _perAccount.Dispose();
    }

    private static string PairKey(string account, string address) => "pair\n" + account + "\n" + address;

    private static string AddressKey(string address) => "address\n" + address;

    private static FixedWindowRateLimiterOptions Window(WindowLimit limit) => new()
    {
        PermitLimit = Math.Max(1, limit.PermitLimit),
        Window = TimeSpan.FromSeconds(Math.Max(1, limit.WindowSeconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    /// <summary>Null when a permit was granted, else the seconds until the window ends.</summary>
    private static int? Acquire(PartitionedRateLimiter<string> limiter, string key, WindowLimit limit)
    {
        // A fixed window's permits are spent, not returned, so the lease is disposed at once.
        using var lease = limiter.AttemptAcquire(key);
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds))
            : Math.Max(1, limit.WindowSeconds);
    }

    private int? WaitLeft(string key, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var record)) return null;
        lock (record)
        {
            var left = record.BlockedUntil - now;
            return left > TimeSpan.Zero ? Math.Max(1, (int)Math.Ceiling(left.TotalSeconds)) : null;
        }
    }

    private void Fail(string key, int failuresBeforeDelay, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var record))
        {
            if (_failures.Count >= MaxTracked) return;
            record = _failures.GetOrAdd(key, _ => new FailureRecord());
        }
        lock (record)
        {
            if (now - record.LastFailure > TimeSpan.FromSeconds(_options.ForgetAfterSeconds) && record.BlockedUntil <= now) record.Count = 0;
            record.Count++;
            record.LastFailure = now;
            var beyond = record.Count - Math.Max(1, failuresBeforeDelay);
            if (beyond < 0) return;
            // 15 s, 30 s, 1 min, ... capped; the shift is capped too so it cannot overflow.
            var seconds = Math.Min((double)_options.MaxDelaySeconds, _options.FirstDelaySeconds * Math.Pow(2, Math.Min(beyond, 30)));
            record.BlockedUntil = now + TimeSpan.FromSeconds(seconds);
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        Interlocked.Exchange(ref _failuresSinceSweep, 0);
        var forgetAfter = TimeSpan.FromSeconds(_options.ForgetAfterSeconds);
        foreach (var (key, record) in _failures)
        {
            bool forgotten;
            lock (record) forgotten = record.BlockedUntil <= now && (now - record.LastFailure > forgetAfter || _failures.Count > MaxTracked);
            if (forgotten) _failures.TryRemove(key, out _);
        }
    }

    private sealed class FailureRecord
    {
        public int Count;
        public DateTimeOffset LastFailure;
        public DateTimeOffset BlockedUntil;
    }
}
