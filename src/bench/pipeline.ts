import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {PolyspecError, type Cancel} from "../core/errors";
import {createLanguageIdentifier} from "../core/langid";
import {CostCurve} from "../core/policy";
import {languageByCode} from "../core/languages";
import {scriptOf} from "../core/scripts";
import {chrF, outputLanguageRate, outputScriptRate} from "../core/stats";
import {cacheRoot} from "../corpus";
import {Engine} from "../engine/engine";
import {DEFAULT_TARGET} from "../models/registry";
import {loadCases} from "./cases";
import {BenchDrafters} from "./drafters";
import type {BenchCase} from "./cases";
import {liveStage} from "./liveStage";
import {tmStage} from "./tmStage";
import {measureOverhead} from "./overhead";
import {translationPrompt} from "../core/tasks";
import {guardedOutput, recordCostCurve, recordOutputs, type Recording} from "./record";
import {readResults, writeReport, type ResultRecord} from "./report";
import {drafterFileOf, fileSha256, signature} from "./signature";
import {skip, type BenchOptions, type BenchRun, type BenchUi} from "./run";
import {GPU_PROFILES, gpuCurvePoints} from "./gpu-curves";
import {sweep, type SimDrafter, type SimResult} from "./sweep";

/**
 * The drafter comparison across languages and tasks (docs/benchmarks.md):
 * 1. record the target's greedy outputs on held-out inputs (cached per model sha256);
 * 2. train the n-gram tables; measure the target's cost curve in this process;
 * 3. simulate every drafter and draft length by replaying the recordings through the live loop (seconds);
 * 4. live runs of a subset on the real generation path, interleaved, with repetitions, greedy outputs checked, and
 *    every live cell replayed on its own outputs (src/bench/liveStage.ts).
 * Results are JSONL records with a signature; the report (Markdown, SVG, HTML) is written from them.
 */
export async function runBenchmark(o: BenchOptions, ui: BenchUi, cancel?: Cancel): Promise<{results: string; report: {markdown: string; html: string}}> {
    const t0 = Date.now();
    const engine = await Engine.create({model: o.model ?? DEFAULT_TARGET});
    const sig = signature({modelPath: engine.model.path, threads: engine.options.threads, gpu: engine.gpu});
    const benchDir = path.join(cacheRoot(), "bench");
    fs.mkdirSync(benchDir, {recursive: true});
    const out = o.out ?? path.join(benchDir, `results-${sig.modelSha256.slice(0, 12)}-${new Date().toISOString().replace(/[:.]/g, "-")}.jsonl`);
    const results: ResultRecord[] = [];
    const run: BenchRun = {engine, o, ui, cancel, sig, mismatches: [], disposables: [], emit: (r) => {
        results.push(r);
        // each record's signature also names the drafter file behind it (n-gram table or draft model) by its sha256
        const file = run.tables && drafterFileOf(r, run.tables, run.draftModelFile);
        fs.appendFileSync(out, JSON.stringify({...r, signature: file ? {...sig, drafterSha256: fileSha256(file)} : sig}) + "\n");
    }};
    try {
        ui.log(`target ${sig.model} (sha256 ${sig.modelSha256.slice(0, 12)}), ${sig.threads} threads, ${sig.gpu || "cpu"}; languages ${o.langs.join(",")}; live ${o.liveLangs.join(",")}`);
        const {recordings, distilled} = await recordStage(run, path.join(benchDir, `record-${sig.modelSha256.slice(0, 12)}.jsonl`));
        const tables = run.tables = await tableStage(run, distilled);
        // the cost curve, measured now (after recording and training, which may take long; right before simulation
        // and live runs); the live runs' cost-aware policies decide on this same curve, fixed, as the simulation does
        const curve = o.curveFrom ? recordedCurve(o.curveFrom) : await recordCostCurve(engine, o.quick ? 1 : 3);
        engine.useCostCurve(new CostCurve(curve, 16, false));
        run.emit({kind: "cost", model: sig.model, ms: curve});
        ui.log(`cost curve: step ${curve[1].toFixed(1)} ms; batch 2/4/8/16 = ${[2, 4, 8, 16].map((n) => (curve[n] / curve[1]).toFixed(2)).join(" / ")} steps`);
        if (o.modes.overhead) {
            const r = await measureOverhead(engine, translationPrompt(OVERHEAD_TEXT, "de"), {tokens: 64, reps: o.quick ? 3 : 7});
            run.emit(r);
            ui.log(`step overhead (ms/token): node-llama-cpp ${r.ms.nlc.median.toFixed(2)}, direct ${r.ms.direct.median.toFixed(2)}, controlledEvaluate ${r.ms.controlled.median.toFixed(2)}, Engine.generate ${r.ms.engine.median.toFixed(2)}`);
        }
        const sims = o.modes.simulate ? await simulateStage(run, recordings, tables, curve) : [];
        if (o.modes.live) await liveStage(run, tables, sims, new CostCurve(curve, 16, false));
        if (o.modes.tm) await tmStage(run, tables, new CostCurve(curve, 16, false), {perBand: o.tmPerBand, liveLangs: o.liveLangs, revisionLangs: o.liveLangs, maxTokens: 96});
        const report = writeReport(results, o.reportDir ?? path.join(benchDir, "report"), `Polyspec benchmark: ${sig.model}`);
        ui.log(`\nresults: ${out}\nreport: ${report.markdown} and ${report.html}\ntotal ${((Date.now() - t0) / 60000).toFixed(1)} min on ${os.cpus()[0]?.model}`);
        // the results and the report are written first (the cells say "NO"), then the run fails
        if (run.mismatches.length) throw new PolyspecError(`${run.mismatches.length} greedy mismatch(es) or replay disagreement(s) (a speculation bug, or numerical drift larger than a near-tie):\n  ${run.mismatches.join("\n  ")}`);
        return {results: out, report};
    } finally {
        for (const d of run.disposables) await d().catch(() => {});
        await engine.dispose();
    }
}

