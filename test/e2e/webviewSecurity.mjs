// The statistics webview's trust checks in the real browser (test/e2e/run.mjs): the Content-Security-Policy its
// document carries and that Chromium enforces, and malformed messages ignored both ways: posted into the webview
// (the way VS Code's webview host delivers the extension's messages: window.postMessage in the content frame) and
// sent to the extension (through the host's relay that the webview's acquireVsCodeApi().postMessage calls).
import assert from "node:assert/strict";

/** Chromium's console lines for a CSP violation ("Refused to execute inline script because it violates ..."). */
export const isCspConsole = (text) => /Content Security Policy|Refused to (execute|apply|load|evaluate|connect|frame)/i.test(text);

/**
 * Whether a console line is about the content frame: it quotes one of the page's own directives ("... violates the
 * following Content Security Policy directive 'script-src 'nonce-…''": the script-src one carries the page's nonce,
 * the others its resource origin; default-src 'none' is left out, VS Code's host page has it too).
 */
const inContent = (directives) => (m) => directives.some((d) => !d.startsWith("default-src") && m.text.includes(d));

/** Malformed messages into the webview, built in the page (values JSON cannot carry included). */
function postGarbageIntoWebview() {
    const view = {model: "garbage", autoTune: true, rows: [], live: null, loopDelay: {generation: null, training: null}};
    const row = {lang: "de", langLabel: "German", drafter: "none", runs: 1, loops: 0, loopShare: 0, tokens: 5, drafted: 0, acceptanceRate: null,
        tokensPerStep: 1, tokensPerSecond: 2, speedup: null, measuring: null, history: [2], chosen: false, usedMemory: false, withoutMemory: null};
    const live = {task: "story", lang: "en", drafter: "none", tokens: 1, drafted: 0, tokensPerSecond: null, acceptanceRate: null, tokensPerStep: null, series: []};
    let deep = {type: "update", view};
    for (let i = 0; i < 200; i++) deep = {type: "update", view: {...view, rows: [deep]}};
    const garbage = [undefined, null, 0, 42, NaN, "update", true, [], [{type: "update", view}], {}, {type: 1}, {type: "UPDATE", view}, {type: "update"},
        {type: "update", view: null}, {type: "update", view: 5}, {type: "update", view: {}}, {type: "update", view: {...view, rows: "rows"}},
        {type: "update", view: {...view, model: 1}}, {type: "update", view: {...view, autoTune: "yes"}}, {type: "update", view: {...view, rows: [null]}},
        {type: "update", view: {...view, rows: [{lang: "de"}]}}, {type: "update", view: {...view, rows: [{...row, history: "x"}]}},
        {type: "update", view: {...view, rows: [{...row, tokens: NaN}]}}, {type: "update", view: {...view, rows: [{...row, langLabel: null}]}},
        {type: "update", view: {...view, rows: [{...row, measuring: {have: "1"}}]}}, {type: "update", view: {...view, loopDelay: null}},
        {type: "update", view: {...view, loopDelay: {generation: {job: "story", p50: "1"}, training: null}}}, {type: "update", view: {...view, live: {...live, series: null}}},
        {type: "init"}, {type: "init", strings: null, view}, {type: "init", strings: {}, view}, {type: "init", strings: {title: 5}, view}, {type: "init", strings: "s", view: null},
        {type: "live"}, {type: "live", live: 5}, {type: "live", live: {tokens: "many"}}, {type: "live", live: {...live, series: null}}, {type: "live", live: {...live, tokens: Infinity}},
        Object.assign(Object.create(null), {type: "update"}), new Date(0), new Map([["type", "update"]]), new Uint8Array(8), "x".repeat(1 << 20), deep];
    for (const m of garbage) window.postMessage(m, window.origin);
    return garbage.length;
}

/** Malformed messages to the extension, through VS Code's relay (what acquireVsCodeApi().postMessage calls). */
function postGarbageToExtension() {
    let deep = {type: "ready"};
    for (let i = 0; i < 100; i++) deep = {type: deep};
    const garbage = [null, 0, 1.5, "reset", "ready", "openSettings", true, [], ["reset"], [{type: "reset"}], {}, {type: "Reset"}, {type: "reset "}, {type: " ready"},
        {type: ["reset"]}, {type: {type: "reset"}}, {kind: "reset"}, {command: "reset"}, {data: {type: "ready"}}, {message: {type: "reset"}}, {type: "openSettings2"},
        {type: "ready\u0000"}, {type: null}, {type: 5}, {type: true}, Object.assign(Object.create(null), {type: "RESET"}), "reset".repeat(200_000), deep];
    const relay = /** @type {any} */ (window).__vscode_post_message__;
    for (const m of garbage) relay("onmessage", {message: m});
    return garbage.length;
}

