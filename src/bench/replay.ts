import type {CostCurve, DraftPolicy} from "../core/policy";
import {FixedPolicy} from "../core/policy";
import {acceptanceRate, median, retimed, speedup, Stats, type StatsSnapshot} from "../core/stats";
import type {Drafter} from "../core/drafter";
import type {RunRecord} from "./live";
import {repetitionOptions} from "../core/tasks";
import {simulate} from "./simulate";

export interface ReplayResult {
    /** Median over repetitions of the predicted speed-up against the baseline's runs of the same repetition (first time model). */
    speedup: number;
    /** Per repetition, first time model. */
    speedups: number[];
    /** The median speed-up with each time model, in the order given (byTime[0] = speedup). */
    byTime: number[];
    acceptance: number;
    stats: StatsSnapshot;
}

/**
 * The simulation of exactly what a live cell did: the greedy runs of `runner` on one task and language are
 * replayed, in the order they ran, against their own outputs, with one drafter and one policy for the whole cell
 * (as the live runs shared the engine's policy of the cell's profile); the baseline's runs are replayed without
 * drafts. Under greedy decoding and a fixed cost curve every decision is the live one, so the acceptance must
 * equal the live acceptance exactly, and the predicted speed-up differs from the live one only by the time model
 * and the machine's noise. The decisions do not depend on the time model, so the cell is replayed once and its
 * steps are timed with each of `times` (a batch of n tokens costs `time.at(n)`, plus the measured drafting time).
 * Undefined when the cell has no such runs.
 */
export async function replayLive(records: readonly RunRecord[], cell: {task: string; lang: string; runner: string; baseline: string},
    prompt: (caseId: string) => readonly number[], drafter: Drafter, policy: DraftPolicy, times: readonly CostCurve[], maxTokens: number): Promise<ReplayResult | undefined> {
    const runs = (id: string) => records.filter((r) => r.mode === "greedy" && r.task === cell.task && r.lang === cell.lang && r.runner === id);
    const mine = runs(cell.runner), base = runs(cell.baseline);
    if (mine.length === 0 || base.length === 0 || times.length === 0) return undefined;
    const replay = async (rs: RunRecord[], d: Drafter | undefined, p: DraftPolicy) => {
        const byRep = new Map<number, Stats>();
        for (const r of rs) {
            if (!byRep.has(r.rep)) byRep.set(r.rep, new Stats());
            // the live runs were guarded (the engine's default): so is their replay
            byRep.get(r.rep)!.merge((await simulate({prompt: prompt(r.case), output: r.tokens, stopToken: r.stopToken, maxTokens}, d, p, times[0], undefined, repetitionOptions(cell.task))).snapshot());
        }
        return byRep;
    };
    const byRep = await replay(mine, drafter, policy), baseByRep = await replay(base, undefined, new FixedPolicy(0));
    const all = new Stats();
    for (const s of byRep.values()) all.merge(s.snapshot());
    const reps = [...byRep.keys()].sort((a, b) => a - b);
    const timed = (s: Stats, time: CostCurve) => retimed(s.snapshot(), (n) => time.at(n));
    const speedups = (time: CostCurve) => reps.map((rep) => baseByRep.has(rep) ? speedup(timed(byRep.get(rep)!, time), timed(baseByRep.get(rep)!, time)) : NaN);
    const first = speedups(times[0]);
    return {speedup: median(first), speedups: first, byTime: [median(first), ...times.slice(1).map((t) => median(speedups(t)))], acceptance: acceptanceRate(all), stats: all.snapshot()};
}
