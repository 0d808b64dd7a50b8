using AnnotateHub.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace AnnotateHub.IntegrationTests.Infrastructure;

/// <summary>
/// The app in the Production environment on the in-memory test server, reached as https://annotatehub.test: what a
/// deployment behind TLS sees (HSTS, Secure cookies). <see cref="AppServer"/> is Development on plain http.
/// </summary>
public sealed class ProductionApp : WebApplicationFactory<Program>
{
    public static readonly Uri HttpsAddress = new("https://annotatehub.test");

    /// <summary><c>Seed:AdminMustChangePassword</c>: false (the suites sign in with <see cref="AppServer.AdminPassword"/>);
    /// null leaves Production's default, a first admin who must set a new password at the first sign-in.</summary>
    public string? AdminMustChangePassword { get; init; } = "false";

    private readonly string _folder = Directory.CreateTempSubdirectory("annotatehub-prod-").FullName;

    public HttpClient CreateHttpsClient() => CreateClient(new WebApplicationFactoryClientOptions
    {
        BaseAddress = HttpsAddress, AllowAutoRedirect = false, HandleCookies = false,
    });

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting($"ConnectionStrings:{DataServiceExtensions.ConnectionStringName}", $"Data Source={Path.Combine(_folder, "prod.db")}");
        builder.UseSetting("Seed:AdminPassword", AppServer.AdminPassword);
        if (AdminMustChangePassword is not null) builder.UseSetting("Seed:AdminMustChangePassword", AdminMustChangePassword);
        builder.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Warning));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_folder, recursive: true); }
        catch (IOException) { /* a leftover temp folder is harmless */ }
    }
}
