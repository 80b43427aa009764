import assert from "node:assert/strict";
import {INITIAL, present, transition, type StatusEvent, type StatusState} from "../../../src/vscode/common/statusState";

/** vscode.l10n.t stand-in: fills {0}, {1}, ... */
const t = (m: string, ...a: (string | number)[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));
const run = (s: StatusState, ...es: StatusEvent[]) => es.reduce(transition, s);

describe("status bar state machine", () => {
    it("loads, generates with a live readout, and returns to ready", () => {
        let s = run(INITIAL, {type: "configured", model: "qwen"});
        assert.equal(s.kind, "idle");
        s = run(s, {type: "load", model: "qwen"}, {type: "loadProgress", pct: 40, stage: "download"});
        assert.deepEqual(s, {kind: "loading", model: "qwen", pct: 40, stage: "download"});
        assert.match(present(s, t).text, /loading~spin.*40%/);
        s = run(s, {type: "loaded", model: "qwen"});
        assert.deepEqual(s, {kind: "ready", model: "qwen"});
        assert.equal(present(s, t).command, "polyspec.showStatistics");
        s = run(s, {type: "start", job: "translate", lang: "de", drafter: "cascade+ngram"}, {type: "progress", tokens: 42, tokensPerSecond: 12.345, acceptance: 0.456, drafted: 24});
        assert.equal(s.kind, "busy");
        const v = present(s, t);
        assert.equal(v.text, "$(loading~spin) 12.3 tok/s · 46% of 24 · cascade+ngram", "each number says how much stands behind it");
        assert.match(v.tooltip, /46% of 24 drafted tokens/);
        assert.match(v.tooltip, /Tokens: 42/);
        assert.match(v.tooltip, /Drafter: cascade\+ngram/);
        assert.equal(v.command, "polyspec.showStatistics");
        assert.equal(v.cancellable, true);
        // the memory's drafter joins before the first token: the readout names it
        s = run(s, {type: "progress", drafter: "cascade+ngram+tm"});
        assert.match(present(s, t).text, /· cascade\+ngram\+tm$/);
        assert.equal((s as {tokens?: number}).tokens, 42, "the other numbers stay");
        s = run(s, {type: "finish"});
        assert.deepEqual(s, {kind: "ready", model: "qwen"});
    });

    it("shows no speed until enough tokens stand behind it, no acceptance before a draft, and hides Cancel for inline suggestions", () => {
        const s = run({kind: "ready", model: "m"}, {type: "start", job: "inline", lang: "en"});
        const v = present(s, t);
        assert.equal(v.text, "$(loading~spin) … tok/s · – · –");
        assert.equal(v.cancellable, false);
        const early = run(s, {type: "progress", tokens: 3, tokensPerSecond: 55, acceptance: 0, drafted: 0});
        assert.equal(present(early, t).text, "$(loading~spin) … tok/s · – · –", "3 tokens: a speed would be noise");
        assert.match(present(early, t).tooltip, /no drafts yet/);
    });

    it("a failed load is an error; dismissing it without a model goes back to noModel", () => {
        const s = run(INITIAL, {type: "load", model: "x.gguf"}, {type: "loadFailed", message: "not a GGUF file"});
        assert.deepEqual(s, {kind: "error", message: "not a GGUF file"});
        const v = present(s, t);
        assert.equal(v.severity, "error");
        assert.equal(v.command, "polyspec.selectModel");
        assert.match(v.tooltip, /not a GGUF file/);
        assert.deepEqual(run(s, {type: "dismiss"}), {kind: "noModel"});
    });

    it("a failed generation keeps the model: the next command starts from the error state", () => {
        const s = run({kind: "ready", model: "m"}, {type: "start", job: "story"}, {type: "fail", message: "boom"});
        assert.deepEqual(s, {kind: "error", message: "boom", model: "m"});
        assert.equal(run(s, {type: "start", job: "translate"}).kind, "busy");
        assert.deepEqual(run(s, {type: "loaded", model: "m"}), {kind: "ready", model: "m"});
    });

    it("ignores events that make no sense in a state (the same object comes back)", () => {
        const ready: StatusState = {kind: "ready", model: "m"};
        for (const e of [{type: "finish"}, {type: "progress", tokens: 1}, {type: "loadProgress", pct: 5}, {type: "loadFailed", message: "x"}, {type: "dismiss"}] as StatusEvent[]) {
            assert.equal(transition(ready, e), ready, e.type);
        }
        const busy: StatusState = {kind: "busy", model: "m", job: "translate"};
        assert.equal(transition(busy, {type: "start", job: "story"}), busy);
        assert.equal(transition(busy, {type: "load", model: "n"}), busy);
        assert.equal(transition(busy, {type: "noModel"}), busy);
        assert.equal(transition(INITIAL, {type: "start", job: "translate"}), INITIAL); // no model: nothing to run on
    });

    it("training and downloads show a percentage and are cancellable", () => {
        let s = run({kind: "ready", model: "m"}, {type: "start", job: "train", lang: "de"}, {type: "progress", pct: 37.4});
        assert.match(present(s, t).text, /training drafter 37%/);
        assert.equal(present(s, t).cancellable, true);
        s = run(INITIAL, {type: "start", job: "fetch"}, {type: "progress", pct: 12});
        assert.match(present(s, t).text, /downloading model 12%/);
        assert.deepEqual(run(s, {type: "finish"}), {kind: "noModel"});
    });

    it("noModel asks for a model on click", () => {
        const v = present(INITIAL, t);
        assert.equal(v.command, "polyspec.selectModel");
        assert.equal(v.severity, "warning");
    });
});
