import fs from "node:fs";
import path from "node:path";
import {cleanText} from "./clean";
import {MoFormatError, parseMo} from "./mo";

/**
 * Battle for Wesnoth's gettext catalogues, as Debian ships them. The campaign packages carry the story text
 * (narration and dialogue, plus objectives, unit names and hints); wesnoth-1.16-data carries the interface,
 * help, unit descriptions and multiplayer text.
 */
export const WESNOTH_VERSION = "1.16";
export const WESNOTH_CAMPAIGNS = ["did", "dm", "dw", "ei", "httt", "l", "low", "nr", "sof", "sota", "sotbe", "thot", "trow", "tsg", "ttb", "utbs"];
export const WESNOTH_DATA_PACKAGE = `wesnoth-${WESNOTH_VERSION}-data`;
export const WESNOTH_LICENCE = "GPL-2.0-or-later";
export const WESNOTH_MEMBERS = ["*.mo"];

export function campaignPackage(c: string): string {
    return `wesnoth-${WESNOTH_VERSION}-${c}`;
}

export function localeDir(root: string, locale: string): string {
    return path.join(root, "usr/share/games/wesnoth", WESNOTH_VERSION, "locale", locale, "LC_MESSAGES");
}

/** One aligned segment: English source, target text, and where it came from. */
export interface Pair {
    en: string;
    tgt: string;
    /** e.g. "wesnoth-httt", "libreoffice:text/scalc/01/04060101.html", "ddtp:0ad". */
    origin: string;
}

export interface ReadStats {
    files: number;
    /** Files that could not be parsed, skipped. */
    malformed: number;
    malformedFiles: string[];
    /** Plural entries skipped. */
    plurals: number;
    /** Entries whose translation equals the English, skipped. */
    untranslated: number;
}

export function emptyStats(): ReadStats {
    return {files: 0, malformed: 0, malformedFiles: [], plurals: 0, untranslated: 0};
}

export function addStats(a: ReadStats, b: ReadStats): void {
    a.files += b.files;
    a.malformed += b.malformed;
    a.malformedFiles.push(...b.malformedFiles);
    a.plurals += b.plurals;
    a.untranslated += b.untranslated;
}

/** Wesnoth marks context inline with a caret prefix ("female^", "race+plural^", "holy water^"); the game strips it. */
export function stripCaretContext(s: string): string {
    return s.replace(/^(?:[A-Za-z0-9_+-]{1,40}|[a-z0-9_+]+(?: [a-z0-9_+]+){1,3})\^/, "");
}

/**
 * All pairs of one locale in the catalogues under `root` (an extracted Wesnoth package), in a stable order:
 * catalogues sorted by name, entries as the .mo stores them (sorted by key). Malformed catalogues are counted
 * and skipped.
 */
export function readWesnothLocale(root: string, locale: string): {pairs: Pair[]; stats: ReadStats} {
    const stats = emptyStats();
    const pairs: Pair[] = [];
    const dir = localeDir(root, locale);
    if (!fs.existsSync(dir)) return {pairs, stats};
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith(".mo")).sort()) {
        stats.files++;
        const domain = f.slice(0, -3);
        let cat;
        try {
            cat = parseMo(fs.readFileSync(path.join(dir, f)));
        } catch (e) {
            if (!(e instanceof MoFormatError)) throw e;
            stats.malformed++;
            stats.malformedFiles.push(`${locale}/${f}: ${e.message}`);
            continue;
        }
        stats.plurals += cat.plurals;
        for (const e of cat.entries) {
            const en = cleanText(stripCaretContext(e.id));
            const tgt = cleanText(stripCaretContext(e.str));
            if (!en || !tgt) continue;
            if (en === tgt) {
                stats.untranslated++;
                continue;
            }
            pairs.push({en, tgt, origin: domain});
        }
    }
    return {pairs, stats};
}
