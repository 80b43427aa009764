/**
 * Translation-memory segments: one source text and its translation, the languages of both, where the pair came
 * from and when. The source language is a field (English -> X today; X -> Y later needs no format change).
 */
import {PolyspecError} from "../core/errors";

/**
 * Where a segment came from:
 * - `file`: a translation file the user has (.po, XLIFF, TMX, i18n JSON), with the 1-based line of the entry
 *   (0 where the format gives none);
 * - `history`: a translation Polyspec made that the user kept (the editor adds these);
 * - `corpus`: a training pair of Polyspec's own corpora (`polyspec tm build`).
 */
export type Origin =
    | {kind: "file"; file: string; line: number}
    | {kind: "history"}
    | {kind: "corpus"};

export interface Segment {
    source: string;
    target: string;
    /** Language codes as the memory's pair has them (primary subtag, lower case: "en", "de", "pt"). */
    srcLang: string;
    tgtLang: string;
    origin: Origin;
    /** When the translation was made or imported (ms since the epoch). */
    time: number;
    /** The entry's identity in its file, where it has one: gettext msgctxt, JSON key path, XLIFF unit id, corpus id. */
    key?: string;
    /** Translator / developer notes (gettext comments, XLIFF / TMX notes). */
    note?: string;
}

/** A segment as a parser returns it, before the memory's pair and time are set. */
export type ParsedSegment = Pick<Segment, "source" | "target" | "key" | "note"> & {line: number};

export interface LanguagePair {
    src: string;
    tgt: string;
}

const CODE = /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/;

/**
 * The language code a memory uses for a file's or user's language tag: lower case, "_" -> "-", the primary subtag
 * only ("de-DE" -> "de", "pt_BR" -> "pt"), except Chinese written in traditional characters ("zh-TW", "zh-Hant",
 * "zh-HK" -> "zh-hant"), which must not mix with simplified Chinese ("zh").
 */
export function normalizeLang(tag: string): string {
    const t = tag.trim().toLowerCase().replace(/_/g, "-");
    if (!CODE.test(t)) throw new PolyspecError(`"${tag}" is not a language code (such as en, de, pt-BR)`, "E_USAGE");
    const [primary, ...rest] = t.split("-");
    if (primary === "zh" && rest.some((s) => s === "hant" || s === "tw" || s === "hk" || s === "mo")) return "zh-hant";
    return primary;
}

/** True when a file's language tag (e.g. "de-DE", "de_AT", "*all*" never) names the memory's language `code`. */
export function langMatches(tag: string | undefined, code: string): boolean {
    if (!tag) return false;
    try {
        return normalizeLang(tag) === normalizeLang(code);
    } catch {
        return false;
    }
}

export function pairName(p: LanguagePair): string {
    return `${p.src}-${p.tgt}`;
}
