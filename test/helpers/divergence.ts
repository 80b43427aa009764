import type {PromptSpec} from "../../src/core/tasks";
import type {Drafter} from "../../src/core/drafter";
import {divergence, type Divergence} from "../../src/bench/divergence";
import type {Engine, GenerateOptions} from "../../src/engine/engine";

export interface Comparison { identical: boolean; at?: number; gap?: number; divergence?: Divergence; plainTokens: number[]; specTokens: number[]; accepted: number }

/** Greedy plain decoding vs speculation on the same engine (see src/bench/divergence.ts for near-ties). */
export async function compareGreedy(engine: Engine, prompt: PromptSpec, drafter: Drafter, o: GenerateOptions & {maxTokens: number}, plainTokens?: number[]): Promise<Comparison> {
    const plain = plainTokens ?? (await engine.generate(prompt, undefined, {maxTokens: o.maxTokens, k: 0, adaptive: false})).tokens;
    const r = await engine.generate(prompt, drafter, o);
    const d = await divergence(engine, prompt, plain, r.tokens);
    return {identical: !d, at: d?.at, gap: d?.gap, divergence: d, plainTokens: plain, specTokens: r.tokens, accepted: r.stats.accepted};
}
