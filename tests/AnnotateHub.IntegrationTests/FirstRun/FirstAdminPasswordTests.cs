using System.Net;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AnnotateHub.IntegrationTests.FirstRun;

/// <summary>
/// The first admin's password (issue 20, decision 0085): a weak <c>Seed__AdminPassword</c> stops the real process with a
/// paragraph on stderr and exit code 1; a first admin who must set a new password is kept to that page (the browser half is
/// Browser/FirstSignInTests).
/// </summary>
public sealed class FirstAdminPasswordTests
{
    [Theory]
    [InlineData("Password123!", "common word")]
    [InlineData("Ab1!xyz", "at least 10 characters")]
    [InlineData("Aaaa-1111aaaa", "different characters")]
    public async Task A_weak_seed_password_stops_the_start_with_one_paragraph_on_stderr_and_exit_code_1(string password, string reason)
    {
        var folder = Directory.CreateTempSubdirectory("annotatehub-weak-").FullName;
        try
        {
            var database = Path.Combine(folder, "weak.db");
            using var app = AppProcess.Start(database, new Dictionary<string, string> { ["Seed__AdminPassword"] = password });

            var code = await app.WaitForExitAsync(TimeSpan.FromSeconds(60));

            Assert.True(code == 1, $"exit code {code}\n{app.Output}");
            var error = app.ErrorOutput.Trim();
            Assert.StartsWith("AnnotateHub did not start: the first admin's password in Seed:AdminPassword", error, StringComparison.Ordinal);
            Assert.Contains(reason, error, StringComparison.Ordinal);
            Assert.Contains("leave Seed__AdminPassword unset", error, StringComparison.Ordinal);
            // One paragraph, not a stack trace or a log record; the password itself is never echoed.
            Assert.DoesNotContain('\n', error);
            Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", error, StringComparison.Ordinal);
            Assert.DoesNotContain(password, error, StringComparison.Ordinal);
            Assert.False(File.Exists(database), "the refused start created the database");
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Until_the_first_admin_sets_a_password_pages_go_to_the_new_password_page_and_api_and_hubs_answer_403()
    {
        var server = new AppServer(new Dictionary<string, string?> { ["Seed:AdminMustChangePassword"] = "true" });
        await server.InitializeAsync();
        try
        {
            await PagesApiAndHubsRefuseAsync(server);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    private static async Task PagesApiAndHubsRefuseAsync(AppServer server)
    {
        var cookie = await server.SignInCookieAsync(AppServer.AdminUserName, AppServer.AdminPassword);
        using var http = server.CreateHttpClient(allowAutoRedirect: false);

        async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path)
        {
            using var request = new HttpRequestMessage(method, path);
            request.Headers.Add("Cookie", cookie);
            request.Headers.Add("Origin", server.Origin);
            return await http.SendAsync(request);
        }

        using (var home = await SendAsync(HttpMethod.Get, "/projects/1?tab=team"))
        {
            Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
            Assert.Equal("/Account/NewPassword?ReturnUrl=%2Fprojects%2F1%3Ftab%3Dteam", home.Headers.Location?.OriginalString);
        }
        using (var page = await SendAsync(HttpMethod.Get, "/Account/NewPassword"))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Contains("Set a new password", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var api = await SendAsync(HttpMethod.Get, "/api/me"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
            Assert.Contains("Set a new password first", await api.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var hub = await SendAsync(HttpMethod.Post, "/hubs/annotations/negotiate?negotiateVersion=1"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, hub.StatusCode);
        }
        using (var circuit = await SendAsync(HttpMethod.Post, "/_blazor/negotiate?negotiateVersion=1"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, circuit.StatusCode);
        }
    }

    [Fact]
    public async Task A_seed_password_must_be_changed_outside_Development_and_not_in_Development()
    {
        await using var production = new ProductionApp { AdminMustChangePassword = null };
        using (production.CreateHttpsClient())
        {
            using var scope = production.Services.CreateScope();
            await using var db = scope.ServiceProvider.GetRequiredService<IDbContextFactory<AnnotateHubDbContext>>().CreateDbContext();
            Assert.True(await db.Users.Where(u => u.UserName == AppServer.AdminUserName).Select(u => u.MustChangePassword).SingleAsync());
        }

        var development = new AppServer();
        await development.InitializeAsync();
        try
        {
            await using var devDb = development.CreateDbContext();
            Assert.False(await devDb.Users.Where(u => u.UserName == AppServer.AdminUserName).Select(u => u.MustChangePassword).SingleAsync());
        }
        finally
        {
            await development.DisposeAsync();
        }
    }
}
