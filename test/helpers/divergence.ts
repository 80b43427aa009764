import assert from "node:assert/strict";
import type {PromptSpec} from "../../src/core/tasks";
import type {Drafter} from "../../src/drafters/drafter";
import type {Engine, GenerateOptions} from "../../src/engine/engine";
import {renderPrompt} from "../../src/engine/prompt";

export interface Comparison { identical: boolean; at?: number; gap?: number; plainTokens: number[]; specTokens: number[] }

/**
 * Greedy plain decoding vs speculation on the same engine. On quantized models a batched evaluation may round
 * differently from a single-token one, so outputs may diverge; each divergence must then be a near-tie in the
 * target's own distribution at that point (else it is a bug). Returns where they diverged and the probability gap
 * between the two candidates there.
 */
export async function compareGreedy(engine: Engine, prompt: PromptSpec, drafter: Drafter, o: GenerateOptions & {maxTokens: number}, plainTokens?: number[]): Promise<Comparison> {
    const plain = plainTokens ?? (await engine.generate(prompt, undefined, {maxTokens: o.maxTokens, k: 0, adaptive: false})).tokens;
    const spec = (await engine.generate(prompt, drafter, o)).tokens;
    let at = 0;
    while (at < plain.length && at < spec.length && plain[at] === spec[at]) at++;
    if (at === plain.length && at === spec.length) return {identical: true, plainTokens: plain, specTokens: spec};
    assert.ok(at < plain.length && at < spec.length, "one output is a prefix of the other: a stop/length bug");
    const tokens = await renderPrompt(engine.model, prompt);
    const ctx = [...tokens, ...plain.slice(0, at)];
    await engine.target.prepare(ctx.slice(0, -1));
    const [r] = await engine.target.verify([ctx.at(-1)!], {distributions: true});
    await engine.target.rollback(1);
    const dist = r.dist!;
    const gap = Math.abs((dist.get(plain[at]) ?? 0) - (dist.get(spec[at]) ?? 0));
    return {identical: false, at, gap, plainTokens: plain, specTokens: spec};
}
