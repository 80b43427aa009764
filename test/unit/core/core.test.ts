import assert from "node:assert/strict";
import {acceptDistribution, acceptMatching, residual} from "../../../src/core/accept";
import {CostAwarePolicy, CostCurve, FixedPolicy} from "../../../src/core/policy";
import {mixSeed, mulberry32, sampleFrom} from "../../../src/core/rng";
import {acceptanceByPosition, acceptanceRate, expectedTokensPerStep, leviathanBound, Stats, tokensPerSecond, tokensPerStep, batchCosts} from "../../../src/core/stats";
import {TextStreamer} from "../../../src/core/stream";
import {speculate} from "../../../src/core/speculate";
import type {Drafter, Proposal} from "../../../src/core/drafter";
import {CascadeDrafter} from "../../../src/drafters/cascade";
import {LookupDrafter} from "../../../src/drafters/lookup";

describe("acceptance rules", () => {
    it("matching keeps the longest correct prefix plus the target's token", () => {
        assert.deepEqual(acceptMatching([5, 9, 2], [5, 9, 7, 4]), {accepted: 2, next: 7});
        assert.deepEqual(acceptMatching([5, 9, 2], [5, 9, 2, 4]), {accepted: 3, next: 4});
        assert.deepEqual(acceptMatching([5], [6, 1]), {accepted: 0, next: 6});
        assert.deepEqual(acceptMatching([], [3]), {accepted: 0, next: 3});
        assert.throws(() => acceptMatching([1, 2], [1, 2]));
    });
    it("residual is norm(max(0, p - q))", () => {
        const r = residual(new Map([[1, 0.5], [2, 0.3], [3, 0.2]]), new Map([[1, 0.7], [2, 0.1], [4, 0.2]]));
        assert.equal(r.has(1), false);
        assert.ok(Math.abs(r.get(2)! - 0.5) < 1e-12 && Math.abs(r.get(3)! - 0.5) < 1e-12);
    });
    it("distribution rule: emitted token is distributed as p (Monte Carlo on one position)", () => {
        const p = new Map([[1, 0.5], [2, 0.3], [3, 0.2]]);
        const q = new Map([[1, 0.2], [2, 0.2], [4, 0.6]]);
        const rng = mulberry32(42);
        const counts = new Map<number, number>();
        const N = 200_000;
        for (let i = 0; i < N; i++) {
            const x = sampleFrom(q, rng);
            const v = acceptDistribution([x], [q], [p, new Map([[9, 1]])], 9, rng);
            const t = v.accepted === 1 ? x : v.next;
            counts.set(t, (counts.get(t) ?? 0) + 1);
        }
        for (const [t, pt] of p) assert.ok(Math.abs(counts.get(t)! / N - pt) < 0.005, `token ${t}: ${counts.get(t)! / N} vs ${pt}`);
        assert.equal(counts.get(4), undefined);
    });
});

describe("stats", () => {
    it("derives every metric from the counters", () => {
        const s = new Stats();
        s.recordStep({proposed: 3, accepted: 2, emitted: 3, draftMs: 1, verifyMs: 10});
        s.recordStep({proposed: 0, accepted: 0, emitted: 1, draftMs: 0, verifyMs: 5});
        s.recordStep({proposed: 2, accepted: 0, emitted: 1, draftMs: 1, verifyMs: 8});
        s.decodeMs = 500;
        assert.equal(acceptanceRate(s), 2 / 5);
        assert.equal(tokensPerStep(s), 5 / 3);
        assert.deepEqual(acceptanceByPosition(s), [1 / 2, 1 / 2, 0]);
        assert.equal(tokensPerSecond(s), 10);
        assert.ok(Number.isNaN(acceptanceRate(new Stats())));
        // the cost of each batch size as these steps met it (batch = drafts + 1), merged counters add up
        s.recordStep({proposed: 0, accepted: 0, emitted: 1, draftMs: 0, verifyMs: 7});
        assert.deepEqual(batchCosts(s.snapshot()), {1: 6, 3: 8, 4: 10});
        assert.deepEqual(batchCosts(s.snapshot(), 2), {1: 6});
        const m = new Stats();
        m.merge(s.snapshot()); m.merge(s.snapshot());
        assert.deepEqual(m.snapshot().stepsByDrafts, [4, 0, 2, 2]);
        assert.deepEqual(batchCosts(m.snapshot()), {1: 6, 3: 8, 4: 10});
    });
    it("expected tokens per step and the Leviathan bound", () => {
        assert.equal(expectedTokensPerStep(0, 4), 1);
        assert.equal(expectedTokensPerStep(1, 4), 5);
        assert.ok(Math.abs(expectedTokensPerStep(0.5, 2) - 1.75) < 1e-12);
        assert.ok(Math.abs(leviathanBound(0.5, 2, 80, 140, 0) - 1.75 * 80 / 140) < 1e-12);
    });
});

