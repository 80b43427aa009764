/**
 * Fuzzing the loaders of the other files a user can hand Polyspec (or that a crash can leave damaged): the corpus
 * manifest, the cached cost curve (and the CostCurve it becomes), the recorded benchmark outputs and the benchmark
 * results. Each starts from a valid file and mutates it knowing its structure (test/fuzz/json.ts). Property: the
 * loader gives something the next stage can use (the manifest rebuilds the combined manifest, a cost curve gives
 * finite positive times, each recording replays through the simulation, the results make a report), or a one-line
 * PolyspecError naming the file; the cost cache and the recordings are caches, so a damaged one is measured or
 * recorded again instead (undefined, or the damaged line left out).
 */
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import {appendRecording, readRecordings, recordOutputs, type Recording} from "../../../src/bench/record";
import type {Engine} from "../../../src/engine/engine";
import {readResults, writeReport} from "../../../src/bench/report";
import {simulate} from "../../../src/bench/simulate";
import {CostAwarePolicy, CostCurve, FixedPolicy} from "../../../src/core/policy";
import {CancelledError, PolyspecError} from "../../../src/core/errors";
import {readLanguageManifest, writeCorpusManifest, MANIFEST_FORMAT} from "../../../src/corpus/manifest";
import {LookupDrafter} from "../../../src/drafters/lookup";
import {readCostCache} from "../../../src/engine/costs";
import {jsonPlanArb, mutateJson, textEditArb, editText} from "../../fuzz/json";
import {assertGood, outcome, outcomeAsync, Tally, type Outcome} from "../../fuzz/outcome";

const LIMIT_MS = 2000;
let tally = new Tally(LIMIT_MS);
/** What a cache loader did with the inputs it did not refuse (a cache is never refused: it is remade). */
let kept = 0, remade = 0;
/** Counts the outcome, then fails the property unless it is a success or a clear refusal within the limit. */
const judge = (o: Outcome) => { tally.add(o, () => ""); assertGood(o, LIMIT_MS); };
const SEED = Number(process.env.POLYSPEC_FUZZ_SEED ?? 1414);
const runs = (n: number) => Math.round(n * Number(process.env.POLYSPEC_FUZZ_SCALE ?? 1));

const fileRecord = (file: string) => ({file, bytes: 1200, sha256: "ab".repeat(32), segments: 12, sources: [{source: "wesnoth", packages: ["wesnoth-1.16-data"], segments: 12}]});
export const MANIFEST = {
    format: MANIFEST_FORMAT, language: "de", name: "German", native: "Deutsch", script: "Latn", seed: "polyspec-1",
    files: {"mono": fileRecord("mono.txt"), "test-story": fileRecord("test-story.jsonl"), "prompts": fileRecord("prompts.jsonl")},
    packages: [{name: "wesnoth-1.16-data", version: "1:1.16.9-1", licence: "GPL-2+", sha256: "cd".repeat(32)}],
    skipped: {malformedMo: 0, malformedHtml: 1, malformedOther: 0, pluralEntries: 3, untranslated: 2, malformedFiles: ["x.html"]},
    decontaminated: {mono: 4, train: 0}, missingPackages: [{name: "fortunes-de", error: "404"}], notes: ["a note"],
};
const COST = {id: {modelPath: "/m/model.gguf", threads: 2, gpu: false}, cpu: "x86", date: "2025-01-01T00:00:00.000Z",
    ms: {1: 40, 2: 64, 3: 80, 4: 95, 6: 130, 8: 160, 12: 230, 16: 300}};
const rec = (id: string, output: number[], maxTokens: number, stopToken?: number): Recording => ({task: "story", lang: "de", id, input: "Es war einmal",
    prompt: [1, 2, 3, 4, 5, 6], output, stopToken, text: "…", maxTokens, decodeMs: 123.4});
