using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>
/// Any screen, either theme (issue 20): the home page, a project page and a document at 390 px (a phone), 768 px (a
/// tablet) and 1440 px, in the light and the dark theme, with nothing wider than the screen; the dark theme follows the
/// system until the app bar's switch picks one, which a reload keeps. Screenshots land in artifacts/screenshots.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ScreensAndThemesTests(BrowserFixture fixture)
{
    public static TheoryData<int, string> Screens => new()
    {
        { 390, "light" }, { 390, "dark" }, { 768, "light" }, { 768, "dark" }, { 1440, "light" }, { 1440, "dark" },
    };

    [Theory]
    [MemberData(nameof(Screens))]
    public async Task Home_project_and_document_fit_the_screen_in_either_theme(int width, string theme)
    {
        var page = await fixture.SignedInPageAsync();
        await page.SetViewportSizeAsync(width, width < 800 ? 844 : 1000);
        await page.EmulateMediaAsync(new() { ColorScheme = theme == "dark" ? ColorScheme.Dark : ColorScheme.Light });
        var projectId = await fixture.Server.DemoProjectIdAsync();
        var document = await SeedArticle.LoadAsync(fixture.Server, SeedArticle.ExplainerSource);

        foreach (var (name, url) in new[] { ("home", "/"), ("project", $"/projects/{projectId}"), ("document", $"/documents/{document.Id}") })
        {
            await page.GotoAsync(url);
            await Live.WaitForCircuitAsync(page);
            await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", theme);
            var background = await page.EvaluateAsync<string>("getComputedStyle(document.body).backgroundColor");
            Assert.True(theme == "dark" ? IsDark(background) : !IsDark(background), $"{name}: the page's background is {background} in the {theme} theme");
            await fixture.ScreenshotAsync(page, $"screen-{name}-{width}-{theme}");
            var size = await page.EvaluateAsync<int[]>("[document.documentElement.scrollWidth, window.innerWidth]");
            var widest = await page.EvaluateAsync<string>("""
                () => [document.body, ...document.querySelectorAll('body *')].filter(e => e.scrollWidth > window.innerWidth + 1 && getComputedStyle(e).overflowX === 'visible')
                        .slice(0, 12).map(e => e.tagName + '.' + [...e.classList].join('.') + (e.dataset.testid ? '[' + e.dataset.testid + ']' : '') + ':' + e.scrollWidth + '/' + e.clientWidth).join(', ')
                """);
            Assert.True(size[0] <= size[1] + 1, $"{name} at {width} px is {size[0]} px wide: it scrolls sideways ({widest})");
        }
    }

    [Fact]
    public async Task The_switch_picks_a_theme_over_the_systems_and_a_reload_keeps_it()
    {
        var page = await fixture.SignedInPageAsync();
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.ReloadAsync();
        var toggle = page.Locator("[data-testid=theme-toggle]");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
        await Expect(toggle).ToHaveTextAsync("Dark theme");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "false");

        await toggle.ClickAsync();

        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark");
        await Expect(toggle).ToHaveTextAsync("Light theme");
        await Expect(toggle).ToHaveAttributeAsync("aria-pressed", "true");
        await page.ReloadAsync();
        await Live.WaitForCircuitAsync(page);
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "dark"); // chosen beats the system's light
        await page.Locator("[data-testid=theme-toggle]").ClickAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-theme", "light");
    }

    private static bool IsDark(string rgb)
    {
        var parts = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',').Select(p => double.Parse(p.Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]) < 80;
    }
}
