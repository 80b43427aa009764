/**
 * XLIFF 1.2 and 2.0 for the localization job: source and target in one file.
 *
 * Reading: saxes (strict, streaming, no DTD or external entity ever loaded), with the offsets of every unit's
 * <source>, <target> and (2.0) <segment> start tag, so that edits touch nothing else. The text the model sees is the
 * source's content with character data decoded and inline codes as their XML, verbatim (`Click <g id="1">here</g>`,
 * `<x id="2"/>`, `<ph id="1" disp="{name}"/>`); code elements that hold native code (1.2 <bpt> <ept> <ph> <it> <ut>,
 * 2.0 <ph> <sc> <ec> <cp> <sm> <em>) are one placeholder each, content included. They are placeholders: kept verbatim or
 * the entry is flagged. The output's text between them is escaped again (&, <, >), its line breaks are the file's.
 *
 * Filled:
 * - 1.2 <trans-unit> (translate not "no") without <target>, with an empty one, or with state "new" or
 *   "needs-translation" (tools that copy the source into the target mark it so); with includeFuzzy also
 *   "needs-review-translation" / "-adaptation" / "-l10n";
 * - 2.0 <segment> without <target> or with an empty one; with includeFuzzy also state "initial" with a target (a draft).
 * A 1.2 <file> whose target-language is another language is left alone (noted).
 *
 * Marked: 1.2 <target state="needs-review-translation" state-qualifier="mt-suggestion"> (the standard's values for a
 * machine translation suggestion that needs review); 2.0 <segment state="translated" subState="polyspec:mt"> (2.0 has
 * no review state; subState says it is Polyspec's machine translation, to be reviewed). A new <target> goes right
 * after </source> (1.2: after <seg-source> if there is one) with the whitespace that precedes <source>.
 */
import {SaxesParser, type SaxesTagPlain} from "saxes";
import {parseXliff} from "../../tm/parsers/xliff";
import {langMatches} from "../../tm/segment";
import type {NewSegment} from "../../tm/memory";
import {applyEdits, detectEol, LocalizeInputError, type DocumentOptions, type LocalizeDocument, type LocalizeUnit, type TextEdit} from "../document";
import {icuPlan} from "../icu";

type Part = {text: string} | {tag: string};

interface Span {
    /** Qualified element name as written (with a prefix, if any). */
    name: string;
    start: number;
    startTagEnd: number;
    endTagStart: number;
    end: number;
    selfClosing: boolean;
    attrs: Record<string, string>;
    parts: Part[];
    line: number;
}

interface XUnit {
    id: string;
    line: number;
    translate: boolean;
    /** 1.2: the <file>'s target-language. */
    fileLang?: string;
    source?: Span;
    segSource?: Span;
    target?: Span;
    /** 2.0: the <segment> element (its start tag is edited). */
    segment?: Span;
}

const CODE_12 = new Set(["bpt", "ept", "ph", "it", "ut", "x", "bx", "ex"]);
const CODE_20 = new Set(["ph", "sc", "ec", "cp", "sm", "em"]);
const TODO_12 = new Set(["new", "needs-translation"]);
const FUZZY_12 = new Set(["needs-review-translation", "needs-review-adaptation", "needs-review-l10n"]);

export interface XliffScan {
    version: "1.2" | "2.0";
    units: XUnit[];
    srcLang?: string;
    tgtLang?: string;
}

