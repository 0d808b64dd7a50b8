using System.Text.RegularExpressions;
using AnnotateHub.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AnnotateHub.IntegrationTests.Browser;

[Collection(BrowserCollection.Name)]
public sealed class NavigationTests(BrowserFixture fixture)
{
    /// <summary>
    /// On a slow connection a user can follow a link after the circuit has asked for its first render but before that
    /// render arrives. The page shown must still be the one the address bar names.
    /// </summary>
    [Fact]
    public async Task Link_followed_while_the_circuit_starts_shows_the_linked_page_once_interactive()
    {
        var page = await fixture.SignedInPageAsync();
        var hold = new ServerFrameHold();
        await page.RouteWebSocketAsync(new Regex("/_blazor"), hold.Attach);
        await page.ReloadAsync();
        await hold.CircuitRequested.Task; // the circuit started for "/" and its first render is held back
        var projectId = await fixture.Server.DemoProjectIdAsync();

        await page.Locator("a[data-testid=project-link]", new() { HasText = AppServer.DemoProjectName }).ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        await Expect(page.Locator("a[data-testid=doc-link]").First).ToBeVisibleAsync();
        hold.Release();
        await Live.WaitForCircuitAsync(page);

        await Expect(page).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        await Expect(page.Locator("h4", new() { HasText = AppServer.DemoProjectName })).ToBeVisibleAsync();
        await Expect(page.Locator("a[data-testid=doc-link]").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>Passes the SignalR handshake through, then holds every server-to-browser frame until released.</summary>
    private sealed class ServerFrameHold
    {
        private readonly Lock _gate = new();
        private readonly List<IWebSocketFrame> _held = [];
        private IWebSocketRoute? _page;
        private bool _handshakeSeen;
        private bool _released;

        public TaskCompletionSource CircuitRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Attach(IWebSocketRoute page)
        {
            var server = page.ConnectToServer();
            lock (_gate)
            {
                if (_page is not null)
                {
                    // A later circuit (the followed link loads its page in full): pass it through untouched.
                    page.OnMessage(frame => Forward(server, frame));
                    server.OnMessage(frame => Forward(page, frame));
                    return;
                }
                _page = page;
            }
            page.OnMessage(frame =>
            {
                Forward(server, frame);
                if (_handshakeSeen) CircuitRequested.TrySetResult();
            });
            server.OnMessage(frame =>
            {
                lock (_gate)
                {
                    if (!_handshakeSeen) { _handshakeSeen = true; Forward(page, frame); return; }
                    if (!_released) { _held.Add(frame); return; }
                }
                Forward(page, frame);
            });
        }

        public void Release()
        {
            lock (_gate)
            {
                _released = true;
                foreach (var frame in _held) Forward(_page!, frame);
                _held.Clear();
            }
        }

        private static void Forward(IWebSocketRoute to, IWebSocketFrame frame)
        {
            if (frame.Binary is { } bytes) to.Send(bytes); else to.Send(frame.Text ?? "");
        }
    }
}
