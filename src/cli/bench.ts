import fs from "node:fs";
import {PolyspecError} from "../core/errors";
import {LANGUAGES} from "../core/languages";
import {runBenchmark} from "../bench/pipeline";
import type {BenchOptions} from "../bench/run";
import {corpusPaths} from "../corpus";
import {intFlag, parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec bench [--record] [--simulate] [--live] [--quick] [--model M] [--langs de,zh,...] [--live-langs de,zh,ru]
  [--translations N] [--stories N] [--prompts N] [--reps N] [--max-tokens N] [--sweep-langs de] [--no-draft-model] [--no-peers]
  [--temperature T] [--live-all] [--tm [--tm-per-band N]] [--overhead] [--curve RESULTS.jsonl] [--out RESULTS.jsonl] [--report DIR] [--json]
  no mode flag: record + simulate + live. --quick: one language, few prompts (a few minutes end to end).
  live runs are greedy, then sampled at --temperature (default 0.7; 0 = greedy only; --quick: greedy only);
  --live-all adds the task-split and self-distilled n-gram tables to the live runs (they are always simulated);
  --curve reuses the cost curve an earlier run measured (its results file), so a simulation repeats exactly;
  --tm: the translation-memory dimension (held-out segments per match band, plain / examples / draft; the revision
  scenario on the live languages); alone, it runs only that.
  --overhead: the step-overhead micro-benchmark (ms per plain decode step: node-llama-cpp's own loop, our target's
  two verification paths, the product loop); part of every live run; alone, it runs only that.`;

/** `polyspec bench`: parses the flags, runs the benchmark pipeline (src/bench/pipeline.ts), prints. */
export async function run(argv: string[]): Promise<void> {
    const {values: v} = parse(argv, {
        record: {type: "boolean"}, simulate: {type: "boolean"}, live: {type: "boolean"}, quick: {type: "boolean"}, tm: {type: "boolean"}, "tm-per-band": {type: "string"}, overhead: {type: "boolean"},
        model: {type: "string"}, langs: {type: "string"}, "live-langs": {type: "string"}, translations: {type: "string"}, stories: {type: "string"},
        prompts: {type: "string"}, reps: {type: "string"}, "max-tokens": {type: "string"}, "sweep-langs": {type: "string"},
        "no-draft-model": {type: "boolean"}, "no-peers": {type: "boolean"}, temperature: {type: "string"}, "live-all": {type: "boolean"}, curve: {type: "string"}, out: {type: "string"}, report: {type: "string"}, json: {type: "boolean"},
        help: {type: "boolean", short: "h"},
    }, USAGE);
    if (v.help) { console.log(USAGE); return; }
    const quick = !!v.quick;
    const modes = {record: !!v.record, simulate: !!v.simulate, live: !!v.live, tm: !!v.tm, overhead: !!v.overhead};
    if (!modes.record && !modes.simulate && !modes.live && !modes.tm && !modes.overhead) modes.record = modes.simulate = modes.live = true;
    if (modes.live) modes.overhead = true;
    // flags first: a usage error is reported before anything is looked up or loaded
    const temperature = v.temperature === undefined ? (quick ? 0 : 0.7) : Number(v.temperature);
    const o: Omit<BenchOptions, "langs" | "liveLangs" | "sweepLangs"> = {modes, quick, model: v.model,
        translations: intFlag(v.translations, "translations", quick ? 6 : 16, 1, 500), stories: intFlag(v.stories, "stories", quick ? 4 : 10, 0, 200),
        prompts: intFlag(v.prompts, "prompts", 2, 1, 50), reps: intFlag(v.reps, "reps", 3, 1, 20), maxTokens: intFlag(v["max-tokens"], "max-tokens", quick ? 48 : 64, 4, 1024),
        temperature, draftModel: !v["no-draft-model"] && !quick, peers: !v["no-peers"], liveAll: !!v["live-all"], out: v.out, reportDir: v.report, curveFrom: v.curve,
        tmPerBand: intFlag(v["tm-per-band"], "tm-per-band", quick ? 2 : 4, 1, 100)};
    if (!(temperature >= 0 && temperature <= 2)) throw new PolyspecError(`--temperature must be a number from 0 (greedy only) to 2, got "${v.temperature}"`, "E_USAGE");
    const langs = list(v.langs) ?? (quick ? ["de"] : LANGUAGES.map((l) => l.code).filter((l) => l !== "en" && fs.existsSync(corpusPaths(l).manifest)));
    if (langs.length === 0) throw new PolyspecError("no language to benchmark: build corpora first ('polyspec corpus build') or pass --langs", "E_USAGE");
    const liveLangs = list(v["live-langs"]) ?? (quick ? langs.slice(0, 1) : langs.filter((l) => ["de", "zh", "ru"].includes(l)).slice(0, 3));
    const sweepLangs = list(v["sweep-langs"]) ?? (quick ? [] : langs.includes("de") ? ["de"] : langs.slice(0, 1));
    const cancel = sigintCancel();
    try {
        const r = await runBenchmark({...o, langs, liveLangs, sweepLangs}, {
            log: (s) => console.error(s),
            progress: (label, total, unit) => new ProgressBar(label, total, unit),
            table: (text) => { if (!v.json) console.log("\n" + text); },
        }, cancel);
        if (v.json) console.log(JSON.stringify(r));
    } finally {
        cancel.dispose();
    }
}

function list(s: string | undefined): string[] | undefined {
    return s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined;
}
