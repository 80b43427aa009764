import fs from "node:fs";
import {PolyspecError} from "../core/errors";
import {storyPrompt, translationPrompt, type PromptSpec} from "../core/tasks";
import {buildCorpus, corpusPaths, readJsonl} from "../corpus";

/** One held-out input of the benchmark. */
export interface BenchCase {
    task: "translate" | "story";
    lang: string;
    id: string;
    prompt: PromptSpec;
    /** The raw input (source sentence or story opening). */
    input: string;
    /** Reference translation (for chrF). */
    reference?: string;
}

/**
 * Held-out inputs from the corpus build (the first n from `offset`, or as many as there are): translation English -> X from the story-domain test set (Wesnoth) and
 * story continuation in X from the held-out story prompts (a prompt is a complete line: the model writes the next
 * paragraph). Builds the language's corpus first when missing.
 */
export async function loadCases(task: "translate" | "story", lang: string, n: number, offset = 0): Promise<BenchCase[]> {
    const p = corpusPaths(lang);
    if (!fs.existsSync(p.manifest)) await buildCorpus({langs: [lang]});
    const file = task === "translate" ? p.testStory : p.prompts;
    if (!fs.existsSync(file)) throw new PolyspecError(`${lang} has no ${task === "translate" ? "story-domain translation test set" : "story prompts"} (see docs/corpora.md)`);
    if (task === "translate") {
        const rows = (await readJsonl(p.testStory) as {id: string; src: string; ref: string}[]).filter((r) => r.src.split(/\s+/).length >= 8);
        if (rows.length <= offset) throw new PolyspecError(`the ${lang} translation test set has only ${rows.length} usable segments`);
        return rows.slice(offset, offset + n).map((r) => ({task, lang, id: r.id, prompt: translationPrompt(r.src, lang), reference: r.ref, input: r.src}));
    }
    const rows = (await readJsonl(p.prompts) as {id: string; text: string}[]);
    if (rows.length <= offset) throw new PolyspecError(`the ${lang} story prompts hold only ${rows.length} prompts`);
    return rows.slice(offset, offset + n).map((r) => ({task, lang, id: r.id, prompt: storyPrompt(`${r.text}\n\n`, lang), input: r.text}));
}