export function openXliff(file: string, text: string, lang: string, o: DocumentOptions & {srcLang?: string} = {}): LocalizeDocument {
    const scan = scanXliff(file, text);
    const eol = detectEol(text);
    const notes: string[] = [];
    const units: LocalizeUnit[] = [];
    const plans = new Map<string, {u: XUnit; assemble: (t: readonly string[]) => string}>();
    if (scan.tgtLang && !langMatches(scan.tgtLang, lang)) notes.push(`the file says its target language is ${scan.tgtLang}, translating into ${lang}`);
    const otherFiles = new Set<string>();
    let n = 0;
    for (const u of scan.units) {
        if (!u.translate || !u.source) continue;
        const model = modelText(u.source.parts);
        if (!/[\p{L}\p{N}]/u.test(model.replace(/<[^<>]*>/g, ""))) continue;
        if (scan.version === "1.2" && u.fileLang && !langMatches(u.fileLang, lang)) { otherFiles.add(u.fileLang); continue; }
        const t = u.target;
        const state = scan.version === "1.2" ? t?.attrs.state : u.segment?.attrs.state;
        const empty = !t || !modelText(t.parts).trim();
        let reason: LocalizeUnit["reason"] | undefined;
        if (!t) reason = "missing";
        else if (empty) reason = "empty";
        else if (scan.version === "1.2" && state && TODO_12.has(state)) reason = "state";
        else if (o.includeFuzzy && ((scan.version === "1.2" && state && FUZZY_12.has(state)) || (scan.version === "2.0" && state === "initial"))) reason = "fuzzy";
        if (!reason) continue;
        const id = `xlf${n++}`;
        const plan = icuPlan(model, lang, o.srcLang ?? "en");
        const texts = plan ? plan.texts : [{source: model}];
        const assemble = plan ? (x: readonly string[]) => plan.assemble(x) : (x: readonly string[]) => x[0];
        plans.set(id, {u, assemble});
        units.push({
            id, key: u.id, line: u.line, reason, source: model,
            items: texts.map((x, i) => ({id: `${id}#${i}`, unitId: id, source: x.source, ...(x.keep ? {keep: x.keep} : {}), ...(x.restore ? {restore: x.restore} : {})})),
            render: assemble,
            ...(plan ? {check: (x: readonly string[]) => plan.check(plan.assemble(x))} : {}),
        });
    }
    if (otherFiles.size) notes.push(`<file> sections in ${[...otherFiles].join(", ")} left alone (not ${lang})`);
    const memory: NewSegment[] = [];
    try {
        for (const s of parseXliff(text).segments) memory.push({source: s.source, target: s.target, origin: {kind: "file", file, line: s.line}, ...(s.key ? {key: s.key} : {})});
    } catch { /* the scan above accepted the file; the memory is a bonus */ }

    return {
        format: "xliff", file, srcLang: o.srcLang ?? scan.srcLang ?? "en", lang, units, memory, notes, original: text,
        apply(done) {
            const edits: TextEdit[] = [];
            const written: string[] = [];
            for (const unit of units) {
                const texts = done.get(unit.id);
                if (!texts) continue;
                const {u, assemble} = plans.get(unit.id)!;
                edits.push(...fill(text, scan.version, u, toXml(assemble(texts), u.source!.parts, eol)));
                written.push(unit.id);
            }
            const r = applyEdits(text, edits);
            return {text: r.text, edits: r.edits, written};
        },
        validate(t) {
            scanXliff(file, t);
        },
    };
}

/** The model's view of a source or target: decoded text with inline codes as their XML. */
function modelText(parts: Part[]): string {
    return parts.map((p) => "text" in p ? p.text : p.tag).join("");
}

/** The output as XML content: the source's inline codes verbatim, the rest escaped. */
export function toXml(output: string, sourceParts: Part[], eol: string): string {
    const tags = [...new Set(sourceParts.filter((p): p is {tag: string} => "tag" in p).map((p) => p.tag))].sort((a, b) => b.length - a.length);
    let out = "", i = 0, text = "";
    const flush = () => { out += text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/\r?\n/g, eol); text = ""; };
    while (i < output.length) {
        const tag = output[i] === "<" ? tags.find((t) => output.startsWith(t, i)) : undefined;
        if (tag) { flush(); out += tag; i += tag.length; continue; }
        text += output[i++];
    }
    flush();
    return out;
}

