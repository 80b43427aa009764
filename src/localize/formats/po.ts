/**
 * gettext .po files for the localization job: the entries to fill and surgical edits that fill them.
 *
 * Reading: gettext-parser (the meaning: charset, headers, entries) and a line scanner of our own (where each entry's
 * comments, flags and strings are), cross-checked entry by entry; a file they disagree on is refused, never edited.
 * Filled: entries whose msgstr is empty (a plural entry's empty forms), with `includeFuzzy` also entries flagged
 * fuzzy; never the header or obsolete (#~) entries. With a template (.pot) as the source, its entries that the .po
 * lacks are inserted after the entry that precedes them in the template.
 *
 * Writing: only the msgstr lines of a filled entry are replaced (msgstr[n] for each of the Plural-Forms header's
 * nplurals, added where missing) and the entry is flagged `#, fuzzy` (added to its existing `#,` line, or a new line
 * before `#|` / msgctxt / msgid): gettext tools and runtimes treat fuzzy entries as unreviewed, so a machine-made
 * translation is never used before a person has looked at it. Strings are escaped and wrapped as msgcat does (79
 * columns, after "\n" and at spaces; a file with longer lines is taken as written with --no-wrap). The file's line
 * breaks (LF or CRLF) are used for every new line. Everything else stays byte for byte.
 *
 * Plural entries: form i is translated from msgid where form i holds the count 1 (and the language has more than one
 * form), else from msgid_plural; where the text has one count placeholder (%d, %(n)d, {count}...), the model sees a
 * sample number of form i in its place (Russian form 1: "2 files", form 2: "5 files") and the placeholder is put back.
 */
import {po} from "gettext-parser";
import type {GetTextTranslations} from "gettext-parser";
import {parsePo} from "../../tm/parsers/po";
import type {NewSegment} from "../../tm/memory";
import {applyEdits, detectEol, LocalizeInputError, type ApplyResult, type DocumentOptions, type LocalizeDocument, type LocalizeUnit, type TextEdit, type TextItem} from "../document";
import {extractPlaceholders, type Placeholder} from "../placeholders";
import {GERMANIC, parsePluralForms, sampleNumber, type PluralForms} from "../plural";

interface Line {
    /** Without the line break (and without a BOM on the first line). */
    text: string;
    start: number;
    /** Offset after the text (before the line break). */
    end: number;
}

interface Field {
    name: "msgctxt" | "msgid" | "msgid_plural" | "msgstr";
    /** msgstr[n]: n; plain msgstr: 0. */
    index: number;
    indexed: boolean;
    first: number;
    last: number;
    value: string;
}

interface Entry {
    first: number;
    last: number;
    obsolete: boolean;
    /** Indices of "#," lines. */
    flagLines: number[];
    flags: Set<string>;
    /** Where a new "#," line goes: the first "#|" line or the first field. */
    flagsAt: number;
    fields: Field[];
    previousId?: string;
    ctx?: string;
    id?: string;
    plural?: string;
}

export interface PoOptions extends DocumentOptions {
    /** A template (.pot) whose entries the .po lacks are added. */
    template?: {file: string; text: string};
    srcLang?: string;
}

const KEYWORD = /^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)[ \t]+(".*")[ \t]*$/;
const CONTINUATION = /^(".*")[ \t]*$/;

