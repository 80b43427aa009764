import type {PromptSpec} from "../core/tasks";
import type {Engine} from "../engine/engine";
import {renderPrompt} from "../engine/prompt";

/**
 * Greedy outputs of plain decoding and speculation are token-identical on exact (F32) models. On quantized models
 * a batched evaluation may round differently from single-token steps (and the KV cache of a reused prompt prefix
 * was computed in another batch split), so two runs can part ways where the target's top two candidates are nearly
 * tied. A divergence is acceptable only as such a near-tie; anything else is a bug.
 */
export const NEAR_TIE = 0.1;

export interface Divergence {
    /** index of the first differing output token */
    at: number;
    /** |p(a) - p(b)| for the two differing tokens, in the target's distribution at that point */
    gap: number;
    nearTie: boolean;
}

export function firstDifference(a: readonly number[], b: readonly number[]): number {
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    return i === a.length && i === b.length ? -1 : i;
}

/** Where `a` and `b` (greedy outputs for `prompt`) first differ, and how close the target's choice was there. */
export async function divergence(engine: Engine, prompt: PromptSpec, a: readonly number[], b: readonly number[]): Promise<Divergence | undefined> {
    const at = firstDifference(a, b);
    if (at < 0) return undefined;
    if (at >= a.length || at >= b.length) return {at, gap: 1, nearTie: false}; // one stopped early: not a rounding effect
    const ctx = [...await renderPrompt(engine.model, prompt), ...a.slice(0, at)];
    await engine.target.prepare(ctx.slice(0, -1));
    const [r] = await engine.target.verify([ctx[ctx.length - 1]], {distributions: true});
    await engine.target.rollback(1);
    const gap = Math.abs((r.dist!.get(a[at]) ?? 0) - (r.dist!.get(b[at]) ?? 0));
    return {at, gap, nearTie: gap < NEAR_TIE};
}
