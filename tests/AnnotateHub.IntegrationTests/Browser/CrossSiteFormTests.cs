using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.Core.Projects;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Issue 14's forgery, in Chromium: a signed-in user opens a page on another 127.0.0.1 port whose form submits itself
/// to the app. The browser sends the SameSite=Strict cookie (same site), and the app refuses (decision 0045).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class CrossSiteFormTests(BrowserFixture fixture) : IAsyncLifetime
{
    private OtherSite _other = null!;

    private AppServer Server => fixture.Server;

    public async Task InitializeAsync() => _other = await OtherSite.StartAsync();

    public async Task DisposeAsync() => await _other.DisposeAsync();

    [Fact]
    public async Task A_form_on_another_port_cannot_import_into_a_supervisors_project()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Forged import " + suffix);
        var supervisor = "sup-" + suffix;
        await Server.AddMemberAsync(await Server.CreateUserAsync(supervisor), projectId, ProjectRole.Supervisor);
        var page = await fixture.SignedInPageAsync(supervisor, AppServer.AnnotatorPassword);
        var import = new Uri(Server.BaseAddress, $"/api/projects/{projectId}/import?name=forged.jsonl");
        // text/plain makes the body "NAME=VALUE": with this name and value, one valid JSONL document.
        var line = "{\"id\":\"forged-" + suffix + "\",\"text\":\"Forged text.\",\"meta\":{\"title\":\"Forged\"},\"pad\":\"";
        var pages = new[]
        {
            _other.ServeAutoSubmit("import-multipart", import, "multipart/form-data", ("file", line + "\"}")),
            _other.ServeAutoSubmit("import-plain", import, "text/plain", (line, "\"}")),
        };

        foreach (var attack in pages)
        {
            var status = await SubmitAsync(page, attack, import);
            // 403, not 401: the cookie did go along, and the cross-site check refused it.
            Assert.Equal(403, status);
            await Expect(page.Locator("body")).ToContainTextAsync("Cross-site request refused");
        }

        await using (var db = Server.CreateDbContext())
        {
            Assert.Equal(0, await db.Documents.CountAsync(d => d.ProjectId == projectId));
        }
        await AssertStillSignedInAsync(page, supervisor);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task A_form_on_another_port_cannot_accept_an_annotators_suggestion_or_sign_them_out()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var projectId = await Server.CreateProjectAsync("Forged accept " + suffix);
        var documentId = await ImportSuggestionAsync(projectId, suffix);
        var annotator = "ann-" + suffix;
        await Server.AddMemberAsync(await Server.CreateUserAsync(annotator), projectId);
        long suggestionId;
        await using (var db = Server.CreateDbContext())
        {
            suggestionId = await db.Suggestions.Where(s => s.DocumentId == documentId).Select(s => s.Id).SingleAsync();
        }
        var page = await fixture.SignedInPageAsync(annotator, AppServer.AnnotatorPassword);

        var accept = new Uri(Server.BaseAddress, $"/api/suggestions/{suggestionId}/accept");
        var acceptAll = new Uri(Server.BaseAddress, $"/api/documents/{documentId}/suggestions/accept-all");
        Assert.Equal(403, await SubmitAsync(page, _other.ServeAutoSubmit("accept", accept, "application/x-www-form-urlencoded"), accept));
        Assert.Equal(403, await SubmitAsync(page, _other.ServeAutoSubmit("accept-all", acceptAll, "application/x-www-form-urlencoded"), acceptAll));
        var logout = new Uri(Server.BaseAddress, "/Account/Logout");
        Assert.Equal(403, await SubmitAsync(page, _other.ServeAutoSubmit("logout", logout, "application/x-www-form-urlencoded", ("x", "1")), logout));

        await using (var db = Server.CreateDbContext())
        {
            Assert.Equal(0, await db.Annotations.CountAsync(a => a.DocumentId == documentId));
            Assert.Equal(0, await db.SuggestionDecisions.CountAsync(d => d.SuggestionId == suggestionId));
        }
        await AssertStillSignedInAsync(page, annotator);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_apps_own_sign_out_button_signs_out_and_the_old_cookie_stops_working()
    {
        var userName = "out-" + Guid.NewGuid().ToString("N")[..6];
        await Server.CreateUserAsync(userName);
        var page = await fixture.SignedInPageAsync(userName, AppServer.AnnotatorPassword);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == SignInForm.IdentityCookie);
        Assert.Equal(HttpStatusCode.OK, await MeAsync($"{cookie.Name}={cookie.Value}"));

        await page.Locator("form.logout-form button").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/Account/Login"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == SignInForm.IdentityCookie);
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync($"{cookie.Name}={cookie.Value}"));
        await page.Context.CloseAsync();
    }

    /// <summary>Opens the other site's page, which submits itself; returns the app's status for the forged request.</summary>
    private static async Task<int> SubmitAsync(IPage page, Uri attack, Uri target)
    {
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GotoAsync(attack.ToString()),
            r => r.Url == target.ToString() && r.Request.Method == "POST");
        return response.Status;
    }

    private async Task AssertStillSignedInAsync(IPage page, string userName)
    {
        await page.GotoAsync(Server.BaseAddress.ToString());
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(userName);
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == SignInForm.IdentityCookie);
        Assert.Equal(HttpStatusCode.OK, await MeAsync($"{cookie.Name}={cookie.Value}"));
    }

    private async Task<HttpStatusCode> MeAsync(string cookie)
    {
        using var client = Server.CreateHttpClient(allowAutoRedirect: false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/me");
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<int> ImportSuggestionAsync(int projectId, string suffix)
    {
        const string text = "Rockets struck the airport in Erbil on Monday.";
        var line = JsonSerializer.Serialize(new
        {
            id = "forged-accept-" + suffix,
            text,
            meta = new { title = "Erbil" },
            annotations = new[] { new { annotator = "model", start = 0, end = 7, label = "actor" } },
        });
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(line + "\n"));
        var report = await Server.Get<ImportService>().ImportAsync(input, "model.jsonl",
            new ImportOptions(await Server.AdminIdAsync(), ProjectId: projectId, Spans: ImportedSpans.Suggestions));
        Assert.True(report.Succeeded, string.Join("\n", report.Describe()));
        await using var db = Server.CreateDbContext();
        return await db.Documents.Where(d => d.ProjectId == projectId).Select(d => d.Id).SingleAsync();
    }
}
