// Browser side of the document view: turns mouse selections, clicks and keys into UTF-16 offsets and
// calls the server. Offsets come from the data-s/data-e attributes the server renders on every text run.
(function () {
    const handlers = new WeakMap();

    function segmentOf(node) {
        const el = node.nodeType === Node.TEXT_NODE ? node.parentElement : node;
        return el ? el.closest('[data-s]') : null;
    }

    // Maps a DOM boundary point (node, offset) to a UTF-16 offset in the document text.
    function offsetOf(container, node, offset, isEnd) {
        const seg = segmentOf(node);
        if (seg && container.contains(seg)) {
            if (node.nodeType === Node.TEXT_NODE) return Number(seg.dataset.s) + offset;
            return Number(offset === 0 ? seg.dataset.s : seg.dataset.e);
        }
        // A boundary between elements: the nearest text run after it (for a start) or before it (for an end).
        const segs = container.querySelectorAll('[data-s]');
        if (segs.length === 0) return null;
        const probe = document.createRange();
        probe.setStart(node, offset);
        if (isEnd) {
            for (let i = segs.length - 1; i >= 0; i--) {
                if (probe.comparePoint(segs[i], segs[i].childNodes.length) <= 0) return Number(segs[i].dataset.e);
            }
            return Number(segs[0].dataset.s);
        }
        for (const s of segs) {
            if (probe.comparePoint(s, 0) >= 0) return Number(s.dataset.s);
        }
        return Number(segs[segs.length - 1].dataset.e);
    }

    function isEditable(el) {
        return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
    }

    function attach(container, dotnet) {
        const reportSelection = () => {
            const sel = window.getSelection();
            if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return false;
            const range = sel.getRangeAt(0);
            if (!container.contains(range.commonAncestorContainer)) return false;
            const start = offsetOf(container, range.startContainer, range.startOffset, false);
            const end = offsetOf(container, range.endContainer, range.endOffset, true);
            if (start === null || end === null || end <= start) return false;
            // Open the menu under the end of the selection, where the pointer is.
            const rects = range.getClientRects();
            const rect = rects.length ? rects[rects.length - 1] : range.getBoundingClientRect();
            const x = Math.max(8, Math.min(rect.left, window.innerWidth - 340));
            dotnet.invokeMethodAsync('OnSelection', start, end, x + window.scrollX, rect.bottom + window.scrollY);
            return true;
        };
        const onMouseUp = (e) => {
            if (e.button !== 0) return;
            // Let the browser settle the selection first.
            setTimeout(() => {
                if (reportSelection()) return;
                const seg = e.target.closest ? e.target.closest('[data-anns]') : null;
                if (seg && container.contains(seg)) {
                    dotnet.invokeMethodAsync('OnSpanClick', seg.dataset.anns, e.pageX, e.pageY);
                } else if (container.contains(e.target)) {
                    dotnet.invokeMethodAsync('OnBackgroundClick');
                }
            }, 0);
        };
        const onKeyUp = (e) => {
            if (e.shiftKey && e.key.startsWith('Arrow')) reportSelection();
        };
        const onKeyDown = (e) => {
            if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
            if (/^[1-9]$/.test(e.key)) {
                e.preventDefault();
                dotnet.invokeMethodAsync('OnHotkey', e.key);
            } else if (e.key === 'Escape') {
                window.getSelection()?.removeAllRanges();
                dotnet.invokeMethodAsync('OnEscape');
            } else if (e.key === 'Delete' || e.key === 'Backspace') {
                e.preventDefault();
                dotnet.invokeMethodAsync('OnDeleteKey');
            } else if (e.key === 'Enter' && !(e.target.closest && e.target.closest('button, a, [role]'))) {
                // A focused button or link handles its own Enter.
                dotnet.invokeMethodAsync('OnEnterKey');
            }
        };
        container.addEventListener('mouseup', onMouseUp);
        container.addEventListener('keyup', onKeyUp);
        document.addEventListener('keydown', onKeyDown);
        handlers.set(container, { onMouseUp, onKeyUp, onKeyDown });
    }

    function detach(container) {
        const h = container && handlers.get(container);
        if (!h) return;
        container.removeEventListener('mouseup', h.onMouseUp);
        container.removeEventListener('keyup', h.onKeyUp);
        document.removeEventListener('keydown', h.onKeyDown);
        handlers.delete(container);
    }

    function scrollToSpan(container, spanId) {
        const el = container.querySelector(`[data-anns~="${CSS.escape(String(spanId))}"]`);
        if (!el) return;
        el.scrollIntoView({ behavior: 'smooth', block: 'center' });
        el.classList.add('flash');
        setTimeout(() => el.classList.remove('flash'), 1200);
    }

    function clearSelection() {
        window.getSelection()?.removeAllRanges();
    }

    window.annotateHub = { attach, detach, scrollToSpan, clearSelection };
})();
