using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>One app server and one headless Chromium (the system's, never a downloaded one) for all browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    // Records each annotateHub.attach call: the document view is interactive (circuit up, listeners on) only after it.
    private const string AttachProbe = """
        (() => {
            let impl;
            Object.defineProperty(window, 'annotateHub', {
                configurable: true,
                get() { return impl; },
                set(value) {
                    const attach = value.attach;
                    value.attach = function (...args) {
                        const result = attach.apply(this, args);
                        window.__annotatorAttached = (window.__annotatorAttached || 0) + 1;
                        return result;
                    };
                    impl = value;
                }
            });
        })();
        """;

    private IPlaywright? _playwright;

    public AppServer Server { get; } = new();
    public IBrowser Browser { get; private set; } = null!;
    public string ScreenshotDirectory { get; } = Path.Combine(AppContext.BaseDirectory, "artifacts", "screenshots");

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Directory.CreateDirectory(ScreenshotDirectory);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.CloseAsync();
        _playwright?.Dispose();
        await Server.DisposeAsync();
    }

    /// <summary>A fresh browser context (own cookies) with a desktop-sized viewport, on the fixture's server unless told.</summary>
    public Task<IPage> NewPageAsync(AppServer? server = null) => NewPageAsync((server ?? Server).BaseAddress);

    /// <summary>A fresh browser context on any app's address (an app process of a test's own).</summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 1200 },
            Locale = "en-GB",
        });
        await context.AddInitScriptAsync(AttachProbe);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    /// <summary>A page signed in as admin through the real login form, showing the project list.</summary>
    public Task<IPage> SignedInPageAsync() => SignedInPageAsync(AppServer.AdminUserName, AppServer.AdminPassword);

    /// <summary>A page in its own browser context, signed in as <paramref name="userName"/> through the real login form.</summary>
    public Task<IPage> SignedInPageAsync(string userName, string password, AppServer? server = null) =>
        SignedInPageAsync(userName, password, (server ?? Server).BaseAddress);

    /// <summary>A page signed in through the real login form of the app at <paramref name="baseAddress"/>.</summary>
    public async Task<IPage> SignedInPageAsync(string userName, string password, Uri baseAddress)
    {
        var page = await NewPageAsync(baseAddress);
        await page.GotoAsync("/Account/Login");
        await page.Locator("#username").FillAsync(userName);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=signed-in-as]")).ToHaveTextAsync(userName);
        await Live.WaitForCircuitAsync(page);
        return page;
    }

    public async Task<string> ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDirectory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        return path;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "Browser";
}