const RECORDINGS = [rec("a", [7, 8, 9, 7, 8, 9, 7, 8], 8), rec("b", [7, 8, 10], 16, 2), rec("c", [], 4, 2)];
const SIG = {model: "m.gguf", modelSha256: "ab".repeat(32), polyspec: "0.1.0", nodeLlamaCpp: "3.21.1", threads: 2, gpu: false, cpu: "x86", cores: 2, memoryGiB: 24, date: "2025-01-01T00:00:00Z"};
const RESULTS = [
    {kind: "cost", model: "m.gguf", ms: {1: 40, 2: 64, 4: 95, 8: 160}, signature: SIG},
    {kind: "sim", model: "m.gguf", task: "story", lang: "de", drafter: "cascade", drafterKind: "cascade", policy: "fixed", k: 4, stats: {}, acceptance: 0.5,
        acceptanceByPosition: [0.6, 0.5, null], tokensPerStep: 1.4, draftMsPerToken: 0.01, verifyMsPerStep: 60, tokensPerSecond: 25, predictedSpeedup: 1.1, bound: 1.5, boundFraction: 0.7},
    {kind: "sim", model: "m.gguf", task: "story", lang: "de", drafter: "cascade", drafterKind: "cascade", policy: "oracle", k: "oracle", stats: {}, acceptance: 0.7,
        acceptanceByPosition: [], tokensPerStep: 1.6, draftMsPerToken: 0, verifyMsPerStep: 60, tokensPerSecond: 28, predictedSpeedup: 1.3, bound: 1.5, boundFraction: 0.8},
    {kind: "live", task: "story", lang: "de", mode: "greedy", model: "m.gguf", drafter: "cascade", simKey: "cascade|4", tokensPerSecond: 24, tokensPerSecondRange: [22, 26],
        speedup: 1.08, speedupRange: [1.01, 1.12], acceptance: 0.5, tokensPerStep: 1.4, ttftMs: 300, identical: true, greedy: "yes", reps: 3,
        simulated: {speedup: 1.1, speedupProbed: 1.05, acceptance: 0.5}},
    {kind: "quality", task: "translate", lang: "de", model: "m.gguf", chrF: 51.2, outputLanguageRate: 0.95, n: 16},
];

