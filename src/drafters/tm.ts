import type {Drafter, Proposal, ProposeOptions} from "../core/drafter";

/**
 * One draft source of the translation-memory drafter: a match's target side (a human translation of a similar
 * source, or an earlier output of Polyspec for a similar source) as the target model's token ids.
 */
export interface TmCandidate {
    tokens: readonly number[];
    /** The match's source similarity, 0..1 (src/tm/similarity.ts). */
    score: number;
    /** What it is ("memory", "history"): proposals of each kind are learned apart by the cost-aware policy. */
    kind?: string;
}

export interface TmDrafterOptions {
    /** Shortest suffix of the output that must match inside a candidate before it is continued (default 2). */
    minMatch?: number;
    /** Longest suffix compared (default 16). */
    maxMatch?: number;
}

/**
 * Translation-memory drafter: aligns the output so far with the target sides of the request's TM matches and
 * proposes their continuation, as the context lookup drafter (lookup.ts) does over the prompt. The prompt is not
 * touched, so with greedy decoding the output is exactly plain decoding's (the target verifies every token); where the
 * new translation follows an earlier one, it is produced many tokens per step.
 *
 * At each step, in every candidate, it finds the longest suffix of the output (minMatch..maxMatch tokens) that occurs
 * in the candidate and is followed by something (equal lengths: the candidate with the higher score, then the
 * occurrence closest to where the previous alignment predicts); it proposes up to k tokens that follow it. At the
 * very start of the output (nothing generated yet) the best candidate's beginning is proposed, an anchor worth a
 * 2-token match.
 *
 * Confidence of the i-th proposed token (0-based), for a match of m tokens in a candidate of score s:
 *     L = min(m + i, 32),   confidence = s * (1 + L/2) / (2 + L/2)
 * the context lookup's prior for one earlier occurrence (2/3 after 2 tokens, 7/8 after 12), scaled by the match
 * score: it grows with the length of the agreement (each earlier proposed token, once accepted, extends it) and with
 * the similarity of the sources, so the cost-aware policy (src/core/policy.ts) drafts long inside a passage that the
 * new translation shares with an earlier one and stays plain where they part (and learns the real rate per bin).
 *
 *   candidate [5 6 7 8 9], score 0.9, output so far [.. 6 7]  ->  match m = 2 at 1..2  ->  propose [8 9]
 *   with confidence 0.9 * [2/3, 0.714] = [0.6, 0.64]
 *
 * Deterministic (no distribution): sampling uses the matching rule, which is lossless for any draft.
 */
export class TmDrafter implements Drafter {
    readonly name = "tm";
    readonly expensive = false;
    readonly minMatch: number;
    readonly maxMatch: number;
    private candidates: TmCandidate[];
    /** Length of the prompt: the context at the first proposal of a request. */
    private promptLength = -1;
    /** Where the previous proposal aligned, to prefer the nearest of several equal matches. */
    private last?: {candidate: number; end: number; outputLength: number};

    constructor(candidates: readonly TmCandidate[] = [], o: TmDrafterOptions = {}) {
        this.minMatch = o.minMatch ?? 2;
        this.maxMatch = o.maxMatch ?? 16;
        if (this.minMatch < 1 || this.maxMatch < this.minMatch) throw new Error("tm drafter: need 1 <= minMatch <= maxMatch");
        this.candidates = [...candidates];
    }

    /** Sets the draft sources of the next request (the matches of its text). */
    setCandidates(candidates: readonly TmCandidate[]): void {
        this.candidates = [...candidates];
        this.reset();
    }

    get candidateCount(): number { return this.candidates.length; }

    propose(context: readonly number[], k: number, _o?: ProposeOptions): Proposal {
        if (this.promptLength < 0 || this.promptLength > context.length) this.promptLength = context.length;
        const out = context.length - this.promptLength;
        const best = out === 0 ? this.start() : this.align(context, out);
        if (!best) return {tokens: []};
        const c = this.candidates[best.candidate];
        const tokens: number[] = [], confidence: number[] = [];
        for (let i = 0; i < k && best.end + i < c.tokens.length; i++) {
            tokens.push(c.tokens[best.end + i]);
            confidence.push(tmConfidence(best.match + i, c.score));
        }
        this.last = {candidate: best.candidate, end: best.end, outputLength: out};
        return {tokens, confidence, source: c.kind ?? "memory"};
    }

    /** Nothing generated yet: the start of the best-scoring non-empty candidate, as a 2-token anchor. */
    private start(): {candidate: number; end: number; match: number} | undefined {
        let pick = -1;
        for (let i = 0; i < this.candidates.length; i++) {
            if (this.candidates[i].tokens.length && (pick < 0 || this.candidates[i].score > this.candidates[pick].score)) pick = i;
        }
        return pick < 0 ? undefined : {candidate: pick, end: 0, match: 2};
    }

    /** The longest suffix of the output found in a candidate with a token after it. */
    private align(context: readonly number[], out: number): {candidate: number; end: number; match: number} | undefined {
        const n = context.length;
        const limit = Math.min(this.maxMatch, out);
        let best: {candidate: number; end: number; match: number; dist: number} | undefined;
        for (let ci = 0; ci < this.candidates.length; ci++) {
            const c = this.candidates[ci].tokens;
            const expected = this.last?.candidate === ci ? this.last.end + (out - this.last.outputLength) : Math.round(c.length * Math.min(1, out / Math.max(1, c.length)));
            for (let end = 1; end < c.length; end++) {
                // match length of the output's suffix ending at c[end - 1]
                let m = 0;
                while (m < limit && m < end && c[end - 1 - m] === context[n - 1 - m]) m++;
                if (m < this.minMatch) continue;
                const dist = Math.abs(end - expected);
                const better = !best || m > best.match ||
                    (m === best.match && (this.candidates[ci].score > this.candidates[best.candidate].score ||
                        (this.candidates[ci].score === this.candidates[best.candidate].score && ci === best.candidate && dist < best.dist)));
                if (better) best = {candidate: ci, end, match: m, dist};
            }
        }
        return best;
    }

    observe(): void {}
    reset(): void { this.promptLength = -1; this.last = undefined; }
    describe(): string { return `translation memory (${this.candidates.length} match${this.candidates.length === 1 ? "" : "es"}, match ${this.minMatch}..${this.maxMatch} tokens)`; }
}

/** Confidence of a TM draft token after an agreement of `length` tokens with a candidate of score `score`. */
export function tmConfidence(length: number, score: number): number {
    const L = Math.min(length, 32);
    return Math.max(0, Math.min(1, score)) * (1 + L / 2) / (2 + L / 2);
}
