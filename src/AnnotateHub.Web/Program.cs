using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Components;
using AnnotateHub.Web.Components.Account;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features;
using AnnotateHub.Web.Features.Api;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Security;

// "users add NAME --role admin" and friends: run the command and exit, without starting the web server.
if (CommandLineHost.IsCommand(args)) return await CommandLineHost.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);
builder.AddAnnotateHubComponents();     // Razor components, MudBlazor, circuit and hub timeouts
builder.AddAnnotateHubAuthentication(); // the Identity cookie, the pages' sign-in state
builder.AddAnnotateHubData();
builder.AddAnnotateHubFeatures();       // each feature's AddXxx, the hub, API tokens, the API's conventions
builder.AddAnnotateHubSecurity();

var app = builder.Build();

// A weak first-admin password in the configuration stops the start with the reason, before the database is touched.
if (await FirstAdminSeeder.SeedPasswordRefusalAsync(app.Services) is { } refusal)
{
    Console.Error.WriteLine(refusal);
    return 1;
}

app.UseAnnotateHubSecurity(); // headers, HSTS, authentication, rate limits, authorization
app.UseNewPasswordGate();     // the first admin sets their own password before anything else (decision 0085)
if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/Error", createScopeForErrors: true);
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();
app.UseApiBodyLimit();

app.MapStaticAssets();
// WebSocket compression of circuits is off unless Circuits:WebSocketCompression is true (decision 0076): per-message
// deflate keeps a zlib state per connection in native memory and compresses every render batch.
var compressCircuits = app.Configuration.GetValue<bool>("Circuits:WebSocketCompression");
app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.DisableWebSocketCompression = !compressCircuits);
app.MapAdditionalIdentityEndpoints();
app.MapAnnotateHubFeatures(); // the hub, then /api (GET /api/me first, each feature's MapXxxEndpoints), then /health

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
