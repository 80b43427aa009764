/**
 * The editor's trust boundaries: settings values (any JSON a settings.json can hold, from any scope), workspace
 * trust (an untrusted workspace cannot point Polyspec at a model, drafter or memory file), the statistics
 * webview's messages (anything a compromised page could post) and its Content-Security-Policy.
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import fc from "fast-check";
import {isFromWebview} from "../../../src/vscode/common/protocol";
import {contentSecurityPolicy, panelHtml} from "../../../src/vscode/common/panelHtml";
import {DEFAULTS, KEYS, RESTRICTED, readSettings, resolvePaths, type Inspected, type Settings} from "../../../src/vscode/common/settingsModel";
import {DRAFTER_SPEC_RE} from "../../../src/vscode/common/router";
import {isLanguageCode} from "../../../src/core/languages";

const SEED = Number(process.env.POLYSPEC_FUZZ_SEED ?? 1414);
const ROOT = path.resolve(__dirname, "../../..");
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
    capabilities: {untrustedWorkspaces: {supported: string; restrictedConfigurations: string[]}};
    contributes: {configuration: {properties: Record<string, {type: string; markdownDescription?: string}>}};
};

/** Values a settings.json can hold, biased towards the settings' own types and their edges. */
const settingValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.jsonValue({maxDepth: 3}),
    fc.constantFrom(0, -1, 1, 8, 16, 17, 512, 32768, 1e9, 0.5, 2.5, NaN, "", " ", "auto", "cuda", "below", "hf:", "hf:a/b", "x.gguf", "~/m.gguf", "../../evil.gguf",
        {"de": "ngram:/tmp/x.ngram"}, {"*": "cascade"}, {"xx": "lookup"}, {"de": 5}, {"__proto__": "none"}, [], ["markdown", ""], ["plaintext"], true, false, null),
);
const inspected: fc.Arbitrary<Inspected> = fc.record({globalValue: settingValue, workspaceValue: settingValue, workspaceFolderValue: settingValue}, {requiredKeys: []});
const allKeys = Object.values(KEYS);

/** Whether a settings object holds only values its checks allow. */
function checkValid(s: Settings): void {
    const int = (v: number, lo: number, hi: number) => assert.ok(Number.isInteger(v) && v >= lo && v <= hi, `${v} not in ${lo}..${hi}`);
    int(s.k, 0, 16); int(s.threads, 0, 256); int(s.contextSize, 512, 32768); int(s.translationMaxTokens, 16, 4096); int(s.storyMaxTokens, 8, 2048);
    int(s.inlineDebounceMs, 0, 5000); int(s.inlineMaxTokens, 4, 256);
    assert.ok(Number.isFinite(s.temperature) && s.temperature >= 0 && s.temperature <= 2);
    assert.ok(["auto", "cpu", "cuda", "vulkan"].includes(s.gpu));
    assert.ok(["replace", "below"].includes(s.insertMode));
    for (const b of [s.autoTune, s.inlineEnabled, s.checkLanguage]) assert.equal(typeof b, "boolean");
    for (const x of [s.model, s.modelsFolder, s.drafterFolder]) assert.equal(typeof x, "string");
    assert.ok(Array.isArray(s.inlineLanguages) && s.inlineLanguages.every((l) => typeof l === "string" && l.length > 0));
    for (const [lang, spec] of Object.entries(s.drafters)) {
        assert.ok(lang === "*" || isLanguageCode(lang), lang);
        assert.ok(typeof spec === "string" && DRAFTER_SPEC_RE.test(spec), spec);
    }
    assert.equal(Object.getPrototypeOf(s.drafters), Object.prototype);
}

