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
    /** |ln p(a) - ln p(b)|: the same gap in logits (the target's two candidates' log-odds) */
    logGap?: number;
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
    const ctx = [...await renderPrompt(engine.model, prompt), ...a.slice(0, at)];
    await engine.target.prepare(ctx.slice(0, -1));
    const [r] = await engine.target.verify([ctx[ctx.length - 1]], {distributions: true});
    await engine.target.rollback(1);
    // an output that ends at `at` (both had the same token limit) ended on a stop token: the choice there was
    // between ending the turn and going on, which can be a near-tie like any other
    const p = (out: readonly number[]) => at < out.length ? r.dist!.get(out[at]) ?? 0 : Math.max(0, ...[...engine.target.stopTokens].map((t) => r.dist!.get(t) ?? 0));
    const gap = Math.abs(p(a) - p(b));
    return {at, gap, logGap: Math.abs(Math.log(Math.max(p(a), 1e-12)) - Math.log(Math.max(p(b), 1e-12))), nearTie: gap < NEAR_TIE};
}