/** The step-overhead micro-benchmark's input (a paragraph of the demo's kind; any text would do). */
const OVERHEAD_TEXT = "The old wizard looked at the young prince and said: we must leave the city before the orcs arrive. The river is high, the bridges are broken.";

/** Records the held-out outputs (and, for the live languages, disjoint self-distillation inputs); writes quality records. */
async function recordStage(run: BenchRun, file: string): Promise<{recordings: Recording[]; distilled: Recording[]}> {
    const {o, ui} = run;
    const cases: BenchCase[] = [], distill: BenchCase[] = [];
    for (const lang of o.langs) {
        cases.push(...await loadCases("translate", lang, o.translations).catch(skip(ui)));
        if (o.stories) cases.push(...await loadCases("story", lang, o.stories).catch(skip(ui)));
        // self-distillation inputs, disjoint from the test inputs (live languages only: it costs target time)
        if (o.liveLangs.includes(lang)) distill.push(...await loadCases("translate", lang, o.quick ? 8 : 16, o.translations).catch(skip(ui)),
            ...await loadCases("story", lang, o.quick ? 4 : 8, o.stories).catch(skip(ui)));
    }
    if (!o.modes.record && !o.modes.simulate) return {recordings: [], distilled: []};
    const total = cases.length + distill.length;
    const bar = ui.progress("record", total, " outputs");
    const recordings = await recordOutputs(run.engine, cases, {file, maxTokens: o.maxTokens, cancel: run.cancel, onProgress: (d, _t, n) => bar.update(d, total, n)});
    const distilled = await recordOutputs(run.engine, distill, {file, maxTokens: 96, cancel: run.cancel, onProgress: (d, _t, n) => bar.update(cases.length + d, total, n)});
    bar.done(`recorded ${recordings.length + distilled.length} outputs (${file})`);
    const langId = createLanguageIdentifier();
    await langId.ready();
    for (const lang of o.langs) for (const task of ["translate", "story"]) {
        // the outputs as the guarded engine returns them (recordings are raw: the guard is applied here, as in replay)
        const rs = recordings.filter((r) => r.lang === lang && r.task === task).map((r) => ({...r, ...guardedOutput(r, (t) => run.engine.model.detokenize(t))}));
        if (!rs.length) continue;
        const score = (xs: typeof rs) => xs.length ? chrF(xs.map((r) => r.text), xs.map((r) => r.reference!)) : undefined;
        const refs = rs.filter((r) => r.reference);
        run.emit({kind: "quality", task, lang, model: run.sig.model, n: rs.length, chrF: score(refs), chrFNonLooping: score(refs.filter((r) => !r.looped)),
            loops: rs.filter((r) => r.looped).length,
            outputScriptRate: scriptRate(rs.map((r) => r.text), lang),
            outputLanguageRate: langId.supports(lang) ? outputLanguageRate(rs.map((r) => langId.identify(r.text)?.code), lang) : undefined});
    }
    return {recordings, distilled};
}