describe("fuzz: settings, workspace trust and the statistics webview", function () {
    this.timeout(60_000);

    it("any settings values, from any scope: valid settings, one problem line per bad value; untrusted workspace values of path settings never apply", () => {
        fc.assert(fc.property(fc.dictionary(fc.constantFrom(...allKeys), inspected), fc.boolean(), (values, trusted) => {
            const r = readSettings((k) => values[k], trusted);
            checkValid(r.settings);
            for (const p of r.problems) assert.ok(!p.includes("\n") && p.startsWith("polyspec."), p);
            resolvePaths(r.settings, "/work/space", "/home/me"); // never throws either
            if (!trusted) {
                // what an untrusted workspace may not choose: each restricted setting is what the user (or default) gives
                const userOnly = readSettings((k) => {
                    const v = values[k];
                    const field = (Object.keys(KEYS) as (keyof Settings)[]).find((f) => KEYS[f] === k)!;
                    return v && RESTRICTED.includes(field) ? {globalValue: v.globalValue} : v;
                }, true).settings;
                for (const f of RESTRICTED) assert.deepEqual(r.settings[f], userOnly[f], `untrusted workspace set ${f}`);
            }
        }), {numRuns: 4000, seed: SEED});
    });

    it("package.json restricts exactly the settings the model ignores from untrusted workspaces, and every file or folder setting is among them", () => {
        const restricted = manifest.capabilities.untrustedWorkspaces.restrictedConfigurations;
        assert.equal(manifest.capabilities.untrustedWorkspaces.supported, "limited");
        assert.deepEqual([...restricted].sort(), RESTRICTED.map((f) => `polyspec.${KEYS[f]}`).sort());
        // any setting that names a model, a drafter, a memory, a file, a folder or a path must be restricted: a
        // cloned repository's .vscode/settings.json must not choose what Polyspec loads
        const pathLike = Object.entries(manifest.contributes.configuration.properties)
            .filter(([id, p]) => /model|drafter|memory|file|folder|path|dir/i.test(id) && (p.type === "string" || p.type === "object" || p.type === "array"));
        assert.ok(pathLike.length >= 4);
        for (const [id] of pathLike) assert.ok(restricted.includes(id), `${id} names a file but is not in restrictedConfigurations`);
        assert.deepEqual(Object.keys(DEFAULTS).sort(), Object.keys(KEYS).sort());
    });

    it("untrusted workspace: a model, drafter or folder from .vscode/settings.json is ignored and reported", () => {
        const ws: Record<string, Inspected> = {
            "model": {workspaceValue: "/tmp/evil.gguf"}, "modelsFolder": {workspaceFolderValue: "/tmp/models"},
            "drafters": {workspaceValue: {"*": "ngram:/tmp/evil.ngram", "de": "model:/tmp/evil.gguf"}}, "drafterFolder": {workspaceValue: "/tmp/d"},
        };
        const r = readSettings((k) => ws[k], false);
        assert.deepEqual([r.settings.model, r.settings.modelsFolder, r.settings.drafters, r.settings.drafterFolder], ["", "", {}, ""]);
        assert.deepEqual(r.ignored.sort(), ["polyspec.drafterFolder", "polyspec.drafters", "polyspec.model", "polyspec.modelsFolder"]);
        assert.equal(readSettings((k) => ws[k], true).settings.model, "/tmp/evil.gguf"); // trusted: the workspace decides
    });

    it("the webview's messages: only the three known ones pass, anything else is ignored without an exception", () => {
        const known = fc.constantFrom("ready", "reset", "openSettings");
        const message = fc.oneof(
            fc.anything({withNullPrototype: true, withBigInt: true, withMap: true, withSet: true, withTypedArray: true, withSparseArray: true}),
            fc.record({type: fc.oneof(known, fc.string(), fc.anything())}, {requiredKeys: []}),
            fc.record({type: known, extra: fc.anything()}),
            fc.constantFrom({type: "READY"}, {type: "reset "}, {type: ["reset"]}, {type: {toString: () => "reset"}}, {type: "__proto__"}, {type: "constructor"}, Object.create({type: "reset"})),
        );
        fc.assert(fc.property(message, (m) => {
            const ok = isFromWebview(m);
            const t = typeof m === "object" && m !== null ? (m as {type?: unknown}).type : undefined;
            assert.equal(ok, t === "ready" || t === "reset" || t === "openSettings");
        }), {numRuns: 5000, seed: SEED});
    });

    it("the webview's page: a CSP without unsafe-inline or unsafe-eval, one nonce'd script from media/, no inline style or script", () => {
        const page = {nonce: "abc123+/=", cspSource: "https://file+.vscode-resource.vscode-cdn.net", styleUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/stats.css",
            scriptUri: "https://file+.vscode-resource.vscode-cdn.net/ext/media/stats.js", lang: "de\"><script>x()</script>", title: "<b>Polyspec</b>"};
        const html = panelHtml(page);
        const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html)?.[1];
        assert.equal(csp, contentSecurityPolicy(page));
        const directives = new Map(csp!.split(";").map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
        assert.deepEqual(directives.get("default-src"), ["'none'"]);
        assert.deepEqual(directives.get("script-src"), [`'nonce-${page.nonce}'`]);
        assert.deepEqual(directives.get("style-src"), [page.cspSource]);
        assert.ok(!/unsafe-inline|unsafe-eval|unsafe-hashes|\*/.test(csp!.replace(page.cspSource, "")), csp);
        const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
        assert.equal(scripts.length, 1);
        assert.match(scripts[0]![1]!, new RegExp(`nonce="${page.nonce.replace(/[+/]/g, "\\$&")}"`));
        assert.equal(scripts[0]![2], "", "no inline script");
        assert.ok(!/<style|\sstyle=|\son[a-z]+=/i.test(html), "no inline style or event handler");
        assert.ok(html.includes("<title>&#60;b&#62;Polyspec&#60;/b&#62;</title>"));
        assert.ok(html.includes('lang="de&#34;&#62;&#60;script&#62;x()&#60;/script&#62;"'));
    });

    it("the webview's script sets no inline style, handler or HTML (what its CSP would block, or what could inject)", () => {
        const js = fs.readFileSync(path.join(ROOT, "media", "stats.js"), "utf8");
        assert.ok(!/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function|setAttribute\(\s*["'](style|on)/.test(js));
        assert.ok(!/["']style["']\s*:|\bon[a-z]+\s*:\s*["']/.test(js));
    });
});
