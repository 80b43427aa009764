import type {Rng} from "./rng";

/**
 * What a drafter proposes: up to k tokens that continue the context.
 * - `confidence[i]`: the drafter's own estimate that tokens[i] is right given tokens[0..i-1] (0..1), used by the
 *   cost-aware policy to decide how many tokens are worth verifying.
 * - `dists[i]`: when the drafter is a distribution q (sampling mode only), q(. | context, tokens[0..i-1]) as a
 *   sparse map that sums to 1; tokens[i] was sampled from it. The lossless accept / residual-resample rule needs it.
 */
export interface Proposal {
    tokens: number[];
    confidence?: number[];
    dists?: Map<number, number>[];
    /** Which drafter produced it, when a drafter combines others (the cascade). */
    source?: string;
}

export interface ProposeOptions {
    /** Sampling mode: a drafter with a distribution samples its proposals from it with this generator and
     * returns `dists`; without it (greedy) it proposes its most likely tokens. */
    rng?: Rng;
    /**
     * How many tokens an expensive drafter may draft now (the policy's budget for it). A drafter that combines
     * others (the cascade) asks it for its expensive members; the loop passes the policy's.
     */
    budget?: (d: Drafter) => number;
}

/**
 * The one drafter contract (cf. transformers' candidate generators): propose, then observe the outcome.
 * `context` is the whole token sequence so far (prompt and generated output); it only grows during a request.
 */
export interface Drafter {
    /** Short id used in statistics, e.g. "lookup", "ngram:de", "model:qwen-0.5b", "cascade". */
    readonly name: string;
    /** True when proposing costs model evaluations (milliseconds); false for table lookups (microseconds). */
    readonly expensive: boolean;
    propose(context: readonly number[], k: number, options?: ProposeOptions): Proposal | Promise<Proposal>;
    /** Called after verification: how many of the proposed tokens the target accepted. */
    observe(accepted: number, proposed: number): void;
    /** Forget per-request state (called at the start of every request). */
    reset(): void;
    describe(): string;
    dispose?(): Promise<void> | void;
}

export const EMPTY_PROPOSAL: Proposal = Object.freeze({tokens: []}) as Proposal;