function fill(text: string, version: "1.2" | "2.0", u: XUnit, content: string): TextEdit[] {
    const edits: TextEdit[] = [];
    const src = u.source!;
    const prefix = src.name.includes(":") ? src.name.slice(0, src.name.indexOf(":") + 1) : "";
    const mark: Record<string, string> = version === "1.2" ? {state: "needs-review-translation", "state-qualifier": "mt-suggestion"} : {};
    if (version === "2.0" && u.segment) {
        const seg = u.segment;
        const tag = text.slice(seg.start, seg.startTagEnd);
        edits.push({offset: seg.start, length: tag.length, text: setAttrs(tag, {state: "translated", subState: "polyspec:mt"})});
    }
    const t = u.target;
    if (t) {
        const startTag = setAttrs(text.slice(t.start, t.startTagEnd), mark).replace(/\s*\/>$/, ">");
        edits.push({offset: t.start, length: t.end - t.start, text: `${startTag}${content}</${t.name}>`});
        return edits;
    }
    const after = version === "1.2" && u.segSource && u.segSource.start > src.start ? u.segSource : src;
    // the line break and indentation before <source>, if it starts a line (else the target follows inline)
    const ws = /[ \t]*\r?\n[ \t]*$/.exec(text.slice(0, src.start))?.[0] ?? "";
    const attrs = Object.entries(mark).map(([k, v]) => ` ${k}="${v}"`).join("");
    edits.push({offset: after.end, length: 0, text: `${ws}<${prefix}target${attrs}>${content}</${prefix}target>`});
    return edits;
}

/** A start tag with attributes set (replaced where present, added before the end otherwise). */
export function setAttrs(tag: string, attrs: Record<string, string>): string {
    let out = tag;
    for (const [k, v] of Object.entries(attrs)) {
        const re = new RegExp(`(\\s${k.replace(/[.:-]/g, "\\$&")}\\s*=\\s*)(["'])[^"']*\\2`);
        if (re.test(out)) out = out.replace(re, `$1$2${v}$2`);
        else out = out.replace(/(\s*\/?>)$/, ` ${k}="${v}"$1`);
    }
    return out;
}

// --- scanning -----------------------------------------------------------------------------------------------------

