import {PolyspecError} from "./errors";

/**
 * The languages Polyspec supports: ISO 639-1 code, English and native names, script, and the locale ids under
 * which the corpus sources (../corpus) carry text in that language. Pure data: the editor shows it in a quick
 * pick, the corpus build reads the source ids from it.
 */
export type Script =
    | "Latin" | "Cyrillic" | "Greek" | "Arabic" | "Hebrew" | "Devanagari" | "Bengali"
    | "Han" | "Japanese" | "Hangul";

export interface LanguageSources {
    /** Wesnoth gettext locale (usr/share/games/wesnoth/1.16/locale/<id>/LC_MESSAGES). */
    wesnoth?: string;
    /** LibreOffice help language (Debian package libreoffice-help-<id lower-cased>, folder help/<id>). */
    libreoffice?: string;
    /** Debian Description Translation Project index (Translation-<id>). */
    ddtp?: string;
    /** Debian fortunes-<id> package (monolingual quotes). */
    fortunes?: string;
}

/** ISO 15924 script subtags of the languages written in more than one script. */
export type ScriptTag = "Cyrl" | "Latn" | "Hans" | "Hant";

/** English names of the script subtags, as prompts and messages name them. */
export const SCRIPT_NAMES: Readonly<Record<ScriptTag, string>> = {Cyrl: "Cyrillic", Latn: "Latin", Hans: "Simplified Chinese", Hant: "Traditional Chinese"};

export interface Language {
    /**
     * ISO 639-1 code, with an ISO 15924 script subtag (BCP 47: "sr-Latn", "zh-Hant") for each further script of a
     * language written in more than one; the bare code keeps the script it always had ("sr": Cyrillic, "zh":
     * Simplified), so everything keyed by it (corpora, n-gram files, settings, statistics) keeps its meaning.
     */
    readonly code: string;
    /** The code without a script subtag ("sr" for "sr-Latn"): what language identification tells apart. */
    readonly base: string;
    /** For languages written in more than one script: which one this entry is. */
    readonly scriptTag?: ScriptTag;
    /** English name. */
    readonly name: string;
    /** Name in the language itself. */
    readonly native: string;
    readonly script: Script;
    /** True where words are not separated by spaces (Chinese, Japanese). */
    readonly noSpaces: boolean;
    readonly sources: Readonly<LanguageSources>;
}

function lang(code: string, name: string, native: string, script: Script, sources: LanguageSources, scriptTag?: ScriptTag): Language {
    return {code, base: code.split("-")[0], scriptTag, name, native, script, noSpaces: script === "Han" || script === "Japanese", sources};
}

/** English is the source side of every parallel corpus; its own corpus is built from those source sides. */
export const SOURCE_LANGUAGE = "en";

