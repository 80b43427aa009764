/**
 * One translation request with a translation memory: which matches it uses and how. Pure (the tokenizer is passed).
 *
 * - "draft" (the default): the prompt stays exactly today's translationPrompt, so the output is exactly plain
 *   decoding's (greedy: token for token) and every change of the source reaches it as it would without a memory;
 *   the matches' target sides (and Polyspec's own earlier outputs for similar sources, kept as "history") only
 *   feed the TM drafter, which the cost-aware policy trusts as far as its acceptance earns.
 * - "examples": the best matches go into the prompt as examples with their differences spelled out
 *   (tmTranslationPrompt): the memory's terminology, a different (usually better) output, and speed from the model
 *   copying; measured to lose some source changes (docs/tm.md), so never the default.
 * With no match the prompt is byte-identical to today's and there is no TM drafter.
 */
import type {PromptSpec} from "../core/tasks";
import {translationPrompt} from "../core/tasks";
import type {Tokenizer} from "../core/target";
import type {TmDrafter} from "../drafters/tm";
import {tmDrafterFor} from "./draft";
import {comparesCharacters, type TmMatch, type TranslationMemory} from "./memory";
import {TM_PROMPT_MIN_SCORE, tmTranslationPrompt} from "./prompt";

export type TmMode = "draft" | "examples";
export const TM_MODES: readonly TmMode[] = ["draft", "examples"];

/** Lowest similarity a match needs to feed the TM drafter (a weak match costs little: the policy weighs each draft). */
export const TM_DRAFT_MIN_SCORE = 0.5;

export interface TranslationRequest {
    prompt: PromptSpec;
    /** The TM drafter over the matches (undefined without a match). */
    drafter?: TmDrafter;
    /** The matches used (best first; empty: the request is today's plain one). */
    matches: TmMatch[];
    mode: TmMode;
    /** The cost-aware policy's profile: it learns acceptance apart with and without a memory, per mode. */
    profile: string;
}

export interface TranslationRequestOptions {
    memory?: TranslationMemory;
    mode?: TmMode;
    /** Threshold of the matches used (default: TM_DRAFT_MIN_SCORE for "draft", TM_PROMPT_MIN_SCORE for "examples"). */
    minScore?: number;
    /** Matches used at most (default 3 for "draft", 2 for "examples"). */
    k?: number;
}

/** The prompt, drafter and profile of translating `text` into `lang` with an optional memory. */
export function translationRequest(text: string, lang: string, tokenizer: Pick<Tokenizer, "tokenize">, o: TranslationRequestOptions = {}): TranslationRequest {
    const mode = o.mode ?? "draft";
    const plain = {prompt: translationPrompt(text, lang), matches: [], mode, profile: `translate:${lang}`};
    if (!o.memory || o.memory.size === 0) return plain;
    const minScore = o.minScore ?? (mode === "draft" ? TM_DRAFT_MIN_SCORE : TM_PROMPT_MIN_SCORE);
    const matches = o.memory.search(text, {k: o.k ?? (mode === "draft" ? 3 : 2), minScore});
    if (matches.length === 0) return plain;
    const drafter = tmDrafterFor(matches, tokenizer);
    if (mode === "draft") return {prompt: plain.prompt, drafter, matches, mode, profile: `translate:${lang}:tm-draft`};
    const {prompt, used} = tmTranslationPrompt(text, lang, matches, {minScore, noSpaces: comparesCharacters(o.memory.pair.src)});
    return {prompt, drafter, matches: used, mode, profile: used.length ? `translate:${lang}:tm-examples` : `translate:${lang}:tm-draft`};
}
