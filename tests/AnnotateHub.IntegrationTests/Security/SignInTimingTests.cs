using System.Diagnostics;
using System.Globalization;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace AnnotateHub.IntegrationTests.Security;

/// <summary>
/// An unknown name costs a password hash check like a real one (decision 0048). Pinned by counting the hasher's checks;
/// the medians of both answers are printed, never asserted (STYLE.md: tests do not assert on wall-clock time).
/// </summary>
public sealed class SignInTimingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly CountingPasswordHasher _hasher = new();
    private AppServer _server = null!;

    public Task InitializeAsync()
    {
        _server = new AppServer(new Dictionary<string, string?>(), services => services.AddSingleton<IPasswordHasher<AppUser>>(_hasher));
        return _server.InitializeAsync();
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_wrong_password_for_an_unknown_name_checks_a_hash_just_as_one_for_a_real_name_does()
    {
        await _server.CreateUserAsync("real-name");
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        await SignInForm.PostAsync(client, "warm-up", "Wrong-password-1A!");

        var unknown = await ChecksDuringAsync(() => SignInForm.PostAsync(client, "no-such-name-" + Guid.NewGuid().ToString("N"), "Wrong-password-1A!"));
        var real = await ChecksDuringAsync(() => SignInForm.PostAsync(client, "real-name", "Wrong-password-1A!"));

        Assert.Equal((1, 1), (unknown, real));
    }

    [Fact]
    public async Task Prints_the_median_answer_times_of_unknown_and_real_names()
    {
        await _server.CreateUserAsync("real-name");
        using var client = SignInForm.CreateClient(_server.BaseAddress);
        await SignInForm.PostAsync(client, "warm-up", "Wrong-password-1A!");
        var unknown = new List<double>();
        var real = new List<double>();

        // Interleaved, 15 rounds: both see the same machine load.
        for (var round = 0; round < 15; round++)
        {
            unknown.Add(await MillisecondsAsync(client, "no-such-name-" + round));
            real.Add(await MillisecondsAsync(client, "real-name"));
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"wrong password, median of 15: unknown name {Median(unknown):F1} ms, real name {Median(real):F1} ms"));
        // The warm-up and all 30 posts checked a hash.
        Assert.Equal(31, _hasher.Checks);
    }

    private async Task<int> ChecksDuringAsync(Func<Task<HttpResponseMessage>> post)
    {
        var before = _hasher.Checks;
        using var response = await post();
        response.EnsureSuccessStatusCode();
        return _hasher.Checks - before;
    }

    /// <summary>The time of the POST alone (the form's GET is outside the stopwatch).</summary>
    private static async Task<double> MillisecondsAsync(HttpClient client, string userName)
    {
        var timer = new Stopwatch();
        using var response = await SignInForm.PostAsync(client, userName, "Wrong-password-1A!", beforePost: timer.Start);
        timer.Stop();
        response.EnsureSuccessStatusCode();
        return timer.Elapsed.TotalMilliseconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    /// <summary>Identity's hasher, counting the checks (not the hashing of the dummy, which happens once).</summary>
    private sealed class CountingPasswordHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _checks;

        public int Checks => Volatile.Read(ref _checks);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _checks);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
