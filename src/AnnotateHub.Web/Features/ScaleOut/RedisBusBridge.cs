using System.Text.Json;
using System.Threading.Channels;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Curation;
using AnnotateHub.Web.Features.Suggestions;
using AnnotateHub.Web.Realtime;
using StackExchange.Redis;

namespace AnnotateHub.Web.Features.ScaleOut;

/// <summary>The <c>Redis</c> section: with <see cref="Connection"/> set, several app instances share live events.</summary>
public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>A StackExchange.Redis configuration string, e.g. "127.0.0.1:6379"; empty (the default): one instance.</summary>
    public string? Connection { get; set; }

    /// <summary>Prefix of every channel, so two deployments can share one Redis.</summary>
    public string ChannelPrefix { get; set; } = "annotatehub";
}

/// <summary>
/// The bus between app instances (decision 0068): the events this instance's writers publish that other instances' pages
/// need (committed span changes, suggestion decisions, curation changes, who is on a document here) and the hub relay's
/// progress (<see cref="ChangesRelayedEvent"/>, decision 0070) go to one Redis channel, in the order published,
/// and each instance delivers the others' to its own subscribers (<see cref="EventBus.PublishRemote{T}"/>). Rights, teams
/// and label sets are not sent: they travel through the database's access-change rows (decision 0061). A message lost
/// while Redis is away is not lost to users: pages number changes and read the change log on a gap, and when the connection
/// is back every page is asked to catch up (<see cref="CatchUpRequestedEvent"/>).
/// </summary>
public sealed class RedisBusBridge(IConnectionMultiplexer redis, EventBus bus, PresenceTracker presence, Microsoft.Extensions.Options.IOptions<RedisOptions> options,
    ILogger<RedisBusBridge> logger)
    : IHostedService, IDisposable
{
    private const string Changes = "changes", Relayed = "relayed", Suggestions = "suggestions", Curation = "curation", Presence = "presence";
    private static readonly TimeSpan PresenceRefresh = PresenceTracker.RemoteLifetime / 3;

    private readonly string _instance = Guid.NewGuid().ToString("N");
    private readonly Channel<string> _outbound = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
    private readonly List<IDisposable> _subscriptions = [];
    private RedisChannel _channel;
    private ChannelMessageQueue? _inbound;
    private Task? _writer;
    private Timer? _presenceTimer;

    /// <summary>This instance's viewers of one document, as the others keep them.</summary>
    private sealed record PresenceNews(int DocumentId, IReadOnlyList<Viewer> Viewers);

    private sealed record Envelope(string Origin, string Type, JsonElement Events);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _channel = RedisChannel.Literal(options.Value.ChannelPrefix + ":bus");
        lock (_subscriptions)
        {
            _subscriptions.Add(bus.SubscribeAll<DocumentChangeEvent>(events => Send(Changes, events)));
            _subscriptions.Add(bus.SubscribeAll<ChangesRelayedEvent>(events => Send(Relayed, events)));
            _subscriptions.Add(bus.SubscribeAll<SuggestionsDecidedEvent>(events => Send(Suggestions, events)));
            _subscriptions.Add(bus.SubscribeAll<CurationChangedEvent>(events => Send(Curation, events)));
            // Who is here on this instance (not the merged list the event carries), on every change and every few seconds.
            _subscriptions.Add(bus.SubscribeAll<PresenceChangedEvent>(events =>
                Send(Presence, events.Select(e => new PresenceNews(e.DocumentId, presence.LocalViewersOf(e.DocumentId))).ToList())));
        }
        _presenceTimer = new Timer(_ => RefreshPresence(), null, PresenceRefresh, PresenceRefresh);
        _inbound = await redis.GetSubscriber().SubscribeAsync(_channel);
        _inbound.OnMessage(message => Receive(message.Message));
        redis.ConnectionRestored += OnRestored;
        _writer = Task.Run(WriteAsync, CancellationToken.None);
        bus.Bridged = true;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        try
        {
            if (_inbound is not null) await _inbound.UnsubscribeAsync();
        }
        catch (ObjectDisposedException)
        {
            // The connection went first (the host's services are disposed in no order we choose): its subscriptions with it.
        }
        if (_writer is not null) await _writer.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public void Dispose()
    {
        IDisposable[] subscriptions;
        lock (_subscriptions)
        {
            subscriptions = [.. _subscriptions];
            _subscriptions.Clear();
        }
        foreach (var subscription in subscriptions) subscription.Dispose();
        redis.ConnectionRestored -= OnRestored;
        _presenceTimer?.Dispose();
        _outbound.Writer.TryComplete();
    }

    private void RefreshPresence()
    {
        try
        {
            var news = presence.LocallyViewedDocuments().Select(d => new PresenceNews(d, presence.LocalViewersOf(d))).ToList();
            if (news.Count > 0) _outbound.Writer.TryWrite(JsonSerializer.Serialize(new { Origin = _instance, Type = Presence, Events = news }));
            presence.PruneRemote();
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Refreshing presence for the other instances failed");
        }
    }

    // On the publisher's thread, so in the order published; sent by one writer, so in that order on the channel.
    private Task Send<T>(string type, IReadOnlyList<T> events)
    {
        if (EventBus.DeliveringRemote) return Task.CompletedTask; // another instance's, arriving here
        _outbound.Writer.TryWrite(JsonSerializer.Serialize(new { Origin = _instance, Type = type, Events = events }));
        return Task.CompletedTask;
    }

    private async Task WriteAsync()
    {
        await foreach (var message in _outbound.Reader.ReadAllAsync())
        {
            try
            {
                await redis.GetSubscriber().PublishAsync(_channel, message);
            }
            catch (Exception ex)
            {
                // The other instances' pages see the gap in the sequence (or the catch-up when Redis is back) and read the log.
                logger.LogWarning(ex, "Sending an event to the other instances through Redis failed");
            }
        }
    }

    private void Receive(RedisValue message)
    {
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(message.ToString());
            if (envelope is null || envelope.Origin == _instance) return;
            switch (envelope.Type)
            {
                case Changes:
                    bus.PublishRemote(envelope.Events.Deserialize<List<DocumentChangeEvent>>()!);
                    break;
                case Relayed:
                    bus.PublishRemote(envelope.Events.Deserialize<List<ChangesRelayedEvent>>()!);
                    break;
                case Suggestions:
                    bus.PublishRemote(envelope.Events.Deserialize<List<SuggestionsDecidedEvent>>()!);
                    break;
                case Curation:
                    bus.PublishRemote(envelope.Events.Deserialize<List<CurationChangedEvent>>()!);
                    break;
                case Presence:
                    foreach (var news in envelope.Events.Deserialize<List<PresenceNews>>()!) presence.SetRemote(envelope.Origin, news.DocumentId, news.Viewers);
                    break;
            }
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "An event from another instance could not be read");
        }
    }

    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        logger.LogInformation("The Redis connection is back ({Type}): open pages read the change log for what they missed", e.ConnectionType);
        bus.PublishRemote<CatchUpRequestedEvent>([new CatchUpRequestedEvent()]);
    }
}

/// <summary>Readiness with Redis configured: Redis answers a ping.</summary>
public sealed class RedisHealthCheck(IConnectionMultiplexer redis) : Microsoft.Extensions.Diagnostics.HealthChecks.IHealthCheck
{
    public async Task<Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult> CheckHealthAsync(
        Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Healthy();
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Microsoft.Extensions.Diagnostics.HealthChecks.HealthCheckResult.Unhealthy("Redis did not answer a ping.", e);
        }
    }
}