describe("cost-aware policy", () => {
    const drafter = (expensive = false): Drafter => ({name: "d", expensive, propose: () => ({tokens: []}), observe() {}, reset() {}, describe: () => "d"});
    const cpu = () => new CostCurve({1: 80, 2: 136, 4: 223, 8: 420, 16: 800});
    const gpu = () => new CostCurve({1: 10, 2: 10.2, 4: 10.5, 8: 11, 16: 12});
    const prop = (conf: number[]): Proposal => ({tokens: conf.map((_, i) => i), confidence: conf});
    it("starts from its drafter kind's shipped prior: a cold start does not trust an over-confident drafter", () => {
        const ngram: Drafter = {...drafter(), name: "ngram:de"};
        const sure = prop([1, 1, 1]);
        // without a prior, confidence 1.0 is taken at its word on a fresh policy
        assert.ok(new CostAwarePolicy(cpu(), 8).trim(ngram, sure) > 0);
        // a prior that says such drafts were accepted 1 time in 10: not worth a batch on this CPU
        const seen = Array(20).fill(0), hit = Array(20).fill(0);
        seen[9] = 200; hit[9] = 20;
        const cold = new CostAwarePolicy(cpu(), 8, 0.05, {ngram: {seen, hit, hits: 20, confidences: 200}});
        assert.equal(cold.trim(ngram, sure), 0);
        // where verification is nearly free the same prior still drafts
        assert.ok(new CostAwarePolicy(gpu(), 8, 0.05, {ngram: {seen, hit, hits: 20, confidences: 200}}).trim(ngram, sure) > 0);
    });
    it("interpolates the cost curve", () => {
        const c = cpu();
        assert.equal(c.at(1), 80);
        assert.equal(c.at(3), (136 + 223) / 2);
        assert.ok(c.at(12) > 420 && c.at(12) < 800);
    });
    it("follows measured verification times (the median of the recent ones: one outlier cannot bend it), unless fixed", () => {
        const c = cpu();
        for (const ms of [150, 152, 149, 151]) c.observe(2, ms);
        assert.equal(c.at(2), 136, "too few observations yet: the measured curve stands");
        c.observe(2, 2000); // a busy moment
        assert.equal(c.at(2), 151);
        for (let i = 0; i < 40; i++) c.observe(2, 120 + (i % 3));
        assert.equal(c.at(2), 121, "the machine got faster: the window follows it");
        const fixed = new CostCurve({1: 80, 2: 136}, 16, false);
        fixed.observe(2, 236);
        assert.equal(fixed.at(2), 136);
    });
    it("on a compute-bound CPU drafts only confident tokens, and plainly decodes otherwise", () => {
        const p = new CostAwarePolicy(cpu(), 8);
        assert.equal(p.trim(drafter(), prop([0.3, 0.3, 0.3])), 0);
        assert.equal(p.trim(drafter(), prop([0.95, 0.2])), 1);
        assert.ok(p.trim(drafter(), prop([0.99, 0.99, 0.99, 0.99])) >= 3);
    });
    it("where verification is nearly free, drafts long even at modest confidence", () => {
        const p = new CostAwarePolicy(gpu(), 8);
        assert.ok(p.trim(drafter(), prop([0.5, 0.5, 0.5, 0.5, 0.5, 0.5])) >= 4);
    });
    it("learns from outcomes: a drafter whose confident drafts fail stops being verified", () => {
        const p = new CostAwarePolicy(cpu(), 4);
        const d = drafter();
        const pr = prop([0.95, 0.95]);
        assert.ok(p.trim(d, pr) > 0);
        for (let i = 0; i < 30; i++) p.observe(d, pr, 2, 0, 0, 136);
        assert.equal(p.trim(d, pr), 0);
    });
    it("explores a bin whose prior alone would not pay, and keeps it only if the target accepts", () => {
        const p = new CostAwarePolicy(cpu(), 4);
        const d = drafter();
        const pr = prop([0.67, 0.67, 0.67]); // e.g. a lookup match seen once: 0.67 alone needs > 0.7 here
        assert.equal(p.trim(d, prop([0.3])), 0, "a weak prior is not worth exploring");
        assert.ok(p.trim(d, pr) >= 1, "optimistic at first");
        for (let i = 0; i < 10; i++) p.observe(d, pr, 3, 3, 0, 200);
        assert.ok(p.trim(d, pr) >= 2, "accepted: drafts more");
        const q = new CostAwarePolicy(cpu(), 4);
        for (let i = 0; i < 10; i++) q.observe(d, pr, 1, 0, 0, 136);
        assert.equal(q.trim(d, pr), 0, "rejected: stops");
    });
    it("expensive drafters: budget decided before drafting from position statistics and drafting cost", () => {
        const p = new CostAwarePolicy(cpu(), 4);
        assert.equal(p.budget(drafter(true)), 0); // 0.3 prior, 80 ms steps: not worth it
        const g = new CostAwarePolicy(gpu(), 4);
        const d = drafter(true);
        for (let i = 0; i < 20; i++) g.observe(d, {tokens: [1, 2, 3, 4]}, 4, 4, 4, 11);
        assert.ok(g.budget(d) >= 3);
        assert.equal(new FixedPolicy(3).budget(), 3);
    });
});

