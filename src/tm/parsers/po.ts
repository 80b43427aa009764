/**
 * gettext .po files -> memory segments, parsed with gettext-parser (charset from the Content-Type header, msgctxt,
 * plural forms, comments, flags, obsolete "#~" entries, multi-line strings).
 *
 * - msgid -> msgstr[0]; msgid_plural -> msgstr[1] (msgstr[0] in languages with one form, e.g. Japanese);
 * - skipped: the header entry, untranslated entries (empty msgstr), entries flagged "fuzzy" (unreviewed guesses)
 *   unless `includeFuzzy`; obsolete entries are kept unless `includeObsolete` is false (a translator's translation
 *   of a string the program no longer uses is still a translation);
 * - key = msgctxt; note = translator and extracted comments; line = the entry's first line (msgctxt or msgid).
 */
import {po} from "gettext-parser";
import type {GetTextTranslation} from "gettext-parser";
import {ParseError, type ParseResult} from "./result";

export interface PoOptions {
    includeFuzzy?: boolean;
    includeObsolete?: boolean;
}

export function parsePo(input: Buffer | string, o: PoOptions = {}): ParseResult {
    let table;
    try {
        table = po.parse(input);
    } catch (e) {
        const err = e as Error & {lineNumber?: number};
        throw new ParseError(err.message.replace(/^Error parsing PO data: /, ""), err.lineNumber ?? lineOf(err.message, input));
    }
    const text = typeof input === "string" ? input : input.toString("utf8");
    const lines = entryLines(text);
    const r: ParseResult = {segments: [], language: table.headers?.Language || undefined, sourceLanguage: undefined, skipped: {untranslated: 0, fuzzy: 0, obsolete: 0, other: 0}, notes: []};
    const take = (e: GetTextTranslation, obsolete: boolean) => {
        if (!e.msgid) return; // the header
        const flags = (e.comments?.flag ?? "").split(/[\s,]+/);
        if (flags.includes("fuzzy") && !o.includeFuzzy) { r.skipped.fuzzy++; return; }
        if (obsolete && o.includeObsolete === false) { r.skipped.obsolete++; return; }
        const forms = e.msgstr ?? [];
        if (!forms.some((s) => s.trim())) { r.skipped.untranslated++; return; }
        const line = lines.get(entryKey(e.msgctxt, e.msgid, obsolete)) ?? 0;
        const note = [e.comments?.translator, e.comments?.extracted].filter((s) => s && s.trim()).join("\n") || undefined;
        const base = {line, ...(e.msgctxt ? {key: e.msgctxt} : {}), ...(note ? {note} : {})};
        if (forms[0]?.trim()) r.segments.push({...base, source: e.msgid, target: forms[0]});
        if (e.msgid_plural) {
            const plural = forms.length > 1 ? forms[1] : forms[0];
            if (plural?.trim()) r.segments.push({...base, source: e.msgid_plural, target: plural});
        }
    };
    let obsoleteKept = 0;
    for (const ctx of Object.values(table.translations ?? {})) for (const e of Object.values(ctx)) take(e, false);
    for (const ctx of Object.values(table.obsolete ?? {})) for (const e of Object.values(ctx)) {
        const before = r.segments.length;
        take(e, true);
        if (r.segments.length > before) obsoleteKept++;
    }
    if (obsoleteKept) r.notes.push(`${obsoleteKept} obsolete (#~) entr${obsoleteKept === 1 ? "y" : "ies"} kept`);
    r.segments.sort((a, b) => a.line - b.line);
    return r;
}

function entryKey(ctx: string | undefined, msgid: string, obsolete: boolean): string {
    return `${obsolete ? "~" : ""}${ctx ?? ""}\u0004${msgid}`;
}

/**
 * Line numbers of the entries (gettext-parser gives none): a light scan of the msgctxt / msgid lines and their
 * continuation strings; maps entryKey -> the 1-based line where the entry's msgctxt or msgid starts.
 */
function entryLines(text: string): Map<string, number> {
    const out = new Map<string, number>();
    const lines = text.split(/\r?\n/);
    let ctx: {value: string; line: number} | undefined;
    for (let i = 0; i < lines.length; i++) {
        const m = /^(#~\s*)?(msgctxt|msgid)\s+(".*")\s*$/.exec(lines[i]);
        if (!m) continue;
        const obsolete = !!m[1];
        let value = cString(m[3]);
        let j = i + 1;
        for (; j < lines.length; j++) {
            const c = (obsolete ? /^#~\s*(".*")\s*$/ : /^(".*")\s*$/).exec(lines[j]);
            if (!c) break;
            value += cString(c[1]);
        }
        if (m[2] === "msgctxt") ctx = {value, line: i + 1};
        else {
            const key = entryKey(ctx?.value, value, obsolete);
            if (!out.has(key)) out.set(key, ctx?.line ?? i + 1);
            ctx = undefined;
        }
        i = j - 1;
    }
    return out;
}

const ESC: Record<string, string> = {n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", "\"": "\"", "'": "'", "?": "?"};

/** A C string literal (with its quotes) -> its value. */
function cString(q: string): string {
    return q.slice(1, -1).replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) =>
        e[0] === "x" ? String.fromCharCode(parseInt(e.slice(1), 16)) : /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : ESC[e] ?? e);
}

/** "… at line 12 …" in a message, else the line where the entry named in it ("entry \"x\"") starts. */
function lineOf(message: string, input: Buffer | string): number {
    const m = /line (\d+)/.exec(message);
    if (m) return Number(m[1]);
    const e = /entry "([^"]*)"/.exec(message);
    if (!e) return 0;
    const text = typeof input === "string" ? input : input.toString("utf8");
    const at = text.indexOf(`"${e[1]}"`);
    return at < 0 ? 0 : text.slice(0, at).split("\n").length;
}
