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
    if (!fresh && fs.existsSync(file)) {
        try { return new CostCurve(JSON.parse(fs.readFileSync(file, "utf8")).ms); } catch { /* re-measure */ }
    }
    const curve = new CostCurve(await measure(target));
    fs.mkdirSync(path.dirname(file), {recursive: true});
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({id, cpu: os.cpus()[0]?.model, date: new Date().toISOString(), ms: curve.toJSON()}, null, 1));
    fs.renameSync(tmp, file);
    return curve;
}

/**
 * Times one batch of each size in `sizes` (median of `samples` runs; default 5 for n <= 4, which the policy uses
 * most, else 3), after a warm-up unless `warmUp` is false. The context is left as it was.
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
    const out = new Map<number, number>();
    // median of 5 (small batches, which the policy uses most) or 3: robust to a busy moment on a shared machine
    for (const n of sizes) {
        const runs: number[] = [];
        for (let i = 0; i < (o.samples ?? (n <= 4 ? 5 : 3)); i++) runs.push(await time(n));
        out.set(n, median(runs));
    }
    return out;
}

function cacheFile(id: {modelPath: string; threads: number; gpu: string | false}): string {
    let stamp = id.modelPath;
    try { const st = fs.statSync(id.modelPath); stamp += `:${st.size}:${st.mtimeMs}`; } catch { /* hf: or missing */ }
    const key = crypto.createHash("sha256").update([stamp, id.threads, id.gpu, os.cpus()[0]?.model, os.hostname()].join("|")).digest("hex").slice(0, 16);
    return path.join(cacheRoot(), "costs", `${path.basename(id.modelPath).replace(/[^\w.-]/g, "_")}-${key}.json`);
}
