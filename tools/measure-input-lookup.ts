// What node-llama-cpp's InputLookupTokenPredictor would give on this machine's cost curve (issue 17, point 2):
// replays recorded greedy outputs (a benchmark recording file, .cache/bench/record-<sha>.jsonl) through our loop
// (src/bench/simulate.ts) with its own predictor class proposing (verify every prediction, up to 3; and under our
// cost-aware policy), next to our lookup and the cold-start cascade. Prints speed-up against the replay without drafts,
// acceptance and tokens per step per task and language. No model is loaded.
//   npx tsx tools/measure-input-lookup.ts RECORDINGS.jsonl   (CURVE='{"1":69,"2":110,...}': another cost curve, ms per batch size)
import shipped from "../src/core/priors.json";
// @ts-ignore
import {InputLookupTokenPredictor} from "../node_modules/node-llama-cpp/dist/evaluator/LlamaContext/tokenPredictors/InputLookupTokenPredictor.js";
import {readRecordings} from "../src/bench/record";
import {simulate} from "../src/bench/simulate";
import {CostAwarePolicy, CostCurve, FixedPolicy, type AcceptancePriors} from "../src/core/policy";
import type {Drafter, Proposal} from "../src/core/drafter";
import {repetitionOptions} from "../src/core/tasks";
import {acceptanceRate, speedup, Stats, tokensPerStep} from "../src/core/stats";
import {defaultNgramPath, loadNgramDrafter} from "../src/drafters/ngram";
import {cacheRoot} from "../src/corpus";
import {LookupDrafter} from "../src/drafters/lookup";
import {cascadeOf} from "../src/engine/drafters";
const curve = JSON.parse(process.env.CURVE ?? "{\"1\":69,\"2\":110.3,\"3\":118.5,\"4\":121.7,\"5\":130,\"6\":133.4,\"7\":143.6,\"8\":152.8,\"16\":182.2}") as Record<number, number>;
// the default model's tokenizer (the n-gram tables of the recordings' languages are looked up by it in the cache)
const fp = process.env.FINGERPRINT ?? "49c4b9bb71086c3a13665024f1972eac6f7a121a4f643d19ae75cef260965ad4";
const priors = (shipped as {priors: Record<string, AcceptancePriors>}).priors;
class IL implements Drafter {
    readonly name = "nlc-input-lookup"; readonly expensive = false;
    constructor(private prompt: readonly number[]) {}
    propose(context: readonly number[], k: number): Proposal {
        const p = new InputLookupTokenPredictor();
        p.updateInputTokens(this.prompt as any);
        p.reset({stateTokens: context as any} as any);
        return {tokens: (p.predictTokens() as number[]).slice(0, k)};
    }
    observe() {} reset() {} describe() { return "il"; }
}
async function main() {
    const recs = readRecordings(process.argv[2]);
    const agg: Record<string, {plain: Stats; [k: string]: Stats}> = {};
    for (const r of recs) {
        const g = agg[`${r.task} ${r.lang}`] ??= {plain: new Stats()};
        const add = (k: string, s: Stats) => (g[k] ??= new Stats()).merge(s.snapshot());
        const c = () => new CostCurve(curve);
        add("plain", await simulate(r, undefined, new FixedPolicy(0), c(), undefined, repetitionOptions(r.task)));
        add("il k<=3", await simulate(r, new IL(r.prompt), new FixedPolicy(3), c(), undefined, repetitionOptions(r.task)));
        add("il costaware", await simulate(r, new IL(r.prompt), new CostAwarePolicy(c(), 8, 0.05, priors[r.task]), c(), undefined, repetitionOptions(r.task)));
        add("lookup costaware", await simulate(r, new LookupDrafter(), new CostAwarePolicy(c(), 8, 0.05, priors[r.task]), c(), undefined, repetitionOptions(r.task)));
        add("lookup k=2", await simulate(r, new LookupDrafter(), new FixedPolicy(2), c(), undefined, repetitionOptions(r.task)));
        const casc = cascadeOf({ngram: loadNgramDrafter(defaultNgramPath(cacheRoot(), r.lang, fp), {fingerprint: fp})});
        add("cascade costaware(cold)", await simulate(r, casc, new CostAwarePolicy(c(), 8, 0.05, priors[r.task]), c(), undefined, repetitionOptions(r.task)));
    }
    for (const [g, m] of Object.entries(agg)) {
        console.log(g, Object.entries(m).filter(([k]) => k !== "plain").map(([k, s]) => `${k}: ${speedup(s, m.plain).toFixed(3)}x acc ${(100 * acceptanceRate(s)).toFixed(0)}% of ${s.drafted} t/s ${tokensPerStep(s).toFixed(2)}`).join(" | "));
    }
}
void main();
