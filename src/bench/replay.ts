import type {CostCurve, DraftPolicy} from "../core/policy";
import {FixedPolicy} from "../core/policy";
import {acceptanceRate, median, speedup, Stats, type StatsSnapshot} from "../core/stats";
import type {Drafter} from "../drafters/drafter";
import type {RunRecord} from "./live";
import {NO_DRAFTER, simulate} from "./simulate";

export interface ReplayResult {
    /** Median over repetitions of the predicted speed-up against the baseline's runs of the same repetition. */
    speedup: number;
    speedups: number[];
    acceptance: number;
    stats: StatsSnapshot;
}

/**
 * The simulation of exactly what a live cell did: the greedy runs of `runner` on one task and language are
 * replayed, in the order they ran, against their own outputs, with one drafter and one policy for the whole cell
 * (as the live runs shared the engine's policy of the cell's profile); the baseline's runs are replayed without
 * drafts. Under greedy decoding and a fixed cost curve every decision is the live one, so the acceptance must
 * equal the live acceptance exactly, and the predicted speed-up differs from the live one only by the time model
 * (cost curve and drafting time) and the machine's noise. Undefined when the cell has no such runs.
 */
export function replayLive(records: readonly RunRecord[], cell: {task: string; lang: string; runner: string; baseline: string},
    prompt: (caseId: string) => readonly number[], drafter: Drafter, policy: DraftPolicy, curve: CostCurve, maxTokens: number): ReplayResult | undefined {
    const runs = (id: string) => records.filter((r) => r.mode === "greedy" && r.task === cell.task && r.lang === cell.lang && r.runner === id);
    const mine = runs(cell.runner), base = runs(cell.baseline);
    if (mine.length === 0 || base.length === 0) return undefined;
    const all = new Stats();
    const byRep = new Map<number, Stats>(), baseByRep = new Map<number, Stats>();
    const add = (m: Map<number, Stats>, rep: number, s: Stats) => { if (!m.has(rep)) m.set(rep, new Stats()); m.get(rep)!.merge(s.snapshot()); };
    for (const r of mine) {
        const s = simulate(prompt(r.case), r.tokens, drafter, policy, curve, r.stopToken, maxTokens);
        all.merge(s.snapshot());
        add(byRep, r.rep, s);
    }
    const plain = new FixedPolicy(0);
    for (const r of base) add(baseByRep, r.rep, simulate(prompt(r.case), r.tokens, NO_DRAFTER, plain, curve, r.stopToken, maxTokens));
    const speedups = [...byRep.keys()].sort((a, b) => a - b).map((rep) => baseByRep.has(rep) ? speedup(byRep.get(rep)!, baseByRep.get(rep)!) : NaN);
    return {speedup: median(speedups), speedups, acceptance: acceptanceRate(all), stats: all.snapshot()};
}
