// The colour theme (issue 20): the system's (prefers-color-scheme) unless the user chose one with the app bar's switch
// (any [data-theme-toggle] button), kept in localStorage. Loaded in <head>, so a page is drawn in its theme from the
// first paint; html[data-theme] is what the stylesheets (theme-dark.css) follow.
(function () {
    const key = 'annotatehub:theme';
    const media = window.matchMedia('(prefers-color-scheme: dark)');
    const chosen = () => { try { return localStorage.getItem(key); } catch { return null; } };
    const label = theme => theme === 'dark' ? 'Light theme' : 'Dark theme';
    function apply() {
        const stored = chosen();
        const theme = stored === 'dark' || stored === 'light' ? stored : (media.matches ? 'dark' : 'light');
        document.documentElement.dataset.theme = theme;
        for (const b of document.querySelectorAll('[data-theme-toggle]')) {
            b.setAttribute('aria-pressed', theme === 'dark' ? 'true' : 'false');
            b.textContent = label(theme);
        }
    }
    media.addEventListener('change', apply);
    document.addEventListener('click', e => {
        const button = e.target.closest ? e.target.closest('[data-theme-toggle]') : null;
        if (!button) return;
        const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
        try { localStorage.setItem(key, next); } catch { /* private mode: this page only */ }
        apply();
    });
    // The switch is rendered by Blazor after this runs (and again on each interactive render): label it when it appears.
    // (Blazor replaces the prerendered bar with its own once interactive: one cheap selector per batch of changes.)
    new MutationObserver(() => {
        if (document.querySelector('[data-theme-toggle]:not([aria-pressed])')) apply();
    }).observe(document.documentElement, { childList: true, subtree: true });
    apply();
})();
