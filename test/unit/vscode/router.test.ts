import assert from "node:assert/strict";
import {drafterLabel, MIN_RUNS, REFRESH_EVERY, Router, type RecentStats} from "../../../src/vscode/common/router";
import {StatsStore} from "../../../src/vscode/common/statsStore";
import type {StatsSnapshot} from "../../../src/core/stats";

/** A run of `tokens` tokens in `ms` decode milliseconds. */
function snap(tokens: number, ms: number, drafted = 0, accepted = 0): StatsSnapshot {
    return {steps: tokens, drafted, accepted, tokens, draftMs: 0, verifyMs: ms, decodeMs: ms, ttftMs: 10, proposedAt: [], acceptedAt: [], stepsByDrafts: [], verifyMsByDrafts: []};
}

function fake(tps: Record<string, number>, last: Record<string, number> = {}): RecentStats {
    return {
        recent: (lang, label) => (tps[`${lang}/${label}`] === undefined ? undefined : {runs: MIN_RUNS, tokensPerSecond: tps[`${lang}/${label}`]}),
        lastRun: (lang, label) => last[`${lang}/${label}`] ?? 0,
    };
}

describe("router", () => {
    it("labels drafter specs", () => {
        assert.equal(drafterLabel("none"), "none");
        assert.equal(drafterLabel("cascade"), "cascade");
        assert.equal(drafterLabel("cascade", "/x/de.ngram"), "cascade+ngram");
        assert.equal(drafterLabel("ngram:/x/de.ngram"), "ngram");
        assert.equal(drafterLabel("model:qwen2.5-coder-0.5b"), "model");
    });

    it("without auto-tuning: the configured drafter, else the trained one (cascade), else the cascade", () => {
        const r = new Router({configured: {de: "lookup"}, trained: {de: "/d/de.ngram", fr: "/d/fr.ngram"}, autoTune: false}, fake({}));
        assert.deepEqual(r.choose("de"), {lang: "de", spec: "lookup", label: "lookup", reason: "configured"});
        assert.deepEqual(r.choose("fr"), {lang: "fr", spec: "cascade", ngram: "/d/fr.ngram", label: "cascade+ngram", reason: "trained"});
        assert.deepEqual(r.choose("zh"), {lang: "zh", spec: "cascade", ngram: undefined, label: "cascade", reason: "default"});
    });

    it("'*' configures every language; 'auto' leaves the choice to the router", () => {
        const r = new Router({configured: {"*": "none", es: "auto"}, trained: {}, autoTune: false}, fake({}));
        assert.equal(r.choose("ja").spec, "none");
        assert.equal(r.choose("es").spec, "cascade");
    });

    it("a configured cascade uses the language's trained n-gram file", () => {
        const r = new Router({configured: {de: "cascade"}, trained: {de: "/d/de.ngram"}, autoTune: false}, fake({}));
        assert.deepEqual(r.choose("de"), {lang: "de", spec: "cascade", ngram: "/d/de.ngram", label: "cascade+ngram", reason: "configured"});
    });

    it("candidates are unique by label and end with lookup and plain decoding", () => {
        const r = new Router({configured: {de: "ngram:/other.ngram"}, trained: {de: "/d/de.ngram"}, autoTune: true}, fake({}));
        assert.deepEqual(r.candidates("de").map((c) => c.label), ["ngram", "cascade+ngram", "lookup", "none"]);
        assert.equal(r.candidates("de")[0].spec, "ngram:/other.ngram"); // the configured file wins over the trained one
    });

    it("auto-tuning explores every candidate first: the preferred one, plain decoding (the baseline), then the rest", () => {
        const tps: Record<string, number> = {};
        const r = new Router({configured: {}, trained: {de: "/d/de.ngram"}, autoTune: true}, fake(tps));
        const seen: string[] = [];
        for (let i = 0; i < 4; i++) {
            const c = r.choose("de");
            assert.equal(c.reason, "explore");
            seen.push(c.label);
            tps[`de/${c.label}`] = 10 + i;
        }
        assert.deepEqual(seen, ["cascade+ngram", "none", "ngram", "lookup"]);
    });

    it("auto-tuning then picks the best measured tokens/s, and re-tries the stalest now and then", () => {
        const r = new Router({configured: {}, trained: {}, autoTune: true},
            fake({"de/cascade": 9.5, "de/lookup": 11.2, "de/none": 8.9}, {"de/cascade": 3, "de/lookup": 5, "de/none": 1}));
        const picks = Array.from({length: REFRESH_EVERY}, () => r.choose("de"));
        assert.ok(picks.slice(0, -1).every((p) => p.label === "lookup" && p.reason === "best"));
        assert.deepEqual([picks.at(-1)!.label, picks.at(-1)!.reason], ["none", "refresh"]);
        assert.equal(r.current("de").label, "lookup");
        assert.equal(r.current("fr").label, "cascade"); // nothing measured: the first candidate
    });

    it("reads recent tokens/s from the statistics store (core/stats definitions)", () => {
        const store = new StatsStore("m");
        const r = new Router({configured: {}, trained: {}, autoTune: true}, store);
        const at = 1;
        store.record({task: "translate", lang: "de", drafter: "cascade", stats: snap(100, 10_000), at}); // 10 tok/s
        store.record({task: "translate", lang: "de", drafter: "lookup", stats: snap(100, 8_000), at}); // 12.5 tok/s
        store.record({task: "translate", lang: "de", drafter: "none", stats: snap(100, 12_500), at}); // 8 tok/s
        assert.equal(r.choose("de").label, "lookup");
        assert.equal(store.recent("de", "lookup")!.tokensPerSecond, 12.5);
    });
});
