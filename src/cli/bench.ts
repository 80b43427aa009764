import os from "node:os";
import {PolyspecError} from "../core/errors";
import {CostAwarePolicy, FixedPolicy} from "../core/policy";
import {PeerRunner} from "../bench/peers";
import {EngineRunner, type Runner} from "../bench/runner";
import {loadCases} from "../bench/cases";
import {runLive, summarize, type BenchCase} from "../bench/live";
import {TABLE_HEADER, tableRows, textTable} from "../bench/table";
import {CascadeDrafter} from "../drafters/cascade";
import {LookupDrafter} from "../drafters/lookup";
import {loadNgramDrafter} from "../drafters/ngram";
import {DraftModelDrafter} from "../engine/draft-model";
import {Engine} from "../engine/engine";
import {ensureNgramFile} from "../engine/ngram-files";
import {DEFAULT_DRAFT, DEFAULT_TARGET} from "../models/registry";
import {intFlag, parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = "polyspec bench --quick [--model M] [--langs de,zh] [--prompts N] [--reps N] [--max-tokens N] [--no-draft-model] [--json]";

/**
 * `bench --quick`: the engine's live comparison on the default model: translation English -> X and story
 * continuation in X, every drafter and node-llama-cpp's own predictors side by side in one process, interleaved,
 * warm-up excluded, repetitions, greedy outputs checked identical to plain decoding.
 */
export async function run(argv: string[]): Promise<void> {
    const {values: v} = parse(argv, {
        quick: {type: "boolean"}, model: {type: "string"}, langs: {type: "string"}, prompts: {type: "string"}, reps: {type: "string"},
        "max-tokens": {type: "string"}, "no-draft-model": {type: "boolean"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"},
    }, USAGE);
    if (v.help) { console.log(USAGE); return; }
    if (!v.quick) throw new PolyspecError(`only the quick live comparison is available: ${USAGE}`, "E_USAGE");
    const langs = (v.langs ?? "de,zh").split(",").filter(Boolean);
    const nPrompts = intFlag(v.prompts, "prompts", 2, 1, 50);
    const reps = intFlag(v.reps, "reps", 3, 1, 20);
    const maxTokens = intFlag(v["max-tokens"], "max-tokens", 48, 4, 1024);
    const cancel = sigintCancel();
    const log = (s: string) => console.error(s);

    const engine = await Engine.create({model: v.model ?? DEFAULT_TARGET});
    const runners: Runner[] = [];
    const disposables: (() => Promise<void>)[] = [];
    try {
        const curve = await engine.costCurve();
        log(`target ${engine.model.path}: ${engine.options.threads} threads, ${engine.gpu || "cpu"}; decode step ${curve.at(1).toFixed(1)} ms, batch of 2/4/8: ${[2, 4, 8].map((n) => (curve.at(n) / curve.at(1)).toFixed(2) + "x").join(" / ")}`);
        const cases: BenchCase[] = [];
        const ngramFiles = new Map<string, string>();
        for (const lang of langs) {
            const bar = new ProgressBar(`n-gram ${lang}`, 1);
            const {file, trained} = await ensureNgramFile(lang, engine.model, {cancel, onProgress: (d, t) => bar.update(d, t)});
            bar.done(trained ? `trained ${file}: ${trained.ngrams} n-grams, ${trained.bytesPerNgram.toFixed(2)} bytes/n-gram, ${(trained.inputBytes / 1e6).toFixed(1)} MB in ${(trained.seconds).toFixed(1)} s` : `n-gram ${lang}: ${file}`);
            ngramFiles.set(lang, file);
            for (const task of ["translate", "story"] as const) cases.push(...await loadCases(task, lang, nPrompts));
        }
        const policyFor = (k: number) => async () => new FixedPolicy(k);

        const adaptive = async () => new CostAwarePolicy(await engine.costCurve(), 8);
        // one runner per drafter kind; the n-gram drafters follow each case's language
        const ngram = new Map([...ngramFiles].map(([l, f]) => [l, loadNgramDrafter(f, engine.model)]));
        const cascade = new Map([...ngram].map(([l, d]) => [l, new CascadeDrafter([new LookupDrafter(), d])]));
        const lookup = new LookupDrafter();
        runners.push(new EngineRunner("none", engine, () => undefined));
        runners.push(new EngineRunner("lookup k=2", engine, () => lookup, policyFor(2)));
        runners.push(new EngineRunner("ngram k=2", engine, (l) => ngram.get(l), policyFor(2)));
        runners.push(new EngineRunner("cascade adaptive", engine, (l) => cascade.get(l), adaptive));
        if (!v["no-draft-model"]) {
            const dm = await DraftModelDrafter.open(DEFAULT_DRAFT, engine.model);
            disposables.push(() => dm.dispose());
            runners.push(new EngineRunner("draft model k=3", engine, () => dm, policyFor(3)));
            runners.push(await PeerRunner.draftSequence(engine, DEFAULT_DRAFT));
        }
        runners.push(await PeerRunner.inputLookup(engine));

        const bar = new ProgressBar("bench", 1, " runs");
        const t0 = Date.now();
        const records = await runLive(cases, runners, {reps, maxTokens, baseline: "none", cancel,
            mustMatch: (id) => !id.startsWith("nlc-"), onProgress: (d, t, note) => bar.update(d, t, note)});
        bar.done(`${records.length} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
        const cells = summarize(records, "none");
        if (v.json) { console.log(JSON.stringify({machine: machine(), cells})); return; }
        console.log(`\n${machine()}; ${cases.length} cases x ${reps} reps, ${maxTokens} tokens max, greedy\n`);
        console.log(textTable(TABLE_HEADER, tableRows(cells)));
    } finally {
        cancel.dispose();
        for (const r of runners) await r.dispose();
        for (const d of disposables) await d();
        await engine.dispose();
    }
}

function machine(): string {
    return `${os.cpus()[0]?.model ?? "cpu"} x${os.availableParallelism?.() ?? os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
}
