import fs from "node:fs";
import type {Drafter} from "../core/drafter";
import {CancelledError, CancelSource} from "../core/errors";
import {mulberry32} from "../core/rng";
import type {PromptSpec} from "../core/tasks";
import type {Engine, GenerateResult} from "../engine/engine";

/** One kind of request the fault harnesses send: a prompt, the drafter to use, how long it may run. */
export interface FaultRequest {
    prompt: PromptSpec;
    /** A fresh drafter for this request (undefined: plain decoding). */
    drafter: () => Drafter | undefined;
    maxTokens: number;
    /** Sampling temperature (0 or undefined: greedy). */
    temperature?: number;
}

/** Where a storm round was cancelled. */
export type CancelPoint = "before prompt" | "prompt evaluation" | "drafting" | "after tokens" | "timer" | "not cancelled";

export interface StormResult {
    rounds: number;
    /** Rounds by where the cancel landed. */
    points: Record<CancelPoint, number>;
    /** Rounds after which the probe's output differed from the reference (with the first difference). */
    mismatches: string[];
}

/**
 * The cancellation storm: `rounds` generations, each cancelled at a random moment (already before it starts,
 * while the prompt is evaluated, from inside the drafter, after a random number of tokens, or by a timer at a
 * random delay that lands anywhere: drafting, verification, roll-back), each followed by a probe generation
 * whose output must equal `reference` (the probe's output from a fresh engine): the KV cache and the sequence
 * state are consistent after every cancel. `same` compares outputs (exactly on F32 models; near-ties allowed on
 * quantized ones).
 */
export async function cancellationStorm(engine: Engine, requests: FaultRequest[], probe: FaultRequest, reference: readonly number[],
    o: {rounds: number; seed: number; same?: (a: readonly number[], b: readonly number[]) => Promise<boolean> | boolean; onRound?: (i: number) => void}): Promise<StormResult> {
    const rng = mulberry32(o.seed);
    const pick = <T>(a: readonly T[]) => a[Math.floor(rng.next() * a.length)];
    const points = Object.fromEntries((["before prompt", "prompt evaluation", "drafting", "after tokens", "timer", "not cancelled"] as CancelPoint[]).map((p) => [p, 0])) as Record<CancelPoint, number>;
    const mismatches: string[] = [];
    const same = o.same ?? ((a, b) => a.length === b.length && a.every((t, i) => t === b[i]));
    for (let i = 0; i < o.rounds; i++) {
        const req = pick(requests);
        const cancel = new CancelSource();
        const how = pick(["before prompt", "prompt evaluation", "drafting", "after tokens", "timer", "timer", "not cancelled"] as const);
        let timer: NodeJS.Timeout | undefined;
        const atToken = 1 + Math.floor(rng.next() * req.maxTokens);
        let drafter = req.drafter();
        if (how === "before prompt") cancel.cancel();
        if (how === "prompt evaluation") timer = setTimeout(() => cancel.cancel(), 0); // lands while the prompt is evaluated
        if (how === "timer") timer = setTimeout(() => cancel.cancel(), rng.next() * 400);
        if (how === "drafting" && drafter) drafter = cancelInside(drafter, 1 + Math.floor(rng.next() * 6), cancel);
        let tokens = 0;
        try {
            await engine.generate(req.prompt, drafter, {maxTokens: req.maxTokens, cancel, k: 6,
                sampling: req.temperature ? {temperature: req.temperature, seed: i} : undefined,
                onText: how === "after tokens" ? () => { if (++tokens >= atToken) cancel.cancel(); } : undefined});
        } finally {
            clearTimeout(timer);
        }
        points[cancel.cancelled ? how : "not cancelled"]++;
        const p = await engine.generate(probe.prompt, probe.drafter(), {maxTokens: probe.maxTokens, k: 6});
        if (!(await same(p.tokens, reference))) mismatches.push(`round ${i} (${how}): probe output ${describe(p, reference)}`);
        o.onRound?.(i + 1);
    }
    return {rounds: o.rounds, points, mismatches};
}

/** A drafter that fires `cancel` from inside its n-th proposal (a cancel that lands while drafting). */
function cancelInside(d: Drafter, n: number, cancel: CancelSource): Drafter {
    let calls = 0;
    return {name: d.name, expensive: d.expensive, observe: (a, p) => d.observe(a, p), reset: () => d.reset(), describe: () => d.describe(),
        propose: (context, k, o) => { if (++calls === n) cancel.cancel(); return d.propose(context, k, o); }};
}

function describe(r: GenerateResult, reference: readonly number[]): string {
    let at = 0;
    while (at < r.tokens.length && r.tokens[at] === reference[at]) at++;
    return `differs from the fresh engine's at token ${at} (${r.tokens.length} vs ${reference.length} tokens)`;
}

/** Memory and resources of this process at one point of a soak. */
export interface SoakSample {
    generations: number;
    rssMB: number;
    heapMB: number;
    /** open file descriptors (Linux: /proc/self/fd) */
    fds: number;
    /** active libuv resources by type (timers, handles, workers...) */
    resources: Record<string, number>;
}

/**
 * The soak: `generations` requests in one engine process (mixed prompts and drafters, every `cancelEvery`-th one
 * cancelled after a few tokens), sampling memory and resources after the requests listed in `at`. Garbage is
 * collected before each sample when the process runs with --expose-gc.
 */
export async function soak(engine: Engine, requests: FaultRequest[], o: {generations: number; at: number[]; seed: number; cancelEvery?: number; onGeneration?: (i: number) => void}): Promise<{samples: SoakSample[]; cancelled: number; tokens: number}> {
    const rng = mulberry32(o.seed);
    const samples: SoakSample[] = [];
    let cancelled = 0, tokens = 0;
    for (let i = 1; i <= o.generations; i++) {
        const req = requests[Math.floor(rng.next() * requests.length)];
        const cancel = new CancelSource();
        const stopAfter = o.cancelEvery && i % o.cancelEvery === 0 ? 1 + Math.floor(rng.next() * 8) : Infinity;
        let n = 0;
        const drafter = req.drafter();
        try {
            const r = await engine.generate(req.prompt, drafter, {maxTokens: req.maxTokens, cancel, k: 6,
                sampling: req.temperature ? {temperature: req.temperature, seed: i} : undefined,
                onText: () => { if (++n >= stopAfter) cancel.cancel(); }});
            tokens += r.tokens.length;
            if (r.cancelled) cancelled++;
        } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
        } finally {
            await drafter?.dispose?.();
        }
        o.onGeneration?.(i);
        if (o.at.includes(i)) samples.push(sample(i));
    }
    return {samples, cancelled, tokens};
}

function sample(generations: number): SoakSample {
    (globalThis as {gc?: () => void}).gc?.();
    const m = process.memoryUsage();
    let fds = NaN;
    try { fds = fs.readdirSync("/proc/self/fd").length; } catch { /* not Linux */ }
    const resources: Record<string, number> = {};
    for (const r of process.getActiveResourcesInfo()) resources[r] = (resources[r] ?? 0) + 1;
    return {generations, rssMB: m.rss / 2 ** 20, heapMB: m.heapUsed / 2 ** 20, fds, resources};
}
