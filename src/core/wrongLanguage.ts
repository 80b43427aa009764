import {languageByCode, SCRIPT_NAMES} from "./languages";
import type {OutputVerdict} from "./langid";
import type {LanguageHints} from "./tasks";

/**
 * What a translation whose output check finds another language (Slovak that drifted into Czech) or the other script
 * (Serbian asked for in Cyrillic, written in Latin) gets: translated again once, with the instruction naming the
 * language in itself and asking for nothing but it ("into Slovak (Slovenčina). Write in Slovak only, in no other
 * language."). Measured with the default model on 15 held-out segments each (tools/quality/language.ts, 40 tokens):
 * in the language and script asked for, Slovak 6 -> 9, Serbian (Cyrillic) 4 -> 9 (chrF up too); an example
 * sentence pair as an earlier exchange did less (8 and 8), and so did either hint on every request (insisting:
 * 7 and 9; the example: 5 and 7), which would also change the prompt of every language that needs no help.
 */
export function retryHints(v: OutputVerdict): LanguageHints | undefined {
    return v.kind === "language" || v.kind === "script" ? {insist: true} : undefined;
}

/** What the output was, in words: "Czech", "Latin script". */
export function verdictName(v: OutputVerdict): string {
    if (v.kind === "script") return `${SCRIPT_NAMES[v.got]} script`;
    if (v.kind === "language") { try { return languageByCode(v.got).name; } catch { return v.got; } }
    return "";
}
