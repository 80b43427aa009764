import assert from "node:assert/strict";
import {Stats} from "../../../src/core/stats";
import {createLanguageIdentifier} from "../../../src/core/langid";
import {formatLoopDelay, LoopDelayProbe} from "../../../src/vscode/common/loopDelay";
import {isFromWebview, num} from "../../../src/vscode/common/protocol";
import {MIN_SPEEDUP_TOKENS, StatsStore} from "../../../src/vscode/common/statsStore";
import {SuggestionCache} from "../../../src/vscode/common/suggestionCache";

const run = (tokens: number, decodeMs: number, drafted = 0, accepted = 0) => {
    const s = new Stats();
    s.recordStep({proposed: drafted, accepted, emitted: tokens, draftMs: 0, verifyMs: decodeMs});
    s.decodeMs = decodeMs;
    return s.snapshot();
};

describe("statistics store", () => {
    it("rows per language and drafter, with speed-up against plain decoding of the same language", () => {
        const st = new StatsStore("qwen");
        const k = MIN_SPEEDUP_TOKENS / 50; // enough tokens on every side for a speed-up to be shown
        st.record({task: "translate", lang: "de", drafter: "none", stats: run(80 * k, 10_000 * k), at: 1});
        st.record({task: "translate", lang: "de", drafter: "cascade", stats: run(100 * k, 10_000 * k, 40, 20), at: 2});
        st.record({task: "translate", lang: "de", drafter: "cascade", stats: run(100 * k, 10_000 * k, 40, 30), at: 3});
        st.record({task: "story", lang: "zh", drafter: "lookup", stats: run(50 * k * 2, 5_000 * k * 2, 10, 5), at: 4});
        st.record({task: "story", lang: "zh", drafter: "lookup", stats: run(0, 0), at: 5}); // produced nothing: ignored
        const rows = st.rows((lang) => (lang === "de" ? "cascade" : undefined));
        assert.deepEqual(rows.map((r) => `${r.lang}/${r.drafter}`), ["de/cascade", "de/none", "zh/lookup"]);
        const c = rows[0];
        assert.equal(c.langLabel, "German (Deutsch)");
        assert.deepEqual([c.runs, c.tokens, c.drafted, c.acceptanceRate, c.tokensPerSecond, c.speedup, c.measuring, c.chosen], [2, 200 * k, 80, 50 / 80, 10, 1.25, null, true]);
        assert.deepEqual(c.history, [10, 10]);
        assert.equal(rows[1].acceptanceRate, null); // nothing drafted: NaN is sent as null
        assert.equal(rows[2].speedup, 10 / 8); // no plain run in zh: the plain runs of other languages
    });

    it("shows a speed-up only once both sides hold enough tokens, and says how far the measurement is", () => {
        const st = new StatsStore("qwen");
        st.record({task: "translate", lang: "ja", drafter: "cascade", stats: run(3, 100, 3, 1), at: 1});
        st.record({task: "translate", lang: "ja", drafter: "none", stats: run(MIN_SPEEDUP_TOKENS * 2, 30_000), at: 2});
        const early = st.rows().find((r) => r.drafter === "cascade")!;
        assert.equal(early.speedup, null, "3 tokens: a ratio would be noise (0.34x was once shown this way)");
        assert.deepEqual(early.measuring, {have: 3, need: MIN_SPEEDUP_TOKENS});
        st.record({task: "translate", lang: "ja", drafter: "cascade", stats: run(MIN_SPEEDUP_TOKENS, 20_000, 40, 30), at: 3});
        const later = st.rows().find((r) => r.drafter === "cascade")!;
        assert.equal(later.measuring, null);
        assert.ok(later.speedup !== null && later.speedup > 0);
        assert.equal(st.rows().find((r) => r.drafter === "none")!.measuring, null, "plain decoding is the baseline itself");
    });

    it("keeps only the recent runs for routing but counts all in the totals, and survives JSON", () => {
        const st = new StatsStore("m", 3);
        for (let i = 0; i < 5; i++) st.record({task: "story", lang: "en", drafter: "lookup", stats: run(10 * (i + 1), 1000), at: i});
        assert.equal(st.recent("en", "lookup")!.runs, 3);
        assert.equal(st.recent("en", "lookup")!.tokensPerSecond, (30 + 40 + 50) / 3);
        assert.equal(st.lastRun("en", "lookup"), 4);
        const back = StatsStore.fromJSON(JSON.parse(JSON.stringify(st)), 3);
        assert.deepEqual(back.rows(), st.rows());
        assert.equal(back.model, "m");
        assert.equal(StatsStore.fromJSON({buckets: [{lang: "de"}], model: 3}).size, 0);
        assert.equal(StatsStore.fromJSON(undefined).size, 0);
    });
});

