import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {CostCurve} from "../core/policy";
import {median} from "../core/stats";
import {cacheRoot} from "../models/cache";
import type {LlamaTarget} from "./target";

/** Batch sizes measured; the others are interpolated (CostCurve). */
const SIZES = [1, 2, 3, 4, 6, 8, 12, 16];

/**
 * The machine's own verification cost curve for this model: the time of one decode step (n = 1) and of one
 * batched evaluation of n tokens with a next-token choice at every position, n up to 16. Takes a second or two
 * on a CPU and is cached per model file, machine and settings. The caller's context must hold a prompt.
 */
export async function costCurve(target: LlamaTarget, id: {modelPath: string; threads: number; gpu: string | false}, fresh = false): Promise<CostCurve> {
    const file = cacheFile(id);
    const cached = fresh ? undefined : readCostCache(file);
    if (cached) return cached;
    const curve = new CostCurve(await measure(target));
    fs.mkdirSync(path.dirname(file), {recursive: true});
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({id, cpu: os.cpus()[0]?.model, date: new Date().toISOString(), ms: curve.toJSON()}, null, 1));
    fs.renameSync(tmp, file);
    return curve;
}

/**
 * The curve cached in `file`, or undefined when there is none or it is not usable (not JSON, no time of one
 * decode step, times that are not positive numbers): the caller then measures again and overwrites it.
 */
export function readCostCache(file: string): CostCurve | undefined {
    try {
        const j: unknown = JSON.parse(fs.readFileSync(file, "utf8"));
        const ms = (j as {ms?: unknown})?.ms;
        if (typeof ms !== "object" || ms === null || Array.isArray(ms)) return undefined;
        return new CostCurve(ms as Record<number, number>);
    } catch {
        return undefined; // missing, unreadable, not JSON or not a curve: measure again
    }
}

/**
 * Times one batch of each size in `sizes`, `samples` passes over all sizes (default 5), each pass in the other
 * order (1..16, then 16..1), after a warm-up unless `warmUp` is false; the median per size. Interleaving the sizes
 * spreads every size's samples over the whole measurement, so a busy moment of a shared machine lands on all sizes
 * alike instead of bending one of them. The context is left as it was.
 */
export async function measure(target: LlamaTarget, sizes = SIZES, o: {samples?: number; warmUp?: boolean} = {}): Promise<Map<number, number>> {
    const ctx = target.contextTokens;
    const filler = ctx.length > 0 ? ctx.slice(-16) : target.tokenize("The quick brown fox jumps over the lazy dog again and again.");
    const batch = (n: number) => Array.from({length: n}, (_, i) => filler[i % filler.length]);
    const time = async (n: number) => {
        const t0 = performance.now();
        await target.verify(batch(n), {});
        const ms = performance.now() - t0;
        await target.rollback(n);
        return ms;
    };
    if (o.warmUp !== false) { await time(1); await time(4); }
    const runs = new Map<number, number[]>(sizes.map((n) => [n, []]));
    for (let pass = 0; pass < (o.samples ?? 5); pass++) {
        for (const n of pass % 2 ? [...sizes].reverse() : sizes) runs.get(n)!.push(await time(n));
    }
    return new Map(sizes.map((n) => [n, median(runs.get(n)!)]));
}

function cacheFile(id: {modelPath: string; threads: number; gpu: string | false}): string {
    let stamp = id.modelPath;
    try { const st = fs.statSync(id.modelPath); stamp += `:${st.size}:${st.mtimeMs}`; } catch { /* hf: or missing */ }
    const key = crypto.createHash("sha256").update([stamp, id.threads, id.gpu, os.cpus()[0]?.model, os.hostname()].join("|")).digest("hex").slice(0, 16);
    return path.join(cacheRoot(), "costs", `${path.basename(id.modelPath).replace(/[^\w.-]/g, "_")}-${key}.json`);
}
