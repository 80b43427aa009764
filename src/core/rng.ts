/** Seeded pseudo-random numbers (mulberry32): reproducible sampling decisions. */
export interface Rng {
    /** Uniform in [0, 1). */
    next(): number;
}

export function mulberry32(seed: number): Rng {
    let a = seed >>> 0;
    return {
        next() {
            a = (a + 0x6d2b79f5) >>> 0;
            let t = a;
            t = Math.imul(t ^ (t >>> 15), t | 1);
            t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        },
    };
}

/** Mixes a base seed with small integers into a well-spread 31-bit seed (one per output position). */
export function mixSeed(seed: number, ...parts: number[]): number {
    let h = (seed ^ 0x9e3779b9) >>> 0;
    for (const p of parts) {
        h = Math.imul(h ^ (p >>> 0), 0x85ebca6b) >>> 0;
        h ^= h >>> 13;
        h = Math.imul(h, 0xc2b2ae35) >>> 0;
        h ^= h >>> 16;
    }
    return h & 0x7fffffff;
}

/** Draws a key from a sparse distribution (map of key -> probability summing to ~1). */
export function sampleFrom(dist: ReadonlyMap<number, number>, rng: Rng): number {
    let total = 0;
    for (const p of dist.values()) total += p;
    let u = rng.next() * total;
    let last = -1;
    for (const [k, p] of dist) {
        last = k;
        u -= p;
        if (u < 0) return k;
    }
    return last;
}
