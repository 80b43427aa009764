import {languageByCode, promptLanguageName} from "./languages";
import type {RepetitionOptions} from "./repetition";
import type {ExcludedTokens} from "./target";

/**
 * The loop guard's options for a task (src/core/repetition.ts; chosen in tools/quality/loops.ts on hand-labelled
 * outputs and human-written text). A story stops at a loop, at a paragraph that starts over, and at an echo of its
 * opening (the defaults). A translation stops only at a span repeated in full, back to back, and is never an echo:
 * it may carry names, numbers and code over from its source, and a source may itself repeat a line (a refrain).
 */
export function repetitionOptions(task: string): Partial<RepetitionOptions> {
    return task === "translate" ? {minRepeats: 1, echoTokens: 0} : {};
}

/** A chat message; the engine renders a list of them with the model's own chat template. */
export interface ChatMessage {
    role: "system" | "user" | "assistant";
    content: string;
}

/**
 * What to generate: chat messages (instruction models) or raw text to continue (base models).
 * A last assistant message is left open: the model continues it (used to make the model continue a text rather
 * than answer about it).
 */
export type PromptSpec = ({messages: ChatMessage[]} | {text: string}) & {
    /** Tokens the output never holds (a decoding rule, exact under speculation): "fence" for prose (stories). */
    exclude?: ExcludedTokens;
};

const SYSTEM = "You are a careful literary translator and writer.";

/**
 * What can bring a translation back into the language asked for when the model drifts into another (Slovak into
 * Czech, Serbian into its other script): see tools/quality/language.ts for what each does, measured.
 * - `example`: a sentence pair in the language (from the corpus training pairs), given as an earlier exchange;
 * - `insist`: the instruction also names the language in itself and asks for nothing but it (and its script).
 */
export interface LanguageHints {
    example?: {source: string; translation: string};
    insist?: boolean;
}

/** English -> X translation. The system text is shared by every request so its KV cache is reused. */
export function translationPrompt(text: string, lang: string, hints: LanguageHints = {}): PromptSpec {
    const l = languageByCode(lang);
    const name = promptLanguageName(l);
    const ask = (t: string) => hints.insist
        ? `Translate the following text into ${name} (${l.native}). Write in ${name} only, in no other language. Reply with the translation only.\n\n${t}`
        : `Translate the following text into ${name}. Reply with the translation only.\n\n${t}`;
    const example = hints.example ? [{role: "user" as const, content: ask(hints.example.source)}, {role: "assistant" as const, content: hints.example.translation}] : [];
    return {messages: [
        {role: "system", content: SYSTEM},
        ...example,
        {role: "user", content: ask(text)},
    ]};
}

/**
 * Story continuation in language X: the model writes the next sentences of `text`. The text is the opening of the
 * assistant's own reply (left open), so the model continues it: asked to "continue this story" in a user turn, a
 * small instruction model mostly repeats the text instead. The user turn only asks for a story in X: told that
 * its reply "begins with these words", the model took a text that ends a sentence for its whole reply and ended its
 * turn at once (measured: every one of 12 openings in 12 languages came back empty). A text that ends with a blank
 * line keeps it (the next paragraph is wanted); other trailing whitespace goes. The engine's nonEmpty rule does the
 * rest: no stop token before the output holds a visible character.
 */
/**
 * A story continuation that the loop guard ended as an echo before it wrote anything of its own (the model began
 * to write the opening out again: fewer than STORY_OWN_LETTERS letters kept) gets one more attempt, with the
 * opening's other ending: a blank line added after it, or the blank line taken away. Measured on 186 held-out
 * openings (31 languages, each after a sentence end, mid-sentence and after a blank line; default model, greedy;
 * tools/quality/story-continuation.ts): 26 got the second attempt and 16 of them then continued; 5 stayed empty.
 * Undefined: no second attempt.
 */
export function storyRetry(text: string, lang: string, r: {finish: string; text: string; repetition?: {echo: boolean}}): {prompt: PromptSpec; blankLine: boolean} | undefined {
    if (r.finish !== "repetition" || !r.repetition?.echo) return undefined;
    if ((r.text.match(/\p{L}/gu)?.length ?? 0) >= STORY_OWN_LETTERS) return undefined;
    const blankLine = !endsWithBlankLine(text);
    return {prompt: storyPrompt(blankLine ? `${text.trimEnd()}\n\n` : text.trimEnd(), lang), blankLine};
}
/** Letters a story continuation keeps before an echo for it to count as written (storyRetry). */
export const STORY_OWN_LETTERS = 12;
const endsWithBlankLine = (text: string) => /\n[ \t]*\n\s*$/.test(text);

export function storyPrompt(text: string, lang: string): PromptSpec {
    const name = promptLanguageName(languageByCode(lang));
    const opening = endsWithBlankLine(text) ? `${text.trimEnd()}\n\n` : text.trimEnd();
    return {messages: [
        {role: "system", content: SYSTEM},
        {role: "user", content: `Write a story in ${name}. Write in ${name} only, without any comment.`},
        {role: "assistant", content: opening},
    ], exclude: "fence"};
}
