import {repetitionOptions, translationPrompt} from "../core/tasks";
import type {BenchCase} from "../bench/cases";
import {divergence} from "../bench/divergence";
import {runLive, summarize, type RunRecord} from "../bench/live";
import {EngineRunner} from "../bench/runner";
import {greedyCell, textTable} from "../bench/table";
import {acceptanceRate, median, tokensPerStep} from "../core/stats";
import {loadNgramDrafter} from "../drafters/ngram";
import {cascadeOf} from "../engine/drafters";
import {defaultPolicy, Engine} from "../engine/engine";
import {ensureNgramFile} from "../engine/ngram-files";
import {DEFAULT_TARGET} from "../models/registry";
import {intFlag, parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";
import {repetitionNote} from "./notes";

const PARAGRAPHS = [
    "The old wizard looked at the young prince and said: we must leave the city before the orcs arrive. The river is high, the bridges are broken, and our only hope lies in the mountains to the north.",
    "Select the cells that you want to copy, then choose Edit - Copy. The contents of the cells are placed on the clipboard, and you can paste them into another sheet or another document.",
    "Every evening the fishermen pulled their boats onto the sand and told stories by the fire. The children listened until the stars came out, and then they dreamed of the sea.",
];
const USAGE = "polyspec demo [--model M] [--lang de] [--reps N]";

/**
 * The README's main job on the embedded default: fetch the default model, build the language's n-gram drafter
 * from text the project fetches itself, stream the translation of a few English paragraphs, then measure the
 * product's default (the cost-aware cascade, starting cold: a fresh policy every run, as in a fresh process)
 * against plain decoding of the same model and prompt: interleaved repetitions, warm-up excluded, median and
 * [min-max] per input, greedy outputs compared token for token.
 */
export async function run(argv: string[]): Promise<void> {
    const {values: v} = parse(argv, {model: {type: "string"}, lang: {type: "string"}, reps: {type: "string"}, help: {type: "boolean", short: "h"}}, USAGE);
    if (v.help) { console.log(USAGE); return; }
    const lang = v.lang ?? "de";
    const reps = intFlag(v.reps, "reps", 3, 1, 20);
    const cancel = sigintCancel();
    const fetchBar = new ProgressBar("model", 1, "B");
    const engine = await Engine.create({model: v.model ?? DEFAULT_TARGET, onProgress: (d, t) => fetchBar.update(d, t)});
    fetchBar.done(`target: ${engine.model.path} (${engine.options.threads} threads, ${engine.gpu || "cpu"})`);
    try {
        const bar = new ProgressBar(`${lang} drafter`, 1);
        const {file, trained} = await ensureNgramFile(lang, engine.model, {cancel, onProgress: (d, t, s) => bar.update(d, t, s)});
        bar.done(trained ? `trained ${file}: ${trained.ngrams.toLocaleString("en")} n-grams from ${(trained.inputBytes / 1e6).toFixed(1)} MB in ${trained.seconds.toFixed(1)} s`
            : `n-gram drafter: ${file}`);
        const cascade = cascadeOf({ngram: loadNgramDrafter(file, engine.model)});
        const curve = await engine.costCurve();
        console.error(`cost curve: decode step ${curve.at(1).toFixed(1)} ms; a batch of 2 costs ${(curve.at(2) / curve.at(1)).toFixed(2)} steps, of 4 ${(curve.at(4) / curve.at(1)).toFixed(2)}`);
        const cases: BenchCase[] = PARAGRAPHS.map((text, i) => ({task: "translate", lang, id: String(i + 1), prompt: translationPrompt(text, lang), input: text}));
        // what the user came for: each translation, streamed
        for (const c of cases) {
            console.log(`\n## ${c.id}. ${c.input}\n`);
            const r = await engine.generate(c.prompt, cascade, {maxTokens: 160, cancel, profile: "demo-show", repetition: repetitionOptions(c.task), onText: (d) => process.stdout.write(d)});
            process.stdout.write("\n");
            if (r.repetition) console.error(repetitionNote(r.text, r.repetition.echo));
        }
        // the measurement: plain decoding against the cold-start cascade, interleaved
        const runners = [new EngineRunner("none", engine, () => undefined),
            new EngineRunner("cascade (cold start)", engine, () => cascade, async (_c, profile) => defaultPolicy(curve, 8, profile))];
        const mbar = new ProgressBar("measuring", 1, " runs");
        const records = await runLive(cases, runners, {reps, maxTokens: 160, baseline: "none", cancel, mustMatch: () => true,
            explain: (c, ref, got) => divergence(engine, c.prompt, ref, got), onProgress: (d, t, n) => mbar.update(d, t, n)});
        mbar.done();
        console.log(`\nSpeed of ${engine.model.path.split("/").pop()} on this machine: every input ${reps} times, runs interleaved, warm-up excluded;`);
        console.log(`median [min-max] over the repetitions; speed-up against plain decoding of the same prompt in the same run:\n`);
        console.log(textTable(["input", "drafter", "tokens", "tok/s", "accept", "tok/step", "speed-up", "greedy ="], rows(records, cases)));
        console.log(`\n"cascade (cold start)" is the default: context lookup, then the ${lang} n-gram table, drafting only where this`);
        console.log(`machine's measured cost curve says it pays, starting from shipped acceptance priors with a fresh policy every run.`);
        console.log(`For the full comparison across languages, tasks and drafters: npm run bench:quick`);
    } finally {
        cancel.dispose();
        await engine.dispose();
    }
}

/** One row per input and runner: metrics from src/core/stats, speed-up per repetition against the same repetition's plain run. */
function rows(records: RunRecord[], cases: BenchCase[]): string[][] {
    const f = (x: number, d = 2) => Number.isFinite(x) ? x.toFixed(d) : "-";
    const range = (a: number[], d = 2) => `${f(median(a), d)} [${f(Math.min(...a), d)}-${f(Math.max(...a), d)}]`;
    return cases.flatMap((c) => summarize(records.filter((r) => r.case === c.id), "none").map((s) => [
        c.id, s.runner, String(s.stats.tokens / s.tps.length), range(s.tps, 1),
        Number.isNaN(acceptanceRate(s.stats)) ? "-" : `${(acceptanceRate(s.stats) * 100).toFixed(0)}% of ${s.stats.drafted}`,
        f(tokensPerStep(s.stats)), s.runner === "none" ? "1 (baseline)" : range(s.speedups), greedyCell(s)]));
}
