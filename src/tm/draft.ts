/**
 * From memory matches to draft sources of the TM drafter (src/drafters/tm.ts): their target sides in the target
 * model's tokens. Tokenizing a few matches per request costs well under a millisecond, so the memory file stores
 * nothing tokenizer-bound.
 */
import type {Tokenizer} from "../core/target";
import {TmDrafter, type TmCandidate, type TmDrafterOptions} from "../drafters/tm";
import type {TmMatch} from "./memory";

/** Draft candidates for the matches (best first); history segments are labelled apart from the rest. */
export function tmCandidates(matches: readonly TmMatch[], tokenizer: Pick<Tokenizer, "tokenize">): TmCandidate[] {
    return matches.map((m) => ({
        tokens: tokenizer.tokenize(m.segment.target, false),
        score: m.score,
        kind: m.segment.origin.kind === "history" ? "history" : "memory",
    }));
}

/** A TM drafter for one request's matches. */
export function tmDrafterFor(matches: readonly TmMatch[], tokenizer: Pick<Tokenizer, "tokenize">, o?: TmDrafterOptions): TmDrafter {
    return new TmDrafter(tmCandidates(matches, tokenizer), o);
}
