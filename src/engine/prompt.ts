import type * as NLC from "node-llama-cpp";
import type {PromptSpec} from "../core/tasks";
import {nodeLlamaCpp} from "./llama";
import type {LoadedModel} from "./model";

const wrappers = new WeakMap<LoadedModel, NLC.ChatWrapper | null>();

/**
 * Renders a prompt to tokens. Chat messages go through the model's own chat template (node-llama-cpp resolves it
 * from the GGUF), ending with the assistant's turn opened (a last assistant message is left open and continued); raw text is tokenized with a BOS token when the model
 * wants one. A model without a chat template gets the messages' contents as plain text.
 */
export async function renderPrompt(m: LoadedModel, spec: PromptSpec): Promise<number[]> {
    const bos = m.model.tokens.bos != null && m.model.tokens.shouldPrependBosToken ? [m.model.tokens.bos as number] : [];
    if ("text" in spec) return [...bos, ...m.tokenize(spec.text)];
    const wrapper = await chatWrapper(m);
    if (!wrapper) return [...bos, ...m.tokenize(spec.messages.map((x) => x.content).join("\n\n") + "\n\n")];
    const history: NLC.ChatHistoryItem[] = spec.messages.map((x) =>
        x.role === "system" ? {type: "system", text: x.content} : x.role === "user" ? {type: "user", text: x.content} : {type: "model", response: [x.content]});
    // a last assistant message stays open and is continued; otherwise an empty assistant turn is opened
    if (spec.messages[spec.messages.length - 1]?.role !== "assistant") history.push({type: "model", response: []});
    const {contextText} = wrapper.generateContextState({chatHistory: history});
    return contextText.tokenize(m.model.tokenizer) as number[];
}

async function chatWrapper(m: LoadedModel): Promise<NLC.ChatWrapper | null> {
    if (wrappers.has(m)) return wrappers.get(m)!;
    const {resolveChatWrapper} = await nodeLlamaCpp();
    const hasTemplate = typeof m.model.fileInfo.metadata.tokenizer?.chat_template === "string";
    const w = hasTemplate ? resolveChatWrapper(m.model) : null;
    wrappers.set(m, w);
    return w;
}
