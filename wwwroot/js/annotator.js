// Browser side of the document view: turns mouse selections, clicks and keys into UTF-16 offsets and
// calls the server. Offsets come from the data-s/data-e attributes the server renders on every text run.
// While the page cannot reach the server (connection.js), a new span is tagged here instead: the label menu is drawn
// by this script, the span is kept in localStorage (per user and document, in order), drawn as pending with the CSS
// Custom Highlight API (no change to the DOM Blazor renders), and sent once the connection is back (decision 0028).
(function () {
    const handlers = new WeakMap();
    const connection = window.annotateHubConnection || { isUp: () => true, onChange: () => () => { } };

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

    // ---- Word snapping: the same rules as Core/Text/WordSnapper.cs, so a queued span is drawn as it will be stored. ----
    const wordChar = /[\p{L}\p{N}\p{M}_]/u;
    const markChar = /\p{M}/u;
    const isSurrogate = c => { const x = c.charCodeAt(0); return x >= 0xD800 && x <= 0xDFFF; };
    const isLowSurrogate = c => { const x = c.charCodeAt(0); return x >= 0xDC00 && x <= 0xDFFF; };
    const isWordChar = c => c !== '' && (wordChar.test(c) || isSurrogate(c));
    const isApostrophe = c => c === "'" || c === '\u2019';
    const isSpace = c => c === '' || /\s/u.test(c);

    // The document's text as the runs hold it; a gap between paragraphs reads as white space.
    function textAt(runs) {
        return i => {
            let lo = 0, hi = runs.length - 1;
            while (lo <= hi) {
                const mid = (lo + hi) >> 1;
                const s = Number(runs[mid].dataset.s), e = Number(runs[mid].dataset.e);
                if (i < s) hi = mid - 1; else if (i >= e) lo = mid + 1; else return runs[mid].textContent.charAt(i - s);
            }
            return '\n';
        };
    }

    function snap(container, start, end) {
        const runs = [...container.querySelectorAll('[data-s]')];
        if (runs.length === 0) return null;
        const length = Number(runs[runs.length - 1].dataset.e);
        const at = textAt(runs);
        const ch = i => (i < 0 || i >= length ? '' : at(i));
        const inside = i => {
            if (i <= 0 || i >= length) return false;
            const before = ch(i - 1), after = ch(i);
            if (isWordChar(before) && isWordChar(after)) return true;
            if (isApostrophe(after) && isWordChar(before) && isWordChar(ch(i + 1))) return true;
            return isApostrophe(before) && isWordChar(after) && isWordChar(ch(i - 2));
        };
        start = Math.max(0, Math.min(start, length));
        end = Math.max(0, Math.min(end, length));
        while (start < end && isSpace(ch(start))) start++;
        while (end > start && isSpace(ch(end - 1))) end--;
        if (start === end) return null;
        while (start > 0 && inside(start)) start--;
        while (end < length && inside(end)) end++;
        while (start > 0 && (isLowSurrogate(ch(start)) || markChar.test(ch(start)))) start--;
        while (end < length && (isLowSurrogate(ch(end)) || markChar.test(ch(end)))) end++;
        let text = '';
        for (let i = start; i < end; i++) text += ch(i);
        return { start, end, text };
    }

    // A DOM range over UTF-16 offsets [start, end) of the document text, or null when the runs do not cover them.
    function rangeOf(container, start, end) {
        const runs = [...container.querySelectorAll('[data-s]')];
        const first = runs.find(r => Number(r.dataset.s) <= start && start < Number(r.dataset.e));
        const last = [...runs].reverse().find(r => Number(r.dataset.s) < end && end <= Number(r.dataset.e));
        if (!first || !last || !first.firstChild || !last.firstChild) return null;
        const range = document.createRange();
        range.setStart(first.firstChild, start - Number(first.dataset.s));
        range.setEnd(last.firstChild, end - Number(last.dataset.s));
        return range;
    }

    // ---- The queue of spans tagged while the server could not be reached ----
    const storageKey = o => `annotatehub:queue:${o.userId}:${o.documentId}`;

    function loadQueue(o) {
        try {
            const items = JSON.parse(localStorage.getItem(storageKey(o)) || '[]');
            // One being sent when the page went away is sent again (the server answers "saved" for a span it already has).
            return Array.isArray(items) ? items.map(i => (i.state === 'sending' ? { ...i, state: 'waiting' } : i)) : [];
        } catch {
            return [];
        }
    }

    function persist(h) {
        try {
            if (h.queue.length) localStorage.setItem(storageKey(h.options), JSON.stringify(h.queue));
            else localStorage.removeItem(storageKey(h.options));
            h.storageError = false;
        } catch {
            h.storageError = true; // kept in this tab only; the panel says so
        }
    }

    const newId = () => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random().toString(16).slice(2));

    function enqueue(h, label, range) {
        h.queue.push({
            id: newId(), start: range.start, end: range.end, text: range.text,
            labelId: label.id, labelName: label.name, color: label.color, at: new Date().toISOString(), state: 'waiting', error: null,
        });
        persist(h);
        draw(h);
        flush(h);
    }

    function withTimeout(promise, ms) {
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('timeout')), ms);
            promise.then(v => { clearTimeout(timer); resolve(v); }, e => { clearTimeout(timer); reject(e); });
        });
    }

    // Sends the waiting spans one at a time, oldest first. Connection trouble leaves the rest waiting for the next try.
    async function flush(h) {
        if (h.flushing || h.detached || !connection.isUp()) return;
        h.flushing = true;
        clearTimeout(h.retryTimer);
        let saved = 0;
        try {
            for (;;) {
                const item = h.queue.find(i => i.state === 'waiting');
                if (!item || h.detached || !connection.isUp()) break;
                item.state = 'sending';
                persist(h);
                draw(h);
                let answer;
                try {
                    answer = await withTimeout(h.dotnet.invokeMethodAsync('SaveQueued', item.start, item.end, item.labelId), 15000);
                } catch {
                    item.state = 'waiting';
                    persist(h);
                    h.retryTimer = setTimeout(() => flush(h), 5000);
                    break;
                }
                if (answer && answer.saved) {
                    h.queue = h.queue.filter(i => i !== item);
                    saved++;
                } else {
                    item.state = 'refused';
                    item.error = (answer && answer.error) || 'The server refused it.';
                }
                persist(h);
                draw(h);
            }
        } finally {
            h.flushing = false;
        }
        if (saved > 0) notice(h, `Saved ${saved} span${saved === 1 ? '' : 's'} tagged while offline.`, 'saved');
    }

    // ---- Drawing: pending spans as highlights, the queue as a panel ----
    const highlightsSupported = typeof Highlight === 'function' && window.CSS && CSS.highlights;

    function ensureHighlightStyle(h) {
        if (!highlightsSupported) return;
        let style = document.getElementById('ah-queued-style');
        if (!style) {
            style = document.createElement('style');
            style.id = 'ah-queued-style';
            document.head.appendChild(style);
        }
        const colors = new Map();
        for (const item of h.queue) colors.set(item.labelId, item.color);
        const rules = [...colors].map(([id, color]) =>
            `::highlight(ah-queued-${Number(id)}) { background-color: ${safeColor(color)}33; text-decoration: underline dashed ${safeColor(color)} 2px; text-underline-offset: 3px; }`);
        rules.push('::highlight(ah-refused) { background-color: #e12d3922; text-decoration: underline wavy #e12d39 1.5px; text-underline-offset: 3px; }');
        const css = rules.join('\n');
        if (style.textContent !== css) style.textContent = css;
    }

    const safeColor = c => (/^#[0-9a-fA-F]{6}$/.test(c) ? c : '#607d8b');

    function drawHighlights(h) {
        if (!highlightsSupported) return;
        for (const name of h.highlightNames) CSS.highlights.delete(name);
        h.highlightNames = [];
        const byName = new Map();
        for (const item of h.queue) {
            const range = rangeOf(h.container, item.start, item.end);
            if (!range) continue;
            const name = item.state === 'refused' ? 'ah-refused' : `ah-queued-${Number(item.labelId)}`;
            (byName.get(name) || byName.set(name, []).get(name)).push(range);
        }
        for (const [name, ranges] of byName) {
            CSS.highlights.set(name, new Highlight(...ranges));
            h.highlightNames.push(name);
        }
    }

    function draw(h) {
        ensureHighlightStyle(h);
        drawHighlights(h);
        renderPanel(h);
    }

    function el(tag, attrs, ...children) {
        const e = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs || {})) {
            if (v === null || v === undefined) continue;
            if (k === 'class') e.className = v; else if (k === 'style') e.style.cssText = v; else e.setAttribute(k, v);
        }
        for (const c of children) if (c !== null && c !== undefined) e.append(c);
        return e;
    }

    const shorten = t => (t.length <= 48 ? t : t.slice(0, 47) + '…');

    function renderPanel(h) {
        const panel = h.panel;
        const waiting = h.queue.filter(i => i.state !== 'refused').length;
        const refused = h.queue.length - waiting;
        panel.replaceChildren();
        if (h.queue.length === 0 && !h.notice) {
            panel.hidden = true;
            return;
        }
        panel.hidden = false;
        if (h.queue.length > 0) {
            const parts = [];
            if (waiting) parts.push(`${waiting} span${waiting === 1 ? '' : 's'} ${connection.isUp() ? 'being sent' : 'waiting for the connection'}`);
            if (refused) parts.push(`${refused} not saved`);
            panel.append(el('div', { class: 'queue-panel-title' }, parts.join(' · ')));
            if (h.storageError) panel.append(el('div', { class: 'queue-panel-hint' }, 'This browser would not store them: keep this tab open until they are sent.'));
            const list = el('ul', { class: 'queue-panel-list' });
            for (const item of h.queue) {
                const status = item.state === 'refused' ? 'Not saved' : item.state === 'sending' ? 'Sending…' : 'Pending';
                const li = el('li', { class: `queued-edit ${item.state}`, 'data-testid': 'queued-edit', 'data-state': item.state, 'data-id': item.id },
                    el('span', { class: 'swatch', style: `background:${safeColor(item.color)}` }),
                    el('span', { class: 'queued-label' }, item.labelName),
                    el('span', { class: 'queued-text' }, `“${shorten(item.text)}”`),
                    el('span', { class: 'queued-status' }, status));
                if (item.state === 'refused') {
                    li.append(el('div', { class: 'queued-error', 'data-testid': 'queued-error' }, item.error),
                        el('div', { class: 'queued-actions' },
                            el('button', { type: 'button', 'data-action': 'retry', 'data-testid': 'queued-retry' }, 'Retry'),
                            el('button', { type: 'button', 'data-action': 'discard', class: 'secondary', 'data-testid': 'queued-discard' }, 'Discard')));
                }
                list.append(li);
            }
            panel.append(list);
        }
        if (h.notice) panel.append(el('div', { class: `queue-panel-notice ${h.notice.kind}`, 'data-testid': 'queue-notice' }, h.notice.text));
    }

    function notice(h, text, kind) {
        h.notice = { text, kind };
        clearTimeout(h.noticeTimer);
        h.noticeTimer = setTimeout(() => { h.notice = null; renderPanel(h); }, 6000);
        renderPanel(h);
    }

    function onPanelClick(h, e) {
        const button = e.target.closest('button[data-action]');
        if (!button) return;
        const id = button.closest('[data-id]')?.dataset.id;
        const item = h.queue.find(i => i.id === id);
        if (!item) return;
        if (button.dataset.action === 'discard') {
            h.queue = h.queue.filter(i => i !== item);
        } else {
            item.state = 'waiting';
            item.error = null;
        }
        persist(h);
        draw(h);
        if (button.dataset.action === 'retry') {
            if (connection.isUp()) flush(h); else notice(h, 'Still offline: it will be sent when the connection returns.', 'info');
        }
    }

    // ---- The label menu while offline: the same look as LabelMenu.razor, drawn here ----
    function closeMenu(h) {
        h.menu?.remove();
        h.menu = null;
        h.menuRange = null;
    }

    function openMenu(h, range, rect) {
        closeMenu(h);
        const x = Math.max(8, Math.min(rect.left, window.innerWidth - 340)) + window.scrollX;
        const y = rect.bottom + window.scrollY + 6;
        const preview = range.text.length <= 60 ? range.text : range.text.slice(0, 28) + ' … ' + range.text.slice(-28);
        const menu = el('div', { class: 'label-menu mud-elevation-8 local-menu', role: 'menu', 'data-testid': 'label-menu', style: `left:${x}px;top:${y}px` },
            el('div', { class: 'label-menu-preview', title: range.text }, `“${preview}”`));
        for (const label of h.options.labels) {
            const item = el('button', { type: 'button', class: 'label-menu-item', role: 'menuitem', 'data-label': label.name },
                el('span', { class: 'swatch', style: `background:${safeColor(label.color)}` }),
                el('span', { class: 'name' }, label.name),
                label.hotkey ? el('kbd', null, label.hotkey) : null);
            item.addEventListener('click', () => pick(h, label));
            menu.append(item);
        }
        menu.append(el('div', { class: 'label-menu-hint' }, 'Offline: kept on this device until sent · Esc to cancel'));
        document.body.append(menu);
        h.menu = menu;
        h.menuRange = range;
    }

    function pick(h, label) {
        const range = h.menuRange;
        closeMenu(h);
        window.getSelection()?.removeAllRanges();
        if (!range) return;
        if (h.options.refusal) {
            notice(h, 'Not tagged: ' + h.options.refusal, 'refused');
            return;
        }
        enqueue(h, label, range);
    }

    // The current selection inside the document, snapped to words, with the rectangle to open a menu under.
    function selectionIn(container) {
        const sel = window.getSelection();
        if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
        const range = sel.getRangeAt(0);
        if (!container.contains(range.commonAncestorContainer)) return null;
        const start = offsetOf(container, range.startContainer, range.startOffset, false);
        const end = offsetOf(container, range.endContainer, range.endOffset, true);
        if (start === null || end === null || end <= start) return null;
        const rects = range.getClientRects();
        return { start, end, rect: rects.length ? rects[rects.length - 1] : range.getBoundingClientRect() };
    }

    // ---- Reading by keyboard (issue 20): with the text focused, the arrows select a word at a time, Shift+arrows extend
    // the selection by words, the down and up arrows go to the next or previous paragraph; a label's key then tags. ----
    function wordAround(container, i) {
        return snap(container, i, i + 1);
    }

    // The first word at or after offset i (forward) or ending at or before it (backward); null when there is none.
    function wordFrom(container, i, forward) {
        const runs = [...container.querySelectorAll('[data-s]')];
        if (runs.length === 0) return null;
        const length = Number(runs[runs.length - 1].dataset.e);
        const at = textAt(runs);
        if (forward) {
            for (let k = Math.max(0, i); k < length; k++) if (isWordChar(at(k))) return wordAround(container, k);
        } else {
            for (let k = Math.min(length, i) - 1; k >= 0; k--) if (isWordChar(at(k))) return wordAround(container, k);
        }
        return null;
    }

    // The first word of the paragraph after (or before) the one holding offset i.
    function paragraphFrom(container, i, forward) {
        const blocks = [...container.querySelectorAll('.para, p')].filter(b => b.querySelector('[data-s]'));
        const index = blocks.findIndex(b => [...b.querySelectorAll('[data-s]')].some(r => Number(r.dataset.s) <= i && i < Number(r.dataset.e)));
        const target = blocks[index < 0 ? 0 : index + (forward ? 1 : -1)];
        if (!target) return null;
        return wordFrom(container, Number(target.querySelector('[data-s]').dataset.s), true);
    }

    function keyboardMove(h, e) {
        const container = h.container;
        const found = selectionIn(container);
        const caret = h.caret ?? 0;
        let start, end;
        if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
            const forward = e.key === 'ArrowRight';
            if (e.shiftKey && found) {
                if (forward) {
                    const next = wordFrom(container, found.end, true);
                    if (!next) return;
                    [start, end] = [found.start, next.end];
                } else {
                    const last = wordFrom(container, found.end, false);
                    const before = last && wordFrom(container, last.start, false);
                    if (!before || before.end <= found.start) return;
                    [start, end] = [found.start, before.end];
                }
            } else {
                const word = found ? wordFrom(container, forward ? found.end : found.start, forward) : wordFrom(container, caret, true);
                if (!word) return;
                [start, end] = [word.start, word.end];
            }
        } else {
            const word = paragraphFrom(container, found ? found.start : caret, e.key === 'ArrowDown');
            if (!word) return;
            [start, end] = [word.start, word.end];
        }
        const range = rangeOf(container, start, end);
        if (!range) return;
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        h.caret = end;
        (range.startContainer.parentElement || container).scrollIntoView({ block: 'nearest' });
        h.reportSelection();
    }

    function attach(container, dotnet, options) {
        const h = {
            container, dotnet, options: normalize(options), queue: [], highlightNames: [], menu: null, menuRange: null,
            flushing: false, detached: false, notice: null, panel: el('aside', { class: 'queue-panel', 'data-testid': 'queued-edits', role: 'status', 'aria-live': 'polite', hidden: '' }),
        };
        h.queue = loadQueue(h.options);
        document.body.append(h.panel);
        h.panel.addEventListener('click', e => onPanelClick(h, e));

        const reportSelection = () => {
            const found = selectionIn(container);
            if (!found) return false;
            if (!connection.isUp()) {
                const range = snap(container, found.start, found.end);
                if (range) openMenu(h, range, found.rect); else closeMenu(h);
                return true;
            }
            // Open the menu under the end of the selection, where the pointer is.
            const x = Math.max(8, Math.min(found.rect.left, window.innerWidth - 340));
            dotnet.invokeMethodAsync('OnSelection', found.start, found.end, x + window.scrollX, found.rect.bottom + window.scrollY);
            return true;
        };
        const offlineHint = () => notice(h, 'You are offline: new spans can be tagged; changing existing ones waits for the connection.', 'info');
        const onMouseUp = (e) => {
            if (e.button !== 0) return;
            // Let the browser settle the selection first.
            setTimeout(() => {
                if (reportSelection()) return;
                const seg = e.target.closest ? e.target.closest('[data-anns]') : null;
                if (!connection.isUp()) {
                    closeMenu(h);
                    if (seg && container.contains(seg)) offlineHint();
                    return;
                }
                if (seg && container.contains(seg)) {
                    dotnet.invokeMethodAsync('OnSpanClick', seg.dataset.anns, e.pageX, e.pageY);
                } else if (container.contains(e.target)) {
                    dotnet.invokeMethodAsync('OnBackgroundClick');
                }
            }, 0);
        };
        h.reportSelection = reportSelection;
        const onKeyUp = (e) => {
            if (e.shiftKey && e.key.startsWith('Arrow') && !h.movedByKey) reportSelection();
            h.movedByKey = false;
        };
        // The span and version the details panel shows: an edit by key is checked against what the user saw.
        const shown = () => {
            const details = document.querySelector('[data-testid=span-details][data-span-id]');
            return details ? [Number(details.dataset.spanId), Number(details.dataset.version)] : [0, 0];
        };
        const onKeyDown = (e) => {
            // Ctrl+Z (Cmd+Z) outside a text field undoes the user's last change here, from the server's change log.
            if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'z' && !isEditable(e.target)) {
                e.preventDefault();
                if (connection.isUp()) dotnet.invokeMethodAsync('OnUndoKey'); else offlineHint();
                return;
            }
            if (isEditable(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
            if (['ArrowRight', 'ArrowLeft', 'ArrowDown', 'ArrowUp'].includes(e.key) && (e.target === container || container.contains(e.target))) {
                // The text has the focus: the arrows read it a word at a time (offline too: a queued span needs a selection).
                e.preventDefault();
                h.movedByKey = true;
                keyboardMove(h, e);
                return;
            }
            if (!connection.isUp()) {
                if (/^[1-9]$/.test(e.key)) {
                    e.preventDefault();
                    const label = h.options.labels.find(l => l.hotkey === e.key);
                    if (h.menu && label) pick(h, label); else if (!h.menu) offlineHint();
                } else if (e.key === 'Escape') {
                    window.getSelection()?.removeAllRanges();
                    closeMenu(h);
                } else if (e.key === 'Delete' || e.key === 'Backspace') {
                    e.preventDefault();
                    offlineHint();
                }
                return;
            }
            if (/^[1-9]$/.test(e.key)) {
                e.preventDefault();
                dotnet.invokeMethodAsync('OnHotkeyShown', e.key, ...shown());
            } else if (e.key === 'Escape') {
                window.getSelection()?.removeAllRanges();
                dotnet.invokeMethodAsync('OnEscape');
            } else if (e.key === 'Delete' || e.key === 'Backspace') {
                e.preventDefault();
                dotnet.invokeMethodAsync('OnDeleteKeyShown', ...shown());
            } else if (e.key === 'Enter' && !(e.target.closest && e.target.closest('button, a, [role]'))) {
                // A focused button or link handles its own Enter.
                dotnet.invokeMethodAsync('OnEnterKey');
            }
        };
        // Going offline with a selection (and perhaps the server's menu) open: this script's menu takes over.
        const onConnection = (up) => {
            if (up) {
                closeMenu(h);
                flush(h);
            } else {
                const found = selectionIn(container);
                const range = found && snap(container, found.start, found.end);
                if (range) openMenu(h, range, found.rect);
            }
            renderPanel(h);
        };
        // The details panel's buttons: sent with the version the panel shows (and the note as typed), not left to Blazor,
        // whose handler would carry the newest version the server knows (decision 0029). Capture on window runs first.
        const onDetailsClick = (e) => {
            const details = e.target.closest ? e.target.closest('[data-testid=span-details][data-span-id]') : null;
            if (!details) return;
            const label = e.target.closest('button.label-pick[data-label-id]');
            const save = e.target.closest('[data-testid=save-note]');
            const del = e.target.closest('[data-testid=delete-span]');
            const values = e.target.closest('[data-testid=save-attributes]');
            if (values) {
                e.stopImmediatePropagation();
                e.preventDefault();
                sendValues(details);
                return;
            }
            if (!label && !save && !del) return;
            e.stopImmediatePropagation();
            e.preventDefault();
            if (label?.disabled) return;
            if (!connection.isUp()) {
                offlineHint();
                return;
            }
            const id = Number(details.dataset.spanId), version = Number(details.dataset.version);
            if (label) dotnet.invokeMethodAsync('OnDetailsAction', 'label', id, version, Number(label.dataset.labelId), null);
            else if (save) dotnet.invokeMethodAsync('OnDetailsAction', 'note', id, version, 0, details.querySelector('#span-note')?.value ?? '');
            else dotnet.invokeMethodAsync('OnDetailsAction', 'delete', id, version, 0, null);
        };
        // What the span says: sent as typed with the version shown, by "Save values" or Enter in any of its fields.
        const sendValues = (details) => {
            if (!connection.isUp()) {
                offlineHint();
                return;
            }
            const values = {};
            for (const field of details.querySelectorAll('[data-attr]')) values[field.dataset.attr] = field.value;
            dotnet.invokeMethodAsync('OnDetailsAttributes', Number(details.dataset.spanId), Number(details.dataset.version), values);
        };
        const onDetailsKey = (e) => {
            if (e.key !== 'Enter' || e.isComposing || !e.target.matches || !e.target.matches('[data-attr]')) return;
            const details = e.target.closest('[data-testid=span-details][data-span-id]');
            if (!details) return;
            e.preventDefault();
            e.stopImmediatePropagation();
            sendValues(details);
        };
        window.addEventListener('click', onDetailsClick, true);
        window.addEventListener('keydown', onDetailsKey, true);
        h.unsubscribe = connection.onChange(onConnection);
        // Blazor re-renders paragraphs (new text nodes): draw the pending spans again over the new nodes.
        h.observer = new MutationObserver(() => {
            if (h.redraw) return;
            h.redraw = requestAnimationFrame(() => { h.redraw = 0; drawHighlights(h); });
        });
        h.observer.observe(container, { childList: true, subtree: true, characterData: true });
        container.addEventListener('mouseup', onMouseUp);
        container.addEventListener('keyup', onKeyUp);
        document.addEventListener('keydown', onKeyDown);
        Object.assign(h, { onMouseUp, onKeyUp, onKeyDown, onDetailsClick, onDetailsKey });
        handlers.set(container, h);
        draw(h);
        flush(h);
    }

    function normalize(options) {
        const o = options || {};
        return {
            documentId: o.documentId ?? 0,
            userId: o.userId ?? '',
            refusal: o.refusal ?? null,
            labels: (o.labels || []).map(l => ({ id: l.id, name: l.name, color: l.color, hotkey: l.hotkey ?? null })),
        };
    }

    /** The label set or the user's standing changed (labels edited, document marked done). */
    function configure(container, options) {
        const h = container && handlers.get(container);
        if (!h) return;
        h.options = normalize(options);
        if (h.menu && h.menuRange) {
            const rect = h.menu.getBoundingClientRect();
            openMenu(h, h.menuRange, { left: rect.left, bottom: rect.top - 6 });
        }
    }

    function detach(container) {
        const h = container && handlers.get(container);
        if (!h) return;
        h.detached = true;
        container.removeEventListener('mouseup', h.onMouseUp);
        container.removeEventListener('keyup', h.onKeyUp);
        document.removeEventListener('keydown', h.onKeyDown);
        window.removeEventListener('click', h.onDetailsClick, true);
        window.removeEventListener('keydown', h.onDetailsKey, true);
        h.unsubscribe?.();
        h.observer?.disconnect();
        clearTimeout(h.retryTimer);
        clearTimeout(h.noticeTimer);
        closeMenu(h);
        h.panel.remove();
        if (highlightsSupported) for (const name of h.highlightNames) CSS.highlights.delete(name);
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

    window.annotateHub = { attach, configure, detach, scrollToSpan, clearSelection, selectionIn };
})();