/** Reads a .po target (throws LocalizeInputError for a malformed file). */
export function openPo(file: string, text: string, lang: string, o: PoOptions = {}): LocalizeDocument {
    const scan = scanPo(file, text); // first: its lines are exact
    const table = parseTable(file, text);
    crossCheck(file, scan, table);
    const charset = /charset=([\w.:-]+)/i.exec(table.headers?.["Content-Type"] ?? "")?.[1] ?? "UTF-8";
    if (!["utf-8", "utf8", "us-ascii", "ascii", "charset"].includes(charset.toLowerCase())) {
        throw new LocalizeInputError(file, scan.headerLine, 0, `the file is encoded in ${charset}: Polyspec writes UTF-8 .po files only (convert it with 'msgconv --to-code=UTF-8 ${file}' first)`);
    }
    const headers = table.headers ?? {};
    const notes: string[] = [];
    let forms = GERMANIC;
    const header = headers["Plural-Forms"];
    if (header) {
        try {
            forms = parsePluralForms(header);
        } catch (e) {
            throw new LocalizeInputError(file, scan.headerLine, 0, (e as Error).message);
        }
    } else if (scan.entries.some((e) => !e.obsolete && e.plural !== undefined)) {
        notes.push(`no Plural-Forms header: plural entries get gettext's default of 2 forms (n != 1); add the header for ${lang}`);
    }
    const wrap = !scan.lines.some((l) => !l.text.startsWith("#") && l.text.length > 80);
    // Wesnoth-style context prefixes in msgids ("female^Warrior"): where the file's translations drop them, the model
    // is given the text without its prefix
    const caret = caretConvention(scan.entries, forms);
    if (caret) notes.push("msgids carry context prefixes (\"female^...\") that this file's translations leave out: the model translates the text after the prefix");
    const eol = detectEol(text);
    const units: LocalizeUnit[] = [];
    const plans = new Map<string, {entry: Entry; forms: number[]; template?: {entry: Entry; scan: Scan; after?: Entry}}>();
    const keyOf = (e: Entry) => `${e.ctx ?? ""}\u0004${e.id}`;
    let n = 0;
    for (const e of scan.entries) {
        if (e.obsolete || e.id === undefined || e.id === "") continue;
        const values = formValues(e, forms);
        const fuzzy = e.flags.has("fuzzy");
        let fill: number[];
        if (fuzzy) {
            if (!o.includeFuzzy) continue;
            fill = values.map((_, i) => i);
        } else fill = values.map((v, i) => v === "" ? i : -1).filter((i) => i >= 0);
        if (!fill.length) continue;
        const id = `po${n++}`;
        plans.set(id, {entry: e, forms: fill});
        units.push(makeUnit(id, e, fill, forms, fieldLine(e) + 1, fuzzy ? "fuzzy" : "empty", caret));
    }
    if (o.template) {
        const tscan = scanPo(o.template.file, o.template.text); // first: its lines are exact
        crossCheck(o.template.file, tscan, parseTable(o.template.file, o.template.text));
        const have = new Map(scan.entries.filter((e) => !e.obsolete && e.id !== undefined).map((e) => [keyOf(e), e]));
        let after: Entry | undefined = scan.entries.find((e) => !e.obsolete && e.id === "" && e.ctx === undefined);
        for (const te of tscan.entries) {
            if (te.obsolete || te.id === undefined || te.id === "") continue;
            const mine = have.get(keyOf(te));
            if (mine) { after = mine; continue; }
            const id = `po${n++}`;
            const fill = te.plural !== undefined ? [...Array(forms.nplurals).keys()] : [0];
            plans.set(id, {entry: te, forms: fill, template: {entry: te, scan: tscan, after}});
            units.push(makeUnit(id, te, fill, forms, after ? after.last + 2 : 1, "missing", caret));
        }
    }

    const memory: NewSegment[] = parsePo(text).segments.map((s) => ({source: caret ? stripCaret(s.source) : s.source, target: s.target, origin: {kind: "file", file, line: s.line}, ...(s.key ? {key: s.key} : {})}));
    // a fuzzy entry's previous msgid (#| msgid) and its translation: an earlier source and its real translation
    for (const e of scan.entries) {
        const first = formValues(e, forms)[0];
        if (!e.obsolete && e.flags.has("fuzzy") && e.previousId && first) memory.push({source: e.previousId, target: first, origin: {kind: "file", file, line: e.first + 1}});
    }
    if (headers.Language && lang && normalizeTag(headers.Language) !== normalizeTag(lang)) notes.push(`the file's Language header says "${headers.Language}", translating into ${lang}`);

    const doc: LocalizeDocument = {
        format: "po", file, srcLang: o.srcLang ?? "en", lang, units, memory, notes, original: text,
        apply(done) {
            const edits: TextEdit[] = [];
            const written: string[] = [];
            for (const u of units) {
                const texts = done.get(u.id);
                if (!texts) continue;
                const plan = plans.get(u.id)!;
                const values = new Map(plan.forms.map((f, i) => [f, texts[i]]));
                if (plan.template) edits.push(insertTemplateEntry(text, scan, plan.template, values, forms, eol, wrap));
                else edits.push(...fillEntry(scan, plan.entry, values, eol, wrap));
                written.push(u.id);
            }
            const r = applyEdits(text, edits);
            return {text: r.text, edits: r.edits, written} satisfies ApplyResult;
        },
        validate(t) {
            const s = scanPo(file, t);
            crossCheck(file, s, parseTable(file, t));
        },
    };
    return doc;
}

