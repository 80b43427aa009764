import {sampleFrom, type Rng} from "./rng";

/** The outcome of verifying one draft: how many draft tokens were kept, and the target's token after them. */
export interface Verdict {
    accepted: number;
    next: number;
}

/**
 * Greedy decoding, and deterministic drafts under sampling: `choices[i]` is the target's own token after the
 * context and draft[0..i-1] (argmax, or a sample drawn with that position's seed). Keep the draft while it equals
 * the target's choice; the first differing choice (or the one after the whole draft) is the next token.
 * The output is, token for token, what the target alone would produce.
 *
 *   draft   = [5, 9, 2]      choices = [5, 9, 7, 4]   ->  {accepted: 2, next: 7}
 */
export function acceptMatching(draft: readonly number[], choices: readonly number[]): Verdict {
    if (choices.length < draft.length + 1) throw new Error(`need ${draft.length + 1} target choices, got ${choices.length}`);
    let n = 0;
    while (n < draft.length && draft[n] === choices[n]) n++;
    return {accepted: n, next: choices[n]};
}

/**
 * Drafts sampled from a distribution q (speculative sampling: Leviathan et al. 2023, Chen et al. 2023).
 * Accept x_i with probability min(1, p_i(x_i) / q_i(x_i)); at the first rejection draw the next token from the
 * residual norm(max(0, p_i - q_i)); when every draft is accepted the next token is `bonus`, the target's own sample
 * after the whole draft. Every emitted token is then distributed exactly as the target's p.
 * `p[i]` and `q[i]` are sparse maps (tokens absent have probability 0).
 */
export function acceptDistribution(
    draft: readonly number[], q: readonly ReadonlyMap<number, number>[], p: readonly ReadonlyMap<number, number>[],
    bonus: number, rng: Rng,
): Verdict {
    for (let i = 0; i < draft.length; i++) {
        const x = draft[i];
        const px = p[i].get(x) ?? 0;
        const qx = q[i].get(x) ?? 0;
        if (qx > 0 && rng.next() * qx < px) continue; // accepted with probability min(1, px/qx)
        return {accepted: i, next: sampleFrom(residual(p[i], q[i]), rng)};
    }
    return {accepted: draft.length, next: bonus};
}

/** norm(max(0, p - q)); when p <= q everywhere (only possible if p == q) it is p itself. */
export function residual(p: ReadonlyMap<number, number>, q: ReadonlyMap<number, number>): Map<number, number> {
    const r = new Map<number, number>();
    let total = 0;
    for (const [t, pt] of p) {
        const v = pt - (q.get(t) ?? 0);
        if (v > 0) { r.set(t, v); total += v; }
    }
    if (total <= 0) return new Map(p);
    for (const [t, v] of r) r.set(t, v / total);
    return r;
}
