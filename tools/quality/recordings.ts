import fs from "node:fs";
import path from "node:path";
import {readRecordings, type Recording} from "../../src/bench/record";
import {cacheRoot} from "../../src/corpus";

export const labelKey = (r: Pick<Recording, "task" | "lang" | "id" | "maxTokens">) => `${r.task}|${r.lang}|${r.id}|${r.maxTokens}`;

/** Keys of the priors' recordings (held-out inputs the benchmark never uses): the loop labels' test set. */
export const PRIORS = new Set<string>();

/** Every recording of the default model (benchmark and priors), one per key (the latest). */
export function allRecordings(): Recording[] {
    const dir = path.join(cacheRoot(), "bench");
    const files = fs.readdirSync(dir).filter((f) => /^(priors-)?record-[0-9a-f]{12}\.jsonl$/.test(f)).map((f) => path.join(dir, f));
    const by = new Map<string, Recording>();
    for (const f of files) for (const r of readRecordings(f)) {
        by.set(labelKey(r), r);
        if (path.basename(f).startsWith("priors-")) PRIORS.add(labelKey(r));
    }
    return [...by.values()];
}