function normalizeTag(t: string): string {
    return t.toLowerCase().replace(/_/g, "-").split("-")[0];
}

function parseTable(file: string, text: string): GetTextTranslations {
    try {
        return po.parse(text);
    } catch (e) {
        const err = e as Error & {lineNumber?: number};
        const m = /line (\d+)/.exec(err.message);
        throw new LocalizeInputError(file, err.lineNumber ?? (m ? Number(m[1]) : 0), 0, `not a valid .po file: ${err.message.replace(/^Error parsing PO data: /, "")}`);
    }
}

/** The translation of each form (plural entries: nplurals forms; others: one), "" where missing. */
function formValues(e: Entry, forms: PluralForms): string[] {
    const strs = new Map(e.fields.filter((f) => f.name === "msgstr").map((f) => [f.index, f.value]));
    const n = e.plural !== undefined ? forms.nplurals : 1;
    return [...Array(n).keys()].map((i) => strs.get(i) ?? "");
}

function fieldLine(e: Entry): number {
    return e.fields.find((f) => f.name === "msgid")?.first ?? e.first;
}

function makeUnit(id: string, e: Entry, fill: number[], forms: PluralForms, line: number, reason: LocalizeUnit["reason"], caret = false): LocalizeUnit {
    const items: TextItem[] = fill.map((form, i) => pluralItem(`${id}#${i}`, id, e, form, forms)).map((it) => caret ? {...it, source: stripCaret(it.source)} : it);
    const key = `${e.ctx !== undefined ? `${e.ctx} | ` : ""}${e.id}`;
    return {
        id, key, line, reason, source: e.plural !== undefined ? `${e.id} | ${e.plural}` : e.id!, items,
        render: (texts) => texts.length === 1 && e.plural === undefined ? texts[0] : texts.map((t, i) => `msgstr[${fill[i]}] ${t}`).join("\n"),
    };
}

/** The text the model translates for one form of an entry (module comment: plural entries). */
function pluralItem(id: string, unitId: string, e: Entry, form: number, forms: PluralForms): TextItem {
    if (e.plural === undefined) return {id, unitId, source: e.id!};
    const base = forms.nplurals > 1 && forms.plural(1) === form ? e.id! : e.plural;
    const count = countPlaceholder(base);
    if (!count) return {id, unitId, source: base};
    const avoid = new Set(base.match(/\d+/g) ?? []);
    const n = sampleNumber((x) => forms.plural(x) === form && (base === e.id || x !== 1), avoid);
    if (n === undefined) return {id, unitId, source: base};
    const occurrences = base.split(count.text).length - 1;
    return {id, unitId, source: base.split(count.text).join(String(n)), keep: Array(occurrences).fill(String(n)), restore: {from: String(n), to: count.text}};
}

const CARET = /^(?:[A-Za-z0-9_+-]{1,40}|[a-z0-9_+]+(?: [a-z0-9_+]+){1,3})\^(?=\S)/;

function stripCaret(s: string): string {
    return s.replace(CARET, "");
}

/** Whether msgids carry "context^" prefixes that the translations drop (at least one such entry, none keeping it). */
function caretConvention(entries: Entry[], forms: PluralForms): boolean {
    let dropped = 0;
    for (const e of entries) {
        if (e.obsolete || !e.id) continue;
        const m = CARET.exec(e.id);
        const t = formValues(e, forms)[0];
        if (!m || !t) continue;
        if (t.startsWith(m[0])) return false;
        dropped++;
    }
    return dropped > 0;
}