describe("rng", () => {
    it("is reproducible and spreads seeds", () => {
        assert.equal(mulberry32(5).next(), mulberry32(5).next());
        assert.notEqual(mixSeed(1, 0), mixSeed(1, 1));
        assert.equal(mixSeed(3, 4, 5), mixSeed(3, 4, 5));
    });
});

describe("context lookup drafter", () => {
    it("continues the most recent earlier occurrence of the longest matching suffix", () => {
        const d = new LookupDrafter(2, 4);
        const p = d.propose([7, 8, 9, 4, 1, 7, 8], 3);
        assert.deepEqual(p.tokens, [9, 4, 1]);
        assert.equal(p.confidence!.length, 3);
    });
    it("proposes nothing without a match, and indexes incrementally as the context grows", () => {
        const d = new LookupDrafter(2, 3);
        assert.deepEqual(d.propose([1, 2, 3, 4], 4).tokens, []);
        assert.deepEqual(d.propose([1, 2, 3, 4, 5, 1, 2], 2).tokens, [3, 4]);
        assert.deepEqual(d.propose([1, 2, 3, 4, 5, 1, 2, 3, 4, 9, 3, 4], 1).tokens, [9]);
        d.reset();
        assert.deepEqual(d.propose([5, 6, 5], 2).tokens, []);
    });
});

describe("cascade", () => {
    it("takes the first drafter with a proposal and tags its source", async () => {
        const empty: Drafter = {name: "a", expensive: false, propose: () => ({tokens: []}), observe() {}, reset() {}, describe: () => "a"};
        let observed = -1;
        const some: Drafter = {name: "b", expensive: false, propose: (_c, k) => ({tokens: Array(k).fill(1)}), observe(n) { observed = n; }, reset() {}, describe: () => "b"};
        const c = new CascadeDrafter([empty, some]);
        const p = await c.propose([1], 2);
        assert.deepEqual(p.tokens, [1, 1]);
        assert.equal(p.source, "b");
        c.observe(1, 2);
        assert.equal(observed, 1);
    });
});

describe("text streamer", () => {
    it("never emits a character split across tokens", () => {
        const bytes = [...Buffer.from("ab你好😀c", "utf8")];
        const s = new TextStreamer((t) => Buffer.from(t).toString("utf8"));
        const parts = bytes.map((b) => s.push([b]));
        assert.ok(parts.every((x) => !x.includes("\ufffd")));
        assert.equal(parts.join("") + s.flush(), "ab你好😀c");
    });
});

