import {LANGUAGES} from "./languages";

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
 * - The database (56 MB of heap, ~0.3 s to load) is loaded lazily, on the first identification.
 * Pure (no vscode, no node-llama-cpp), so it is unit-tested and shared by the editor and the benchmark.
 */
export interface Identified {
    /** Our language code (src/core/languages.ts). */
    code: string;
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
const ALIAS: Record<string, string> = {ms: "id"};
/** Texts shorter than this (in letters) are not identified: too little evidence. */
export const MIN_LETTERS = 8;

interface Eld {
    detect(text: string): {language: string; isReliable(): boolean};
    setLanguageSubset(languages: string[] | boolean): unknown;
}

export function createLanguageIdentifier(): LanguageIdentifier & {load(): Promise<void>} {
    let eld: Eld | undefined;
    let loading: Promise<void> | undefined;
    const ours = new Set(LANGUAGES.map((l) => l.code));
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
            const code = ALIAS[r.language] ?? r.language;
            return ours.has(code) ? {code, reliable: r.isReliable()} : undefined;
        },
        supports(code: string): boolean {
            return ELD_LANGUAGES.has(code) || Object.values(ALIAS).includes(code);
        },
    };
}
