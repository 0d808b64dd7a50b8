using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>The Content-Security-Policy holds in a real browser: the app works under it with no violation, and it does
/// refuse what it should (so the first test's silence means something).</summary>
[Collection(BrowserCollection.Name)]
public sealed class ContentSecurityPolicyTests(BrowserFixture fixture)
{
    // Reports every violation to the test through an exposed binding, which survives full page loads.
    private const string ViolationProbe = """
        document.addEventListener('securitypolicyviolation', e =>
            window.__reportCspViolation(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${location.pathname}`));
        """;

    [Fact]
    public async Task Signing_in_opening_a_document_and_annotating_cause_no_policy_violation()
    {
        var projectName = "CSP check " + Guid.NewGuid().ToString("N")[..6];
        var projectId = await fixture.Server.CreateProjectAsync(projectName);
        const string text = "Rockets at dawn\n\nThree rockets hit the western base on Monday, and two soldiers were hurt in the attack.";
        await fixture.Server.ImportDocumentAsync(projectId, text);
        var (page, problems) = await WatchedPageAsync();

        await page.GotoAsync("/Account/Login");
        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(AppServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(AppServer.AdminUserName);
        await Live.WaitForCircuitAsync(page);

        await page.Locator("a[data-testid=project-link]", new() { HasText = projectName }).ClickAsync();
        await page.Locator("a[data-testid=doc-link]").First.ClickAsync();
        var view = new DocumentView(page, text);
        await view.WaitUntilInteractiveAsync();
        await view.DragSelectAsync("two soldiers were hurt");
        await Expect(view.Menu).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("3");
        await Expect(view.CommittedSpanRun("two soldiers were hurt")).ToHaveCountAsync(1);
        await view.ClickSpanAsync("two soldiers were hurt");
        await Expect(view.Details).ToBeVisibleAsync();
        await page.ReloadAsync(); // a second full load of the document page, and the circuit's WebSocket again
        await view.WaitUntilInteractiveAsync();

        Assert.Empty(problems.Snapshot());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_account_page_and_its_refusals_cause_no_policy_violation()
    {
        var (page, problems) = await WatchedPageAsync();
        await page.GotoAsync("/Account/Login");
        await page.Locator("#username").FillAsync(AppServer.AdminUserName);
        await page.Locator("#password").FillAsync(AppServer.AdminPassword);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Live.WaitForCircuitAsync(page);

        await page.GotoAsync("/account");
        await page.Locator("#current-password").FillAsync("Not-the-password-1");
        await page.Locator("#new-password").FillAsync("Some-new-pw-8812");
        await page.Locator("#confirm-password").FillAsync("Some-new-pw-8812");
        await page.Locator("[data-testid=change-password]").ClickAsync();
        await Expect(page.Locator("[data-testid=password-error]")).ToHaveTextAsync("Your current password is not right.");

        Assert.Empty(problems.Snapshot());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Inline_script_is_refused_and_reported()
    {
        var (page, problems) = await WatchedPageAsync();
        await page.GotoAsync("/Account/Login");

        await page.EvaluateAsync("""
            () => {
                const s = document.createElement('script');
                s.textContent = 'window.__inlineRan = true';
                document.head.appendChild(s);
            }
            """);

        // Both channels report it: the page's violation event and the console.
        await problems.WaitForAsync(p => p.StartsWith("violation: script-src-elem blocked inline at /Account/Login", StringComparison.Ordinal));
        Assert.Contains(problems.Snapshot(), p => p.StartsWith("console error: ", StringComparison.Ordinal) && p.Contains("Content Security Policy", StringComparison.Ordinal));
        Assert.True(await page.EvaluateAsync<bool>("() => typeof window.__inlineRan === 'undefined'"));
        await page.Context.CloseAsync();
    }

    /// <summary>A page whose policy violations, console messages about the policy, and uncaught errors are collected.</summary>
    private async Task<(IPage Page, ProblemLog Problems)> WatchedPageAsync()
    {
        var page = await fixture.NewPageAsync();
        var problems = new ProblemLog();
        void Add(string problem) => problems.Add(problem);
        await page.Context.ExposeFunctionAsync("__reportCspViolation", (string violation) => Add("violation: " + violation));
        await page.Context.AddInitScriptAsync(ViolationProbe);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase) || message.Text.Contains("Refused to", StringComparison.Ordinal))
                Add($"console {message.Type}: {message.Text}");
        };
        page.PageError += (_, error) => Add("page error: " + error);
        return (page, problems);
    }

    private sealed class ProblemLog
    {
        private readonly Lock _gate = new();
        private readonly List<string> _items = [];
        private readonly SemaphoreSlim _added = new(0);

        public void Add(string problem)
        {
            lock (_gate) _items.Add(problem);
            _added.Release();
        }

        /// <summary>Waits (up to 20 s, then fails) until a problem matching <paramref name="match"/> has been reported.</summary>
        public async Task WaitForAsync(Func<string, bool> match)
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            while (!Snapshot().Any(match))
            {
                try { await _added.WaitAsync(bound.Token); }
                catch (OperationCanceledException) { Assert.Fail($"No matching report; got: {string.Join(" | ", Snapshot())}"); }
            }
        }

        public List<string> Snapshot()
        {
            lock (_gate) return [.. _items];
        }
    }
}
