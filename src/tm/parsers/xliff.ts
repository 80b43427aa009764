/**
 * XLIFF 1.2 and 2.0 -> memory segments (streamed through saxes; see xml.ts for inline codes).
 *
 * XLIFF 1.2: <file source-language target-language> ... <trans-unit id translate> <source> <target state> <note>.
 *   Taken: units with a non-empty target whose state is absent, "translated", "signed-off" or "final";
 *   fuzzy: "needs-review-translation", "needs-review-adaptation", "needs-review-l10n" (skipped unless includeFuzzy);
 *   untranslated: "new", "needs-translation", "needs-adaptation", "needs-l10n", or no/empty target.
 *   <alt-trans> (earlier or machine suggestions) and <seg-source> are ignored; translate="no" units are skipped.
 * XLIFF 2.0: <xliff srcLang trgLang> <file> <unit id translate> <notes><note> <segment id state> <source> <target>.
 *   One memory segment per <segment>; state "translated", "reviewed", "final" or absent (with a target) are taken,
 *   "initial" counts as fuzzy (a target in its initial state is a draft); <ignorable> is skipped.
 * A <file> (1.2) or document (2.0) whose languages are not the expected pair is skipped with a note.
 */
import type {SaxesTagPlain} from "saxes";
import {langMatches, type LanguagePair, type ParsedSegment} from "../segment";
import {ParseError} from "./result";
import {XmlSegmentParser, attr} from "./xml";

export interface XliffOptions {
    /** The memory's pair: files declaring other languages are skipped (undefined: take any). */
    pair?: LanguagePair;
    includeFuzzy?: boolean;
}

const TAKEN_12 = new Set(["translated", "signed-off", "final"]);
const FUZZY_12 = new Set(["needs-review-translation", "needs-review-adaptation", "needs-review-l10n"]);
const TAKEN_20 = new Set(["translated", "reviewed", "final"]);

interface Unit {
    id?: string;
    line: number;
    translate: boolean;
    notes: string[];
    /** 2.0: segments of the unit; 1.2: one entry. */
    segs: {source?: string; target?: string; state?: string; id?: string; line: number}[];
}

export class XliffParser extends XmlSegmentParser {
    private version?: "1.2" | "2.0";
    private skipFile = false;
    private unit?: Unit;
    /** Inside <alt-trans>, <seg-source> or <ignorable>: not the unit's own text. */
    private ignoreDepth = 0;
    private into?: "source" | "target" | "note";
    private skippedFiles = 0;

    constructor(private readonly o: XliffOptions = {}) { super(); }

    protected open(t: SaxesTagPlain, line: number): void {
        const name = localName(t.name);
        if (!this.version) {
            if (name !== "xliff") throw this.fatal(`not an XLIFF file (the root element is <${t.name}>)`, line);
            const v = attr(t, "version") ?? "";
            if (/^1\./.test(v)) this.version = "1.2";
            else if (/^2\./.test(v)) this.version = "2.0";
            else throw this.fatal(`XLIFF version "${v}" is not supported (1.2 and 2.x are)`, line);
            if (this.version === "2.0") this.checkLanguages(attr(t, "srcLang"), attr(t, "trgLang"));
            return;
        }
        if (this.skipFile) return;
        if (this.ignoreDepth > 0 || name === "alt-trans" || name === "seg-source" || name === "ignorable") { this.ignoreDepth++; return; }
        if (name === "file" && this.version === "1.2") { this.checkLanguages(attr(t, "source-language"), attr(t, "target-language")); return; }
        if ((name === "trans-unit" && this.version === "1.2") || (name === "unit" && this.version === "2.0")) {
            this.unit = {id: attr(t, "id"), line, translate: attr(t, "translate") !== "no", notes: [], segs: []};
            if (this.version === "1.2") this.unit.segs.push({line});
            return;
        }
        if (!this.unit) return;
        if (name === "segment" && this.version === "2.0") { this.unit.segs.push({line, state: attr(t, "state"), id: attr(t, "id")}); return; }
        if (name === "source" || name === "target" || name === "note") {
            if (name !== "note" && this.unit.segs.length === 0) return; // 2.0: source outside a segment is invalid; ignore
            this.into = name;
            if (name === "target" && this.version === "1.2") this.unit.segs[0].state = attr(t, "state");
            this.startCapture();
        }
    }

    protected close(t: SaxesTagPlain): void {
        const name = localName(t.name);
        if (this.skipFile) {
            if (name === "file" && this.version === "1.2") this.skipFile = false;
            return;
        }
        if (this.ignoreDepth > 0) { this.ignoreDepth--; return; }
        if (this.into && name === this.into && this.unit) {
            const text = this.endCapture();
            const seg = this.unit.segs[this.unit.segs.length - 1];
            if (this.into === "note") { if (text.trim()) this.unit.notes.push(text.trim()); }
            else if (seg) seg[this.into] = text;
            this.into = undefined;
            return;
        }
        if ((name === "trans-unit" && this.version === "1.2") || (name === "unit" && this.version === "2.0")) {
            if (this.unit) this.emit(this.unit);
            this.unit = undefined;
        }
    }

    protected finish(): void {
        if (!this.version) throw new ParseError("not an XLIFF file (no <xliff> element)", 1);
        if (this.skippedFiles) this.result.notes.push(`${this.skippedFiles} ${this.version === "1.2" ? "<file> section(s)" : "document"} in another language pair skipped`);
    }

    private emit(u: Unit): void {
        for (const s of u.segs) {
            if (!u.translate) { this.result.skipped.other++; continue; }
            if (!s.source?.trim()) continue;
            if (!s.target?.trim()) { this.result.skipped.untranslated++; continue; }
            const state = s.state;
            let ok: boolean, fuzzy = false;
            if (this.version === "1.2") { ok = !state || TAKEN_12.has(state); fuzzy = !!state && FUZZY_12.has(state); }
            else { ok = !state || TAKEN_20.has(state); fuzzy = state === "initial"; }
            if (!ok && !(fuzzy && this.o.includeFuzzy)) {
                if (fuzzy) this.result.skipped.fuzzy++; else this.result.skipped.untranslated++;
                continue;
            }
            const key = u.id !== undefined ? (u.segs.length > 1 && s.id ? `${u.id}/${s.id}` : u.id) : undefined;
            const seg: ParsedSegment = {source: s.source, target: s.target, line: s.line};
            if (key) seg.key = key;
            if (u.notes.length) seg.note = u.notes.join("\n");
            this.result.segments.push(seg);
        }
    }

    private checkLanguages(src: string | undefined, tgt: string | undefined): void {
        this.result.sourceLanguage ??= src;
        this.result.language ??= tgt;
        const p = this.o.pair;
        if (!p) return;
        if ((src && !langMatches(src, p.src)) || (tgt && !langMatches(tgt, p.tgt))) {
            this.skipFile = true; // 1.2: until </file>; 2.0: the whole document
            this.skippedFiles++;
            this.result.notes.push(`line ${this.parser.line}: ${src ?? "?"} -> ${tgt ?? "?"} is not ${p.src} -> ${p.tgt}`);
        }
    }

    private fatal(message: string, line: number): ParseError {
        return new ParseError(message, line);
    }
}

/** Parses a whole XLIFF document (1.2 or 2.x). */
export function parseXliff(text: string, o: XliffOptions = {}): ReturnType<XliffParser["end"]> {
    const p = new XliffParser(o);
    p.write(text);
    return p.end();
}

function localName(name: string): string {
    const i = name.indexOf(":");
    return i < 0 ? name : name.slice(i + 1);
}
