import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {summarize, type RunRecord} from "../../../src/bench/live";
import {writeReport, type ResultRecord} from "../../../src/bench/report";
import {greedyCell} from "../../../src/bench/table";
import {barChart, scatter} from "../../../src/bench/svg";
import {CostCurve, FixedPolicy} from "../../../src/core/policy";
import {OraclePolicy, simulate, type ReplayTarget} from "../../../src/bench/simulate";
import {median, retimed, Stats} from "../../../src/core/stats";
import {LookupDrafter} from "../../../src/drafters/lookup";

const stats = (tokens: number, decodeMs: number, drafted = 0, accepted = 0, steps = tokens) => {
    const s = new Stats();
    s.tokens = tokens; s.decodeMs = decodeMs; s.drafted = drafted; s.accepted = accepted; s.steps = steps;
    return s.snapshot();
};

describe("bench: live summaries", () => {
    it("computes per-rep speed-ups against the baseline of the same rep and counts near-ties", () => {
        const recs: RunRecord[] = [];
        for (const rep of [0, 1, 2]) {
            recs.push({task: "story", lang: "de", case: "a", runner: "none", rep, mode: "greedy", stats: stats(50, 1000 + rep * 100), tokens: [], identical: true});
            recs.push({task: "story", lang: "de", case: "a", runner: "lookup", rep, mode: "greedy", stats: stats(50, 800, 20, 10, 40), tokens: [], identical: rep !== 1,
                divergence: rep === 1 ? {at: 7, gap: 0.02, nearTie: true} : undefined});
        }
        const cells = summarize(recs, "none");
        const l = cells.find((c) => c.runner === "lookup")!;
        assert.deepEqual(l.speedups.map((x) => +x.toFixed(3)), [1.25, 1.375, 1.5]);
        assert.equal(median(l.speedups), 1.375);
        assert.equal(l.nearTies, 1);
        assert.equal(greedyCell(l), "yes, 1 near-tie (gap <= 0.020)");
        assert.equal(greedyCell({identical: false, nearTies: 0, maxGap: 0}), "NO");
    });
    it("keeps greedy and sampled runs in separate cells, each against the baseline of its own mode", () => {
        const recs: RunRecord[] = [];
        for (const mode of ["greedy", "T=0.7"]) for (const rep of [0, 1]) {
            recs.push({task: "story", lang: "de", case: "a", runner: "none", rep, mode, stats: stats(50, mode === "greedy" ? 1000 : 2000), tokens: [], identical: true});
            recs.push({task: "story", lang: "de", case: "a", runner: "lookup", rep, mode, stats: stats(50, 800, 20, 10, 40), tokens: [], identical: mode === "greedy"});
        }
        const cells = summarize(recs, "none");
        assert.equal(cells.length, 4);
        const greedy = cells.find((c) => c.runner === "lookup" && c.mode === "greedy")!;
        const sampled = cells.find((c) => c.runner === "lookup" && c.mode === "T=0.7")!;
        assert.deepEqual(greedy.speedups, [1.25, 1.25]);
        assert.deepEqual(sampled.speedups, [2.5, 2.5]);
        assert.equal(greedyCell(greedy), "yes");
        assert.equal(greedyCell(sampled), "sampled");
    });
    it("median ignores NaN", () => {
        assert.equal(median([3, NaN, 1, 2]), 2);
        assert.ok(Number.isNaN(median([])));
    });
});