describe("inline suggestion cache", () => {
    it("returns a cached suggestion, and its rest after the user typed its beginning", () => {
        let now = 0;
        const c = new SuggestionCache(2, 1000, () => now);
        c.set("Once upon a time", " there was a king.");
        assert.equal(c.get("Once upon a time"), " there was a king.");
        assert.equal(c.get("Once upon a time there"), " was a king.");
        assert.equal(c.get("Once upon a time the"), "re was a king.");
        assert.equal(c.get("Once upon a time XX"), undefined);
        assert.equal(c.get("Once upon a time there was a king."), undefined); // fully typed: nothing left
        now = 2000;
        assert.equal(c.get("Once upon a time"), undefined); // expired
        c.set("a", "1"); c.set("b", "2"); c.set("c", "3");
        assert.equal(c.get("a"), undefined); // evicted
        assert.equal(c.get("c"), "3");
    });
});

describe("webview protocol", () => {
    it("accepts only the typed messages", () => {
        assert.ok(isFromWebview({type: "ready"}));
        assert.ok(isFromWebview({type: "reset"}));
        assert.ok(!isFromWebview({type: "eval", code: "x"}));
        assert.ok(!isFromWebview("ready"));
        assert.ok(!isFromWebview(null));
        assert.deepEqual([num(NaN), num(Infinity), num(1.5)], [null, null, 1.5]);
    });
});

describe("event-loop delay probe", () => {
    it("measures a blocked event loop", async () => {
        const p = new LoopDelayProbe();
        await new Promise((r) => setTimeout(r, 60));
        const t = Date.now();
        while (Date.now() - t < 120) { /* block */ }
        await new Promise((r) => setTimeout(r, 40));
        const d = p.stop();
        assert.ok(d.max >= 80, `max ${d.max}`);
        assert.ok(d.p50 < 50, `p50 ${d.p50}`);
        assert.match(formatLoopDelay("translate", d), /event-loop delay during translate \(0\.\d s\): p50 .* ms, p99 .* ms, max .* ms/);
    });
});

describe("language identification (eld)", () => {
    const id = createLanguageIdentifier();
    before(() => id.ready());
    it("identifies our languages, maps Malay to Indonesian, and knows what it cannot identify", () => {
        const cases: [string, string][] = [
            ["Der alte Leuchtturmwärter stieg jeden Abend die Treppe hinauf.", "de"],
            ["Le vieux gardien du phare montait l'escalier chaque soir.", "fr"],
            ["El viejo farero subía la escalera cada noche.", "es"],
            ["老灯塔看守人每天晚上都爬上楼梯。", "zh"],
            ["年老いた灯台守は毎晩階段を上った。", "ja"],
            ["Penjaga mercusuar tua itu menaiki tangga setiap malam.", "id"],
            ["The old lighthouse keeper climbed the stairs every evening.", "en"],
        ];
        for (const [text, code] of cases) assert.equal(id.identify(text)?.code, code, text);
        assert.equal(id.identify("ok 123"), undefined); // too little text
        assert.equal(id.supports("gl"), false);
        assert.equal(id.supports("id"), true);
        assert.equal(id.supports("de"), true);
    });
});
