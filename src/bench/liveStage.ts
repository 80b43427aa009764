import type {Drafter} from "../core/drafter";
import {CostCurve, FixedPolicy, type DraftPolicy} from "../core/policy";
import {acceptanceRate, batchCosts, median, Stats, tokensPerStep} from "../core/stats";
import {measure} from "../engine/costs";
import {LookupDrafter} from "../drafters/lookup";
import {cascadeOf} from "../engine/drafters";
import {DraftModelDrafter} from "../engine/draft-model";
import {defaultPolicy} from "../engine/engine";
import {renderPrompt} from "../engine/prompt";
import {DEFAULT_DRAFT} from "../models/registry";
import {loadCases} from "./cases";
import {divergence} from "./divergence";
import type {BenchDrafters} from "./drafters";
import {runLive, summarize, type CellSummary, type RunRecord} from "./live";
import type {BenchCase} from "./cases";
import {PeerRunner} from "./peers";
import {skip, type BenchRun} from "./run";
import {replayLive} from "./replay";
import type {LiveResult} from "./report";
import {EngineRunner, type Runner} from "./runner";
import type {SimResult} from "./sweep";
import {greedyCell, TABLE_HEADER, tableRows, textTable} from "./table";

/** Batches of 1..9 (what a policy with k <= 8 verifies), timed once before each case: the replay's second time model. */
const PROBE_SIZES = Array.from({length: 9}, (_, i) => i + 1);

/**
 * The live runs: every runner on the live languages' cases, interleaved, with repetitions, greedy then sampled;
 * then each greedy cell replayed on its own outputs (src/bench/replay.ts), which must reach the live acceptance
 * exactly, timed with the batch costs the runs met and with the curve probed between them.
 */
export async function liveStage(run: BenchRun, bd: BenchDrafters, sims: SimResult[], fixedCurve: CostCurve): Promise<void> {
    const {engine, o, ui} = run;
    const cases: BenchCase[] = [];
    for (const lang of o.liveLangs) for (const task of ["translate", "story"] as const) cases.push(...await loadCases(task, lang, o.prompts).catch(skip(ui)));
    const {runners, kFor} = await liveRunners(run, bd, sims);
    run.disposables.push(...runners.map((r) => () => r.dispose()));
    const bar = ui.progress("live", 1, " runs");
    const probes: Map<number, number>[] = [];
    const records = await runLive(cases, runners, {reps: o.reps, maxTokens: o.maxTokens, baseline: "none", cancel: run.cancel, mustMatch: (id) => !id.startsWith("nlc-"),
        probe: async () => { probes.push(await measure(engine.target, PROBE_SIZES, {samples: 1})); },
        explain: (c, ref, got) => divergence(engine, c.prompt, ref, got), onMismatch: (m) => { run.mismatches.push(m); ui.log(`MISMATCH: ${m}`); },
        onProgress: (d, t, n) => bar.update(d, t, n)});
    bar.done(`${records.length} live runs (greedy)`);
    // sampling at one temperature: plain decoding, context lookup, the cascade and the input-lookup peer
    if (o.temperature > 0) {
        const sampled = runners.filter((r) => ["none", "lookup", "cascade", "nlc-plain", "nlc-input-lookup"].includes(r.id));
        const sbar = ui.progress("live", 1, " runs");
        records.push(...await runLive(cases, sampled, {reps: o.reps, maxTokens: o.maxTokens, baseline: "none", cancel: run.cancel, mustMatch: () => false, temperature: o.temperature,
            onProgress: (d, t, n) => sbar.update(d, t, n)}));
        sbar.done(`${records.length} live runs (greedy and T=${o.temperature})`);
    }
    const times = timeModels(run, records, probes);
    const prompts = new Map<string, number[]>();
    for (const c of cases) prompts.set(`${c.task}|${c.lang}|${c.id}`, await renderPrompt(engine.model, c.prompt));
    const cells = summarize(records, "none");
    // the same cells over the outputs the loop guard let through: the cases (per mode and repetition, as a sampled
    // output depends on its seed) whose plain output it stopped are left out for every runner
    const runKey = (r: {task: string; lang: string; case: string; mode: string; rep: number}) => `${r.task}|${r.lang}|${r.case}|${r.mode}|${r.rep}`;
    const plainRuns = records.filter((r) => r.runner === "none");
    const looping = new Set(plainRuns.filter((r) => r.looped).map(runKey));
    const cellKey = (c: {task: string; lang: string; mode: string; runner: string}) => `${c.task}|${c.lang}|${c.mode}|${c.runner}`;
    const clean = new Map(summarize(records.filter((r) => !looping.has(runKey(r))), "none").map((c) => [cellKey(c), c]));
    for (const c of cells) {
        const k = kFor.get(`${c.runner}|${c.task}|${c.lang}`);
        const sim = c.mode === "greedy" ? await replayCell(run, bd, records, c, k, prompts, fixedCurve, times) : undefined;
        const live: LiveResult = {kind: "live", task: c.task, lang: c.lang, mode: c.mode, model: run.sig.model, drafter: c.runner + (k ? ` k=${k}` : ""),
            simKey: k ? `${c.runner}|${k}` : c.runner === "cascade" ? "cascade|adaptive" : undefined,
            tokensPerSecond: median(c.tps), tokensPerSecondRange: [Math.min(...c.tps), Math.max(...c.tps)],
            speedup: median(c.speedups), speedupRange: [Math.min(...c.speedups), Math.max(...c.speedups)],
            acceptance: acceptanceRate(c.stats), tokensPerStep: c.runner.startsWith("nlc-") ? NaN : tokensPerStep(c.stats), ttftMs: median(c.ttftMs), identical: c.identical, greedy: greedyCell(c), reps: o.reps,
            simulated: sim, ...nonLooping(c, clean.get(cellKey(c)), plainRuns.filter((r) => r.task === c.task && r.lang === c.lang && r.mode === c.mode), looping)};
        run.emit(live);
    }
    ui.table(textTable(TABLE_HEADER, tableRows(cells, (c) => clean.get(cellKey(c)))));
}