/** The count's placeholder: the one integer printf directive, else the only placeholder of the text. */
export function countPlaceholder(text: string): Placeholder | undefined {
    const all = extractPlaceholders(text).filter((p) => p.text !== "%%");
    const ints = all.filter((p) => (p.kind === "printf" && /[diu]$/.test(p.text)) || (p.kind === "python" && /[di]$/.test(p.text)));
    const distinct = (list: Placeholder[]) => new Set(list.map((p) => p.text)).size;
    if (distinct(ints) === 1) return ints[0];
    if (distinct(all) === 1 && ["brace", "mustache", "qt", "printf", "python", "ruby", "template", "dollar"].includes(all[0].kind)) return all[0];
    return undefined;
}

// --- scanning -----------------------------------------------------------------------------------------------------

interface Scan {
    lines: Line[];
    entries: Entry[];
    headerLine: number;
}

function splitLines(text: string): Line[] {
    const lines: Line[] = [];
    let start = 0;
    while (start <= text.length) {
        let nl = text.indexOf("\n", start);
        if (nl < 0) nl = text.length;
        const end = nl > start && text[nl - 1] === "\r" ? nl - 1 : nl;
        let t = text.slice(start, end);
        if (start === 0 && t.charCodeAt(0) === 0xfeff) t = t.slice(1);
        lines.push({text: t, start: start === 0 && text.charCodeAt(0) === 0xfeff ? 1 : start, end});
        if (nl >= text.length) break;
        start = nl + 1;
    }
    return lines;
}

function scanPo(file: string, text: string): Scan {
    const lines = splitLines(text);
    const entries: Entry[] = [];
    let cur: Entry | undefined;
    let field: Field | undefined;
    let previous: {value: string; open: boolean} | undefined;
    const close = () => {
        if (cur) entries.push(finishEntry(cur));
        cur = undefined;
        field = undefined;
        previous = undefined;
    };
    const open = (i: number, obsolete = false): Entry => (cur = {first: i, last: i, obsolete, flagLines: [], flags: new Set(), flagsAt: -1, fields: []});
    const bad = (i: number, why: string) => new LocalizeInputError(file, i + 1, 0, `not a valid .po line (${why}): "${lines[i].text.slice(0, 60)}"`);
    for (let i = 0; i < lines.length; i++) {
        const t = lines[i].text;
        if (!t.trim()) { close(); continue; }
        if (t.startsWith("#~")) {
            if (cur && !cur.obsolete && cur.fields.length) close();
            if (!cur) open(i, true);
            cur!.obsolete = true;
            cur!.last = i;
            field = undefined;
            continue;
        }
        if (t.startsWith("#")) {
            if (cur && (cur.fields.length || cur.obsolete)) close();
            if (!cur) open(i);
            const c = cur!;
            c.last = i;
            field = undefined;
            if (t.startsWith("#,")) {
                c.flagLines.push(i);
                for (const f of t.slice(2).split(",")) if (f.trim()) c.flags.add(f.trim());
            } else if (t.startsWith("#|")) {
                if (c.flagsAt < 0) c.flagsAt = i;
                const m = /^#\|\s*(msgctxt|msgid_plural|msgid)\s+(".*")\s*$/.exec(t);
                const k = /^#\|\s*(".*")\s*$/.exec(t);
                if (m) {
                    previous = {value: m[1] === "msgid" ? cString(m[2]) : "", open: m[1] === "msgid"};
                    if (m[1] === "msgid") c.previousId = previous.value;
                } else if (k && previous?.open) {
                    previous.value += cString(k[1]);
                    c.previousId = previous.value;
                }
            }
            continue;
        }
        const kw = KEYWORD.exec(t);
        if (kw) {
            const name = (kw[1].startsWith("msgstr") ? "msgstr" : kw[1]) as Field["name"];
            if (cur && (cur.obsolete || ((name === "msgctxt" || name === "msgid") && cur.fields.some((f) => f.name === "msgstr" || (name === "msgid" && f.name === "msgid"))))) close();
            if (!cur) open(i);
            const c = cur!;
            if (c.flagsAt < 0) c.flagsAt = i;
            field = {name, index: kw[2] !== undefined ? Number(kw[2]) : 0, indexed: kw[2] !== undefined, first: i, last: i, value: cString(kw[3], () => bad(i, "bad escape"))};
            c.fields.push(field);
            c.last = i;
            previous = undefined;
            continue;
        }
        const cont = CONTINUATION.exec(t);
        if (cont && field && cur) {
            field.value += cString(cont[1], () => bad(i, "bad escape"));
            field.last = i;
            cur.last = i;
            continue;
        }
        throw bad(i, cont ? "a string outside an entry" : "not a comment, keyword or string");
    }
    close();
    const header = entries.find((e) => !e.obsolete && e.id === "" && e.ctx === undefined);
    return {lines, entries, headerLine: header ? header.first + 1 : 0};
}

