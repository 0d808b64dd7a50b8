// Starts Blazor with the circuit's keep-alive and timeout (set on this script's tag from Realtime/ConnectionTimeouts.cs)
// and keeps one answer to "can this page reach the server now?": the browser is online and the circuit is connected.
// It drives the connection banner (Components/Layout/ReconnectModal.razor) and tells the annotator (annotator.js), which
// queues new spans on this device while the answer is no (decision 0028).
(function () {
    const script = document.currentScript;
    const keepAliveMs = Number(script?.dataset.keepAliveMs) || 15000;
    const serverTimeoutMs = Number(script?.dataset.serverTimeoutMs) || 30000;
    const listeners = new Set();
    // 'up' | 'reconnecting' | 'failed' | 'paused' | 'resume-failed'
    let circuit = 'up';
    let lastUp = true;

    const banner = () => document.getElementById('components-reconnect-modal');

    function isUp() {
        return navigator.onLine && circuit === 'up';
    }

    // What the banner says: a failed or paused circuit needs a button; otherwise "offline" (the browser says so) reads
    // better than "reconnecting" (the circuit is retrying because of it).
    function shownState() {
        if (circuit === 'failed' || circuit === 'paused' || circuit === 'resume-failed') return circuit;
        if (!navigator.onLine) return 'offline';
        return circuit === 'up' ? null : 'reconnecting';
    }

    function update() {
        const el = banner();
        const state = shownState();
        if (el) {
            if (state === null) {
                delete el.dataset.state;
                if (el.open) el.close();
            } else {
                el.dataset.state = state;
                if (!el.open) el.show(); // not showModal: the page stays usable
            }
        }
        document.documentElement.classList.toggle('ah-offline', !isUp());
        const up = isUp();
        if (up === lastUp) return;
        lastUp = up;
        for (const listener of [...listeners]) {
            try { listener(up); } catch (err) { console.error(err); }
        }
    }

    async function retry() {
        document.removeEventListener('visibilitychange', retryWhenVisible);
        try {
            // true: reconnected; false: the server no longer has the circuit (resume it, or start afresh).
            const reconnected = await Blazor.reconnect();
            if (!reconnected) {
                const resumed = await Blazor.resumeCircuit();
                if (!resumed) location.reload();
            }
        } catch {
            document.addEventListener('visibilitychange', retryWhenVisible);
        }
    }

    async function resume() {
        try {
            if (!(await Blazor.resumeCircuit())) location.reload();
        } catch {
            circuit = 'resume-failed';
            update();
        }
    }

    async function retryWhenVisible() {
        if (document.visibilityState === 'visible') await retry();
    }

    function onReconnectState(event) {
        switch (event.detail.state) {
            case 'show':
            case 'retrying':
                circuit = 'reconnecting';
                break;
            case 'hide':
                circuit = 'up';
                break;
            case 'failed':
                circuit = 'failed';
                document.addEventListener('visibilitychange', retryWhenVisible);
                break;
            case 'paused':
                circuit = 'paused';
                break;
            case 'resume-failed':
                circuit = 'resume-failed';
                break;
            case 'rejected':
                // The server has no circuit for this page any more: a fresh load (queued spans are in localStorage).
                location.reload();
                return;
        }
        update();
    }

    function wire() {
        const el = banner();
        if (!el) return;
        el.addEventListener('components-reconnect-state-changed', onReconnectState);
        document.getElementById('components-reconnect-button')?.addEventListener('click', retry);
        document.getElementById('components-resume-button')?.addEventListener('click', resume);
        document.getElementById('components-reload-button')?.addEventListener('click', () => location.reload());
    }

    window.addEventListener('online', () => {
        update();
        if (circuit === 'failed') retry();
    });
    window.addEventListener('offline', update);

    if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', wire); else wire();

    window.annotateHubConnection = {
        isUp,
        /** Calls back with true or false when the answer changes; returns the unsubscribe function. */
        onChange(listener) {
            listeners.add(listener);
            return () => listeners.delete(listener);
        },
    };

    update();

    Blazor.start({
        circuit: {
            configureSignalR: builder => builder.withServerTimeout(serverTimeoutMs).withKeepAliveInterval(keepAliveMs),
            reconnectionOptions: {
                maxRetries: 240,
                // Quick first tries, then every 3 s (every 2 s while the browser itself says it is offline: those fail fast).
                retryIntervalMilliseconds: previous => previous >= 240 ? null : previous < 3 ? 500 : navigator.onLine ? 3000 : 2000,
            },
        },
    });
})();
