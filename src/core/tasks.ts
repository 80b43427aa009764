import {languageByCode} from "./languages";

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
export type PromptSpec = {messages: ChatMessage[]} | {text: string};

const SYSTEM = "You are a careful literary translator and writer.";

/** English -> X translation. The system text is shared by every request so its KV cache is reused. */
export function translationPrompt(text: string, lang: string): PromptSpec {
    const name = languageByCode(lang).name;
    return {messages: [
        {role: "system", content: SYSTEM},
        {role: "user", content: `Translate the following text into ${name}. Reply with the translation only.\n\n${text}`},
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
export function storyPrompt(text: string, lang: string): PromptSpec {
    const name = languageByCode(lang).name;
    const opening = /\n[ \t]*\n\s*$/.test(text) ? `${text.trimEnd()}\n\n` : text.trimEnd();
    return {messages: [
        {role: "system", content: SYSTEM},
        {role: "user", content: `Write a story in ${name}. Write in ${name} only, without any comment.`},
        {role: "assistant", content: opening},
    ]};
}
