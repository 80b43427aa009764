import type {Drafter, Proposal} from "../drafters/drafter";
import {EMPTY_PROPOSAL} from "../drafters/drafter";
import {acceptDistribution, acceptMatching, type Verdict} from "./accept";
import {throwIfCancelled, type Cancel} from "./errors";
import type {DraftPolicy} from "./policy";
import {mixSeed, mulberry32} from "./rng";
import type {Stats} from "./stats";
import type {PositionResult, Sampling, Target} from "./target";

export interface LoopOptions {
    maxTokens: number;
    /** undefined: greedy. */
    sampling?: Sampling;
    policy: DraftPolicy;
    cancel?: Cancel;
    /** Called with each step's new tokens, in order, as soon as they are verified. */
    onTokens?: (tokens: readonly number[]) => void;
    /** Stop once this returns true for the output so far (e.g. a paragraph ended). */
    stopWhen?: (output: readonly number[]) => boolean;
}

/**
 * The speculative loop: draft -> verify in one batch -> accept -> roll back.
 * Precondition: the target holds prompt[0 .. n-2] in its context; the last prompt token is evaluated by the first
 * step. Each step sends [last, d_1 .. d_n] to the target, keeps the accepted drafts plus the target's own next
 * token, and erases the rejected drafts from the KV cache. With no drafter (or n = 0) this is plain decoding.
 */
export interface LoopResult {
    tokens: number[];
    /** Why it ended: a stop token (given), the token limit, or stopWhen. */
    finish: "stop" | "length" | "condition";
    stopToken?: number;
}

export async function speculate(target: Target, drafter: Drafter | undefined, prompt: readonly number[], o: LoopOptions, stats: Stats): Promise<LoopResult> {
    const t0 = performance.now();
    try {
        return await loop(target, drafter, prompt, o, stats);
    } finally {
        stats.decodeMs += performance.now() - t0; // also when cancelled: a partial run's statistics stay valid
    }
}

async function loop(target: Target, drafter: Drafter | undefined, prompt: readonly number[], o: LoopOptions, stats: Stats): Promise<LoopResult> {
    const context = [...prompt]; // everything so far; its last token is not evaluated yet
    const out: number[] = [];
    while (out.length < o.maxTokens) {
        throwIfCancelled(o.cancel);
        const pos = out.length; // output index of the next token
        const tDraft = performance.now();
        const rng = o.sampling ? mulberry32(mixSeed(o.sampling.seed, pos, 1)) : undefined;
        const want = drafter ? o.policy.budget(drafter) : 0;
        const proposal: Proposal = drafter && want > 0 ? await drafter.propose(context, want, {rng}) : EMPTY_PROPOSAL;
        // never verify drafts past the token limit: the last allowed token is always the target's own
        const n = drafter ? Math.max(0, Math.min(want, o.policy.trim(drafter, proposal), o.maxTokens - pos - 1)) : 0;
        const draft = proposal.tokens.slice(0, n);
        const tVerify = performance.now();
        const withDists = !!(o.sampling && proposal.dists && n > 0);
        const seeds = o.sampling && Array.from({length: n + 1}, (_, i) => mixSeed(o.sampling!.seed, pos + i));
        const res = await target.verify([context[context.length - 1], ...draft], {sampling: o.sampling, distributions: withDists, seeds});
        const v = judge(draft, proposal, res, withDists, rng);
        if (v.accepted < n) await target.rollback(n - v.accepted);
        const tDone = performance.now();
        const fresh = [...draft.slice(0, v.accepted), v.next];
        const stop = fresh.findIndex((t) => target.stopTokens.has(t));
        const emit = fresh.slice(0, Math.min(stop < 0 ? fresh.length : stop, o.maxTokens - pos));
        if (drafter) { drafter.observe(v.accepted, n); o.policy.observe(drafter, proposal, n, v.accepted, tVerify - tDraft, tDone - tVerify); }
        stats.recordStep({proposed: n, accepted: v.accepted, emitted: emit.length, draftMs: tVerify - tDraft, verifyMs: tDone - tVerify});
        out.push(...emit);
        context.push(...fresh);
        if (emit.length) o.onTokens?.(emit);
        if (stop >= 0 && stop === emit.length) return {tokens: out, finish: "stop", stopToken: fresh[stop]};
        if (o.stopWhen?.(out)) return {tokens: out, finish: "condition"};
    }
    return {tokens: out, finish: "length"};
}

function judge(draft: number[], proposal: Proposal, res: PositionResult[], withDists: boolean, rng: ReturnType<typeof mulberry32> | undefined): Verdict {
    const choices = res.map((r) => r.token);
    if (!withDists) return acceptMatching(draft, choices);
    return acceptDistribution(draft, proposal.dists!, res.map((r) => r.dist!), choices[draft.length], rng!);
}