function finishEntry(e: Entry): Entry {
    for (const f of e.fields) {
        if (f.name === "msgctxt") e.ctx = f.value;
        else if (f.name === "msgid") e.id = f.value;
        else if (f.name === "msgid_plural") e.plural = f.value;
    }
    if (e.flagsAt < 0) e.flagsAt = e.last + 1;
    return e;
}

/** Our scan and gettext-parser must see the same entries with the same strings. */
function crossCheck(file: string, scan: Scan, table: GetTextTranslations): void {
    const mine = new Map<string, Entry>();
    for (const e of scan.entries) {
        if (e.obsolete || e.id === undefined) {
            if (!e.obsolete && e.fields.length) throw new LocalizeInputError(file, e.first + 1, 0, "an entry without msgid");
            continue;
        }
        const k = `${e.ctx ?? ""}\u0004${e.id}`;
        if (mine.has(k)) throw new LocalizeInputError(file, e.first + 1, 0, `duplicate entry "${e.id.slice(0, 60)}"${e.ctx !== undefined ? ` (msgctxt "${e.ctx}")` : ""}: also at line ${mine.get(k)!.first + 1}`);
        mine.set(k, e);
        if (!e.fields.some((f) => f.name === "msgstr")) throw new LocalizeInputError(file, e.first + 1, 0, `entry "${e.id.slice(0, 60)}" has no msgstr`);
    }
    let theirs = 0;
    for (const [ctx, group] of Object.entries(table.translations ?? {})) {
        for (const [id, t] of Object.entries(group)) {
            theirs++;
            const e = mine.get(`${ctx}\u0004${id}`);
            const strs = e?.fields.filter((f) => f.name === "msgstr").map((f) => f.value) ?? [];
            if (!e || (e.plural ?? "") !== (t.msgid_plural ?? "") || strs.join("\u0000") !== (t.msgstr ?? []).join("\u0000")) {
                throw new LocalizeInputError(file, e ? e.first + 1 : 0, 0, `cannot edit this file safely: Polyspec reads entry "${id.slice(0, 60)}" differently from gettext (unusual layout?); reformat it with 'msgcat ${file} -o ${file}'`);
            }
        }
    }
    if (theirs !== mine.size) throw new LocalizeInputError(file, 0, 0, `cannot edit this file safely: gettext reads ${theirs} entries, Polyspec ${mine.size}; reformat it with 'msgcat'`);
}

// --- writing -------------------------------------------------------------------------------------------------------

function fillEntry(scan: Scan, e: Entry, values: Map<number, string>, eol: string, wrap: boolean): TextEdit[] {
    const edits: TextEdit[] = [];
    const {lines} = scan;
    if (!e.flags.has("fuzzy")) {
        if (e.flagLines.length) {
            const l = lines[e.flagLines[0]];
            const flags = l.text.slice(2).split(",").map((s) => s.trim()).filter(Boolean);
            edits.push({offset: l.start, length: l.end - l.start, text: `#, ${["fuzzy", ...flags].join(", ")}`});
        } else {
            edits.push({offset: lines[e.flagsAt].start, length: 0, text: `#, fuzzy${eol}`});
        }
    }
    const strs = e.fields.filter((f) => f.name === "msgstr");
    const plural = e.plural !== undefined;
    let lastStr = strs[strs.length - 1];
    const added: string[] = [];
    for (const [form, value] of [...values].sort((a, b) => a[0] - b[0])) {
        const f = strs.find((s) => s.index === form);
        const keyword = plural ? `msgstr[${form}]` : "msgstr";
        const text = poStringLines(keyword, value, wrap).join(eol);
        if (f) edits.push({offset: lines[f.first].start, length: lines[f.last].end - lines[f.first].start, text});
        else added.push(text);
    }
    if (added.length) {
        lastStr ??= e.fields[e.fields.length - 1];
        edits.push({offset: lines[lastStr.last].end, length: 0, text: added.map((t) => eol + t).join("")});
    }
    return edits;
}

