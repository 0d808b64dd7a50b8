using System.Net;
using AnnotateHub.Web.Security;
using Microsoft.Extensions.Options;

namespace AnnotateHub.Tests.Web;

/// <summary>The waits after wrong passwords, on a hand-moved clock (the windows are ASP.NET's limiter, tested over HTTP).</summary>
public sealed class SignInThrottleTests
{
    private const string Stranger = "203.0.113.7";
    private const string Owner = "198.51.100.20";
    private const string Admin = "ADMIN";

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 12, 1, 8, 0, 0, TimeSpan.Zero));

    [Fact]
    public void After_the_free_failures_each_wrong_password_doubles_the_pairs_wait_up_to_the_cap()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 3, FirstDelaySeconds = 10, MaxDelaySeconds = 60 });
        var waits = new List<int>();

        for (var failure = 1; failure <= 7; failure++)
        {
            Assert.True(throttle.TryBegin(Stranger, Admin).Allowed, $"attempt {failure} should be allowed");
            throttle.RecordFailure(Stranger, Admin);
            var refused = throttle.TryBegin(Stranger, Admin);
            waits.Add(refused.Allowed ? 0 : refused.RetryAfterSeconds);
            if (!refused.Allowed) Assert.Equal(SignInRefusal.PairDelay, refused.Refusal);
            _clock.Advance(TimeSpan.FromSeconds(waits[^1]));
        }

        Assert.Equal([0, 0, 10, 20, 40, 60, 60], waits);
    }

    [Fact]
    public void A_strangers_wait_for_an_account_does_not_hold_back_its_owner_from_another_address()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 5 });
        for (var i = 0; i < 5; i++) throttle.RecordFailure(Stranger, Admin);

        Assert.Equal(SignInRefusal.PairDelay, throttle.TryBegin(Stranger, Admin).Refusal);
        Assert.True(throttle.TryBegin(Owner, Admin).Allowed);
    }

    [Fact]
    public void Wrong_passwords_for_many_names_from_one_address_make_the_address_wait()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 100, AddressFailuresBeforeDelay = 4, FirstDelaySeconds = 30 });
        for (var i = 0; i < 4; i++) throttle.RecordFailure(Stranger, "NAME-" + i);

        var refused = throttle.TryBegin(Stranger, "NAME-NEW");

        Assert.Equal(new SignInDecision(SignInRefusal.AddressDelay, 30), refused);
        Assert.True(throttle.TryBegin(Owner, "NAME-NEW").Allowed);
    }

    [Fact]
    public void The_right_password_clears_the_pair_but_not_the_address()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 3, AddressFailuresBeforeDelay = 5 });
        throttle.RecordFailure(Stranger, Admin);
        throttle.RecordFailure(Stranger, Admin);
        throttle.RecordSuccess(Stranger, Admin);
        throttle.RecordFailure(Stranger, Admin);
        throttle.RecordFailure(Stranger, Admin);

        Assert.True(throttle.TryBegin(Stranger, Admin).Allowed);
        throttle.RecordFailure(Stranger, "OTHER");
        Assert.Equal(SignInRefusal.AddressDelay, throttle.TryBegin(Stranger, "THIRD").Refusal);
    }

    [Fact]
    public void Failures_are_forgotten_after_a_quiet_spell()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 3, FirstDelaySeconds = 10, ForgetAfterSeconds = 600 });
        throttle.RecordFailure(Stranger, Admin);
        throttle.RecordFailure(Stranger, Admin);
        _clock.Advance(TimeSpan.FromSeconds(601));
        throttle.RecordFailure(Stranger, Admin);

        Assert.True(throttle.TryBegin(Stranger, Admin).Allowed);
    }

    [Fact]
    public void A_wait_refuses_without_spending_the_accounts_window()
    {
        using var throttle = Throttle(new() { PairFailuresBeforeDelay = 1, PerAccount = new() { PermitLimit = 2, WindowSeconds = 3600 } });
        Assert.True(throttle.TryBegin(Stranger, Admin).Allowed);
        throttle.RecordFailure(Stranger, Admin);
        for (var i = 0; i < 10; i++) Assert.Equal(SignInRefusal.PairDelay, throttle.TryBegin(Stranger, Admin).Refusal);

        Assert.True(throttle.TryBegin(Owner, Admin).Allowed);
        Assert.Equal(SignInRefusal.Account, throttle.TryBegin(Owner, Admin).Refusal);
    }

    [Theory]
    [InlineData(1, "Wait 1 second")]
    [InlineData(90, "Wait 90 seconds")]
    [InlineData(91, "Wait 2 minutes")]
    [InlineData(900, "Wait 15 minutes")]
    public void The_message_gives_the_wait_in_seconds_then_in_whole_minutes(int seconds, string wait)
    {
        Assert.Equal($"Too many sign-in attempts from your address. {wait}, then try again.", new SignInDecision(SignInRefusal.Address, seconds).Message);
    }

    [Theory]
    [InlineData("192.0.2.1", "192.0.2.1")]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2:ffff::1", "2001:db8:1:2::/64")]
    public void Addresses_are_counted_as_IPv4_or_by_their_IPv6_64(string address, string key)
    {
        Assert.Equal(key, SignInThrottle.AddressKey(IPAddress.Parse(address)));
    }

    private SignInThrottle Throttle(SignInLimitOptions options) => new(Options.Create(options), _clock);

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
    }
}
