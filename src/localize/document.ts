/**
 * What every translation-file format gives the localization job: the entries to translate (units, each with one or
 * more texts for the model), the file's existing translations (memory), and a writer that turns finished units into
 * minimal edits of the original text, so that everything else stays byte-identical.
 */
import {PolyspecError} from "../core/errors";
import type {NewSegment} from "../tm/memory";

export type LocalizeFormat = "po" | "json" | "xliff";

/** One text the model translates. */
export interface TextItem {
    /** Unique in the job: `${unit.id}#${n}`. */
    id: string;
    unitId: string;
    /** What the model is given (the source text; a plural form's text with a sample number in the count's place). */
    source: string;
    /** Literal tokens the output must keep (a plural form's sample number), as checkPlaceholders' `keep`. */
    keep?: string[];
    /** Applied to the output once it passed the checks: the sample number back into the count's placeholder. */
    restore?: {from: string; to: string};
}

/** Why an entry is translated. */
export type UnitReason =
    | "missing"   // no entry in the target (JSON key, .pot entry, XLIFF <target>)
    | "empty"     // an empty translation
    | "fuzzy"     // gettext fuzzy / XLIFF needs-review (only with includeFuzzy)
    | "state";    // XLIFF state "new" / "needs-translation" / 2.0 "initial" with an unusable target

/** One entry of the target file to fill: one or more texts (plural forms, ICU branches). */
export interface LocalizeUnit {
    id: string;
    /** How a person finds it: JSON key path, gettext msgctxt + msgid, XLIFF unit id. */
    key: string;
    /** 1-based line in the target file; for an entry the target lacks, its line in the source file (or template). */
    line: number;
    reason: UnitReason;
    /** The whole source message (reports, the review file). */
    source: string;
    items: TextItem[];
    /**
     * Checks the finished texts once assembled (e.g. an ICU message that must parse again); a problem flags the unit.
     * Absent: nothing to check beyond each text's placeholders.
     */
    check?(texts: readonly string[]): string | undefined;
    /** The value written, for the review file (the assembled message). */
    render(texts: readonly string[]): string;
}

/** A change of the original text: replace `length` characters at `offset` with `text`. */
export interface TextEdit {
    offset: number;
    length: number;
    text: string;
}

export interface ApplyResult {
    /** The new file text. */
    text: string;
    /** The edits, in the ORIGINAL text's offsets, sorted, not overlapping (the editor applies them as one step). */
    edits: TextEdit[];
    /** Units written. */
    written: string[];
}

export interface LocalizeDocument {
    format: LocalizeFormat;
    /** The target file (as named by the caller; messages use it). */
    file: string;
    /** Language codes (normalised: "de", "pt", "zh-hant"). */
    srcLang: string;
    lang: string;
    /** The entries to translate, in file order. */
    units: LocalizeUnit[];
    /** The file's (or pair's) existing translations, for the job's memory. */
    memory: NewSegment[];
    /** Things worth a line in the report (entries that cannot be filled and why, declared languages...). */
    notes: string[];
    /** The target text the document was read from. */
    readonly original: string;
    /** Edits that write the finished units (unit id -> its items' outputs, in item order) into the original text. */
    apply(done: ReadonlyMap<string, readonly string[]>): ApplyResult;
    /** Parses a text of this format again (throws a LocalizeInputError): the writer's output is checked with it. */
    validate(text: string): void;
}

/**
 * A target or source file that cannot be read as its format: refused before anything is written. The message names
 * the file and line ("de.json:12:5: not valid JSON: a comma is missing").
 */
export class LocalizeInputError extends PolyspecError {
    override name = "LocalizeInputError";
    constructor(readonly file: string, readonly line: number, readonly column: number, readonly reason: string) {
        super(`${file}${line ? `:${line}${column ? `:${column}` : ""}` : ""}: ${reason}`, "E_SYNTAX");
    }
}

export interface DocumentOptions {
    /** Also retranslate gettext entries flagged fuzzy and XLIFF units that need review. */
    includeFuzzy?: boolean;
}

// --- text helpers shared by the formats ------------------------------------------------------------------------------

/** The file's line break: "\r\n" when its first line ends so, else "\n". */
export function detectEol(text: string): "\r\n" | "\n" {
    const i = text.indexOf("\n");
    return i > 0 && text[i - 1] === "\r" ? "\r\n" : "\n";
}

/** Applies edits given in the original text's offsets (sorted here; insertions at one offset keep their order). */
export function applyEdits(text: string, edits: readonly TextEdit[]): {text: string; edits: TextEdit[]} {
    const sorted = edits.map((e, i) => ({e, i})).sort((a, b) => a.e.offset - b.e.offset || a.i - b.i).map((x) => x.e);
    const parts: string[] = [];
    let at = 0;
    for (const e of sorted) {
        if (e.offset < at) throw new Error(`overlapping edits at offset ${e.offset}`);
        parts.push(text.slice(at, e.offset), e.text);
        at = e.offset + e.length;
    }
    parts.push(text.slice(at));
    // an insertion and what follows at the same offset become one edit (the editor wants non-overlapping edits)
    const merged: TextEdit[] = [];
    for (const e of sorted) {
        const last = merged[merged.length - 1];
        if (last && last.offset === e.offset && last.length === 0) { last.text += e.text; last.length = e.length; }
        else merged.push({...e});
    }
    return {text: parts.join(""), edits: merged};
}

/** 1-based line of an offset. */
export function lineAt(text: string, offset: number): number {
    let n = 1;
    for (let i = text.indexOf("\n"); i >= 0 && i < offset; i = text.indexOf("\n", i + 1)) n++;
    return n;
}

/** 1-based line and column of an offset. */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
    const before = text.slice(0, offset);
    const line = before.split("\n").length;
    return {line, column: offset - (before.lastIndexOf("\n") + 1) + 1};
}
