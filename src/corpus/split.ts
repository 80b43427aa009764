import crypto from "node:crypto";
import {normKey} from "./decontaminate";

/**
 * Deterministic, seeded splits that stay put when languages are added.
 *
 * Every decision is made per English source segment from a hash of (seed, purpose, normalized English) mapped to
 * [0, 1): a segment's fate never depends on list order or on which other segments exist. Near-duplicate English
 * segments (same normKey) share one fate. Selections rank candidates by that hash ("the first N by hash"), which is
 * the same order in every language, so the sets chosen for different languages overlap as far as their coverage
 * allows (aligned across languages).
 */
export const DEFAULT_SEED = "polyspec-corpus-v1";

export function unitHash(seed: string, purpose: string, text: string): number {
    const d = crypto.createHash("sha256").update(`${seed}\0${purpose}\0${normKey(text)}`).digest();
    return (d.readUInt32BE(0) * 2 ** 21 + (d.readUInt32BE(4) >>> 11)) / 2 ** 53;
}

/** Memoizing hasher for one (seed, purpose). */
export function hasher(seed: string, purpose: string): (text: string) => number {
    const memo = new Map<string, number>();
    return (text) => {
        let u = memo.get(text);
        if (u === undefined) {
            u = unitHash(seed, purpose, text);
            memo.set(text, u);
        }
        return u;
    };
}

/** The n items with the smallest hash (ties broken by text), in hash order. */
export function firstByHash<T>(items: Iterable<T>, textOf: (t: T) => string, u: (text: string) => number, n: number): T[] {
    const seen = new Set<string>();
    const all: {t: T; h: number; s: string}[] = [];
    for (const t of items) {
        const s = textOf(t);
        const k = normKey(s);
        if (seen.has(k)) continue;
        seen.add(k);
        all.push({t, h: u(s), s});
    }
    all.sort((a, b) => a.h - b.h || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0));
    return all.slice(0, n).map((x) => x.t);
}

/** Sorts in place by hash, ties by text: the order of every held-out file. */
export function sortByHash<T>(items: T[], textOf: (t: T) => string, u: (text: string) => number): T[] {
    return items.sort((a, b) => {
        const sa = textOf(a), sb = textOf(b);
        return u(sa) - u(sb) || (sa < sb ? -1 : sa > sb ? 1 : 0);
    });
}

/** A short stable id for a segment: purpose prefix + 12 hex digits of sha256 of its normalized English. */
export function segmentId(prefix: string, en: string): string {
    return `${prefix}-${crypto.createHash("sha256").update(normKey(en)).digest("hex").slice(0, 12)}`;
}
