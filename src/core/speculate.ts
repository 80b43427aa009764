import type {Drafter, Proposal} from "./drafter";
import {EMPTY_PROPOSAL} from "./drafter";
import {acceptDistribution, acceptMatching, type Verdict} from "./accept";
import {throwIfCancelled, type Cancel} from "./errors";
import type {DraftPolicy} from "./policy";
import {mixSeed, mulberry32} from "./rng";
import type {Stats} from "./stats";
import type {Repetition, RepetitionGuard} from "./repetition";
import type {ExcludedTokens, PositionResult, Restriction, Sampling, Target} from "./target";

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
    /**
     * Never end before the output holds a visible character: while it is empty or whitespace only, the target's
     * choice is its best token that is not a stop token, and once that blank output holds a line break, its best
     * token with a visible character (so it cannot run on in blank lines either). A decoding rule, applied at
     * every verified position alike, so speculation stays exact. (A small instruction model asked to continue a
     * text that ends a sentence often ends its turn at once: measured, 10 of 10 story openings came back empty.)
     */
    nonEmpty?: boolean;
    /** Tokens the output never holds (a decoding rule like nonEmpty, at every position: exact, too). */
    exclude?: ExcludedTokens;
    /** Milliseconds (default performance.now): the replay target's clock adds the cost curve's verification time. */
    clock?: () => number;
    /**
     * The loop guard (src/core/repetition.ts), fresh for this request: it sees every emitted token in order and the
     * loop ends at the token that completes a repetition. A stop condition on the target's own tokens, never on
     * drafts, so speculative and plain decoding stop at the same token.
     */
    guard?: RepetitionGuard;
}

/**
 * Why a loop ended: a stop token (given), the token limit, stopWhen, or a repetition (the guard). With
 * "repetition", `tokens` is the output before the repetition began and `repetition.cut` the tokens emitted from
 * there on (the copy, up to the token that completed it): `[...tokens, ...repetition.cut]` is what the target emitted.
 */
export interface LoopResult {
    tokens: number[];
    finish: "stop" | "length" | "condition" | "repetition";
    stopToken?: number;
    repetition?: Repetition & {cut: number[]};
}

/** What the loop needs of a target: its stop tokens, batched verification, roll-back (and text, for nonEmpty). */
export type LoopTarget = Pick<Target, "stopTokens" | "verify" | "rollback" | "detokenize">;

/**
 * The speculative loop: draft -> verify in one batch -> accept -> roll back.
 * Precondition: the target holds prompt[0 .. n-2] in its context; the last prompt token is evaluated by the first
 * step. Each step sends [last, d_1 .. d_n] to the target, keeps the accepted drafts plus the target's own next
 * token, and erases the rejected drafts from the KV cache. With no drafter (or n = 0) this is plain decoding.
 * The live engine and the benchmark's replay (src/bench/simulate.ts) both run it.
 */
export async function speculate(target: LoopTarget, drafter: Drafter | undefined, prompt: readonly number[], o: LoopOptions, stats: Stats): Promise<LoopResult> {
    const now = o.clock ?? (() => performance.now());
    const t0 = now();
    drafter?.reset();
    try {
        return await loop(target, drafter, prompt, o, stats, now);
    } finally {
        stats.decodeMs += now() - t0; // also when cancelled: a partial run's statistics stay valid
    }
}

