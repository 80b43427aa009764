/**
 * The job's real translator: one Engine.generate per text, the same generation path as the CLI and the editor.
 *
 * For each text, the memory's matches (the file's own translations, the texts the job finished, the workspace memory):
 * - mode "examples" (default): the best <= 2 human translations (the file's, the memory's; not the job's own outputs)
 *   with sim >= 0.6 as examples in the prompt (tmTranslationPrompt: the file's terminology, differences spelled out;
 *   with no such match the prompt is the plain translation prompt). The job's own earlier outputs ("history") are
 *   draft sources only: as examples they passed the small model's mistakes on (measured: chrF 54.4 -> 48.9 on the
 *   benchmark's related entries, docs/localize.md);
 * - mode "lossless": the plain translation prompt; the output is exactly plain decoding's.
 * In both modes the matches' translations (up to 3 with sim >= 0.5) are draft sources of the TM drafter, ahead of the
 * context lookup (which drafts from the prompt, examples included), so a text that repeats an earlier one is produced
 * many tokens per step. The retry after a placeholder problem adds an instruction that names the placeholders.
 *
 * `measurePlain` (benchmarks): each text is also decoded plainly from the same prompt (no drafter), alternating which
 * goes first, so that the job's summary can give the speed-up against plain decoding and count identical outputs.
 */
import type {Cancel} from "../core/errors";
import type {Tokenizer} from "../core/target";
import {translationPrompt, type ChatMessage, type PromptSpec} from "../core/tasks";
import {CascadeDrafter} from "../drafters/cascade";
import {LookupDrafter} from "../drafters/lookup";
import type {Engine} from "../engine/engine";
import {tmDrafterFor} from "../tm/draft";
import {comparesCharacters} from "../tm/memory";
import {tmTranslationPrompt} from "../tm/prompt";
import type {Translate, TranslateEntry, TranslateResult} from "./job";

export type TranslateMode = "examples" | "lossless";

export interface EngineTranslatorOptions {
    lang: string;
    srcLang?: string;
    /** Default "examples". */
    mode?: TranslateMode;
    /** Maximum draft length (default 8). */
    k?: number;
    /** Draft sources: matches with at least this similarity (default 0.5), at most `maxMatches` (default 3). */
    minScore?: number;
    maxMatches?: number;
    cancel?: Cancel;
    /** Also decode each prompt plainly (benchmarks). */
    measurePlain?: boolean;
    /** Streamed text of the current translation (the editor may show it). */
    onText?: (delta: string, entry: TranslateEntry) => void;
}

/** What the translator needs of the engine. */
export type TranslatorEngine = Pick<Engine, "generate"> & {model: Pick<Tokenizer, "tokenize">};

export function engineTranslator(engine: TranslatorEngine, o: EngineTranslatorOptions): Translate {
    const mode = o.mode ?? "examples";
    const noSpaces = comparesCharacters(o.srcLang ?? "en");
    let calls = 0;
    return async (entry, memory): Promise<TranslateResult> => {
        const text = entry.item.source;
        const matches = memory.search(text, {k: o.maxMatches ?? 3, minScore: o.minScore ?? 0.5});
        let prompt: PromptSpec = translationPrompt(text, o.lang);
        let inPrompt = new Set<number>();
        if (mode === "examples") {
            const p = tmTranslationPrompt(text, o.lang, matches.filter((m) => m.segment.origin.kind !== "history"), {noSpaces});
            prompt = p.prompt;
            inPrompt = new Set(p.used.map((m) => m.id));
        }
        if (entry.attempt === 2) prompt = strictPrompt(prompt, text, entry.keep, entry.problems ?? []);
        const maxTokens = Math.min(1024, Math.max(48, engine.model.tokenize(text, false).length * 3 + 16));
        const profile = `localize:${o.lang}`;
        const spec = async () => {
            const drafter = new CascadeDrafter([tmDrafterFor(matches, engine.model), new LookupDrafter()], "localize");
            const t0 = performance.now();
            const r = await engine.generate(prompt, drafter, {maxTokens, k: o.k ?? 8, cancel: o.cancel, profile, onText: o.onText && ((d) => o.onText!(d, entry))});
            return {r, wallMs: performance.now() - t0};
        };
        const plain = async () => {
            const t0 = performance.now();
            const r = await engine.generate(prompt, undefined, {maxTokens, k: 0, adaptive: false, cancel: o.cancel});
            return {r, wallMs: performance.now() - t0};
        };
        let s: Awaited<ReturnType<typeof spec>>, p: Awaited<ReturnType<typeof plain>> | undefined;
        if (o.measurePlain && calls++ % 2 === 1) { p = await plain(); s = await spec(); }
        else { s = await spec(); if (o.measurePlain) p = await plain(); }
        const st = s.r.stats;
        return {
            text: s.r.text,
            cancelled: s.r.cancelled || !!p?.r.cancelled,
            stats: {
                tokens: st.tokens, decodeMs: st.decodeMs, wallMs: s.wallMs, steps: st.steps, drafted: st.drafted, accepted: st.accepted,
                ...(p ? {plain: {tokens: p.r.stats.tokens, decodeMs: p.r.stats.decodeMs, wallMs: p.wallMs, identical: p.r.text === s.r.text}} : {}),
            },
            matches: matches.map((m) => ({score: m.score, origin: m.segment.origin.kind, ...(inPrompt.has(m.id) ? {inPrompt: true} : {})})),
        };
    };
}

/** The prompt with an instruction that names what the translation must keep (the retry). */
export function strictPrompt(prompt: PromptSpec, text: string, keep: readonly string[], problems: readonly string[]): PromptSpec {
    const list = [...new Set(keep)].map((k) => `"${k}"`).join(", ");
    const rule = `The text contains placeholders and markup that the program fills in: ${list}. Copy each of them into the translation exactly as written (same characters, same count), neither translated nor changed nor left out.${problems.length ? ` An earlier translation was rejected: ${problems.join("; ")}.` : ""}`;
    if (!("messages" in prompt)) return {text: `${rule}\n\n${prompt.text}`};
    const messages: ChatMessage[] = prompt.messages.map((m) => ({...m}));
    const last = messages.map((m) => m.role).lastIndexOf("user");
    const m = messages[last];
    const tail = `\n\n${text}`;
    m.content = m.content.endsWith(tail) ? `${m.content.slice(0, -tail.length)} ${rule}${tail}` : `${m.content}\n\n${rule}`;
    return {messages};
}
