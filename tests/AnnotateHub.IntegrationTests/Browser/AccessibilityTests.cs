using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using AnnotateHub.Web.Features.Annotations;
using AnnotateHub.Web.Features.Labels;
using AnnotateHub.Web.Features.Projects;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Issue 20: axe-core (from npm, run inside the page) finds no critical or serious violation on any page a user reaches,
/// each in the state a user sees it in (a tab chosen, a span's details open, the label menu open). The pages with spans
/// show a project of the test's own (two annotators' work on a seed article), so the demo project stays as seeded.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(BrowserFixture fixture)
{
    /// <summary>Where tests/test.sh installs axe-core (decision 0088).</summary>
    public const string AxeFolder = "tests/AnnotateHub.IntegrationTests/axe";

    private const string Agreed = "Ivan Kesic";
    private const string Selected = "at least ten US soldiers were injured";

    private static readonly SemaphoreSlim ScenarioGate = new(1, 1);
    private static (AppServer Server, Scenario Scenario)? _scenario;

    private AppServer Server => fixture.Server;

    private sealed record Scenario(int ProjectId, int DocumentId, string Text, string Ana, string Ben);

    public static TheoryData<string> Pages() =>
    [
        "login", "home",
        "project documents", "project labels", "project curation", "project team", "project import", "project export",
        "document", "document with a span's details", "document with the label menu",
        "curation", "agreement", "agreement documents", "span comparison", "claims board",
        "users", "api tokens", "account", "not found",
    ];

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Axe_core_reports_no_critical_or_serious_violation_on_the_page(string name)
    {
        var axe = await ReadAxeAsync();
        var scenario = await ScenarioAsync();
        var page = name == "login" ? await fixture.NewPageAsync() : await fixture.SignedInPageAsync();
        try
        {
            await OpenAsync(page, name, scenario);
            // Let MudBlazor's transitions (tabs, popovers, ripples) end, so colours are measured as they settle.
            await page.WaitForFunctionAsync("() => document.getAnimations().every(a => a.playState !== 'running')");
            if (name is "users" or "agreement" or "project team") await fixture.ScreenshotAsync(page, "axe-" + name.Replace(' ', '-'));
            await page.EvaluateAsync(axe);
            var result = await page.EvaluateAsync<JsonElement>("async () => await axe.run(document, { resultTypes: ['violations'] })");
            var failing = result.GetProperty("violations").EnumerateArray()
                .Where(v => v.GetProperty("impact").GetString() is "critical" or "serious")
                .ToList();
            Assert.True(failing.Count == 0, Describe(name, page.Url, failing));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    // What the focused element shows: its outline, or, for a MudBlazor text field, its focused border (outlined: 2px wide;
    // underlined: the ::after underline scaled to full width).
    private const string FocusProbe = """
        () => {
            const el = document.activeElement;
            // tabindex -1 is a target of programmatic focus (the page's h1 after navigation), never a Tab stop.
            if (!el || el === document.body || el.getAttribute('tabindex') === '-1') return null;
            const style = getComputedStyle(el);
            const field = el.matches('input, textarea') && el.closest('.mud-input-control');
            const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
            const input = field ? el.closest('.mud-input') : null;
            const outlined = input?.querySelector('.mud-input-outlined-border');
            const border = !!input && (outlined ? getComputedStyle(outlined).borderWidth === '2px'
                : getComputedStyle(input, '::after').transform === 'matrix(1, 0, 0, 1, 0, 0)');
            const what = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '')
                + ' "' + (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30) + '"';
            return { what, shown: ring || !!border, button: el.matches('.mud-button-root') };
        }
        """;

    [Theory]
    [InlineData("/")]
    [InlineData("project")]
    [InlineData("document")]
    [InlineData("/admin/users")]
    public async Task Every_control_Tab_reaches_shows_a_visible_focus_ring(string where)
    {
        var scenario = await ScenarioAsync();
        var page = await fixture.SignedInPageAsync();
        try
        {
            var url = where switch { "project" => $"/projects/{scenario.ProjectId}", "document" => $"/documents/{scenario.DocumentId}", _ => where };
            await page.GotoAsync(url);
            await Live.WaitForCircuitAsync(page);
            var unseen = new List<string>();
            var reached = 0;
            var pictured = false;
            // The first 40 stops (bounded): the app bar, breadcrumbs, buttons, tabs, fields and the first rows.
            for (var i = 0; i < 40; i++)
            {
                await page.Keyboard.PressAsync("Tab");
                var focus = await page.EvaluateAsync<JsonElement>(FocusProbe);
                if (focus.ValueKind == JsonValueKind.Null) continue;
                reached++;
                if (!focus.GetProperty("shown").GetBoolean()) unseen.Add(focus.GetProperty("what").GetString()!);
                if (!pictured && focus.GetProperty("button").GetBoolean() && reached > 4)
                {
                    await fixture.ScreenshotAsync(page, "focus-ring-" + (where == "/" ? "home" : where.Trim('/').Replace('/', '-')));
                    pictured = true;
                }
            }
            Assert.True(reached >= 10, $"Tab reached only {reached} controls on {url}.");
            Assert.True(unseen.Count == 0, $"Focused without a visible ring on {url}:\n" + string.Join("\n", unseen.Distinct()));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task OpenAsync(IPage page, string name, Scenario s)
    {
        async Task GoAsync(string url, string ready, bool circuit = true)
        {
            await page.GotoAsync(url);
            if (circuit) await Live.WaitForCircuitAsync(page);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
        }
        async Task TabAsync(string tab, string ready)
        {
            await GoAsync($"/projects/{s.ProjectId}", "[data-testid=project-name]");
            await page.GetByRole(AriaRole.Tab, new() { Name = tab, Exact = true }).ClickAsync();
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
        }
        async Task<DocumentView> DocumentAsync()
        {
            var view = await DocumentView.OpenAsync(page, s.DocumentId, s.Text);
            await Live.WaitForCircuitAsync(page);
            return view;
        }

        switch (name)
        {
            case "login":
                await page.GotoAsync("/Account/Login");
                await Expect(page.Locator("#username")).ToBeVisibleAsync();
                break;
            case "home": await GoAsync("/", "[data-testid=project-link]"); break;
            case "project documents": await GoAsync($"/projects/{s.ProjectId}", "[data-testid=doc-link]"); break;
            case "project labels": await TabAsync("Labels", ".mud-tab-active:has-text('Labels')"); break;
            case "project curation": await TabAsync("Curation", "[data-testid=curation-progress]"); break;
            case "project team": await TabAsync("Team", ".mud-tab-active:has-text('Team')"); break;
            case "project import": await TabAsync("Import", "[data-testid=import-intro]"); break;
            case "project export": await TabAsync("Export", ".mud-tab-active:has-text('Export')"); break;
            case "document":
                await DocumentAsync();
                break;
            case "document with a span's details":
                {
                    var view = await DocumentAsync();
                    await view.ClickSpanAsync(Agreed);
                    await Expect(view.Details.Locator("[data-testid=span-text]")).ToHaveTextAsync($"“{Agreed}”");
                    break;
                }
            case "document with the label menu":
                {
                    var view = await DocumentAsync();
                    await view.DragSelectAsync(Selected);
                    await Expect(view.Menu.Locator(".label-menu-preview")).ToHaveTextAsync($"“{Selected}”");
                    break;
                }
            case "curation":
                await GoAsync($"/documents/{s.DocumentId}/curate", "html[data-curation-keys=on] [data-testid=curation-status]");
                await Expect(page.Locator("[data-testid=curation-status]")).ToHaveTextAsync("Ready");
                break;
            case "agreement": await GoAsync($"/projects/{s.ProjectId}/agreement", "[data-testid=agreement-refresh]"); break;
            case "agreement documents": await GoAsync($"/projects/{s.ProjectId}/agreement/documents?a={s.Ana}&b={s.Ben}", "[data-testid=drill-row]"); break;
            case "span comparison": await GoAsync($"/projects/{s.ProjectId}/agreement/compare/{s.DocumentId}?a={s.Ana}&b={s.Ben}", "[data-testid=compare-title]"); break;
            case "claims board": await GoAsync($"/projects/{s.ProjectId}/claims", "[data-testid=claims-summary]"); break;
            case "users": await GoAsync("/admin/users", "[data-testid=create-user]"); break;
            case "api tokens": await GoAsync("/account/tokens", "[data-testid=no-tokens], [data-testid=token-row]"); break;
            case "account": await GoAsync("/account", "[data-testid=change-password]", circuit: false); break; // a static form
            case "not found":
                await page.GotoAsync("/no-such-page-" + Guid.NewGuid().ToString("N")[..6]);
                await Expect(page.GetByText("There is nothing at this address.")).ToBeVisibleAsync();
                break;
            default: throw new ArgumentOutOfRangeException(nameof(name), name, "No such page in the list.");
        }
    }

    /// <summary>A project of the tests' own, made once per server: a seed article with two annotators' spans, both done,
    /// and a span of the admin's, so curation, agreement and the document's details have something to show.</summary>
    private async Task<Scenario> ScenarioAsync()
    {
        await ScenarioGate.WaitAsync();
        try
        {
            if (_scenario is { } made && made.Server == Server) return made.Scenario;
            var suffix = Guid.NewGuid().ToString("N")[..6];
            var projectId = await Server.CreateProjectAsync("Accessibility " + suffix);
            var seed = await SeedArticle.LoadAsync(Server, SeedArticle.ExplainerSource);
            var documentId = await Server.ImportDocumentAsync(projectId, seed.Text);
            var labels = (await Server.Get<LabelService>().ListAsync(projectId)).ToDictionary(l => l.Name, l => l.Id);
            var annotations = Server.Get<AnnotationService>();
            var agreedAt = seed.Text.IndexOf(Agreed, StringComparison.Ordinal);
            var adminId = await Server.AdminIdAsync();
            var created = await annotations.CreateAsync(documentId, adminId, agreedAt, agreedAt + Agreed.Length, labels["actor"], note: "the spokesman");
            Assert.True(created.Succeeded, created.Error);
            var annotators = new List<string>();
            foreach (var (who, label) in new[] { ($"ana-{suffix}", "actor"), ($"ben-{suffix}", "claim") })
            {
                var userId = await Server.CreateUserAsync(who);
                annotators.Add(who);
                await Server.AddMemberAsync(userId, projectId);
                created = await annotations.CreateAsync(documentId, userId, agreedAt, agreedAt + Agreed.Length, labels[label], note: null);
                Assert.True(created.Succeeded, created.Error);
                var done = await Server.Get<TeamService>().SetDoneAsync(documentId, userId, done: true);
                Assert.True(done.Succeeded, done.Error);
            }
            var scenario = new Scenario(projectId, documentId, seed.Text, annotators[0], annotators[1]);
            _scenario = (Server, scenario);
            return scenario;
        }
        finally
        {
            ScenarioGate.Release();
        }
    }

    /// <summary>axe.min.js as npm installed it under <see cref="AxeFolder"/>; a test without it fails and says how to install it.</summary>
    private static async Task<string> ReadAxeAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "AnnotateHub.sln"))) root = root.Parent;
        Assert.True(root is not null, $"No AnnotateHub.sln above {AppContext.BaseDirectory}: cannot find {AxeFolder}.");
        var path = Path.Combine(root.FullName, AxeFolder, "node_modules", "axe-core", "axe.min.js");
        Assert.True(File.Exists(path),
            $"axe-core is not installed ({path} is missing). Run, from the repository root: npm ci --prefix {AxeFolder} --no-audit --no-fund");
        return await File.ReadAllTextAsync(path);
    }

    private static string Describe(string name, string url, List<JsonElement> violations)
    {
        var text = new StringBuilder($"axe-core found {violations.Count} critical or serious violation(s) on {name} ({url}):");
        foreach (var v in violations)
        {
            var nodes = v.GetProperty("nodes").EnumerateArray().ToList();
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"\n- {v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()}; {nodes.Count} element(s):");
            foreach (var node in nodes.Take(4))
            {
                var target = string.Join(" ", node.GetProperty("target").EnumerateArray().Select(t => t.ToString()));
                var summary = node.TryGetProperty("failureSummary", out var f) ? Regex.Replace(f.GetString() ?? "", @"\s+", " ") : "";
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\n    {target} :: {summary}");
            }
        }
        return text.ToString();
    }
}