async function loop(target: LoopTarget, drafter: Drafter | undefined, prompt: readonly number[], o: LoopOptions, stats: Stats, now: () => number): Promise<LoopResult> {
    const context = [...prompt]; // everything so far; its last token is not evaluated yet
    const out: number[] = [];
    let visible = false; // the output holds a visible character (nonEmpty)
    const budget = (d: Drafter) => o.policy.budget(d); // what an expensive member of a cascade may draft
    while (out.length < o.maxTokens) {
        throwIfCancelled(o.cancel);
        const pos = out.length; // output index of the next token
        const tDraft = now();
        const rng = o.sampling ? mulberry32(mixSeed(o.sampling.seed, pos, 1)) : undefined;
        const want = drafter ? o.policy.budget(drafter) : 0;
        const proposal: Proposal = drafter && want > 0 ? await drafter.propose(context, want, {rng, budget}) : EMPTY_PROPOSAL;
        // never verify drafts past the token limit: the last allowed token is always the target's own
        const n = drafter ? Math.max(0, Math.min(want, o.policy.trim(drafter, proposal), o.maxTokens - pos - 1)) : 0;
        const draft = proposal.tokens.slice(0, n);
        const tVerify = now();
        const withDists = !!(o.sampling && proposal.dists && n > 0);
        const seeds = o.sampling && Array.from({length: n + 1}, (_, i) => mixSeed(o.sampling!.seed, pos + i));
        const restrict = withExcluded(o.nonEmpty && !visible ? blankRestrictions(target, out, draft) : undefined, draft.length + 1, o.exclude);
        const res = await target.verify([context[context.length - 1], ...draft], {sampling: o.sampling, distributions: withDists, seeds, restrict});
        const v = judge(draft, proposal, res, withDists, rng);
        if (v.accepted < n) await target.rollback(n - v.accepted);
        const tDone = now();
        const fresh = [...draft.slice(0, v.accepted), v.next];
        const stop = fresh.findIndex((t) => target.stopTokens.has(t));
        let emit = fresh.slice(0, Math.min(stop < 0 ? fresh.length : stop, o.maxTokens - pos));
        const rep = o.guard && guarded(o.guard, emit);
        if (rep) emit = emit.slice(0, rep.at - pos + 1); // the step ends at the token that completed the repetition
        const stopped = !rep && stop >= 0 && stop === emit.length;
        // drafts accepted past the token where the guard ended the output are not counted (as none are verified past
        // the token limit): a replay of the output, which ends there, takes the same decisions
        const accepted = rep ? Math.min(v.accepted, emit.length) : v.accepted;
        if (drafter) { drafter.observe(accepted, n); o.policy.observe(drafter, proposal, n, accepted, tVerify - tDraft, tDone - tVerify); }
        stats.recordStep({proposed: n, accepted, emitted: emit.length, stopped, draftMs: tVerify - tDraft, verifyMs: tDone - tVerify});
        out.push(...emit);
        context.push(...fresh);
        if (o.nonEmpty && !visible) visible = /\S/u.test(target.detokenize(out));
        if (emit.length) o.onTokens?.(emit);
        if (rep) return {tokens: out.slice(0, rep.start), finish: "repetition", repetition: {...rep, cut: out.slice(rep.start)}};
        if (stopped) return {tokens: out, finish: "stop", stopToken: fresh[stop]};
        if (o.stopWhen?.(out)) return {tokens: out, finish: "condition"};
    }
    return {tokens: out, finish: "length"};
}

/** Feeds a step's tokens to the guard in order; the repetition the first of them completes, if any. */
function guarded(guard: RepetitionGuard, tokens: readonly number[]): Repetition | undefined {
    for (const t of tokens) {
        const r = guard.push(t);
        if (r) return r;
    }
    return undefined;
}

/**
 * The nonEmpty rule for each position of a batch [last, d_1 .. d_n]: while the output before it is blank, no stop
 * token ("stop"), and once that blank output holds a line break, no blank token either ("blank").
 */
function blankRestrictions(target: LoopTarget, out: readonly number[], draft: readonly number[]): Restriction[] {
    const r: Restriction[] = [];
    for (let i = 0; i <= draft.length; i++) {
        const before = target.detokenize(i === 0 ? out : [...out, ...draft.slice(0, i)]);
        if (/\S/u.test(before)) break;
        r.push(before.includes("\n") ? "blank" : "stop");
    }
    return r;
}

/** The batch's restrictions with the excluded class added at every position. */
function withExcluded(r: Restriction[] | undefined, n: number, exclude: ExcludedTokens | undefined): (Restriction | undefined)[] | undefined {
    if (!exclude) return r;
    return Array.from({length: n}, (_, i): Restriction => r?.[i] ? `${r[i] as "stop" | "blank"}+${exclude}` : exclude);
}

function judge(draft: number[], proposal: Proposal, res: PositionResult[], withDists: boolean, rng: ReturnType<typeof mulberry32> | undefined): Verdict {
    const choices = res.map((r) => r.token);
    if (!withDists) return acceptMatching(draft, choices);
    return acceptDistribution(draft, proposal.dists!, res.map((r) => r.dist!), choices[draft.length], rng!);
}