describe("bench: simulation", () => {
    it("replays a recorded output: plain replay takes one step per token, lookup fewer on repetitive text", async () => {
        const out = [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4];
        const curve = new CostCurve({1: 10, 2: 12, 4: 16, 8: 24, 16: 40});
        const rec = (prompt: number[], output: number[], stopToken?: number) => ({prompt, output, stopToken, maxTokens: stopToken === undefined ? output.length : 64});
        const plain = await simulate(rec([9, 1, 2, 3, 4], out), undefined, new FixedPolicy(0), curve);
        assert.equal(plain.steps, out.length);
        assert.equal(plain.tokens, out.length);
        const spec = await simulate(rec([9, 1, 2, 3, 4], out), new LookupDrafter(2, 3), new FixedPolicy(4), curve);
        assert.equal(spec.tokens, out.length);
        assert.ok(spec.steps < plain.steps / 2);
        assert.equal(spec.accepted, out.length - spec.steps);
        // a stop token is verified by the last step but not emitted
        const stopped = await simulate(rec([9], [5, 6], 7), undefined, new FixedPolicy(0), curve);
        assert.equal(stopped.steps, 3);
        assert.equal(stopped.tokens, 2);
    });
    it("the oracle policy verifies only drafts that will be accepted, where the cost curve says they pay, and beats every fixed k", async () => {
        // a text that repeats, then departs from the repetition: fixed-k lookup wastes drafts where it departs
        const out = [1, 2, 3, 4, 5, 1, 2, 3, 4, 6, 1, 2, 3, 7, 8, 1, 2, 9];
        const prompt = [9, 1, 2, 3, 4, 5];
        const cpu = new CostCurve({1: 10, 2: 16, 3: 22, 4: 28, 8: 52, 16: 100});
        const rec = {prompt, output: out, maxTokens: out.length};
        const withOracle = (cost: CostCurve) => {
            let target: ReplayTarget | undefined;
            return simulate(rec, new LookupDrafter(2, 3), new OraclePolicy(cost, 8, () => target!.upcoming(8)), cost, (t) => { target = t; });
        };
        const oracle = await withOracle(cpu);
        assert.equal(oracle.tokens, out.length);
        assert.equal(oracle.accepted, oracle.drafted, "never verifies a draft that fails");
        assert.ok(oracle.drafted > 0);
        for (const k of [1, 2, 4, 8]) {
            const fixed = await simulate(rec, new LookupDrafter(2, 3), new FixedPolicy(k), cpu);
            const verify = (s: Stats) => retimed(s.snapshot(), (n) => cpu.at(n)).verifyMs;
            assert.ok(verify(oracle) <= verify(fixed) + 1e-9, `oracle ${verify(oracle)} ms vs fixed k=${k} ${verify(fixed)} ms`);
        }
        // where one draft never pays (a batch of 2 costs two steps), the oracle decodes plainly
        const dear = new CostCurve({1: 10, 2: 20, 3: 30, 4: 40, 16: 160});
        assert.equal((await withOracle(dear)).drafted, 0);
    });
});