/** For a language written in more than one script: the share of outputs in the script asked for (else undefined). */
function scriptRate(texts: string[], lang: string): number | undefined {
    const l = languageByCode(lang);
    if (!l.scriptTag) return undefined;
    const r = outputScriptRate(texts.map((t) => scriptOf(t, l.base)?.tag), l.scriptTag);
    return Number.isNaN(r) ? undefined : r;
}

/** The n-gram tables of every language: monolingual, task split, self-distilled. */
async function tableStage(run: BenchRun, distilled: Recording[]): Promise<BenchDrafters> {
    const {o, ui} = run;
    const bd = new BenchDrafters(run.engine.model, run.cancel, (s) => ui.log(s));
    const bar = ui.progress("drafters", o.langs.length, " languages");
    for (const [i, lang] of o.langs.entries()) {
        await bd.mono(lang).catch(skip(ui));
        await bd.task(lang).catch(skip(ui));
        await bd.self(lang, distilled.filter((r) => r.lang === lang)).catch(skip(ui));
        bar.update(i + 1, o.langs.length, lang);
    }
    bar.done(`n-gram tables ready for ${o.langs.length} languages`);
    return bd;
}

/** The simulation sweep: every drafter (and, for the sweep languages, n-gram table variants) at every draft length. */
async function simulateStage(run: BenchRun, recordings: Recording[], bd: BenchDrafters, curve: Record<number, number>): Promise<SimResult[]> {
    const simDrafters: SimDrafter[] = bd.simDrafters();
    for (const lang of run.o.sweepLangs) {
        for (const variant of [...[2, 3, 5].map((order) => ({order, fraction: 1, minCount: 2})), ...[0.1, 0.3].map((fraction) => ({order: 4, fraction, minCount: 2})),
            ...[1, 4].map((minCount) => ({order: 4, fraction: 1, minCount}))]) {
            const file = await bd.variant(lang, variant);
            simDrafters.push({id: `ngram o${variant.order} f${variant.fraction} m${variant.minCount}`, kind: "ngram-sweep", params: variant, make: (l) => l === lang ? bd.drafter(file) : undefined});
        }
    }
    const ts = Date.now();
    const bar = run.ui.progress("simulate", 1, " cells");
    const sims = await sweep(recordings, simDrafters, [1, 2, 3, 4, 6, 8, "adaptive", "oracle"], curve, (d, t, n) => bar.update(d, t, n));
    bar.done(`simulated ${sims.length} cells in ${((Date.now() - ts) / 1000).toFixed(1)} s`);
    for (const s of sims) run.emit({...s, model: run.sig.model});
    // the GPU projection: the same recordings and drafters on published GPU cost curves (labelled, never measured)
    const main = bd.simDrafters();
    for (const p of GPU_PROFILES) {
        const step = p.stepMs ?? curve[1];
        for (const s of await sweep(recordings, main, [1, 2, 4, 8, "adaptive", "oracle"], gpuCurvePoints(p, step)))
            run.emit({...s, model: run.sig.model, projection: p.id});
    }
    return sims;
}

/** The cost curve an earlier run measured (its first cost record without `during`): a simulation can then be repeated exactly. */
function recordedCurve(file: string): Record<number, number> {
    let records: ResultRecord[];
    try { records = readResults(file); } catch (e) { throw e instanceof PolyspecError ? e : new PolyspecError(`cannot read results ${file}: ${(e as Error).message}`); }
    const cost = records.find((r) => r.kind === "cost" && !r.during);
    if (!cost || cost.kind !== "cost") throw new PolyspecError(`${file} holds no measured cost curve (a "cost" record): pass the results file of a bench run`);
    return cost.ms;
}
