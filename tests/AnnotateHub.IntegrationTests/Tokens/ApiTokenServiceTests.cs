using System.Security.Cryptography;
using System.Text;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features.Tokens;
using Microsoft.EntityFrameworkCore;

namespace AnnotateHub.IntegrationTests.Tokens;

/// <summary>ApiTokenService against the real app's SQLite file, with users made through Identity.</summary>
public sealed class ApiTokenServiceTests(AppServer server) : IClassFixture<AppServer>, IAsyncLifetime
{
    private ApiTokenService Tokens => server.Get<ApiTokenService>();

    private string _alice = "";
    private string _bob = "";

    public async Task InitializeAsync()
    {
        _alice = await server.CreateUserAsync("alice-" + Guid.NewGuid().ToString("N")[..8]);
        _bob = await server.CreateUserAsync("bob-" + Guid.NewGuid().ToString("N")[..8]);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Created_token_validates_to_its_owner()
    {
        var created = await Tokens.CreateAsync(_alice, "  nightly import  ");

        Assert.Matches("^ah_[A-Za-z0-9_-]{43}$", created.Plaintext);
        Assert.Equal(created.Plaintext[..8], created.Token.Prefix);
        Assert.Equal(("nightly import", ApiTokenStatus.Active), (created.Token.Name, created.Token.Status));
        Assert.Equal(_alice, await Tokens.ValidateAsync(created.Plaintext));
    }

    [Fact]
    public async Task Stored_row_holds_the_sha256_of_the_token_and_never_the_token()
    {
        var created = await Tokens.CreateAsync(_alice, "hash check");

        await using var db = server.CreateDbContext();
        var row = await db.ApiTokens.SingleAsync(t => t.Id == created.Token.Id);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Plaintext)));
        Assert.Equal(expected, row.Hash);
        Assert.NotEqual(created.Plaintext, row.Hash);
        Assert.DoesNotContain(created.Plaintext[8..], row.Hash + row.Prefix + row.Name, StringComparison.Ordinal);
        Assert.Equal(created.Plaintext[..8], row.Prefix);
    }

    [Fact]
    public async Task Two_tokens_are_different()
    {
        var first = await Tokens.CreateAsync(_alice, "one");
        var second = await Tokens.CreateAsync(_alice, "two");

        Assert.NotEqual(first.Plaintext, second.Plaintext);
        Assert.Equal(_alice, await Tokens.ValidateAsync(second.Plaintext));
    }

    [Fact]
    public async Task Revoked_token_no_longer_validates()
    {
        var created = await Tokens.CreateAsync(_alice, "to revoke");

        Assert.True(await Tokens.RevokeAsync(_alice, created.Token.Id));

        Assert.Null(await Tokens.ValidateAsync(created.Plaintext));
        var listed = (await Tokens.ListAsync(_alice)).Single(t => t.Id == created.Token.Id);
        Assert.Equal(ApiTokenStatus.Revoked, listed.Status);
        Assert.NotNull(listed.RevokedAt);
        Assert.False(await Tokens.RevokeAsync(_alice, created.Token.Id));
    }

    [Fact]
    public async Task Another_users_token_cannot_be_revoked()
    {
        var alices = await Tokens.CreateAsync(_alice, "alice's script");

        Assert.False(await Tokens.RevokeAsync(_bob, alices.Token.Id));

        Assert.Equal(_alice, await Tokens.ValidateAsync(alices.Plaintext));
        Assert.Equal(ApiTokenStatus.Active, (await Tokens.ListAsync(_alice)).Single(t => t.Id == alices.Token.Id).Status);
    }

    [Fact]
    public async Task List_shows_only_the_users_own_tokens_newest_first()
    {
        var carol = await server.CreateUserAsync("carol-" + Guid.NewGuid().ToString("N")[..8]);
        var older = await Tokens.CreateAsync(carol, "older");
        var newer = await Tokens.CreateAsync(carol, "newer");
        await Tokens.CreateAsync(_bob, "bob's");

        var listed = await Tokens.ListAsync(carol);

        Assert.Equal([newer.Token.Id, older.Token.Id], listed.Select(t => t.Id));
        Assert.Equal([newer.Plaintext[..8], older.Plaintext[..8]], listed.Select(t => t.Prefix));
    }

    [Fact]
    public async Task Expired_token_does_not_validate()
    {
        var created = await Tokens.CreateAsync(_alice, "short-lived", DateTime.UtcNow.AddDays(1));
        Assert.Equal(_alice, await Tokens.ValidateAsync(created.Plaintext));

        await using (var db = server.CreateDbContext())
        {
            await db.ApiTokens.Where(t => t.Id == created.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
        }

        Assert.Null(await Tokens.ValidateAsync(created.Plaintext));
        Assert.Equal(ApiTokenStatus.Expired, (await Tokens.ListAsync(_alice)).Single(t => t.Id == created.Token.Id).Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ah_")]
    [InlineData("not-a-token")]
    [InlineData("ah_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // well-formed, never issued
    [InlineData("ah_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")] // wrong alphabet
    public async Task Anything_but_an_issued_token_does_not_validate(string? presented)
    {
        Assert.Null(await Tokens.ValidateAsync(presented));
    }

    [Fact]
    public async Task Token_of_a_deleted_user_goes_with_the_user()
    {
        var dave = await server.CreateUserAsync("dave-" + Guid.NewGuid().ToString("N")[..8]);
        var created = await Tokens.CreateAsync(dave, "dave's");

        await using (var db = server.CreateDbContext())
        {
            db.Users.Remove(await db.Users.SingleAsync(u => u.Id == dave));
            await db.SaveChangesAsync();
        }

        Assert.Null(await Tokens.ValidateAsync(created.Plaintext));
        await using var check = server.CreateDbContext();
        Assert.False(await check.ApiTokens.AnyAsync(t => t.Id == created.Token.Id));
    }

    [Fact]
    public async Task Last_use_is_recorded_at_most_once_a_minute()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 24, 10, 0, 0, TimeSpan.Zero));
        var tokens = new ApiTokenService(server.Get<IDbContextFactory<AnnotateHubDbContext>>(), clock, server.Get<AccessChangeLog>(), server.Get<AnnotateHub.Web.Realtime.EventBus>());
        var created = await tokens.CreateAsync(_alice, "clocked");
        Assert.Null(await LastUsedAsync(created.Token.Id));

        clock.Advance(TimeSpan.FromSeconds(5));
        await tokens.ValidateAsync(created.Plaintext);
        var first = clock.UtcNow;
        Assert.Equal(first, await LastUsedAsync(created.Token.Id));

        clock.Advance(TimeSpan.FromSeconds(59));
        await tokens.ValidateAsync(created.Plaintext);
        Assert.Equal(first, await LastUsedAsync(created.Token.Id));

        clock.Advance(TimeSpan.FromSeconds(1));
        await tokens.ValidateAsync(created.Plaintext);
        Assert.Equal(first.AddMinutes(1), await LastUsedAsync(created.Token.Id));
    }

    [Fact]
    public async Task Token_needs_a_name_of_at_most_100_characters()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Tokens.CreateAsync(_alice, "   "));
        await Assert.ThrowsAsync<ArgumentException>(() => Tokens.CreateAsync(_alice, new string('x', 101)));
        var longest = await Tokens.CreateAsync(_alice, new string('x', 100));
        Assert.Equal(100, longest.Token.Name.Length);
    }

    private async Task<DateTime?> LastUsedAsync(int id)
    {
        await using var db = server.CreateDbContext();
        return await db.ApiTokens.Where(t => t.Id == id).Select(t => t.LastUsedAt).SingleAsync();
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;
        public DateTime UtcNow => _now.UtcDateTime;
        public void Advance(TimeSpan by) => _now += by;
        public override DateTimeOffset GetUtcNow() => _now;
    }
}
