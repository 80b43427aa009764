import type {TmMode} from "../tm";

/** Match bands of a segment's best memory match. */
export const TM_BANDS = ["none", "0.5-0.7", "0.7-0.9", ">=0.9"] as const;
export type TmBand = typeof TM_BANDS[number];
export const bandOf = (score: number | undefined): TmBand => score === undefined || score < 0.5 ? "none" : score < 0.7 ? "0.5-0.7" : score < 0.9 ? "0.7-0.9" : ">=0.9";

/** One generation of a TM benchmark case: its text and where the time went. */
export interface TmRun {
    text: string;
    tokens: number;
    /** decode time (ms): the loop's, as everywhere (src/core/stats.ts decodeMs) */
    decodeMs: number;
    /** wall time of the whole request (ms): prompt rendering and evaluation plus decoding */
    totalMs: number;
    promptTokens: number;
    accepted: number;
    drafted: number;
    /** the output's language as identified (src/core/langid.ts; absent: too short or unsupported) */
    identified?: string;
}

/**
 * One held-out translation segment translated with and without the memory (the corpus's training pairs): plain
 * (today's prompt, plain decoding), examples (the TM prompt, the cost-aware cascade with the TM drafter), draft
 * (today's prompt with the TM drafter: its output is plain's; live on the live languages, always replayed).
 */
export interface TmCaseResult {
    kind: "tm";
    lang: string;
    id: string;
    domain: string;
    band: TmBand;
    score?: number;
    reference: string;
    plain: TmRun;
    examples?: TmRun;
    draft?: TmRun;
    /** the draft mode replayed on plain's output: steps, drafts and accepted tokens (exact), decode time from the cost curve */
    draftReplay: {steps: number; drafted: number; accepted: number; decodeMs: number; plainDecodeMs: number};
}

/** A revision: a translated text whose source was changed in a few checkable words, translated again with the history. */
export interface TmRevisionResult {
    kind: "tm-revision";
    lang: string;
    id: string;
    /** the words (a new name, a number) that must reach the output */
    checks: string[];
    runs: Record<"plain" | TmMode, TmRun & {kept: number}>;
}