export function scanXliff(file: string, text: string): XliffScan {
    const p = new SaxesParser<{xmlns: false; position: true}>({xmlns: false, position: true});
    let error: LocalizeInputError | undefined;
    let version: "1.2" | "2.0" | undefined;
    let srcLang: string | undefined, tgtLang: string | undefined, fileLang: string | undefined;
    const units: XUnit[] = [];
    let unit: XUnit | undefined;
    let segment: Span | undefined;
    /** The <source>/<target> being read, and the depth of inline elements inside it. */
    let into: {span: Span; which: "source" | "target" | "segSource"} | undefined;
    let inline: {name: string; atomic: boolean; start: number}[] = [];
    /** Inside <alt-trans>, <ignorable>, <notes>, <originalData>: not the unit's own text. */
    let ignore = 0;
    const local = (n: string) => n.slice(n.indexOf(":") + 1);
    const span = (t: SaxesTagPlain, end: number): Span => {
        const start = text.lastIndexOf(`<${t.name}`, end - 1);
        return {name: t.name, start, startTagEnd: end, endTagStart: end, end, selfClosing: t.isSelfClosing, attrs: {...t.attributes} as Record<string, string>, parts: [], line: p.line};
    };
    p.on("opentag", (t) => {
        if (error) return;
        const name = local(t.name), end = p.position;
        if (!version) {
            if (name !== "xliff") { error = new LocalizeInputError(file, p.line, 0, `not an XLIFF file (the root element is <${t.name}>)`); return; }
            const v = String(t.attributes.version ?? "");
            version = /^1\./.test(v) ? "1.2" : /^2\./.test(v) ? "2.0" : undefined;
            if (!version) { error = new LocalizeInputError(file, p.line, 0, `XLIFF version "${v}" is not supported (1.2 and 2.x are)`); return; }
            if (version === "2.0") { srcLang = t.attributes.srcLang as string; tgtLang = t.attributes.trgLang as string; }
            return;
        }
        if (into) {
            const codes = version === "1.2" ? CODE_12 : CODE_20;
            const start = text.lastIndexOf(`<${t.name}`, end - 1);
            if (inline.some((x) => x.atomic)) { if (!t.isSelfClosing) inline.push({name, atomic: true, start}); return; }
            if (codes.has(name)) {
                if (t.isSelfClosing) { into.span.parts.push({tag: text.slice(start, end)}); return; }
                inline.push({name, atomic: true, start});
                return;
            }
            into.span.parts.push({tag: text.slice(start, end)});
            if (!t.isSelfClosing) inline.push({name, atomic: false, start});
            return;
        }
        if (ignore || name === "alt-trans" || name === "ignorable" || name === "notes" || name === "originalData" || name === "note") { if (!t.isSelfClosing) ignore++; return; }
        if (name === "file" && version === "1.2") {
            fileLang = t.attributes["target-language"] as string | undefined;
            srcLang ??= t.attributes["source-language"] as string | undefined;
            tgtLang ??= fileLang;
            return;
        }
        if ((name === "trans-unit" && version === "1.2") || (name === "unit" && version === "2.0")) {
            unit = {id: String(t.attributes.id ?? ""), line: p.line, translate: t.attributes.translate !== "no", fileLang};
            if (version === "2.0") unit.translate = t.attributes.translate !== "no";
            return;
        }
        if (!unit) return;
        if (name === "segment" && version === "2.0") {
            segment = span(t, end);
            return;
        }
        if (name === "source" || name === "target" || name === "seg-source") {
            if (version === "2.0" && !segment) return;
            const s = span(t, end);
            const which = name === "seg-source" ? "segSource" : name;
            if (t.isSelfClosing) { assign(which, s); return; }
            into = {span: s, which};
            inline = [];
        }
    });
    p.on("closetag", (t) => {
        if (error) return;
        const name = local(t.name), end = p.position;
        if (into) {
            if (t.isSelfClosing) return;
            if (inline.length) {
                const top = inline.pop()!;
                if (top.atomic) { if (!inline.some((x) => x.atomic)) into.span.parts.push({tag: text.slice(top.start, end)}); return; }
                into.span.parts.push({tag: text.slice(text.lastIndexOf(`</${t.name}`, end - 1), end)});
                return;
            }
            into.span.endTagStart = text.lastIndexOf(`</${t.name}`, end - 1);
            into.span.end = end;
            assign(into.which, into.span);
            into = undefined;
            return;
        }
        if (ignore) { if (!t.isSelfClosing) ignore--; return; }
        if (name === "segment" && version === "2.0" && unit && segment) {
            segment.end = end;
            units.push({...unit, id: unit.id + (segment.attrs.id ? `/${segment.attrs.id}` : ""), line: segment.line, segment, source: current.source, target: current.target});
            current = {};
            segment = undefined;
            return;
        }
        if (name === "trans-unit" && version === "1.2" && unit) {
            units.push({...unit, ...current});
            current = {};
            unit = undefined;
        }
        if (name === "unit" && version === "2.0") unit = undefined;
        if (name === "file" && version === "1.2") fileLang = undefined;
    });
    let current: {source?: Span; target?: Span; segSource?: Span} = {};
    const assign = (which: "source" | "target" | "segSource", s: Span) => { current[which] ??= s; };
    const onText = (s: string) => {
        if (!into || inline.some((x) => x.atomic)) return;
        into.span.parts.push({text: s});
    };
    p.on("text", onText);
    p.on("cdata", onText);
    p.on("error", (e) => {
        if (error) return;
        const m = /^(?:[^:]*:)?(\d+):(\d+): (.*)$/s.exec(e.message);
        error = new LocalizeInputError(file, m ? Number(m[1]) : p.line, m ? Number(m[2]) : p.column, `not well-formed XML: ${m ? m[3] : e.message}`);
    });
    try {
        p.write(text).close();
    } catch (e) {
        if (!error) throw e;
    }
    if (error) throw error;
    if (!version) throw new LocalizeInputError(file, 1, 0, "not an XLIFF file (no <xliff> element)");
    return {version, units, srcLang, tgtLang};
}
