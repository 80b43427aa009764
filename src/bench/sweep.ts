import {CostCurve, FixedPolicy, type DraftPolicy} from "../core/policy";
import {defaultPolicy} from "../engine/engine";
import {acceptanceByPosition, acceptanceRate, draftMsPerToken, leviathanBound, speedup, tokensPerSecond, tokensPerStep, verifyMsPerStep, Stats, type StatsSnapshot} from "../core/stats";
import type {Drafter} from "../core/drafter";
import {repetitionOptions} from "../core/tasks";
import type {Recording} from "./record";
import {OraclePolicy, simulate, type ReplayTarget} from "./simulate";

/** A drafter configuration to replay: `make` builds a fresh drafter for a language (undefined: not available). */
export interface SimDrafter {
    id: string;
    kind: string;
    make: (lang: string) => Drafter | undefined;
    /** extra parameters recorded with the result (order, corpus fraction, min count...) */
    params?: Record<string, unknown>;
}

export interface SimResult {
    kind: "sim";
    /** target model file (set by the benchmark; absent in older results) */
    model?: string;
    task: string;
    lang: string;
    drafter: string;
    drafterKind: string;
    params?: Record<string, unknown>;
    policy: string;
    k: number | "adaptive" | "oracle";
    stats: StatsSnapshot;
    acceptance: number;
    acceptanceByPosition: number[];
    tokensPerStep: number;
    draftMsPerToken: number;
    verifyMsPerStep: number;
    tokensPerSecond: number;
    predictedSpeedup: number;
    bound: number;
    boundFraction: number;
    /** A GPU projection (src/bench/gpu-curves.ts profile id): simulated on a published GPU cost curve, not measured. */
    projection?: string;
    /**
     * The same replay counted over the outputs the loop guard let through only (it stopped none of them; the loop
     * guard runs in every replay, as in the engine): `outputs` of them, their predicted speed-up against plain
     * decoding of the same outputs. A loop is easy to draft, so a speed-up over every output flatters.
     */
    nonLooping?: {outputs: number; predictedSpeedup: number; acceptance: number};
    /** Outputs replayed, and how many of them the loop guard stopped. */
    outputs?: number;
    looping?: number;
}

/**
 * Replays every recording of each (task, language) against every drafter and draft length; the speed-up is
 * predicted from the measured cost curve and the measured drafting time, against the same replay without drafts.
 */
export async function sweep(recordings: Recording[], drafters: SimDrafter[], ks: (number | "adaptive" | "oracle")[], curvePoints: Record<number, number>,
    onProgress?: (done: number, total: number, note: string) => void): Promise<SimResult[]> {
    const groups = new Map<string, Recording[]>();
    for (const r of recordings) {
        const g = `${r.task}|${r.lang}`;
        if (!groups.has(g)) groups.set(g, []);
        groups.get(g)!.push(r);
    }
    const results: SimResult[] = [];
    const total = groups.size * drafters.length * ks.length;
    let done = 0;
    for (const [g, recs] of groups) {
        const [task, lang] = g.split("|");
        const plain = await run(recs, undefined, () => new FixedPolicy(0), curvePoints, task);
        const clean = plain.each.map((s) => !s.looped);
        for (const sd of drafters) {
            const drafter = sd.make(lang);
            for (const k of ks) {
                onProgress?.(++done, total, `${task} ${lang} ${sd.id} k=${k}`);
                if (!drafter) continue;
                const {total: s, each} = await run(recs, drafter, (upcoming) => k === "adaptive" ? defaultPolicy(new CostCurve(curvePoints), 8, `${task}:${lang}`) : k === "oracle" ? new OraclePolicy(new CostCurve(curvePoints), 8, () => upcoming(8)) : new FixedPolicy(k), curvePoints, task);
                const a = acceptanceRate(s), cost = new CostCurve(curvePoints), draft = Number.isNaN(draftMsPerToken(s)) ? 0 : draftMsPerToken(s);
                const kk = typeof k === "number" ? k : bestK(a, cost, draft);
                // the cost-aware policy may also decline to draft (k = 0), so its bound is never below plain decoding
                const lev = Number.isNaN(a) ? 1 : leviathanBound(a, kk, cost.at(1), cost.at(kk + 1), draft);
                const bound = typeof k === "number" ? lev : Math.max(1, lev);
                const sp = speedup(s, plain.total);
                const mine = merged(each.filter((_, i) => clean[i])), theirs = merged(plain.each.filter((_, i) => clean[i]));
                results.push({kind: "sim", task, lang, drafter: sd.id, drafterKind: sd.kind, params: sd.params, policy: k === "adaptive" ? "cost-aware" : k === "oracle" ? "oracle" : "fixed", k,
                    stats: s.snapshot(), acceptance: a, acceptanceByPosition: acceptanceByPosition(s), tokensPerStep: tokensPerStep(s),
                    draftMsPerToken: draft, verifyMsPerStep: verifyMsPerStep(s), tokensPerSecond: tokensPerSecond(s), predictedSpeedup: sp,
                    bound, boundFraction: sp / bound, outputs: recs.length, looping: clean.filter((c) => !c).length,
                    nonLooping: {outputs: clean.filter(Boolean).length, predictedSpeedup: speedup(mine, theirs), acceptance: acceptanceRate(mine)}});
            }
        }
    }
    return results;
}

/**
 * Replays a group's recordings with one policy (it learns across inputs, as the engine's shared policy does), the
 * loop guard on (as in the engine): the merged statistics and each recording's own.
 */
async function run(recs: Recording[], drafter: Drafter | undefined, policy: (upcoming: (k: number) => readonly number[]) => DraftPolicy, curvePoints: Record<number, number>,
    task: string): Promise<{total: Stats; each: (Stats & {looped: boolean})[]}> {
    let current: ReplayTarget | undefined;
    const p = policy((k) => current!.upcoming(k));
    const each: (Stats & {looped: boolean})[] = [];
    for (const r of recs) each.push(await simulate(r, drafter, p, new CostCurve(curvePoints), (t) => { current = t; }, repetitionOptions(task)));
    return {total: merged(each), each};
}

function merged(xs: readonly Stats[]): Stats {
    const total = new Stats();
    for (const x of xs) total.merge(x.snapshot());
    return total;
}

/** The draft length with the highest Leviathan bound for acceptance a. */
export function bestK(a: number, cost: CostCurve, draftMs: number): number {
    let best = 1, v = -1;
    for (let k = 1; k <= 16; k++) {
        const b = leviathanBound(Number.isNaN(a) ? 0 : a, k, cost.at(1), cost.at(k + 1), draftMs);
        if (b > v) { v = b; best = k; }
    }
    return best;
}
