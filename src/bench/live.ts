import {PolyspecError, throwIfCancelled, type Cancel} from "../core/errors";
import {Stats, speedup, tokensPerSecond, type StatsSnapshot} from "../core/stats";
import {firstDifference, type Divergence} from "./divergence";
import type {BenchCase} from "./cases";
import type {Runner} from "./runner";


export interface RunRecord {
    task: string;
    lang: string;
    case: string;
    runner: string;
    rep: number;
    /** "greedy", or "T=<temperature>" for the sampling mode */
    mode: string;
    stats: StatsSnapshot;
    tokens: number[];
    /** The stop token that ended the output, when the runner reports it (replay needs it: that step verified it). */
    stopToken?: number;
    /** The loop guard ended the run (our runners). */
    looped?: boolean;
    /** Token-identical to the baseline's greedy output for the same case. */
    identical: boolean;
    /** When not identical: where, and whether it is a near-tie in the target's distribution (see divergence.ts). */
    divergence?: Divergence;
}

export interface LiveOptions {
    reps: number;
    maxTokens: number;
    /** Runner whose output is the reference (plain decoding). */
    baseline: string;
    /** Runners whose outputs must equal the baseline's (ours; the peers are only reported). */
    mustMatch: (runnerId: string) => boolean;
    onProgress?: (done: number, total: number, note: string) => void;
    cancel?: Cancel;
    /** Explains a mismatch (quantized models: near-ties); without it any mismatch of a mustMatch runner fails. */
    explain?: (c: BenchCase, reference: number[], output: number[]) => Promise<Divergence | undefined>;
    /**
     * Sampling mode: every run samples at this temperature, with one seed per case and repetition shared by all
     * runners. Outputs are not required to equal the baseline's (a drafter with a distribution takes another,
     * equally distributed path); `identical` still says whether they did.
     */
    temperature?: number;
    /**
     * Called for each greedy mismatch of a mustMatch runner that is not a near-tie. Without it such a mismatch
     * throws at once; with it the runs go on (the caller writes the results, marks the cell "NO" and then fails).
     */
    onMismatch?: (message: string) => void;
    /**
     * Called before each case of each repetition (after the warm-up): the benchmark times the target's batches
     * there, so that the replay's time model is the machine's state during these runs, not before them.
     */
    probe?: () => Promise<void>;
}

const fail = (message: string): never => { throw new PolyspecError(`${message}: a speculation bug`); };

/**
 * Live runs: every runner on every case, `reps` times, interleaved prompt by prompt (the runner order rotates)
 * so machine noise hits all alike. One warm-up run per runner is excluded. Greedy outputs are checked against the
 * baseline: a mismatch of one of our runners that is not a near-tie fails the benchmark (at once, or through
 * `onMismatch` after all runs).
 */