/** A live cell's speed-up over the runs whose plain output the loop guard did not stop, and how many it stopped. */
function nonLooping(c: CellSummary, clean: CellSummary | undefined, plain: RunRecord[], looping: Set<string>): Pick<LiveResult, "looping" | "nonLooping"> {
    const stopped = plain.filter((r) => looping.has(`${r.task}|${r.lang}|${r.case}|${r.mode}|${r.rep}`)).length;
    const sp = (clean?.speedups ?? []).filter(Number.isFinite);
    return {looping: {runs: stopped, of: plain.length},
        nonLooping: sp.length ? {runs: plain.length - stopped, speedup: median(sp), speedupRange: [Math.min(...sp), Math.max(...sp)]} : undefined};
}

/**
 * The live runners: plain decoding, lookup and the n-gram table at the best fixed k the simulation found for each
 * task and language, the cost-aware cascade (the product default), the draft model at k = 2, and node-llama-cpp's
 * own loop, plain and with its predictors (the peers). `kFor` records the k each fixed runner used per cell.
 */
async function liveRunners(run: BenchRun, bd: BenchDrafters, sims: SimResult[]): Promise<{runners: Runner[]; kFor: Map<string, number>}> {
    const {engine, o} = run;
    const kFor = new Map<string, number>();
    const best = (id: string, task: string, lang: string) => {
        const c = sims.filter((s) => s.drafter === id && s.task === task && s.lang === lang && typeof s.k === "number").sort((a, b) => b.predictedSpeedup - a.predictedSpeedup)[0];
        return c ? c.k as number : 2;
    };
    const bestRunner = (id: string, drafterFor: (lang: string) => Drafter | undefined): Runner => ({
        id, dispose: async () => {},
        run: (c, n, sampling, warmup) => {
            const k = best(id, c.task, c.lang);
            if (!warmup) kFor.set(`${id}|${c.task}|${c.lang}`, k);
            return new EngineRunner(id, engine, drafterFor, async () => new FixedPolicy(k)).run(c, n, sampling, warmup);
        },
    });
    const runners: Runner[] = [new EngineRunner("none", engine, () => undefined)];
    const lookup = new LookupDrafter();
    runners.push(bestRunner("lookup", () => lookup));
    runners.push(bestRunner("ngram-mono", (l) => bd.drafter(bd.file(`mono|${l}`))));
    // the task-split and self-distilled tables are compared in the simulation (live with --live-all: the default
    // live subset keeps to the main drafters to stay within its time budget), only where every live language has one
    for (const kind of o.liveAll ? ["task", "self"] : [])
        if (o.liveLangs.every((l) => bd.file(`${kind}|${l}`))) runners.push(bestRunner(`ngram-${kind}`, (l) => bd.drafter(bd.file(`${kind}|${l}`))));
    const cascades = new Map<string, Drafter>();
    runners.push(new EngineRunner("cascade", engine, (l) => {
        if (!cascades.has(l)) cascades.set(l, cascadeOf({ngram: bd.drafter(bd.file(`mono|${l}`))}));
        return cascades.get(l);
    }, (_c, profile) => engine.policy(8, profile)));
    if (o.draftModel) {
        const dm = await DraftModelDrafter.open(DEFAULT_DRAFT, engine.model);
        run.draftModelFile = dm.draft.path;
        run.disposables.push(() => dm.dispose());
        runners.push(new EngineRunner("draft-model k=2", engine, () => dm, async () => new FixedPolicy(2)));
        if (o.peers) runners.push(await PeerRunner.draftSequence(engine, DEFAULT_DRAFT));
    }
    if (o.peers) runners.push(await PeerRunner.plain(engine), await PeerRunner.inputLookup(engine));
    return {runners, kFor};
}

