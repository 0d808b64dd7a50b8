// Browser side of the curation view: the document-wide keys (n/j next, p/k previous, 1-9 accept a lane, x reject,
// Ctrl+Z undo) go to the server, which holds the cursor and the rules; keys typed into a field are left alone.
(function () {
    let current = null; // { dotnet, onKeyDown }

    function isEditable(el) {
        return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
    }

    function keyOf(e) {
        if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z') return 'undo';
        if (e.ctrlKey || e.metaKey || e.altKey) return null;
        if (/^[1-9]$/.test(e.key)) return e.key;
        switch (e.key) {
            case 'n': case 'j': return 'next';
            case 'p': case 'k': return 'previous';
            case 'x': return 'reject';
            default: return null;
        }
    }

    function attach(dotnet) {
        detach();
        const onKeyDown = (e) => {
            // A field, or an open menu or dialog (MudBlazor's popovers), has the keyboard.
            if (isEditable(e.target) || document.querySelector('.mud-popover-open .mud-list, .mud-dialog-container')) return;
            const key = keyOf(e);
            if (!key) return;
            e.preventDefault();
            dotnet.invokeMethodAsync('OnCurationKey', key);
        };
        document.addEventListener('keydown', onKeyDown);
        current = { dotnet, onKeyDown };
        document.documentElement.dataset.curationKeys = 'on';
    }

    // A selection in the text panel goes to the server as UTF-16 offsets (annotator.js maps the DOM to them), which
    // snaps it to words and asks for the gold label.
    function attachText(container, dotnet) {
        if (!current || !container || !window.annotateHub || !window.annotateHub.selectionIn) return;
        const report = () => setTimeout(() => {
            const found = window.annotateHub.selectionIn(container);
            if (found) dotnet.invokeMethodAsync('OnGoldSelection', found.start, found.end);
        }, 0);
        const onKeyUp = (e) => { if (e.shiftKey && e.key.startsWith('Arrow')) report(); };
        container.addEventListener('mouseup', report);
        container.addEventListener('keyup', onKeyUp);
        current.text = { container, report, onKeyUp };
    }

    function detach() {
        if (!current) return;
        if (current.text) {
            current.text.container.removeEventListener('mouseup', current.text.report);
            current.text.container.removeEventListener('keyup', current.text.onKeyUp);
        }
        document.removeEventListener('keydown', current.onKeyDown);
        current = null;
        delete document.documentElement.dataset.curationKeys;
    }

    // Brings the current unit's card into view when it is not (whole) on screen.
    function scrollToCurrent() {
        const el = document.querySelector('[data-testid=unit-current]');
        if (!el) return;
        const r = el.getBoundingClientRect();
        if (r.top < 0 || r.bottom > window.innerHeight) el.scrollIntoView({ block: 'center' });
    }

    window.annotateHubCuration = { attach, attachText, detach, scrollToCurrent };
})();