export const LANGUAGES: readonly Language[] = [
    lang("en", "English", "English", "Latin", {}),
    lang("de", "German", "Deutsch", "Latin", {wesnoth: "de", libreoffice: "de", ddtp: "de", fortunes: "de"}),
    lang("fr", "French", "Français", "Latin", {wesnoth: "fr", libreoffice: "fr", ddtp: "fr"}),
    lang("es", "Spanish", "Español", "Latin", {wesnoth: "es", libreoffice: "es", ddtp: "es", fortunes: "es"}),
    lang("it", "Italian", "Italiano", "Latin", {wesnoth: "it", libreoffice: "it", ddtp: "it", fortunes: "it"}),
    lang("pt", "Portuguese (Brazil)", "Português (Brasil)", "Latin", {wesnoth: "pt_BR", libreoffice: "pt-BR", ddtp: "pt_BR"}),
    lang("ru", "Russian", "Русский", "Cyrillic", {wesnoth: "ru", libreoffice: "ru", ddtp: "ru", fortunes: "ru"}),
    // one entry per script for languages written in two (each corpus source keeps its script: Wesnoth zh_CN / zh_TW,
    // sr (Cyrillic) / sr@latin; Debian's DDTP "sr" is Cyrillic)
    lang("zh", "Chinese (Simplified)", "简体中文", "Han", {wesnoth: "zh_CN", libreoffice: "zh-CN", ddtp: "zh_CN"}, "Hans"),
    lang("zh-Hant", "Chinese (Traditional)", "繁體中文", "Han", {wesnoth: "zh_TW", libreoffice: "zh-TW", ddtp: "zh_TW"}, "Hant"),
    lang("ja", "Japanese", "日本語", "Japanese", {wesnoth: "ja", libreoffice: "ja", ddtp: "ja"}),
    lang("ko", "Korean", "한국어", "Hangul", {wesnoth: "ko", libreoffice: "ko", ddtp: "ko"}),
    lang("tr", "Turkish", "Türkçe", "Latin", {wesnoth: "tr", libreoffice: "tr", ddtp: "tr"}),
    lang("pl", "Polish", "Polski", "Latin", {wesnoth: "pl", libreoffice: "pl", ddtp: "pl", fortunes: "pl"}),
    lang("cs", "Czech", "Čeština", "Latin", {wesnoth: "cs", libreoffice: "cs", ddtp: "cs", fortunes: "cs"}),
    lang("vi", "Vietnamese", "Tiếng Việt", "Latin", {wesnoth: "vi", libreoffice: "vi", ddtp: "vi"}),
    lang("id", "Indonesian", "Bahasa Indonesia", "Latin", {wesnoth: "id", libreoffice: "id", ddtp: "id"}),
    lang("uk", "Ukrainian", "Українська", "Cyrillic", {wesnoth: "uk", ddtp: "uk"}),
    lang("ar", "Arabic", "العربية", "Arabic", {wesnoth: "ar"}),
    lang("hi", "Hindi", "हिन्दी", "Devanagari", {libreoffice: "hi"}),
    lang("el", "Greek", "Ελληνικά", "Greek", {wesnoth: "el", libreoffice: "el", ddtp: "el"}),
    lang("bg", "Bulgarian", "Български", "Cyrillic", {wesnoth: "bg", fortunes: "bg"}),
    lang("nl", "Dutch", "Nederlands", "Latin", {wesnoth: "nl", libreoffice: "nl", ddtp: "nl"}),
    lang("hu", "Hungarian", "Magyar", "Latin", {wesnoth: "hu", libreoffice: "hu", ddtp: "hu"}),
    lang("sv", "Swedish", "Svenska", "Latin", {wesnoth: "sv", libreoffice: "sv", ddtp: "sv"}),
    lang("da", "Danish", "Dansk", "Latin", {wesnoth: "da", libreoffice: "da", ddtp: "da"}),
    lang("fi", "Finnish", "Suomi", "Latin", {wesnoth: "fi", libreoffice: "fi", ddtp: "fi"}),
    // Debian's libreoffice-help-sk is empty (it depends on the Czech help).
    lang("sk", "Slovak", "Slovenčina", "Latin", {wesnoth: "sk", ddtp: "sk"}),
    lang("sl", "Slovenian", "Slovenščina", "Latin", {wesnoth: "sl", libreoffice: "sl"}),
    lang("ca", "Catalan", "Català", "Latin", {wesnoth: "ca", libreoffice: "ca", ddtp: "ca"}),
    lang("gl", "Galician", "Galego", "Latin", {wesnoth: "gl", libreoffice: "gl", ddtp: "gl"}),
    lang("eu", "Basque", "Euskara", "Latin", {wesnoth: "eu", libreoffice: "eu", ddtp: "eu"}),
    lang("et", "Estonian", "Eesti", "Latin", {wesnoth: "et", libreoffice: "et"}),
    lang("he", "Hebrew", "עברית", "Hebrew", {wesnoth: "he"}),
    lang("sr", "Serbian (Cyrillic)", "Српски, ћирилица", "Cyrillic", {wesnoth: "sr", ddtp: "sr"}, "Cyrl"),
    lang("sr-Latn", "Serbian (Latin)", "Srpski, latinica", "Latin", {wesnoth: "sr@latin"}, "Latn"),
];

// Not listed: languages the sources barely cover (Croatian and Romanian: under 500 segments each; Bengali, Urdu,
// Swahili: only in quran-json, whose translation licences restrict use, or nowhere).

const byCode = new Map(LANGUAGES.map((l) => [l.code, l]));
/** Other spellings of a code: any case, the default script's subtag spelled out, the usual region codes of Chinese. */
const ALIASES: Record<string, string> = {"sr-cyrl": "sr", "zh-hans": "zh", "zh-cn": "zh", "zh-sg": "zh", "zh-tw": "zh-Hant", "zh-hk": "zh-Hant", "sr-latin": "sr-Latn"};
const byLower = new Map<string, Language>([...LANGUAGES.map((l) => [l.code.toLowerCase(), l] as const),
    ...Object.entries(ALIASES).map(([a, c]) => [a, byCode.get(c)!] as const)]);

/**
 * The language with this code (ISO 639-1, with a script subtag where a language has several: "sr-Latn"; any case,
 * "_" for "-", and the aliases above); a PolyspecError listing the valid codes otherwise. `.code` is the canonical code.
 */
export function languageByCode(code: string): Language {
    const l = byLower.get(code.trim().toLowerCase().replace(/_/g, "-"));
    if (!l) throw new PolyspecError(`unknown language "${code}"; valid codes: ${LANGUAGES.map((x) => x.code).join(", ")}`, "E_USAGE");
    return l;
}

/** Whether `code` is a canonical code of the table ("sr-Latn", not "sr-latn" or "sr-Cyrl"). */
export function isLanguageCode(code: string): boolean {
    return byCode.has(code);
}

/** The canonical code for a code a user typed ("SR-latn", "sr-Cyrl", "zh_TW"), or undefined. */
export function canonicalLanguageCode(code: string): string | undefined {
    try { return languageByCode(code).code; } catch { return undefined; }
}

/** The entries of one language in its scripts (one entry for a language written in one script). */
export function scriptVariants(base: string): Language[] {
    return LANGUAGES.filter((l) => l.base === base);
}

/**
 * How a prompt names the language: its English name, which for a language written in more than one script names
 * the script too ("Serbian (Latin)", "Chinese (Traditional)").
 */
export function promptLanguageName(l: Language): string {
    return l.name;
}

/** "German (Deutsch)", "Serbian (Latin) · Srpski, latinica", for pickers and messages. */
export function languageLabel(l: Language): string {
    return l.name === l.native ? l.name : l.name.includes("(") ? `${l.name} · ${l.native}` : `${l.name} (${l.native})`;
}