describe("output-language rate", () => {
    it("is the share of identified outputs in the requested language; unidentified outputs are left out", async () => {
        const {outputLanguageRate} = await import("../../../src/core/stats");
        assert.equal(outputLanguageRate(["de", "de", "en", undefined], "de"), 2 / 3);
        assert.equal(outputLanguageRate(["zh"], "de"), 0);
        assert.ok(Number.isNaN(outputLanguageRate([undefined, undefined], "de")));
    });
    it("identifies real German and Chinese outputs, and a German reply to a Chinese request is counted against it", async () => {
        const {createLanguageIdentifier} = await import("../../../src/core/langid");
        const {outputLanguageRate} = await import("../../../src/core/stats");
        const id = createLanguageIdentifier();
        await id.ready();
        const outs = ["Der alte Zauberer sah den jungen Prinzen an und sagte, dass sie die Stadt verlassen müssten.", "我们必须在兽人到来之前离开这座城市。", "Ok."];
        const codes = outs.map((t) => id.identify(t)?.code);
        assert.deepEqual(codes, ["de", "zh", undefined]);
        assert.equal(outputLanguageRate(codes, "zh"), 0.5);
    });
});

describe("chrF", () => {
    it("is 100 for identical text, 0 for disjoint, and between otherwise", async () => {
        const {chrF} = await import("../../../src/core/stats");
        assert.equal(chrF(["Der alte Mann"], ["Der alte Mann"]), 100);
        assert.equal(chrF(["xyz"], ["abc"]), 0);
        const v = chrF(["Der alte Mann sah"], ["Der alte Mann sieht"]);
        assert.ok(v > 60 && v < 100, String(v));
        assert.ok(chrF(["你好世界"], ["你好朋友"]) > 0);
        // sacrebleu 2.6.0 corpus_chrf on the same three segments gives 50.7242
        const h = ["Der alte Mann sah den Hund.", "Wähle die Zellen aus, die du kopieren willst.", "你好世界，今天很好"];
        const r = ["Der alte Mann sieht den Hund.", "Wählen Sie die Zellen, die Sie kopieren möchten.", "你好朋友，今天天气很好"];
        assert.ok(Math.abs(chrF(h, r) - 50.7242) < 0.01, String(chrF(h, r)));
    });
});

describe("speculative loop: the nonEmpty rule", () => {
    it("rules out stop tokens while the output is blank, and blank tokens once it holds a line break", async () => {
        // tokens: 0 = stop, 1 = "\n", 2 = " ", 3 = "x"; the target's choices follow `script`
        const text: Record<number, string> = {0: "", 1: "\n", 2: " ", 3: "x"};
        const script = [1, 2, 3, 3, 0];
        const seen: (readonly (string | undefined)[] | undefined)[] = [];
        let pos = 0;
        const target = {
            stopTokens: new Set([0]),
            detokenize: (t: readonly number[]) => t.map((x) => text[x]).join(""),
            verify: async (tokens: readonly number[], o: {restrict?: readonly (string | undefined)[]}) => {
                seen.push(o.restrict);
                const r = tokens.map((_, i) => ({token: script[pos + i]}));
                pos += tokens.length;
                return r;
            },
            rollback: async (n: number) => { pos -= n; },
        };
        // a drafter that proposes the script itself: one batch holds the blank prefix and the first visible token
        const d: Drafter = {name: "s", expensive: false, observe() {}, reset() {}, describe: () => "s", propose: (ctx, k) => ({tokens: script.slice(ctx.length - 1, ctx.length - 1 + k)})};
        const r = await speculate(target, d, [9], {maxTokens: 10, policy: new FixedPolicy(4), nonEmpty: true}, new Stats());
        assert.deepEqual(r.tokens, [1, 2, 3, 3]);
        // first batch [9, 1, 2, 3, 3]: before position 0 nothing ("stop"), before 1 "\n" ("blank"), before 2 "\n " ("blank"), then visible
        assert.deepEqual(seen[0], ["stop", "blank", "blank"]);
        assert.equal(seen[1], undefined, "once the output is visible the rule is off");
    });
});
