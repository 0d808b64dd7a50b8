using Microsoft.Playwright;

namespace AnnotateHub.IntegrationTests.Browser;

/// <summary>Waits that tell a prerendered page from one the live circuit has rendered.</summary>
public static class Live
{
    /// <summary>
    /// Waits until the element matching <paramref name="selector"/> was rendered by the interactive circuit: only that render
    /// writes the _bl_ attribute of an element reference (prerendered HTML has none), so events on it reach the server.
    /// </summary>
    public static Task WaitForInteractiveAsync(IPage page, string selector) =>
        page.WaitForFunctionAsync(
            "sel => { const el = document.querySelector(sel); return !!el && [...el.attributes].some(a => a.name.startsWith('_bl_')); }",
            selector);

    /// <summary>
    /// Waits until the circuit has taken over the page. Before that, a click on a link is served by enhanced navigation
    /// and the circuit, once up, can render the page it started on under the new URL; so never click before this.
    /// The layout's sign-out button carries an element reference on every signed-in page.
    /// </summary>
    public static Task WaitForCircuitAsync(IPage page) => WaitForInteractiveAsync(page, "form.logout-form button");
}
