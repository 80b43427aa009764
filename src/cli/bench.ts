import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {LANGUAGES} from "../core/languages";
import {CostAwarePolicy, CostCurve, FixedPolicy, type DraftPolicy} from "../core/policy";
import {createLanguageIdentifier} from "../core/langid";
import {acceptanceRate, batchCosts, chrF, median, outputLanguageRate, Stats, tokensPerStep} from "../core/stats";
import {loadCases} from "../bench/cases";
import {BenchDrafters} from "../bench/drafters";
import {runLive, summarize, type BenchCase} from "../bench/live";
import {PeerRunner} from "../bench/peers";
import {recordCostCurve, recordOutputs, type Recording} from "../bench/record";
import {replayLive} from "../bench/replay";
import {writeReport, type LiveResult, type ResultRecord} from "../bench/report";
import {EngineRunner, type Runner} from "../bench/runner";
import {drafterFileOf, fileSha256, signature} from "../bench/signature";
import {sweep, type SimDrafter, type SimResult} from "../bench/sweep";
import {greedyCell, TABLE_HEADER, tableRows, textTable} from "../bench/table";
import {divergence} from "../bench/divergence";
import {cacheRoot, corpusPaths} from "../corpus";
import {CascadeDrafter} from "../drafters/cascade";
import type {Drafter} from "../drafters/drafter";
import {LookupDrafter} from "../drafters/lookup";
import {DraftModelDrafter} from "../engine/draft-model";
import {Engine} from "../engine/engine";
import {measure} from "../engine/costs";
import {renderPrompt} from "../engine/prompt";
import {DEFAULT_DRAFT, DEFAULT_TARGET} from "../models/registry";
import {intFlag, parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec bench [--record] [--simulate] [--live] [--quick] [--model M] [--langs de,zh,...] [--live-langs de,zh,ru]
  [--translations N] [--stories N] [--prompts N] [--reps N] [--max-tokens N] [--sweep-langs de] [--no-draft-model] [--no-peers]
  [--temperature T] [--live-all] [--out RESULTS.jsonl] [--report DIR] [--json]
  no mode flag: record + simulate + live. --quick: one language, few prompts (a few minutes end to end).
  live runs are greedy, then sampled at --temperature (default 0.7; 0 = greedy only; --quick: greedy only);
  --live-all adds the task-split and self-distilled n-gram tables to the live runs (they are always simulated).`;

/**
 * The drafter comparison across languages and tasks (docs/benchmarks.md):
 * 1. measure the target's cost curve in this process, record its greedy outputs on held-out inputs (cached per model sha256);
 * 2. simulate every drafter and draft length by replaying them (seconds);
 * 3. live runs of a subset on the real generation path, interleaved, with repetitions, greedy outputs checked;
 * results as JSONL records with a signature; `polyspec report` turns them into Markdown, SVG and HTML.
 */
export async function run(argv: string[]): Promise<void> {
    const {values: v} = parse(argv, {
        record: {type: "boolean"}, simulate: {type: "boolean"}, live: {type: "boolean"}, quick: {type: "boolean"},
        model: {type: "string"}, langs: {type: "string"}, "live-langs": {type: "string"}, translations: {type: "string"}, stories: {type: "string"},
        prompts: {type: "string"}, reps: {type: "string"}, "max-tokens": {type: "string"}, "sweep-langs": {type: "string"},
        "no-draft-model": {type: "boolean"}, "no-peers": {type: "boolean"}, temperature: {type: "string"}, "live-all": {type: "boolean"}, out: {type: "string"}, report: {type: "string"}, json: {type: "boolean"},
        help: {type: "boolean", short: "h"},
    }, USAGE);
    if (v.help) { console.log(USAGE); return; }
    const quick = !!v.quick;
    const modes = {record: !!v.record, simulate: !!v.simulate, live: !!v.live};
    if (!modes.record && !modes.simulate && !modes.live) modes.record = modes.simulate = modes.live = true;
    // flags first: a usage error is reported before anything is looked up or loaded
    const nTrans = intFlag(v.translations, "translations", quick ? 6 : 16, 1, 500);
    const nStory = intFlag(v.stories, "stories", quick ? 4 : 10, 0, 200);
    const nLive = intFlag(v.prompts, "prompts", 2, 1, 50);
    const reps = intFlag(v.reps, "reps", 3, 1, 20);
    const maxTokens = intFlag(v["max-tokens"], "max-tokens", quick ? 48 : 64, 4, 1024);
    const temperature = v.temperature === undefined ? (quick ? 0 : 0.7) : Number(v.temperature);
    if (!(temperature >= 0 && temperature <= 2)) throw new PolyspecError(`--temperature must be a number from 0 (greedy only) to 2, got "${v.temperature}"`, "E_USAGE");
    const all = LANGUAGES.map((l) => l.code);
    const langs = list(v.langs) ?? (quick ? ["de"] : all.filter((l) => l !== "en" && fs.existsSync(corpusPaths(l).manifest)));
    if (langs.length === 0) throw new PolyspecError("no language to benchmark: build corpora first ('polyspec corpus build') or pass --langs", "E_USAGE");
    const liveLangs = list(v["live-langs"]) ?? (quick ? langs.slice(0, 1) : langs.filter((l) => ["de", "zh", "ru"].includes(l)).slice(0, 3));
    const sweepLangs = list(v["sweep-langs"]) ?? (quick ? [] : langs.includes("de") ? ["de"] : langs.slice(0, 1));
    const draftModel = !v["no-draft-model"] && !quick;
    const peers = !v["no-peers"];
    const cancel = sigintCancel();
    const log = (s: string) => console.error(s);
    const t0 = Date.now();

    const engine = await Engine.create({model: v.model ?? DEFAULT_TARGET});
    const sig = signature({modelPath: engine.model.path, threads: engine.options.threads, gpu: engine.gpu});
    const benchDir = path.join(cacheRoot(), "bench");
    fs.mkdirSync(benchDir, {recursive: true});
    const out = v.out ?? path.join(benchDir, `results-${sig.modelSha256.slice(0, 12)}-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`);
    const results: ResultRecord[] = [];
    const mismatches: string[] = [];
    // each record's signature also names the drafter file behind it (n-gram table or draft model) by its sha256
    let tables: BenchDrafters | undefined, draftModelFile: string | undefined;
    const emit = (r: ResultRecord) => {
        results.push(r);
        const file = tables && drafterFileOf(r, tables, draftModelFile);
        fs.appendFileSync(out, JSON.stringify({...r, signature: file ? {...sig, drafterSha256: fileSha256(file)} : sig}) + "\n");
    };
    const disposables: (() => Promise<void>)[] = [];
    try {
        log(`target ${sig.model} (sha256 ${sig.modelSha256.slice(0, 12)}), ${sig.threads} threads, ${sig.gpu || "cpu"}; languages ${langs.join(",")}; live ${liveLangs.join(",")}`);
        // 1. record
        const recFile = path.join(benchDir, `record-${sig.modelSha256.slice(0, 12)}.jsonl`);
        const cases: BenchCase[] = [];
        const distill: BenchCase[] = [];
        for (const lang of langs) {
            cases.push(...await loadCases("translate", lang, nTrans).catch(skip(log)));
            if (nStory) cases.push(...await loadCases("story", lang, nStory).catch(skip(log)));
            // self-distillation inputs, disjoint from the test inputs (live languages only: it costs target time)
            if (liveLangs.includes(lang)) distill.push(...await loadCases("translate", lang, quick ? 8 : 16, nTrans).catch(skip(log)), ...await loadCases("story", lang, quick ? 4 : 8, nStory).catch(skip(log)));
        }
        let recordings: Recording[] = [], distilled: Recording[] = [];
        if (modes.record || modes.simulate) {
            const bar = new ProgressBar("record", cases.length + distill.length, " outputs");
            recordings = await recordOutputs(engine, cases, {file: recFile, maxTokens, cancel, onProgress: (d, t, n) => bar.update(d, cases.length + distill.length, n)});
            distilled = await recordOutputs(engine, distill, {file: recFile, maxTokens: 96, cancel, onProgress: (d, t, n) => bar.update(cases.length + d, cases.length + distill.length, n)});
            bar.done(`recorded ${recordings.length + distilled.length} outputs (${recFile})`);
            const langId = createLanguageIdentifier();
            await langId.ready();
            for (const lang of langs) for (const task of ["translate", "story"]) {
                const rs = recordings.filter((r) => r.lang === lang && r.task === task);
                if (!rs.length) continue;
                const refs = rs.filter((r) => r.reference);
                emit({kind: "quality", task, lang, model: sig.model, n: rs.length, chrF: refs.length ? chrF(refs.map((r) => r.text), refs.map((r) => r.reference!)) : undefined,
                    outputLanguageRate: langId.supports(lang) ? outputLanguageRate(rs.map((r) => langId.identify(r.text)?.code), lang) : undefined});
            }
        }
        // drafters
        const bd = tables = new BenchDrafters(engine.model, cancel, log);
        const tbar = new ProgressBar("drafters", langs.length, " languages");
        for (const [i, lang] of langs.entries()) {
            await bd.mono(lang).catch(skip(log));
            await bd.task(lang).catch(skip(log));
            await bd.self(lang, distilled.filter((r) => r.lang === lang)).catch(skip(log));
            tbar.update(i + 1, langs.length, lang);
        }
        tbar.done(`n-gram tables ready for ${langs.length} languages`);
        // the cost curve, measured now (after recording and training, which may take long; right before simulation and live)
        const curve = await recordCostCurve(engine, quick ? 1 : 3);
        // the live runs' cost-aware policies decide on this same curve, fixed, as the simulation does: then a replay
        // of the live outputs takes exactly the live decisions (checked below), and only the time model can differ
        const fixedCurve = new CostCurve(curve, 16, false);
        engine.useCostCurve(fixedCurve);
        emit({kind: "cost", model: sig.model, ms: curve});
        log(`cost curve: step ${curve[1].toFixed(1)} ms; batch 2/4/8/16 = ${[2, 4, 8, 16].map((n) => (curve[n] / curve[1]).toFixed(2)).join(" / ")} steps`);
        // 2. simulate
        let sims: SimResult[] = [];
        if (modes.simulate) {
            const simDrafters: SimDrafter[] = bd.simDrafters();
            for (const lang of sweepLangs) {
                for (const variant of [...[2, 3, 5].map((order) => ({order, fraction: 1, minCount: 2})), ...[0.1, 0.3].map((fraction) => ({order: 4, fraction, minCount: 2})),
                    ...[1, 4].map((minCount) => ({order: 4, fraction: 1, minCount}))]) {
                    const file = await bd.variant(lang, variant);
                    simDrafters.push({id: `ngram o${variant.order} f${variant.fraction} m${variant.minCount}`, kind: "ngram-sweep", params: variant, make: (l) => l === lang ? bd.drafter(file) : undefined});
                }
            }
            const ts = Date.now();
            const bar = new ProgressBar("simulate", 1, " cells");
            sims = sweep(recordings, simDrafters, [1, 2, 3, 4, 6, 8, "adaptive", "oracle"], curve, (d, t, n) => bar.update(d, t, n));
            bar.done(`simulated ${sims.length} cells in ${((Date.now() - ts) / 1000).toFixed(1)} s`);
            for (const s of sims) emit({...s, model: sig.model});
        }
        // 3. live
        if (modes.live) {
            const liveCases: BenchCase[] = [];
            for (const lang of liveLangs) for (const task of ["translate", "story"] as const) liveCases.push(...await loadCases(task, lang, nLive).catch(skip(log)));
            const best = (id: string, task: string, lang: string) => {
                const c = sims.filter((s) => s.drafter === id && s.task === task && s.lang === lang && typeof s.k === "number").sort((a, b) => b.predictedSpeedup - a.predictedSpeedup)[0];
                return c ? c.k as number : 2;
            };
            const kFor = new Map<string, number>();
            const fixed = (id: string, drafterFor: (lang: string) => Drafter | undefined) => new EngineRunner(id, engine, drafterFor, async () => new FixedPolicy(2));
            const runners: Runner[] = [new EngineRunner("none", engine, () => undefined)];
            // fixed-k runners use the best k the simulation found for that task and language
            const bestRunner = (id: string, drafterFor: (lang: string) => Drafter | undefined): Runner => ({
                id, dispose: async () => {},
                run: (c, n, sampling, warmup) => {
                    const k = best(id, c.task, c.lang);
                    if (!warmup) kFor.set(`${id}|${c.task}|${c.lang}`, k);
                    return new EngineRunner(id, engine, drafterFor, async () => new FixedPolicy(k)).run(c, n, sampling, warmup);
                },
            });
            const lookup = new LookupDrafter();
            runners.push(bestRunner("lookup", () => lookup));
            runners.push(bestRunner("ngram-mono", (l) => bd.drafter(bd.file(`mono|${l}`))));
            // the task-split and self-distilled tables are compared in the simulation (live with --live-all: the
            // default live subset keeps to the main drafters to stay within its time budget)
            for (const kind of v["live-all"] ? ["task", "self"] : []) // only where every live language has that table
                if (liveLangs.every((l) => bd.file(`${kind}|${l}`))) runners.push(bestRunner(`ngram-${kind}`, (l) => bd.drafter(bd.file(`${kind}|${l}`))));
            const cascades = new Map<string, CascadeDrafter>();
            runners.push(new EngineRunner("cascade", engine, (l) => {
                if (!cascades.has(l)) { const n = bd.drafter(bd.file(`mono|${l}`)); cascades.set(l, new CascadeDrafter(n ? [new LookupDrafter(), n] : [new LookupDrafter()])); }
                return cascades.get(l);
            }, (_c, profile) => engine.policy(8, profile)));
            if (draftModel) {
                const dm = await DraftModelDrafter.open(DEFAULT_DRAFT, engine.model);
                draftModelFile = dm.draft.path;
                disposables.push(() => dm.dispose());
                runners.push(fixed("draft-model k=2", () => dm));
                if (peers) runners.push(await PeerRunner.draftSequence(engine, DEFAULT_DRAFT));
            }
            if (peers) runners.push(await PeerRunner.inputLookup(engine));
            disposables.push(...runners.map((r) => () => r.dispose()));
            const bar = new ProgressBar("live", 1, " runs");
            // batches of 1..9 (what a policy with k <= 8 verifies) timed once before each case: the replay's time model
            const probeSizes = Array.from({length: 9}, (_, i) => i + 1);
            const probes: Map<number, number>[] = [];
            const records = await runLive(liveCases, runners, {reps, maxTokens, baseline: "none", cancel, mustMatch: (id) => !id.startsWith("nlc-"),
                probe: async () => { probes.push(await measure(engine.target, probeSizes, {samples: 1})); },
                explain: (c, ref, got) => divergence(engine, c.prompt, ref, got), onMismatch: (m) => { mismatches.push(m); log(`MISMATCH: ${m}`); },
                onProgress: (d, t, n) => bar.update(d, t, n)});
            bar.done(`${records.length} live runs (greedy)`);
            // sampling at one temperature: plain decoding, context lookup, the cascade and the input-lookup peer
            if (temperature > 0) {
                const sampled = runners.filter((r) => ["none", "lookup", "cascade", "nlc-input-lookup"].includes(r.id));
                const sbar = new ProgressBar("live", 1, " runs");
                records.push(...await runLive(liveCases, sampled, {reps, maxTokens, baseline: "none", cancel, mustMatch: () => false, temperature,
                    onProgress: (d, t, n) => sbar.update(d, t, n)}));
                sbar.done(`${records.length} live runs (greedy and T=${temperature})`);
            }
            const cells = summarize(records, "none");
            const liveMs = Object.fromEntries(probeSizes.map((n) => [n, median(probes.map((p) => p.get(n)!))]));
            emit({kind: "cost", model: sig.model, ms: liveMs, during: "live", probes: probes.length});
            const probeCurve = new CostCurve(liveMs, 16, false);
            log(`cost during the live runs (${probes.length} probes): step ${liveMs[1].toFixed(1)} ms; batch 2/4/8 = ${[2, 4, 8].map((n) => (liveMs[n] / liveMs[1]).toFixed(2)).join(" / ")} steps`);
            // the batch costs the greedy runs of our generation path met (pooled over every runner and cell; sizes seen
            // fewer than 20 times: the probes' ratio to one step)
            const pooled = new Stats();
            for (const r of records) if (r.mode === "greedy" && !r.runner.startsWith("nlc-")) pooled.merge(r.stats);
            const met = batchCosts(pooled.snapshot(), 20);
            const runMs = Object.fromEntries(probeSizes.map((n) => [n, met[n] ?? liveMs[n] * (met[1] ?? liveMs[1]) / liveMs[1]]));
            emit({kind: "cost", model: sig.model, ms: runMs, during: "runs", steps: pooled.steps});
            const runCurve = new CostCurve(runMs, 16, false);
            // the simulation of exactly what each live cell did (its own outputs, in the order they ran, one policy per
            // cell as the engine's profile): acceptance must equal the live one exactly; the speed-up is predicted
            const prompts = new Map<string, number[]>();
            for (const c of liveCases) prompts.set(`${c.task}|${c.lang}|${c.id}`, await renderPrompt(engine.model, c.prompt));
            const simDrafters = bd.simDrafters();
            const simulated = (runner: string, task: string, lang: string, k: number | undefined) => {
                const drafter = simDrafters.find((d) => d.id === runner)?.make(lang);
                if (!drafter || (!k && runner !== "cascade")) return undefined;
                const policy: DraftPolicy = k ? new FixedPolicy(k) : new CostAwarePolicy(fixedCurve, 8);
                // decisions: the policy on the fixed curve the live policy had; time: the batch costs met in the runs,
                // and (a second prediction) the curve probed between them
                const r = replayLive(records, {task, lang, runner, baseline: "none"}, (id) => prompts.get(`${task}|${lang}|${id}`)!, drafter, policy, [runCurve, probeCurve], maxTokens);
                return r && {speedup: r.speedup, speedupProbed: r.byTime[1], acceptance: r.acceptance, accepted: r.stats.accepted, drafted: r.stats.drafted};
            };
            for (const c of cells) {
                const k = kFor.get(`${c.runner}|${c.task}|${c.lang}`);
                const sim = c.mode !== "greedy" ? undefined : simulated(c.runner, c.task, c.lang, k);
                if (sim && (sim.accepted !== c.stats.accepted || sim.drafted !== c.stats.drafted)) {
                    const m = `simulated acceptance ${sim.accepted}/${sim.drafted} differs from live ${c.stats.accepted}/${c.stats.drafted} for ${c.runner} on ${c.task}/${c.lang} (the replay of the live outputs must take the live decisions: a simulator bug)`;
                    mismatches.push(m); log(`MISMATCH: ${m}`);
                }
                const live: LiveResult = {kind: "live", task: c.task, lang: c.lang, mode: c.mode, model: sig.model, drafter: c.runner + (k ? ` k=${k}` : ""),
                    simKey: k ? `${c.runner}|${k}` : c.runner === "cascade" ? "cascade|adaptive" : undefined,
                    tokensPerSecond: median(c.tps), tokensPerSecondRange: [Math.min(...c.tps), Math.max(...c.tps)],
                    speedup: median(c.speedups), speedupRange: [Math.min(...c.speedups), Math.max(...c.speedups)],
                    acceptance: acceptanceRate(c.stats), tokensPerStep: c.runner.startsWith("nlc-") ? NaN : tokensPerStep(c.stats), ttftMs: median(c.ttftMs), identical: c.identical, greedy: greedyCell(c), reps,
                    simulated: sim && {speedup: sim.speedup, speedupProbed: sim.speedupProbed, acceptance: sim.acceptance}};
                emit(live);
            }
            if (!v.json) console.log("\n" + textTable(TABLE_HEADER, tableRows(cells)));
        }
        const report = writeReport(results, v.report ?? path.join(benchDir, "report"), `Polyspec benchmark: ${sig.model}`);
        log(`\nresults: ${out}\nreport: ${report.markdown} and ${report.html}\ntotal ${((Date.now() - t0) / 60000).toFixed(1)} min on ${os.cpus()[0]?.model}`);
        if (v.json) console.log(JSON.stringify({results: out, report}));
        // the results and the report are written first (the cells say "NO"), then the run fails
        if (mismatches.length) throw new PolyspecError(`${mismatches.length} greedy mismatch(es) that are not near-ties (a speculation bug, or numerical drift larger than a near-tie):\n  ${mismatches.join("\n  ")}`);
    } finally {
        cancel.dispose();
        for (const d of disposables) await d().catch(() => {});
        await engine.dispose();
    }
}

function list(s: string | undefined): string[] | undefined {
    return s ? s.split(",").map((x) => x.trim()).filter(Boolean) : undefined;
}

function skip(log: (s: string) => void) {
    return (e: Error): never[] => { log(`skipped: ${e.message}`); return []; };
}

