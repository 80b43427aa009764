import {LANGUAGES, languageByCode, scriptVariants, type ScriptTag} from "./languages";
import {scriptOf} from "./scripts";

/**
 * Language identification for the editor and the benchmark: which language a story is written in, and whether an output is in the
 * language asked for. Adapter over eld (Efficient Language Detector, npm `eld`, Apache-2.0), chosen by measuring
 * ten npm libraries on Polyspec's held-out segments (tools/e2e/measure-langid.mjs; table in docs/editor.md):
 * eld's "small" database restricted to our languages scored 95.3% over 33 languages and 4,950 segments (93.0% on
 * segments under 40 characters), about 65 µs a segment.
 *
 * - eld has no Indonesian model; its Malay model is the nearest and identifies our Indonesian segments (100%), so
 *   "ms" is reported as "id".
 * - eld has no Galician model: Galician is never reported, and a Galician output is not checked (`supports`).
 * - Languages written in more than one script (Serbian, Chinese): eld names the language, src/core/scripts.ts the
 *   script, and the result is the table's entry for that script ("sr-Latn", "zh-Hant"). eld's Serbian is Cyrillic:
 *   restricted to our languages it called 292 of 300 Serbian Latin Wesnoth segments Slovenian; with Croatian in the
 *   subset it calls 296 of 300 Croatian (Serbian Latin, Croatian and Bosnian are one pluricentric language to it),
 *   and Slovenian keeps its score (202 of 223 either way). So "hr" is in the subset and is reported as Serbian.
 * - The database (56 MB of heap, ~0.3 s to load) is loaded lazily, on the first identification.
 * Pure (no vscode, no node-llama-cpp), so it is unit-tested and shared by the editor and the benchmark.
 */
export interface Identified {
    /** Our language code (src/core/languages.ts), with the script's subtag where the language has several. */
    code: string;
    /** For a language written in more than one script: the script the text is in. */
    script?: ScriptTag;
    /** eld's reliability check (enough n-grams, a clear winner). */
    reliable: boolean;
}

export interface LanguageIdentifier {
    /** Loads the model (once). */
    ready(): Promise<void>;
    /** The language of `text`, or undefined when it cannot tell (too short, no letters) or before ready(). */
    identify(text: string): Identified | undefined;
    /** Whether `code` can be identified at all. */
    supports(code: string): boolean;
}

/** Languages eld 2.1.0 has models for (its 60), as our codes. */
const ELD_LANGUAGES = new Set(["am", "ar", "az", "be", "bg", "bn", "ca", "cs", "da", "de", "el", "en", "es", "et", "eu", "fa", "fi", "fr", "gu", "he", "hi",
    "hr", "hu", "hy", "is", "it", "ja", "ka", "kn", "ko", "ku", "lo", "lt", "lv", "ml", "mr", "ms", "nl", "no", "or", "pa", "pl", "pt", "ro", "ru", "sk", "sl", "sq",
    "sr", "sv", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "yo", "zh"]);
/** eld code -> ours. */
const ALIAS: Record<string, string> = {ms: "id", hr: "sr"};
/** Texts shorter than this (in letters) are not identified: too little evidence. */
export const MIN_LETTERS = 8;

interface Eld {
    detect(text: string): {language: string; isReliable(): boolean};
    setLanguageSubset(languages: string[] | boolean): unknown;
}

export function createLanguageIdentifier(): LanguageIdentifier & {load(): Promise<void>} {
    let eld: Eld | undefined;
    let loading: Promise<void> | undefined;
    const ours = new Set(LANGUAGES.map((l) => l.base));
    const subset = [...ELD_LANGUAGES].filter((c) => ours.has(c) || (ALIAS[c] !== undefined && ours.has(ALIAS[c])));
    const load = () => loading ??= import("eld/small").then((m) => {
        const e = (m as unknown as {eld: Eld}).eld;
        e.setLanguageSubset(subset);
        eld = e;
    });
    return {
        load,
        ready: load,
        identify(text: string): Identified | undefined {
            if (!eld) { void load(); return undefined; }
            const sample = text.length > 2000 ? text.slice(-2000) : text;
            if ((sample.match(/\p{L}/gu)?.length ?? 0) < MIN_LETTERS) return undefined;
            const r = eld.detect(sample);
            if (!r.language) return undefined;
            const base = ALIAS[r.language] ?? r.language;
            if (!ours.has(base)) return undefined;
            const script = scriptOf(sample, base);
            const variants = scriptVariants(base);
            const entry = (script && variants.find((l) => l.scriptTag === script.tag)) || variants.find((l) => l.code === base) || variants[0];
            return {code: entry.code, reliable: r.isReliable(), script: script?.tag};
        },
        supports(code: string): boolean {
            let base = code;
            try { base = languageByCode(code).base; } catch { /* not ours */ }
            return ELD_LANGUAGES.has(base) || Object.values(ALIAS).includes(base);
        },
    };
}

/**
 * What the output check concludes for an output that was asked for in `want`:
 * - "ok": in that language (and script);
 * - "script": in that language but in its other script (e.g. Serbian asked for in Cyrillic, written in Latin);
 * - "language": in another language (eld's reliability check passed);
 * - "unknown": too short, not identifiable, or not reliably another language: nothing to say.
 */
export type OutputVerdict =
    | {kind: "ok" | "unknown"}
    | {kind: "script"; want: ScriptTag; got: ScriptTag}
    | {kind: "language"; got: string};

export function outputVerdict(want: string, got: Identified | undefined): OutputVerdict {
    if (!got) return {kind: "unknown"};
    const w = languageByCode(want), g = languageByCode(got.code);
    if (g.code === w.code) return {kind: "ok"};
    if (g.base === w.base && w.scriptTag && g.scriptTag) return {kind: "script", want: w.scriptTag, got: g.scriptTag};
    if (g.base === w.base) return {kind: "ok"};
    return got.reliable ? {kind: "language", got: g.code} : {kind: "unknown"};
}
