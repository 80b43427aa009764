/** What every translation-file parser returns, and the error it throws on a malformed file. */
import type {ParsedSegment} from "../segment";

export interface ParseResult {
    segments: ParsedSegment[];
    /** The target language the file declares (gettext "Language", XLIFF target-language / trgLang), if any. */
    language?: string;
    /** The source language it declares, if any. */
    sourceLanguage?: string;
    /** Entries not taken, by reason (untranslated: no target; fuzzy: unreviewed; obsolete; other: see notes). */
    skipped: {untranslated: number; fuzzy: number; obsolete: number; other: number};
    /** Things worth a line in the log (e.g. "3 units in another language pair skipped"). */
    notes: string[];
}

export function emptyResult(): ParseResult {
    return {segments: [], skipped: {untranslated: 0, fuzzy: 0, obsolete: 0, other: 0}, notes: []};
}

/** A malformed file: the message and the 1-based line where the parser gave up (0 = unknown). */
export class ParseError extends Error {
    override name = "ParseError";
    /** The file it is about, where that is not the file being imported (the source file of a JSON pair). */
    file?: string;
    constructor(message: string, readonly line: number, readonly column = 0) {
        super(message);
    }
}
