using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.CommandLine;
using AnnotateHub.Web.Components;
using AnnotateHub.Web.Components.Account;
using AnnotateHub.Web.Data;
using AnnotateHub.Web.Features;
using AnnotateHub.Web.Features.Operations;
using AnnotateHub.Web.Features.Tokens;
using AnnotateHub.Web.Features.Users;
using AnnotateHub.Web.Realtime;
using AnnotateHub.Web.Security;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Identity;
using MudBlazor.Services;

// "users add NAME --role admin" and friends: run the command and exit, without starting the web server.
if (CommandLineHost.IsCommand(args)) return await CommandLineHost.RunAsync(args);

var builder = WebApplication.CreateBuilder(args);

// Keep-alives and timeouts of the circuit and the annotation hub: Realtime/ConnectionTimeouts.cs (decision 0028).
builder.Services.AddRazorComponents().AddInteractiveServerComponents().AddHubOptions(ConnectionTimeouts.ConfigureCircuit);
builder.Services.AddSignalR().AddHubOptions<AnnotationHub>(ConnectionTimeouts.ConfigureProgramHub);
builder.Services.AddMudServices(o => o.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomRight);

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
builder.Services.AddAuthentication(o =>
    {
        o.DefaultScheme = IdentityConstants.ApplicationScheme;
        o.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    .AddIdentityCookies();
builder.Services.ConfigureApplicationCookie(o =>
{
    o.LoginPath = "/Account/Login";
    o.Cookie.HttpOnly = true;
    o.Cookie.SameSite = SameSiteMode.Strict;
    o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
});
builder.Services.AddAuthorization();

builder.AddAnnotateHubData();
builder.AddAnnotateHubFeatures();
builder.AddApiTokens();
builder.AddUserAdministration();
builder.AddAnnotateHubSecurity();
builder.AddAnnotateHubHealth();

var app = builder.Build();

app.UseAnnotateHubSecurity(); // headers, HSTS, authentication, rate limits, authorization

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAntiforgery();
app.UseApiBodyLimit();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapHub<AnnotationHub>(AnnotationHub.Path);
app.MapApiTokenEndpoints();
app.MapAnnotateHubApi();
app.MapAnnotateHubHealth();

app.Run();
return 0;

/// <summary>Entry point, visible to WebApplicationFactory in the integration tests.</summary>
public partial class Program;
