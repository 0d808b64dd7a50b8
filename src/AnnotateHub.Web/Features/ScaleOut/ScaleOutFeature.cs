using AnnotateHub.Web.Features.Operations;
using AnnotateHub.Web.Features.Annotations;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using StackExchange.Redis;

namespace AnnotateHub.Web.Features.ScaleOut;

public static class ScaleOutFeature
{
    /// <summary>With <c>Redis:Connection</c> set: the SignalR Redis backplane for both hubs, the bus between instances
    /// (<see cref="RedisBusBridge"/>) and Redis in readiness. Without it, nothing: one instance, as before.</summary>
    public static IHostApplicationBuilder AddScaleOut(this IHostApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(RedisOptions.Section);
        builder.Services.Configure<RedisOptions>(section);
        var settings = section.Get<RedisOptions>() ?? new RedisOptions();
        if (string.IsNullOrWhiteSpace(settings.Connection)) return builder;

        var configuration = ConfigurationOptions.Parse(settings.Connection);
        // Start even while Redis is away, and keep trying: readiness says so meanwhile, pages catch up when it is back.
        configuration.AbortOnConnectFail = false;
        configuration.ClientName ??= "annotatehub";
        var multiplexer = new Lazy<IConnectionMultiplexer>(() => ConnectionMultiplexer.Connect(configuration));
        builder.Services.AddSingleton(_ => multiplexer.Value);
        // The backplane for the two program hubs only: Blazor's own circuit hub stays on this instance (a circuit lives on
        // one server, behind sticky sessions), so a page keeps working while Redis is away.
        builder.Services.Configure<Microsoft.AspNetCore.SignalR.StackExchangeRedis.RedisOptions>(o =>
        {
            o.Configuration = configuration.Clone();
            o.Configuration.ChannelPrefix = RedisChannel.Literal(settings.ChannelPrefix + ":signalr");
        });
        builder.Services.AddSingleton<HubLifetimeManager<AnnotationHub>, RedisHubLifetimeManager<AnnotationHub>>();
        builder.Services.AddSingleton<HubLifetimeManager<Curation.CurationHub>, RedisHubLifetimeManager<Curation.CurationHub>>();
        builder.Services.AddSingleton<RedisBusBridge>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisBusBridge>());
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: [Health.ReadyTag]);
        return builder;
    }
}