/** What the webview shows: its table rows, the model and the header element (marked to see a re-render). */
function shown() {
    const rows = [...document.querySelectorAll("#table tbody tr")].map((tr) => [tr.getAttribute("data-lang"), tr.getAttribute("data-drafter"),
        ...[...tr.querySelectorAll("td[data-metric]")].map((td) => td.textContent)].join(" "));
    return {rows, model: document.getElementById("model")?.textContent ?? null, marked: document.querySelector("header")?.dataset.e2eMark === "1"};
}

/**
 * Runs the checks on the open statistics webview. `consoleLines`: the page's CSP console lines so far ({text, url});
 * `toggleTwice`: makes the extension post a real update twice (and leaves the settings as they were).
 */
export async function checkWebviewSecurity({page, wb, log, consoleLines, toggleTwice}) {
    await wb.runCommand("Polyspec: Show Speculation Statistics");
    const {host, content} = await wb.webviewFrames();
    await content.waitForSelector("header", {timeout: 30_000});

    // 1. the policy the document carries
    const doc = await content.evaluate(() => ({
        csp: [...document.querySelectorAll("meta[http-equiv]")].filter((m) => /^content-security-policy$/i.test(m.getAttribute("http-equiv") ?? "")).map((m) => m.getAttribute("content")),
        scripts: [...document.scripts].map((s) => ({id: s.id, src: s.src, nonce: s.nonce, inline: !s.src})),
        styles: [...document.querySelectorAll("style")].map((s) => s.id || "(no id)"),
        sheets: [...document.querySelectorAll("link[rel=stylesheet]")].map((l) => /** @type {HTMLLinkElement} */ (l).href),
        styleAttributes: document.querySelectorAll("body [style], body[style]").length,
        handlerAttributes: [...document.querySelectorAll("*")].filter((el) => [...el.attributes].some((a) => /^on/i.test(a.name))).length,
    }));
    log("webview document:", JSON.stringify({...doc, scripts: doc.scripts.map((s) => ({...s, nonce: s.nonce ? "(set)" : ""}))}));
    assert.equal(doc.csp.length, 1, `one Content-Security-Policy: ${JSON.stringify(doc.csp)}`);
    const directives = Object.fromEntries(doc.csp[0].split(";").map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...src]) => [name.toLowerCase(), src]));
    log("CSP:", doc.csp[0]);
    const fromContent = inContent(doc.csp[0].split(";").map((d) => d.trim()).filter(Boolean));
    assert.deepEqual(directives["default-src"], ["'none'"], "default-src 'none'");
    const nonce = /^'nonce-(.+)'$/.exec(directives["script-src"]?.[0] ?? "")?.[1];
    assert.ok(nonce && directives["script-src"].length === 1, `scripts only by nonce: script-src ${directives["script-src"]}`);
    assert.ok(nonce.length >= 16, "a nonce of at least 128 bits");
    for (const [name, src] of Object.entries(directives)) {
        for (const bad of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'", "*", "http:", "https:"]) assert.ok(!src.includes(bad), `${name} allows ${bad}`);
    }
    assert.ok(directives["style-src"]?.length, "style-src is set");
    // VS Code's webview host puts its own API script (_vscodeApiScript) and default styles (_defaultStyles) ahead of
    // the page's policy; the page itself has one nonce'd script from media/, one stylesheet, no inline style or handler
    const ours = doc.scripts.filter((s) => s.id !== "_vscodeApiScript");
    assert.equal(ours.length, 1, `one script of the page: ${JSON.stringify(ours)}`);
    assert.ok(/\/media\/stats\.js$/.test(ours[0].src) && ours[0].nonce === nonce, "media/stats.js, carrying the policy's nonce");
    assert.deepEqual(doc.styles.filter((id) => id !== "_defaultStyles"), [], "no inline style element of the page");
    assert.ok(doc.sheets.length === 1 && /\/media\/stats\.css$/.test(doc.sheets[0]), `one stylesheet from media/: ${doc.sheets}`);
    assert.equal(doc.styleAttributes, 0, "no style attribute in the page");
    assert.equal(doc.handlerAttributes, 0, "no inline event handler");
    const atLoad = consoleLines.filter(fromContent);
    assert.deepEqual(atLoad, [], "no CSP violation in the webview since it opened");

    // 2. listeners for what follows: uncaught errors, CSP violations, and the extension's init messages
    await content.evaluate(() => {
        const w = /** @type {any} */ (window);
        w.__e2e = {errors: [], violations: [], inits: 0};
        window.addEventListener("error", (e) => w.__e2e.errors.push(String(e.message)));
        document.addEventListener("securitypolicyviolation", (e) => w.__e2e.violations.push(`${e.violatedDirective} ${e.blockedURI}`));
        // the extension's init messages, relayed by the host frame (not the ones this test posts in the frame itself)
        window.addEventListener("message", (e) => { if (e.source !== window && e.data && e.data.type === "init") w.__e2e.inits++; });
        document.querySelector("header").dataset.e2eMark = "1";
    });
    const before = await content.evaluate(shown);
    log("webview shows:", JSON.stringify(before));
    const probe = () => content.evaluate(() => /** @type {any} */ (window).__e2e);

    // 3. malformed messages into the webview change nothing and throw nothing
    const into = await content.evaluate(postGarbageIntoWebview);
    await page.waitForTimeout(800);
    let after = await content.evaluate(shown);
    assert.deepEqual(after, before, `the webview changed after ${into} malformed messages`);
    assert.deepEqual((await probe()).errors, [], "no error in the webview");

    // 4. malformed messages to the extension: no reset, no settings opened, no answer; a well-formed one is answered
    const settingsTabs = () => page.locator('.tab[aria-label^="Settings"]').count();
    const tabs = await settingsTabs();
    const sent = await host.evaluate(postGarbageToExtension);
    await page.waitForTimeout(1500);
    after = await content.evaluate(shown);
    assert.deepEqual(after, before, `the webview changed after ${sent} malformed messages to the extension (a reset?)`);
    assert.equal((await probe()).inits, 0, "the extension answered a malformed message as if it were 'ready'");
    assert.equal(await settingsTabs(), tabs, "a malformed message opened the settings");
    await host.evaluate(() => /** @type {any} */ (window).__vscode_post_message__("onmessage", {message: {type: "ready"}}));
    for (const end = Date.now() + 15_000; (await probe()).inits === 0; await page.waitForTimeout(200)) if (Date.now() > end) throw new Error("the extension did not answer a well-formed 'ready' sent the same way");
    log(`malformed messages: ${into} into the webview, ${sent} to the extension, ignored; a well-formed 'ready' through the same relay was answered`);

    // 5. the webview still follows the extension: a real update re-renders it (the same numbers)
    await content.evaluate(() => { document.querySelector("header").dataset.e2eMark = "1"; });
    await toggleTwice();
    await content.waitForFunction(() => document.querySelector("header")?.dataset.e2eMark !== "1", null, {timeout: 15_000});
    after = await content.evaluate(shown);
    assert.deepEqual(after.rows, before.rows, "the same rows after the real update");
    assert.equal(after.model, before.model);
    let state = await probe();
    assert.deepEqual(state.errors, [], "no error in the webview");
    assert.deepEqual(state.violations, [], "no CSP violation while it rendered");

    // 6. the policy is enforced (and both ways of seeing a violation work): an inline script does not run, an inline
    // style is not applied, eval is refused
    const control = await content.evaluate(async () => {
        const w = /** @type {any} */ (window);
        const s = document.createElement("script");
        s.textContent = "window.__e2eInlineRan = true";
        document.body.append(s);
        const d = document.createElement("div");
        d.setAttribute("style", "color: rgb(1, 2, 3)");
        document.body.append(d);
        const styled = getComputedStyle(d).color === "rgb(1, 2, 3)";
        // in a task of the page's own (code evaluated by the test itself may eval: the debugger protocol allows it)
        const evalRefused = await new Promise((resolve) => setTimeout(() => {
            try { (0, eval)("1"); resolve(false); } catch { resolve(true); }
        }, 0));
        await new Promise((r) => setTimeout(r, 300));
        s.remove();
        d.remove();
        return {inlineRan: !!w.__e2eInlineRan, styled, evalRefused};
    });
    state = await probe();
    for (const end = Date.now() + 5000; consoleLines.filter(fromContent).length === 0 && Date.now() < end;) await page.waitForTimeout(200);
    const seen = consoleLines.filter(fromContent).map((m) => `${m.text.slice(0, 140)} (${m.url})`);
    if (!seen.length) log("CSP console lines of other frames:", JSON.stringify(consoleLines.slice(-5)));
    log("enforcement:", JSON.stringify({...control, violations: state.violations, console: seen}));
    assert.ok(!control.inlineRan, "an inline script ran");
    assert.ok(!control.styled, "an inline style was applied");
    assert.ok(control.evalRefused, "eval ran");
    assert.ok(state.violations.some((v) => v.startsWith("script-src")) && state.violations.some((v) => v.startsWith("style-src")), `violations reported: ${state.violations}`);
    assert.ok(seen.length > 0, "the browser's console reports a violation in the webview (so none before means none happened)");
    return {csp: doc.csp[0], malformedIntoWebview: into, malformedToExtension: sent, control: {...control, violations: state.violations}};
}
