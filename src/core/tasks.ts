import {languageByCode} from "./languages";

/** A chat message; the engine renders a list of them with the model's own chat template. */
export interface ChatMessage {
    role: "system" | "user" | "assistant";
    content: string;
}

/** What to generate: chat messages (instruction models) or raw text to continue (base models). */
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

/** Story continuation in language X: the model writes the next sentences of `text`. */
export function storyPrompt(text: string, lang: string): PromptSpec {
    const name = languageByCode(lang).name;
    return {messages: [
        {role: "system", content: SYSTEM},
        {role: "user", content: `Continue this story in ${name}. Write only the next few sentences of the story, in ${name}, without any comment.\n\n${text}`},
    ]};
}
