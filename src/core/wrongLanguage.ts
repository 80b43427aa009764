import {languageByCode, SCRIPT_NAMES} from "./languages";
import type {OutputVerdict} from "./langid";
import type {LanguageHints} from "./tasks";

/**
 * What a translation whose output check finds another language (Slovak that drifted into Czech) or the other script
 * (Serbian asked for in Cyrillic, written in Latin) gets: translated again once, with a sentence pair in the
 * language as an earlier exchange (from the corpus training pairs), or, where the language's corpus is not built,
 * with the instruction naming the language in itself. Chosen by measuring, on held-out segments with the default model, the
 * plain prompt against a stronger instruction, an example pair and a retry (tools/quality/language.ts; numbers in
 * docs/benchmarks.md).
 */
export function retryHints(v: OutputVerdict, example: LanguageHints["example"]): LanguageHints | undefined {
    if (v.kind !== "language" && v.kind !== "script") return undefined;
    return example ? {example} : {insist: true};
}

/** What the output was, in words: "Czech", "Latin script". */
export function verdictName(v: OutputVerdict): string {
    if (v.kind === "script") return `${SCRIPT_NAMES[v.got]} script`;
    if (v.kind === "language") { try { return languageByCode(v.got).name; } catch { return v.got; } }
    return "";
}
