// @ts-check
// The statistics webview (loaded from media/ with a nonce; no other script, no remote content). It only draws:
// every number arrives computed by the extension (src/core/stats.ts). Messages are typed by
// src/vscode/common/protocol.ts and this file is type-checked against it (tsc -p media).
/** @typedef {import("../src/vscode/common/protocol").ToWebview} ToWebview */
/** @typedef {import("../src/vscode/common/protocol").FromWebview} FromWebview */
/** @typedef {import("../src/vscode/common/protocol").StatsView} StatsView */
/** @typedef {import("../src/vscode/common/protocol").StatsRow} StatsRow */
/** @typedef {import("../src/vscode/common/protocol").LiveView} LiveView */
/** @typedef {import("../src/vscode/common/protocol").LoopDelayView} LoopDelayView */
/** @typedef {import("../src/vscode/common/protocol").Strings} Strings */
(function () {
    const api = acquireVsCodeApi();
    /** @param {FromWebview} m */
    const send = (m) => api.postMessage(m);
    const SVG = "http://www.w3.org/2000/svg";
    const app = /** @type {HTMLElement} */ (document.getElementById("app"));
    /** @type {Strings | undefined} */ let S;
    /** @type {StatsView | undefined} */ let view;

    /**
     * @param {string} tag
     * @param {Record<string, string | number | undefined>} [attrs]
     * @param {(Node | string | null | undefined)[]} children
     * @returns {HTMLElement}
     */
    function h(tag, attrs = {}, ...children) {
        const el = document.createElement(tag);
        for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
        for (const c of children) if (c !== null && c !== undefined) el.append(c);
        return el;
    }
    /**
     * @param {string} tag
     * @param {Record<string, string | number | undefined>} [attrs]
     * @param {(Node | string)[]} children
     * @returns {SVGElement}
     */
    function s(tag, attrs = {}, ...children) {
        const el = document.createElementNS(SVG, tag);
        for (const [k, v] of Object.entries(attrs)) if (v !== undefined) el.setAttribute(k, String(v));
        for (const c of children) el.append(c);
        return el;
    }
    /** @param {number | null} x @param {number} [d] */
    const fmt = (x, d = 1) => (x === null ? "–" : x.toFixed(d));
    /** @param {number | null} x */
    const pct = (x) => (x === null ? "–" : `${Math.round(x * 100)}%`);
    /** @param {number | null} x */
    const times = (x) => (x === null ? "–" : `${x.toFixed(2)}×`);

    /**
     * A sparkline of values (tokens/s); `fill` stretches it to the width of its container.
     * @param {number[]} values @param {number} w @param {number} hgt @param {string} cls @param {boolean} [fill]
     */
    function sparkline(values, w, hgt, cls, fill = false) {
        const svg = s("svg", {width: fill ? "100%" : w, height: hgt, viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: fill ? "none" : undefined, class: cls, role: "img"});
        if (values.length === 0) return svg;
        const max = Math.max(...values, 1e-9);
        const step = values.length > 1 ? (w - 4) / (values.length - 1) : 0;
        const pts = values.map((v, i) => `${(2 + i * step).toFixed(1)},${(hgt - 2 - (v / max) * (hgt - 4)).toFixed(1)}`);
        svg.append(s("polyline", {points: pts.join(" "), class: "line"}));
        const last = pts[pts.length - 1].split(",");
        svg.append(s("circle", {cx: last[0], cy: last[1], r: 2.5, class: "dot"}));
        return svg;
    }

    /**
     * Horizontal bars, one per row, with an optional reference value per row (a vertical tick).
     * @param {{label: string; value: number | null; ref?: number | null; text: string; chosen?: boolean}[]} bars
     * @param {string} cls
     */
    function barChart(bars, cls) {
        const rowH = 22, labelW = 190, w = 560, barW = w - labelW - 70;
        const max = Math.max(1e-9, ...bars.map((b) => Math.max(b.value ?? 0, b.ref ?? 0)));
        const svg = s("svg", {viewBox: `0 0 ${w} ${bars.length * rowH + 6}`, class: `chart ${cls}`, role: "img", width: "100%"});
        bars.forEach((b, i) => {
            const y = 3 + i * rowH;
            svg.append(s("text", {x: labelW - 8, y: y + 15, class: "label", "text-anchor": "end"}, b.label));
            svg.append(s("rect", {x: labelW, y: y + 3, width: barW, height: rowH - 8, class: "track", rx: 2}));
            const bw = b.value === null ? 0 : Math.max(1, (b.value / max) * barW);
            svg.append(s("rect", {x: labelW, y: y + 3, width: bw.toFixed(1), height: rowH - 8, class: b.chosen ? "bar chosen" : "bar", rx: 2}));
            if (b.ref !== undefined && b.ref !== null) {
                const rx = labelW + (b.ref / max) * barW;
                svg.append(s("line", {x1: rx.toFixed(1), x2: rx.toFixed(1), y1: y + 1, y2: y + rowH - 3, class: "ref"}));
            }
            svg.append(s("text", {x: labelW + barW + 6, y: y + 15, class: "value"}, b.text));
        });
        return svg;
    }

    /** @param {LiveView | null} live */
    function liveCard(live) {
        if (!S) return h("section");
        if (!live) return h("section", {class: "card live idle", id: "live"}, h("h2", {}, S.live), h("p", {class: "muted"}, S.idle));
        const metric = (/** @type {string} */ name, /** @type {string} */ label, /** @type {string} */ value) =>
            h("div", {class: "metric"}, h("div", {class: "metric-value", "data-live-metric": name}, value), h("div", {class: "metric-label"}, label));
        return h("section", {class: "card live", id: "live"},
            h("h2", {}, `${S.live}: ${live.task} → ${live.lang} · ${live.drafter}`),
            h("div", {class: "metrics"},
                metric("tokensPerSecond", S.tokensPerSecond, fmt(live.tokensPerSecond)),
                metric("acceptanceRate", S.acceptance, live.drafted > 0 ? `${pct(live.acceptanceRate)} ${S.ofDrafts.replace("{0}", String(live.drafted))}` : "–"),
                metric("tokensPerStep", S.tokensPerStep, fmt(live.tokensPerStep, 2)),
                metric("tokens", S.tokens, String(live.tokens))),
            sparkline(live.series, 520, 60, "spark live-chart", true));
    }

    /** @param {StatsRow[]} rows */
    function table(rows) {
        if (!S) return h("div");
        const str = S;
        const head = h("tr", {}, ...[str.language, str.drafter, str.runs, str.loops, str.tokens, str.acceptance, str.tokensPerStep, str.tokensPerSecond, str.speedup, ""].map((t) => h("th", {scope: "col"}, t)));
        const body = rows.map((r) => h("tr", {"data-lang": r.lang, "data-drafter": r.drafter, class: r.chosen ? "chosen" : undefined},
            h("td", {title: r.langLabel}, r.langLabel.replace(/ · .*$| \(.*\)$/, "")),
            h("td", {title: r.usedMemory ? str.memory : r.chosen ? str.chosen : undefined, "data-memory": r.usedMemory ? "yes" : undefined},
                r.chosen ? `★ ${r.drafter}` : r.drafter, r.usedMemory ? h("span", {class: "badge"}, "TM") : null),
            h("td", {"data-metric": "runs", class: "num"}, String(r.runs)),
            h("td", {"data-metric": "loops", class: "num", title: `${str.loopsHint} ${str.ofRuns.replace("{0}", String(r.loops)).replace("{1}", String(r.runs))}`}, `${pct(r.loopShare)} (${r.loops}/${r.runs})`),
            h("td", {"data-metric": "tokens", class: "num"}, String(r.tokens)),
            h("td", {"data-metric": "acceptanceRate", class: "num"}, r.drafted > 0 ? `${pct(r.acceptanceRate)} ${str.ofDrafts.replace("{0}", String(r.drafted))}` : "–",
                r.withoutMemory ? h("div", {class: "muted small", "data-metric": "acceptanceWithoutMemory"}, str.withoutMemory.replace("{0}",
                    r.withoutMemory.drafted > 0 ? `${pct(r.withoutMemory.acceptanceRate)} ${str.ofDrafts.replace("{0}", String(r.withoutMemory.drafted))}` : "–")) : null),
            h("td", {"data-metric": "tokensPerStep", class: "num"}, fmt(r.tokensPerStep, 2)),
            h("td", {"data-metric": "tokensPerSecond", class: "num"}, fmt(r.tokensPerSecond)),
            h("td", {"data-metric": "speedup", class: "num", title: r.speedup === null ? str.baselineHint : undefined},
                r.measuring ? str.measuring.replace("{0}", String(r.measuring.have)).replace("{1}", String(r.measuring.need)) : times(r.speedup)),
            h("td", {}, sparkline(r.history, 90, 20, "spark"))));
        return h("table", {id: "table"}, h("thead", {}, head), h("tbody", {}, ...body));
    }

    /** @param {{generation: LoopDelayView | null; training: LoopDelayView | null}} loop */
    function responsiveness(loop) {
        if (!S) return h("section");
        const str = S;
        const line = (/** @type {string} */ kind, /** @type {string} */ label, /** @type {LoopDelayView | null} */ d) => h("tr", {"data-loop": kind},
            h("th", {scope: "row"}, label + (d ? ` (${d.job}, ${(d.durationMs / 1000).toFixed(1)} s)` : "")),
            ...(d ? [h("td", {"data-metric": "p50", class: "num"}, `${d.p50.toFixed(1)} ms`), h("td", {"data-metric": "p99", class: "num"}, `${d.p99.toFixed(1)} ms`), h("td", {"data-metric": "max", class: "num"}, `${d.max.toFixed(1)} ms`)]
                : [h("td", {colspan: 3, class: "muted"}, str.none)]));
        return h("section", {class: "card", id: "responsiveness"}, h("h2", {}, str.responsiveness),
            h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, ""), h("th", {scope: "col"}, str.p50), h("th", {scope: "col"}, str.p99), h("th", {scope: "col"}, str.max))),
                h("tbody", {}, line("generation", str.generation, loop.generation), line("training", str.training, loop.training))));
    }

    function render() {
        if (!S || !view) return;
        const v = view;
        const str = S;
        const reset = h("button", {type: "button", id: "reset"}, str.reset);
        reset.addEventListener("click", () => send({type: "reset"}));
        const settings = h("button", {type: "button", id: "settings", class: "secondary"}, "⚙");
        settings.setAttribute("aria-label", "settings");
        settings.addEventListener("click", () => send({type: "openSettings"}));
        const header = h("header", {},
            h("h1", {}, str.title),
            h("div", {class: "sub"}, `${str.model}: `, h("strong", {id: "model"}, v.model || "–"), " · ", v.autoTune ? str.autoTuneOn : str.autoTuneOff),
            h("div", {class: "actions"}, reset, settings));
        const parts = [header, liveCard(v.live)];
        if (v.rows.length === 0) parts.push(h("p", {class: "empty muted", id: "empty"}, str.empty));
        else {
            const plain = new Map(v.rows.filter((r) => r.drafter === "none").map((r) => [r.lang, r.tokensPerSecond]));
            parts.push(h("section", {class: "card scroll"}, table(v.rows)));
            parts.push(h("section", {class: "card"}, h("h2", {}, str.chartSpeed),
                barChart(v.rows.map((r) => ({label: `${r.lang} · ${r.drafter}`, value: r.tokensPerSecond, ref: plain.get(r.lang) ?? null, text: fmt(r.tokensPerSecond), chosen: r.chosen})), "speed")));
            const drafted = v.rows.filter((r) => r.acceptanceRate !== null);
            if (drafted.length) parts.push(h("section", {class: "card"}, h("h2", {}, str.chartAcceptance),
                barChart(drafted.map((r) => ({label: `${r.lang} · ${r.drafter}`, value: r.acceptanceRate, text: pct(r.acceptanceRate), chosen: r.chosen})), "acceptance")));
        }
        parts.push(responsiveness(v.loopDelay));
        app.replaceChildren(...parts);
    }

    // Messages are checked before they change anything: a malformed one (anything posted into this frame that is
    // not a ToWebview of src/vscode/common/protocol.ts, field by field) is ignored, and what is shown stays.
    /** @type {Record<keyof Strings, 1>} every key of Strings (tsc -p media checks that none is missing) */
    const STRING_KEYS = {title: 1, model: 1, autoTuneOn: 1, autoTuneOff: 1, language: 1, drafter: 1, runs: 1, tokens: 1, acceptance: 1,
        tokensPerStep: 1, tokensPerSecond: 1, speedup: 1, live: 1, idle: 1, empty: 1, reset: 1, chartSpeed: 1, chartAcceptance: 1,
        responsiveness: 1, generation: 1, training: 1, p50: 1, p99: 1, max: 1, none: 1, chosen: 1, measuring: 1, ofDrafts: 1,
        baselineHint: 1, loops: 1, loopsHint: 1, ofRuns: 1, memory: 1, withoutMemory: 1};
    /** @param {unknown} x @returns {x is Record<string, unknown>} */
    const isObj = (x) => typeof x === "object" && x !== null && !Array.isArray(x);
    /** @param {unknown} x @returns {x is number} */
    const isNum = (x) => typeof x === "number" && Number.isFinite(x);
    /** @param {unknown} x */
    const isNumOrNull = (x) => x === null || isNum(x);
    /** @param {unknown} x */
    const isStr = (x) => typeof x === "string";
    /** @param {unknown} x */
    const isNumList = (x) => Array.isArray(x) && x.length <= 10_000 && x.every(isNum);
    /** @param {unknown} x @returns {x is Strings} */
    const isStrings = (x) => isObj(x) && Object.keys(STRING_KEYS).every((k) => isStr(x[k]));
    /** @param {unknown} r @returns {r is StatsRow} */
    const isRow = (r) => isObj(r) && isStr(r.lang) && isStr(r.langLabel) && isStr(r.drafter) && isNum(r.runs) && isNum(r.loops) && isNumOrNull(r.loopShare) &&
        isNum(r.tokens) && isNum(r.drafted) && isNumOrNull(r.acceptanceRate) && isNumOrNull(r.tokensPerStep) && isNumOrNull(r.tokensPerSecond) &&
        isNumOrNull(r.speedup) && (r.measuring === null || (isObj(r.measuring) && isNum(r.measuring.have) && isNum(r.measuring.need))) &&
        isNumList(r.history) && typeof r.chosen === "boolean" && typeof r.usedMemory === "boolean" &&
        (r.withoutMemory === null || (isObj(r.withoutMemory) && isNum(r.withoutMemory.runs) && isNumOrNull(r.withoutMemory.acceptanceRate) && isNum(r.withoutMemory.drafted)));
    /** @param {unknown} d @returns {d is LoopDelayView | null} */
    const isLoopDelay = (d) => d === null || (isObj(d) && isStr(d.job) && ["p50", "p99", "max", "mean", "durationMs"].every((k) => isNum(d[k])));
    /** @param {unknown} l @returns {l is LiveView | null} */
    const isLive = (l) => l === null || (isObj(l) && isStr(l.task) && isStr(l.lang) && isStr(l.drafter) && isNum(l.tokens) && isNum(l.drafted) &&
        isNumOrNull(l.tokensPerSecond) && isNumOrNull(l.acceptanceRate) && isNumOrNull(l.tokensPerStep) && isNumList(l.series));
    /** @param {unknown} v @returns {v is StatsView} */
    const isView = (v) => isObj(v) && isStr(v.model) && typeof v.autoTune === "boolean" && Array.isArray(v.rows) && v.rows.every(isRow) &&
        isLive(v.live) && isObj(v.loopDelay) && isLoopDelay(v.loopDelay.generation) && isLoopDelay(v.loopDelay.training);
    /** @param {unknown} m @returns {m is ToWebview} */
    const isToWebview = (m) => isObj(m) && ((m.type === "init" && isStrings(m.strings) && isView(m.view)) ||
        (m.type === "update" && isView(m.view)) || (m.type === "live" && isLive(m.live)));

    window.addEventListener("message", (/** @type {MessageEvent<unknown>} */ e) => {
        const m = e.data;
        if (!isToWebview(m)) return;
        switch (m.type) {
            case "init": S = m.strings; view = m.view; render(); break;
            case "update": view = m.view; render(); break;
            case "live": {
                if (!view) break;
                view = {...view, live: m.live};
                const old = document.getElementById("live");
                if (old) old.replaceWith(liveCard(m.live)); else render();
                break;
            }
        }
    });
    send({type: "ready"});
})();