export async function runLive(cases: BenchCase[], runners: Runner[], o: LiveOptions): Promise<RunRecord[]> {
    if (!runners.some((r) => r.id === o.baseline)) throw new Error(`baseline runner ${o.baseline} missing`);
    const mode = o.temperature === undefined ? "greedy" : `T=${o.temperature}`;
    const sampling = (rep: number, ci: number) => o.temperature === undefined ? undefined : {temperature: o.temperature, seed: 1000 * rep + ci + 1};
    const total = runners.length * (1 + cases.length * o.reps);
    let done = 0;
    for (const r of runners) { // warm-up
        throwIfCancelled(o.cancel);
        await r.run(cases[0], Math.min(16, o.maxTokens), sampling(0, 0), true);
        o.onProgress?.(++done, total, `warm-up ${r.id}`);
    }
    const reference = new Map<string, number[]>();
    const records: RunRecord[] = [];
    for (let rep = 0; rep < o.reps; rep++) {
        for (const [ci, c] of cases.entries()) {
            await o.probe?.();
            const shift = (rep + ci) % runners.length;
            const order = [...runners.slice(shift), ...runners.slice(0, shift)];
            // the baseline runs first for a case's first rep (every rep when sampling) so that the reference exists
            if (rep === 0 || mode !== "greedy") order.sort((a, b) => Number(b.id === o.baseline) - Number(a.id === o.baseline));
            for (const r of order) {
                throwIfCancelled(o.cancel);
                const out = await r.run(c, o.maxTokens, sampling(rep, ci));
                // ids are shared by the same segment across languages; a sampled output depends on the rep's seed
                const key = `${c.task}|${c.lang}|${c.id}` + (mode === "greedy" ? "" : `|${rep}`);
                if (r.id === o.baseline && !reference.has(key)) reference.set(key, out.tokens);
                const ref = reference.get(key)!;
                const at = firstDifference(ref, out.tokens);
                const div = at < 0 || mode !== "greedy" ? undefined : o.explain ? await o.explain(c, ref, out.tokens) : {at, gap: NaN, nearTie: false};
                records.push({task: c.task, lang: c.lang, case: c.id, runner: r.id, rep, mode, stats: out.stats, tokens: out.tokens, stopToken: out.stopToken, looped: out.looped, identical: at < 0, divergence: div});
                o.onProgress?.(++done, total, `${mode} ${c.task} ${c.lang} ${r.id}`);
                if (div && !div.nearTie && o.mustMatch(r.id)) (o.onMismatch ?? fail)(`greedy output of ${r.id} differs from plain decoding on ${c.task}/${c.lang}/${c.id} (rep ${rep}) at token ${div.at} (probability gap ${div.gap.toFixed(3)}, log-odds ${div.logGap?.toFixed(2) ?? "?"}, not a near-tie)`);
            }
        }
    }
    return records;
}

export interface CellSummary {
    task: string;
    lang: string;
    runner: string;
    mode: string;
    /** merged statistics over all cases and reps */
    stats: StatsSnapshot;
    /** per-rep tokens/s and speed-up against the baseline of the same rep */
    tps: number[];
    speedups: number[];
    ttftMs: number[];
    identical: boolean;
    /** runs that diverged from the baseline at a near-tie, and the largest gap among them */
    nearTies: number;
    maxGap: number;
}

/** Groups records by task, language and runner; speed-up per rep against the baseline's same rep. */
export function summarize(records: RunRecord[], baseline: string): CellSummary[] {
    const key = (r: {task: string; lang: string; mode: string}) => `${r.task}\u0000${r.lang}\u0000${r.mode}`;
    const cells = new Map<string, {all: Stats; reps: Map<number, Stats>; ttft: number[]; identical: boolean; nearTies: number; maxGap: number; task: string; lang: string; runner: string; mode: string}>();
    for (const r of records) {
        const k = `${key(r)}\u0000${r.runner}`;
        let c = cells.get(k);
        if (!c) cells.set(k, c = {all: new Stats(), reps: new Map(), ttft: [], identical: true, nearTies: 0, maxGap: 0, task: r.task, lang: r.lang, runner: r.runner, mode: r.mode});
        c.all.merge(r.stats);
        if (!c.reps.has(r.rep)) c.reps.set(r.rep, new Stats());
        c.reps.get(r.rep)!.merge(r.stats);
        if (r.stats.ttftMs !== null) c.ttft.push(r.stats.ttftMs);
        c.identical &&= r.identical || !!r.divergence?.nearTie;
        if (r.divergence?.nearTie) { c.nearTies++; c.maxGap = Math.max(c.maxGap, r.divergence.gap); }
    }
    const out: CellSummary[] = [];
    for (const c of cells.values()) {
        const base = cells.get(`${key(c)}\u0000${baseline}`);
        const reps = [...c.reps.keys()].sort((a, b) => a - b);
        out.push({task: c.task, lang: c.lang, runner: c.runner, mode: c.mode, stats: c.all.snapshot(), identical: c.identical, nearTies: c.nearTies, maxGap: c.maxGap, ttftMs: c.ttft,
            tps: reps.map((rep) => tokensPerSecond(c.reps.get(rep)!)),
            speedups: reps.map((rep) => base?.reps.get(rep) ? speedup(c.reps.get(rep)!, base.reps.get(rep)!) : NaN)});
    }
    return out;
}

