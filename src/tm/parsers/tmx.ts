/**
 * TMX (1.1 - 1.4b) -> memory segments (streamed through saxes; see xml.ts for inline codes).
 *
 * <tmx><header srclang> <body> <tu tuid> <note> <prop> <tuv xml:lang (lang in TMX 1.1)> <seg> ... </seg></tuv> ...
 * A <tu> holds any number of languages: the segment is its variant in the pair's source language and its variant in
 * the target language (language tags match by primary subtag: en-US = en; the first variant of a language wins).
 * Units without both are skipped. Inline codes (<bpt>, <ept>, <ph>, <it>, <hi>, <ut>) stay as tags.
 */
import type {SaxesTagPlain} from "saxes";
import {langMatches, type LanguagePair, type ParsedSegment} from "../segment";
import {ParseError} from "./result";
import {XmlSegmentParser, attr} from "./xml";

export interface TmxOptions {
    pair: LanguagePair;
}

interface Tu {
    id?: string;
    line: number;
    notes: string[];
    src?: string;
    tgt?: string;
    langs: Set<string>;
}

export class TmxParser extends XmlSegmentParser {
    private root = false;
    private tu?: Tu;
    private tuvLang?: string;
    private into?: "seg" | "note";
    private missing = 0;
    private readonly langsSeen = new Set<string>();

    constructor(private readonly o: TmxOptions) { super(); }

    protected open(t: SaxesTagPlain, line: number): void {
        if (!this.root) {
            if (t.name !== "tmx") throw new ParseError(`not a TMX file (the root element is <${t.name}>)`, line);
            this.root = true;
            return;
        }
        if (t.name === "header") { this.result.sourceLanguage = attr(t, "srclang"); return; }
        if (t.name === "tu") { this.tu = {id: attr(t, "tuid"), line, notes: [], langs: new Set()}; return; }
        if (!this.tu) return;
        if (t.name === "tuv") { this.tuvLang = attr(t, "xml:lang") ?? attr(t, "lang"); if (this.tuvLang) { this.tu.langs.add(this.tuvLang); this.langsSeen.add(this.tuvLang); } return; }
        if (t.name === "seg" && this.tuvLang) { this.into = "seg"; this.startCapture(); return; }
        if (t.name === "note" && !this.tuvLang) { this.into = "note"; this.startCapture(); }
    }

    protected close(t: SaxesTagPlain): void {
        if (this.into && t.name === this.into && this.tu) {
            const text = this.endCapture();
            if (this.into === "note") { if (text.trim()) this.tu.notes.push(text.trim()); }
            else if (langMatches(this.tuvLang, this.o.pair.src)) this.tu.src ??= text;
            else if (langMatches(this.tuvLang, this.o.pair.tgt)) this.tu.tgt ??= text;
            this.into = undefined;
            return;
        }
        if (t.name === "tuv") { this.tuvLang = undefined; return; }
        if (t.name === "tu" && this.tu) {
            const u = this.tu;
            this.tu = undefined;
            if (!u.src?.trim() || !u.tgt?.trim()) { if (u.src?.trim()) this.result.skipped.untranslated++; else this.missing++; return; }
            const seg: ParsedSegment = {source: u.src, target: u.tgt, line: u.line};
            if (u.id) seg.key = u.id;
            if (u.notes.length) seg.note = u.notes.join("\n");
            this.result.segments.push(seg);
        }
    }

    protected finish(): void {
        if (!this.root) throw new ParseError("not a TMX file (no <tmx> element)", 1);
        this.result.language = [...this.langsSeen].find((l) => langMatches(l, this.o.pair.tgt));
        if (this.missing) {
            this.result.skipped.other += this.missing;
            this.result.notes.push(`${this.missing} unit(s) without ${this.o.pair.src}; languages in the file: ${[...this.langsSeen].slice(0, 12).join(", ") || "none"}`);
        }
    }
}

export function parseTmx(text: string, o: TmxOptions): ReturnType<TmxParser["end"]> {
    const p = new TmxParser(o);
    p.write(text);
    return p.end();
}
