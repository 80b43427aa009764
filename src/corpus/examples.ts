import fs from "node:fs";
import {corpusPaths} from "./index";
import {readJsonl} from "./verify";

/**
 * One sentence pair in a language, for a prompt that shows the model the language it must write (src/core/tasks.ts
 * LanguageHints): the first pair of the language's translation training split (never a held-out one) whose English
 * has 8..25 words and that holds no markup. Deterministic; undefined when the language's corpus is not built.
 */
export function examplePair(lang: string, corpusDir?: string): {source: string; translation: string} | undefined {
    const file = corpusPaths(lang, corpusDir).train;
    if (!fs.existsSync(file)) return undefined;
    const r = readJsonl<{src: string; ref: string}>(file).find((x) => {
        const w = x.src.split(/\s+/).length;
        return w >= 8 && w <= 25 && x.ref.trim() && !/[<>{}[\]$]/.test(x.src + x.ref);
    });
    return r && {source: r.src, translation: r.ref};
}