function insertTemplateEntry(text: string, scan: Scan, t: {entry: Entry; scan: Scan; after?: Entry}, values: Map<number, string>, forms: PluralForms, eol: string, wrap: boolean): TextEdit {
    const te = t.entry, tl = t.scan.lines;
    const out: string[] = [];
    let flagged = false;
    const firstFlag = te.flagLines[0];
    for (let i = te.first; i <= te.last; i++) {
        if (te.fields.some((f) => f.name === "msgstr" && f.first <= i && i <= f.last)) continue;
        if (!flagged && i === te.flagsAt && (firstFlag === undefined || firstFlag > i)) { out.push("#, fuzzy"); flagged = true; }
        if (!flagged && i === firstFlag) {
            const flags = tl[i].text.slice(2).split(",").map((x) => x.trim()).filter((x) => x && x !== "fuzzy");
            out.push(`#, ${["fuzzy", ...flags].join(", ")}`);
            flagged = true;
            continue;
        }
        out.push(tl[i].text);
    }
    const plural = te.plural !== undefined;
    const n = plural ? forms.nplurals : 1;
    for (let i = 0; i < n; i++) out.push(...poStringLines(plural ? `msgstr[${i}]` : "msgstr", values.get(i) ?? "", wrap));
    const block = out.join(eol);
    const after = t.after ?? scan.entries.filter((e) => !e.obsolete).at(-1);
    if (!after) return {offset: text.length, length: 0, text: (text.length && !text.endsWith("\n") ? eol : "") + block + eol};
    const last = scan.lines[after.last];
    // after the preceding entry's last line: a blank line, then the entry (the blank line that followed stays after it)
    return {offset: last.end, length: 0, text: eol + eol + block};
}

/** A keyword and its string as msgcat writes them (escaped; wrapped at 79 columns after "\n" and at spaces). */
export function poStringLines(keyword: string, value: string, wrap = true, width = 79): string[] {
    const one = `${keyword} "${escapePo(value)}"`;
    const inner = value.indexOf("\n");
    if ((inner < 0 || inner === value.length - 1) && (!wrap || one.length <= width)) return [one];
    const out = [`${keyword} ""`];
    for (const piece of value.split(/(?<=\n)/)) {
        let rest = escapePo(piece);
        if (wrap) {
            while (rest.length > width - 2) {
                let cut = rest.lastIndexOf(" ", width - 3);
                if (cut < 0) cut = rest.indexOf(" ", width - 2);
                if (cut < 0 || cut === rest.length - 1) break;
                out.push(`"${rest.slice(0, cut + 1)}"`);
                rest = rest.slice(cut + 1);
            }
        }
        if (rest) out.push(`"${rest}"`);
    }
    return out;
}

const ESCAPES: Record<string, string> = {"\\": "\\\\", "\"": "\\\"", "\n": "\\n", "\t": "\\t", "\r": "\\r", "\x07": "\\a", "\b": "\\b", "\f": "\\f", "\v": "\\v"};

export function escapePo(s: string): string {
    return s.replace(/[\\"\n\t\r\x07\b\f\v]|[\x00-\x1f]/g, (c) => ESCAPES[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, "0")}`);
}

const UNESCAPES: Record<string, string> = {n: "\n", t: "\t", r: "\r", a: "\x07", b: "\b", f: "\f", v: "\v", "\\": "\\", "\"": "\"", "'": "'", "?": "?"};

/** A C string literal (with its quotes) -> its value. */
function cString(q: string, bad?: () => Error): string {
    const body = q.slice(1, -1);
    if (/(^|[^\\])(\\\\)*"/.test(body) && bad) throw bad();
    return body.replace(/\\(x[0-9a-fA-F]{1,2}|[0-7]{1,3}|.)/g, (_, e: string) =>
        e[0] === "x" ? String.fromCharCode(parseInt(e.slice(1), 16)) : /^[0-7]/.test(e) ? String.fromCharCode(parseInt(e, 8)) : UNESCAPES[e] ?? e);
}