describe("fuzz: manifest, cost cache, recordings and results loaders", function () {
    this.timeout(120_000);
    let dir: string;
    before(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-fuzz-files-")); });
    beforeEach(() => { tally = new Tally(LIMIT_MS); kept = remade = 0; });
    afterEach(function () {
        if (tally.inputs) console.log(`      ${tally.inputs} inputs: ${tally.ok} usable${kept + remade ? ` (${kept} kept, ${remade} remade)` : ""}, ${tally.refused} refused, ${tally.crashes} crashes, max ${tally.maxMs.toFixed(1)} ms per input`);
    });
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it("corpus manifest: a usable manifest (the combined one is rebuilt from it), none (another format), or a clear refusal", () => {
        const corpus = path.join(dir, "corpus"), file = path.join(corpus, "de", "manifest.json");
        fs.mkdirSync(path.dirname(file), {recursive: true});
        fc.assert(fc.property(jsonPlanArb, (plan) => {
            fs.writeFileSync(file, mutateJson(MANIFEST, plan));
            judge(outcome(file, () => {
                const m = readLanguageManifest(file);
                const all = writeCorpusManifest(corpus, "polyspec-1", ["de"]);
                if (m) assert.deepEqual(Object.keys(all.languages), ["de"]);
            }));
        }), {numRuns: runs(400), seed: SEED});
    });

    it("cost cache: a curve of finite positive times that the policy can decide on, or none (measure again); never an exception", () => {
        const file = path.join(dir, "costs.json");
        fc.assert(fc.property(jsonPlanArb, (plan) => {
            fs.writeFileSync(file, mutateJson(COST, plan));
            judge(outcome(file, () => readCostCache(file), (c) => { if (c) { checkCurve(c); kept++; } else remade++; }));
        }), {numRuns: runs(600), seed: SEED});
    });

    it("CostCurve: any points give finite positive times or a PolyspecError", () => {
        const key = fc.oneof(fc.integer({min: -2, max: 20}).map(String), fc.constantFrom("1.5", "1e3", "NaN", "-0", "__proto__", "x", ""));
        const val = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(null, "5", Infinity, -Infinity, NaN, 0, 1e-300, 1e300) as fc.Arbitrary<unknown>);
        fc.assert(fc.property(fc.dictionary(key, val, {maxKeys: 8}), fc.boolean(), (points, one) => {
            if (one) points["1"] = 10;
            judge(outcome("cost curve", () => new CostCurve(points as Record<number, number>), checkCurve));
        }), {numRuns: runs(3000), seed: SEED});
    });

    it("recordings: every recording read back replays through the simulation to its recorded end; damaged lines are left out", async () => {
        const file = path.join(dir, "record.jsonl");
        const curve = new CostCurve(COST.ms);
        await fc.assert(fc.asyncProperty(fc.array(fc.oneof({arbitrary: fc.constant(undefined), weight: 2}, {arbitrary: jsonPlanArb, weight: 1}), {minLength: 3, maxLength: 3}),
            fc.array(textEditArb, {maxLength: 1}), async (plans, text) => {
                fs.writeFileSync(file, editText(RECORDINGS.map((r, i) => plans[i] ? mutateJson(r, plans[i]!, true) : JSON.stringify(r)).join("\n") + "\n", text));
                judge(await outcomeAsync(file, async () => {
                    const read = readRecordings(file);
                    kept += read.length;
                    remade += RECORDINGS.length - read.length;
                    for (const r of read) {
                        for (const policy of [new FixedPolicy(0), new FixedPolicy(4), new CostAwarePolicy(curve)]) {
                            const s = await simulate(r, new LookupDrafter(), policy, curve);
                            assert.equal(s.tokens, r.output.length);
                        }
                    }
                }));
            }), {numRuns: runs(300), seed: SEED});
    });

    it("results: records that make a report, or a one-line refusal naming the file and line", () => {
        const file = path.join(dir, "results.jsonl"), out = path.join(dir, "report");
        fc.assert(fc.property(fc.array(fc.oneof({arbitrary: fc.constant(undefined), weight: 3}, {arbitrary: jsonPlanArb, weight: 1}), {minLength: RESULTS.length, maxLength: RESULTS.length}),
            fc.array(textEditArb, {maxLength: 1}), (plans, text) => {
                fs.writeFileSync(file, editText(RESULTS.map((r, i) => plans[i] ? mutateJson(r, plans[i]!, true) : JSON.stringify(r)).join("\n") + "\n", text));
                judge(outcome(file, () => writeReport(readResults(file), out)));
            }), {numRuns: runs(250), seed: SEED});
    });

    // ---- regressions ----

    it("a cut or cancelled recording (no stop token, short of its token limit) is left out: its replay ran past the end", async () => {
        const file = path.join(dir, "cut.jsonl");
        fs.writeFileSync(file, [rec("cut", [7, 8], 8), RECORDINGS[0]].map((r) => JSON.stringify(r)).join("\n") + "\n");
        assert.deepEqual(readRecordings(file).map((r) => r.id), ["a"]);
    });

    it("a generation cancelled while recording is not cached (it was, and its replay crashed the simulation)", async () => {
        const file = path.join(dir, "cancelled.jsonl");
        const cancel = {cancelled: false};
        const engine = {
            model: {model: {tokens: {bos: null}}, tokenize: (t: string) => [...t].map((c) => c.charCodeAt(0))},
            generate: async () => { cancel.cancelled = true; return {text: "Es", tokens: [7, 8], cancelled: true, finish: "cancelled", stats: {decodeMs: 5}}; },
        } as unknown as Engine;
        await assert.rejects(recordOutputs(engine, [{task: "story", lang: "de", id: "x", input: "Es war", prompt: {text: "Es war"}}], {file, maxTokens: 8, cancel}),
            (e: unknown) => e instanceof CancelledError);
        assert.equal(fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "", "");
    });

    it("a recording appended after a line cut by an interruption is kept (it was glued to the cut line and lost)", () => {
        const file = path.join(dir, "glued.jsonl");
        fs.writeFileSync(file, JSON.stringify(RECORDINGS[0]) + "\n" + JSON.stringify(RECORDINGS[1]).slice(0, 30));
        appendRecording(file, RECORDINGS[2]!);
        assert.deepEqual(readRecordings(file).map((r) => r.id), ["a", "c"]);
    });

    it("a results line that is not JSON, or a record with a field of the wrong type, is refused naming the file and line", () => {
        const file = path.join(dir, "bad-results.jsonl");
        fs.writeFileSync(file, JSON.stringify(RESULTS[0]) + "\n{\"kind\": \"sim\", \n");
        assert.throws(() => readResults(file), (e: unknown) => e instanceof PolyspecError && e.message.startsWith(`${file} line 2 is not a JSON record`));
        fs.writeFileSync(file, JSON.stringify(RESULTS[0]) + "\n" + JSON.stringify({...RESULTS[1], task: 5}) + "\n");
        assert.throws(() => readResults(file), (e: unknown) => e instanceof PolyspecError && e.message === `${file} line 2: sim record: task must be a string (got 5)`);
        assert.throws(() => readResults(path.join(dir, "none.jsonl")), /^PolyspecError: results file not found: /);
    });

    it("a task name in a results file cannot choose where the report writes a chart (it wrote outside, or failed)", () => {
        const file = path.join(dir, "escape.jsonl"), out = path.join(dir, "escape", "report");
        fs.writeFileSync(file, RESULTS.map((r) => JSON.stringify(r.kind === "sim" ? {...r, task: "../../../outside"} : r)).join("\n") + "\n");
        writeReport(readResults(file), out);
        assert.ok(!fs.existsSync(path.join(dir, "outside.svg")) && !fs.existsSync(path.join(dir, "escape", "outside.svg")));
        assert.deepEqual(fs.readdirSync(path.join(out, "REPORT-charts")).filter((f) => f.startsWith("speedup")), ["speedup-.._.._.._outside.svg"]);
    });

    it("a damaged corpus manifest is refused naming the file and how to rebuild it", () => {
        const file = path.join(dir, "c2", "ja", "manifest.json");
        fs.mkdirSync(path.dirname(file), {recursive: true});
        fs.writeFileSync(file, JSON.stringify(MANIFEST).slice(0, 50));
        assert.throws(() => readLanguageManifest(file), (e: unknown) => e instanceof PolyspecError && e.message.startsWith(`corpus manifest ${file} is damaged (`) && e.message.endsWith("'polyspec corpus build --langs ja')"));
        fs.writeFileSync(file, JSON.stringify({...MANIFEST, packages: null}));
        assert.throws(() => writeCorpusManifest(path.dirname(path.dirname(file)), "s", ["ja"]), /is damaged \(packages must be a list \(got null\)\)/);
    });

    it("a cost curve ignores points that are not times, and never extrapolates below its last point", () => {
        const c = new CostCurve({1: 10, 2: 20, 3: 5, 4: Infinity, 5: null, 6: "7"} as unknown as Record<number, number>);
        for (let n = 1; n <= 16; n++) assert.ok(Number.isFinite(c.at(n)) && c.at(n) > 0, `at(${n}) = ${c.at(n)}`);
        assert.equal(c.at(16), 5);
        assert.throws(() => new CostCurve({2: 5}), (e: unknown) => e instanceof PolyspecError);
        const file = path.join(dir, "cost-null.json");
        fs.writeFileSync(file, JSON.stringify({ms: null}));
        assert.equal(readCostCache(file), undefined);
    });
});

/** Finite positive times at every batch size, and a policy that decides on them. */
function checkCurve(c: CostCurve): void {
    for (let n = 0; n <= 20; n++) if (!(Number.isFinite(c.at(n)) && c.at(n) > 0)) throw new Error(`curve gives at(${n}) = ${c.at(n)}`);
    const policy = new CostAwarePolicy(c);
    const d = new LookupDrafter();
    const n = policy.trim(d, {tokens: [1, 2, 3, 4], confidence: [1, 0.9, 0.5, 0.2]});
    if (!(Number.isInteger(n) && n >= 0 && n <= 4)) throw new Error(`policy trims to ${n}`);
}