/**
 * The replay's two time models: the batch costs the greedy runs of our generation path met (pooled over every
 * runner and cell; sizes seen fewer than 20 times take the probes' ratio to one step), and the curve probed
 * between the runs. Both are written as cost records.
 */
function timeModels(run: BenchRun, records: RunRecord[], probes: Map<number, number>[]): {runs: CostCurve; probed: CostCurve} {
    const liveMs = Object.fromEntries(PROBE_SIZES.map((n) => [n, median(probes.map((p) => p.get(n)!))]));
    run.emit({kind: "cost", model: run.sig.model, ms: liveMs, during: "live", probes: probes.length});
    run.ui.log(`cost during the live runs (${probes.length} probes): step ${liveMs[1].toFixed(1)} ms; batch 2/4/8 = ${[2, 4, 8].map((n) => (liveMs[n] / liveMs[1]).toFixed(2)).join(" / ")} steps`);
    const pooled = new Stats();
    for (const r of records) if (r.mode === "greedy" && !r.runner.startsWith("nlc-")) pooled.merge(r.stats);
    const met = batchCosts(pooled.snapshot(), 20);
    const runMs = Object.fromEntries(PROBE_SIZES.map((n) => [n, met[n] ?? liveMs[n] * (met[1] ?? liveMs[1]) / liveMs[1]]));
    run.emit({kind: "cost", model: run.sig.model, ms: runMs, during: "runs", steps: pooled.steps});
    return {runs: new CostCurve(runMs, 16, false), probed: new CostCurve(liveMs, 16, false)};
}

/**
 * The simulation of exactly what one live cell did (its own outputs, in the order they ran, one policy for the cell
 * as the engine's profile). Decisions: the policy on the fixed curve the live policy had; time: the two time
 * models. Its acceptance must equal the live one exactly (otherwise the run fails: a simulator bug).
 */
async function replayCell(run: BenchRun, bd: BenchDrafters, records: RunRecord[], c: CellSummary, k: number | undefined, prompts: Map<string, number[]>,
    fixedCurve: CostCurve, times: {runs: CostCurve; probed: CostCurve}): Promise<LiveResult["simulated"]> {
    const drafter = bd.simDrafters().find((d) => d.id === c.runner)?.make(c.lang);
    if (!drafter || (!k && c.runner !== "cascade")) return undefined;
    const policy: DraftPolicy = k ? new FixedPolicy(k) : defaultPolicy(fixedCurve, 8, `${c.task}:${c.lang}`);
    const r = await replayLive(records, {task: c.task, lang: c.lang, runner: c.runner, baseline: "none"}, (id) => prompts.get(`${c.task}|${c.lang}|${id}`)!, drafter, policy, [times.runs, times.probed], run.o.maxTokens);
    if (!r) return undefined;
    if (r.stats.accepted !== c.stats.accepted || r.stats.drafted !== c.stats.drafted) {
        const m = `simulated acceptance ${r.stats.accepted}/${r.stats.drafted} differs from live ${c.stats.accepted}/${c.stats.drafted} for ${c.runner} on ${c.task}/${c.lang} (the replay of the live outputs must take the live decisions: a simulator bug)`;
        run.mismatches.push(m);
        run.ui.log(`MISMATCH: ${m}`);
    }
    return {speedup: r.speedup, speedupProbed: r.byTime[1], acceptance: r.acceptance};
}