describe("bench: report", () => {
    it("puts two formats of the same target side by side: costs, plain speed, cascade speed-up and quality", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-report-"));
        const sim = (model: string, sp: number): ResultRecord => ({kind: "sim", model, task: "story", lang: "de", drafter: "cascade", drafterKind: "cascade", policy: "cost-aware", k: "adaptive",
            stats: stats(100, 1000, 50, 20, 80), acceptance: 0.4, acceptanceByPosition: [0.5], tokensPerStep: 1.25, draftMsPerToken: 0.002,
            verifyMsPerStep: 12, tokensPerSecond: 100, predictedSpeedup: sp, bound: 1.3, boundFraction: sp / 1.3});
        const records: ResultRecord[] = [
            {kind: "cost", model: "m-q4_k_m.gguf", ms: {1: 40, 2: 64, 4: 120, 8: 200}},
            {kind: "cost", model: "m-q4_k_m.q4_0.gguf", ms: {1: 32, 2: 64, 4: 72, 8: 140}},
            sim("m-q4_k_m.gguf", 1.05), sim("m-q4_k_m.q4_0.gguf", 1.12),
            {kind: "quality", task: "translate", lang: "de", model: "m-q4_k_m.gguf", chrF: 50, outputLanguageRate: 1, n: 8},
            {kind: "quality", task: "translate", lang: "de", model: "m-q4_k_m.q4_0.gguf", chrF: 47.5, outputLanguageRate: 0.875, n: 8},
        ];
        const md = fs.readFileSync(writeReport(records, dir, "Formats").markdown, "utf8");
        assert.match(md, /## Target format/);
        assert.match(md, /\| Q4_K_M \| 40\.0 \| 1\.60 \/ 3\.00 \/ 5\.00 \| 25\.0 \(1\/step\) \| 1\.05x \| - \| - \| 50\.0 \| 100% \| 1 \|/);
        assert.match(md, /\| Q4_0 \| 32\.0 \| 2\.00 \/ 2\.25 \/ 4\.38 \| 31\.3 \(1\/step\) \| 1\.12x \| - \| - \| 47\.5 \| 88% \| 1 \|/);
        assert.match(md, /cascade \[Q4_0\]/, "simulated rows say which format");
    });
    it("reports the GPU projection apart from the CPU results, labelled, with every profile's source", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-report-"));
        const sim = (drafter: string, sp: number, projection?: string): ResultRecord => ({kind: "sim", task: "translate", lang: "de", drafter, drafterKind: drafter, policy: "fixed", k: 2,
            stats: stats(100, 1000, 50, 20, 80), acceptance: 0.4, acceptanceByPosition: [0.5], tokensPerStep: 1.25, draftMsPerToken: 0.002,
            verifyMsPerStep: 12, tokensPerSecond: 100, predictedSpeedup: sp, bound: 1.3, boundFraction: sp / 1.3, projection});
        const records: ResultRecord[] = [{kind: "cost", model: "m.gguf", ms: {1: 40, 2: 64}}, sim("ngram-mono", 0.8), sim("ngram-mono", 1.2, "ideal-memory-bound"), sim("lookup", 1.1, "ideal-memory-bound")];
        const md = fs.readFileSync(writeReport(records, dir, "Projection").markdown, "utf8");
        assert.match(md, /## GPU projection \(simulated on published GPU cost curves, not measured\)/);
        assert.match(md, /\| CPU \(this machine, measured curve\) \| translate \| - \| 0\.80x \|/);
        assert.match(md, /\(assumed\) \| translate \| 1\.10x \| 1\.20x \|/);
        assert.match(md, /ideal-memory-bound: n-gram 1\.20x vs lookup 1\.10x on translation/);
        assert.match(md, /Source: https:\/\//);
        assert.doesNotMatch(md.split("## GPU projection")[0], /1\.20x/, "projected cells stay out of the CPU tables");
    });
    it("writes Markdown tables, SVG charts and a standalone HTML page", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-report-"));
        const sim = (drafter: string, lang: string, sp: number): ResultRecord => ({kind: "sim", task: "translate", lang, drafter, drafterKind: drafter, policy: "fixed", k: 2,
            stats: stats(100, 1000, 50, 20, 80), acceptance: 0.4, acceptanceByPosition: [0.5, 0.3], tokensPerStep: 1.25, draftMsPerToken: 0.002,
            verifyMsPerStep: 12, tokensPerSecond: 100, predictedSpeedup: sp, bound: 1.3, boundFraction: sp / 1.3});
        const records: ResultRecord[] = [
            {kind: "cost", model: "m.gguf", ms: {1: 10, 2: 16, 4: 28}},
            sim("lookup", "de", 1.1), sim("ngram-mono", "de", 0.9), sim("lookup", "zh", 1.05),
            {kind: "live", task: "translate", lang: "de", drafter: "lookup k=2", simKey: "lookup|2", tokensPerSecond: 25, tokensPerSecondRange: [24, 26],
                speedup: 1.08, speedupRange: [1.05, 1.1], acceptance: 0.4, tokensPerStep: 1.3, ttftMs: 300, identical: true, greedy: "yes", reps: 3},
            {kind: "quality", task: "translate", lang: "de", model: "m.gguf", chrF: 51.2, n: 16},
        ];
        const r = writeReport(records, dir, "Test report");
        const md = fs.readFileSync(r.markdown, "utf8");
        assert.match(md, /\| translate \| de \| lookup \| 2 \| 40% \|/);
        assert.match(md, /Simulated against live/);
        assert.match(md, /51\.2/);
        for (const chart of ["speedup-translate", "acceptance-vs-cost", "achieved-vs-bound", "simulated-vs-live"]) {
            const svg = fs.readFileSync(path.join(dir, "REPORT-charts", `${chart}.svg`), "utf8");
            assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
            assert.match(md, new RegExp(`${chart}\\.svg`));
        }
        const html = fs.readFileSync(r.html, "utf8");
        assert.match(html, /Content-Security-Policy/);
        assert.match(html, /<table>/);
        assert.doesNotMatch(html, /<script|https?:\/\/(?!www\.w3\.org)/);
    });
    it("charts escape labels and survive empty data", () => {
        assert.match(barChart("t", ["a<b"], [{label: "x&y", values: [1]}]), /a&lt;b/);
        assert.match(scatter("t", [], {xLabel: "x", yLabel: "y"}), /<\/svg>$/);
    });
});

describe("bench: live runs", () => {
    it("compares each case with the baseline of its own task and language (ids are shared across languages)", async () => {
        const {runLive} = await import("../../../src/bench/live");
        const mk = (id: string, fn: (lang: string) => number[]) => ({id, dispose: async () => {}, run: async (c: {lang: string}) => ({tokens: fn(c.lang), stats: stats(3, 30)})});
        const cases = ["de", "zh"].map((lang) => ({task: "translate" as const, lang, id: "seg-1", input: "x", prompt: {text: "x"}}));
        const recs = await runLive(cases, [mk("none", (l) => l === "de" ? [1, 2, 3] : [7, 8, 9]), mk("same", (l) => l === "de" ? [1, 2, 3] : [7, 8, 9])],
            {reps: 2, maxTokens: 3, baseline: "none", mustMatch: () => true});
        assert.ok(recs.every((r) => r.identical));
        await assert.rejects(runLive(cases, [mk("none", () => [1, 2, 3]), mk("bad", () => [1, 5, 3])], {reps: 1, maxTokens: 3, baseline: "none", mustMatch: () => true}), /differs from plain decoding/);
    });
});
