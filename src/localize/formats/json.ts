/**
 * Key-aligned i18n JSON pairs (en.json / de.json, locales/<lang>/*.json) for the localization job.
 *
 * Reading: both files parsed strictly (jsonc-parser's tree with offsets, comments and trailing commas refused, and
 * JSON.parse), a {"en": {...}} / {"de": {...}} language wrapper unwrapped. Every string of the source (nested keys,
 * arrays) whose key the target lacks or holds as an empty string is an entry to fill; a target that holds something
 * else there (a number, an object where the source has a string) is left alone and named in the notes.
 *
 * Writing, in the original text's offsets so that everything else stays byte for byte:
 * - an empty string is replaced in place;
 * - a missing key is inserted in the SOURCE's order: after the nearest key before it in the source that the target
 *   has (else before the first member, else into the empty object); a missing nested object is inserted whole, with
 *   the translated strings the job finished (the rest follows on the next run); a missing array is inserted whole
 *   once all its strings are translated; new items are appended to a shorter array;
 * - the file's own layout is copied: indentation unit (tabs or n spaces, from the target, else the source), the
 *   spacing around ":" , one-line objects stay one-line, its line breaks (LF / CRLF), \u-escapes where the file
 *   escapes non-ASCII text; no trailing newline is added or removed.
 * Values that are ICU messages with plural / select parts are translated by branches (icu.ts). i18next plural keys
 * (key_one, key_other) get the target language's categories (a Russian target gets key_few and key_many, translated
 * from key_other with a sample count; key_one is not added for a language without that category).
 *
 * Machine-made values cannot be marked inside JSON: the job lists them in <target>.polyspec-review.json (review.ts).
 */
import {parseTree, printParseErrorCode, type Node as JNode, type ParseError} from "jsonc-parser";
import {langMatches} from "../../tm/segment";
import type {NewSegment} from "../../tm/memory";
import {applyEdits, detectEol, lineAt, lineColumn, LocalizeInputError, type LocalizeDocument, type LocalizeUnit, type TextEdit, type TextItem} from "../document";
import {icuPlan} from "../icu";
import {countPlaceholder} from "./po";
import {categoryOf, pluralCategories, sampleNumber} from "../plural";

export interface JsonOptions {
    source: {file: string; text: string};
    srcLang?: string;
}

type Path = (string | number)[];

/** A value to insert: a translated string, a non-string copied from the source, an array, an object (ordered). */
type Value = {kind: "string"; value: string} | {kind: "raw"; text: string} | {kind: "array"; items: Value[]; inline: boolean} | {kind: "object"; members: Map<string, Value>};

interface Plan {
    unit: LocalizeUnit;
    /** Target path of the value. */
    path: Path;
    how: "replace" | "insert" | "append";
    /** replace: the target's string node; append: the target's array node. */
    node?: JNode;
    /** The value from the finished texts. */
    build(texts: readonly string[]): Value;
    /** Order among its siblings in the source (inserted keys). */
    order: number;
}

interface Style {
    eol: string;
    indent: string;
    colon: string;
    ascii: boolean;
}

const CATS = ["zero", "one", "two", "few", "many", "other"];

export function openJson(file: string, text: string, lang: string, o: JsonOptions): LocalizeDocument {
    const srcLang = o.srcLang ?? "en";
    const tgt = parseStrict(file, text);
    const src = parseStrict(o.source.file, o.source.text);
    const srcRoot = unwrap(src, srcLang) ?? src;
    const wrapped = unwrap(tgt, lang);
    const prefix: Path = wrapped ? [prop(tgt, 0)!.key] : srcRoot !== src && !tgt.children?.length ? [lang] : [];
    const style = detectStyle(text, tgt, o.source.text, src);
    const notes: string[] = [];
    const memory: NewSegment[] = [];
    const plans: Plan[] = [];
    const units: LocalizeUnit[] = [];
    const skippedCats = new Set<string>();
    let n = 0;
    const tgtCats = pluralCategories(lang);

    const at = (path: Path): JNode | undefined => nodeAt(tgt, path);
    const full = (rel: Path): Path => [...prefix, ...rel];
    /** Where a missing path can go: undefined when something in the target is in the way. */
    const blocked = (path: Path): string | undefined => {
        let node: JNode | undefined = tgt;
        for (let i = 0; i < path.length; i++) {
            const k = path[i];
            const child = childOf(node!, k);
            if (!child) {
                if (node!.type !== "object" && !(node!.type === "array" && typeof k === "number")) return `the target has ${describe(node!)} at "${keyPath(path.slice(0, i))}"`;
                if (node!.type === "array") return `the target's array "${keyPath(path.slice(0, i))}" is shorter`;
                return path.slice(i + 1).some((x) => typeof x === "number") ? `arrays inside a missing key are inserted whole` : undefined;
            }
            node = child;
        }
        return undefined;
    };
    const newUnit = (rel: Path, reason: LocalizeUnit["reason"], texts: {source: string; keep?: string[]; restore?: {from: string; to: string}}[], source: string, line: number,
        render: (t: readonly string[]) => string, check?: (t: readonly string[]) => string | undefined): LocalizeUnit => {
        const id = `json${n++}`;
        const items: TextItem[] = texts.map((t, i) => ({id: `${id}#${i}`, unitId: id, source: t.source, ...(t.keep ? {keep: t.keep} : {}), ...(t.restore ? {restore: t.restore} : {})}));
        const u: LocalizeUnit = {id, key: keyPath(rel), line, reason, source, items, render, ...(check ? {check} : {})};
        units.push(u);
        return u;
    };
    /** One string: plain, ICU by branches, or an i18next plural form with a sample count. */
    const stringTexts = (value: string, sampleCat?: string) => {
        const plan = icuPlan(value, lang, srcLang);
        if (plan) return {texts: plan.texts, render: (t: readonly string[]) => plan.assemble(t), check: (t: readonly string[]) => plan.check(plan.assemble(t))};
        const one = {source: value} as {source: string; keep?: string[]; restore?: {from: string; to: string}};
        if (sampleCat) {
            const count = countPlaceholder(value);
            const cat = categoryOf(lang), en = categoryOf(srcLang);
            const num = count && sampleNumber((x) => cat(x) === sampleCat && (sampleCat === "one" || en(x) !== "one"), new Set(value.match(/\d+/g) ?? []));
            if (count && num !== undefined) {
                const parts = value.split(count.text);
                Object.assign(one, {source: parts.join(String(num)), keep: Array(parts.length - 1).fill(String(num)), restore: {from: String(num), to: count.text}});
            }
        }
        return {texts: [one], render: (t: readonly string[]) => t[0]};
    };

    const leaf = (node: JNode, rel: Path, order: number, sampleCat?: string, asKey?: Path) => {
        const value = node.value as string;
        const path = full(asKey ?? rel);
        const t = at(path);
        const line = t ? lineAt(text, t.offset) : lineAt(o.source.text, node.offset);
        if (!value.trim()) return;
        if (t && t.type === "string") {
            if ((t.value as string).trim()) {
                if (!asKey) memory.push({source: value, target: t.value as string, key: keyPath(rel), origin: {kind: "file", file, line}});
                return;
            }
            const s = stringTexts(value, sampleCat);
            const u = newUnit(asKey ?? rel, "empty", s.texts, value, line, s.render, s.check);
            plans.push({unit: u, path, how: "replace", node: t, order, build: (x) => ({kind: "string", value: s.render(x)})});
            return;
        }
        if (t) { notes.push(`"${keyPath(asKey ?? rel)}": the target has ${describe(t)} where the source has a string; left as it is`); return; }
        const why = blocked(path);
        if (why) { notes.push(`"${keyPath(asKey ?? rel)}" not filled: ${why}`); return; }
        const s = stringTexts(value, sampleCat);
        const u = newUnit(asKey ?? rel, "missing", s.texts, value, line, s.render, s.check);
        plans.push({unit: u, path, how: "insert", order, build: (x) => ({kind: "string", value: s.render(x)})});
    };

    const walk = (node: JNode, rel: Path, order: number) => {
        if (node.type === "string") return leaf(node, rel, order);
        if (node.type === "object") {
            const members = (node.children ?? []).map((p, i) => ({key: p.children![0].value as string, value: p.children![1], order: i}));
            const keys = new Set(members.map((m) => m.key));
            // i18next plural keys (key_one, key_other): the target language's categories
            const cats = new Map<string, string>();
            for (const m of members) {
                const pm = /^(.*)_(zero|one|two|few|many|other)$/.exec(m.key);
                if (pm && keys.has(`${pm[1]}_other`) && m.value.type === "string" && members.some((x) => x.key !== m.key && x.key.startsWith(`${pm[1]}_`) && CATS.includes(x.key.slice(pm[1].length + 1)))) cats.set(m.key, pm[2]);
            }
            type Item = {key: string; srcKey: string; value: JNode; order: number; cat?: string};
            const all: Item[] = members.map((m) => ({key: m.key, srcKey: m.key, value: m.value, order: m.order, cat: cats.get(m.key)}));
            for (const [key, cat] of cats) {
                if (cat !== "other") continue;
                const base = key.slice(0, -"_other".length);
                const other = members.find((m) => m.key === key)!;
                for (const c of tgtCats) if (!keys.has(`${base}_${c}`)) all.push({key: `${base}_${c}`, srcKey: key, value: other.value, order: other.order - 0.5 + CATS.indexOf(c) / 100, cat: c});
            }
            all.sort((a, b) => a.order - b.order);
            for (const m of all) {
                if (m.cat && !tgtCats.includes(m.cat)) { skippedCats.add(m.cat); continue; }
                if (m.cat) leaf(m.value, [...rel, m.srcKey], m.order, m.cat, m.key !== m.srcKey ? [...rel, m.key] : undefined);
                else walk(m.value, [...rel, m.key], m.order);
            }
            return;
        }
        if (node.type === "array") return array(node, rel, order);
        // numbers, booleans, null: not text
    };

    const array = (node: JNode, rel: Path, order: number) => {
        const path = full(rel);
        const t = at(path);
        const items = node.children ?? [];
        if (t && t.type === "array") {
            const have = t.children?.length ?? 0;
            items.slice(0, have).forEach((c, i) => walk(c, [...rel, i], i));
            const rest = items.slice(have);
            if (!rest.length) return;
            if (rest.some((c) => c.type === "object" || c.type === "array")) { notes.push(`"${keyPath(rel)}": the target's array is shorter and the rest holds objects; not filled`); return; }
            const strings = rest.filter((c) => c.type === "string" && (c.value as string).trim());
            const texts = strings.map((c) => ({source: c.value as string}));
            if (!texts.length) return;
            const build = (x: readonly string[]): Value => {
                let i = 0;
                return {kind: "array", inline: false, items: rest.map((c) => c.type === "string" && (c.value as string).trim() ? {kind: "string", value: x[i++]} : {kind: "raw", text: o.source.text.slice(c.offset, c.offset + c.length)})};
            };
            const u = newUnit(rel, "missing", texts, strings.map((c) => c.value as string).join(" | "), lineAt(text, t.offset), (x) => x.join(" | "));
            plans.push({unit: u, path, how: "append", node: t, order, build});
            return;
        }
        if (t) { notes.push(`"${keyPath(rel)}": the target has ${describe(t)} where the source has an array; left as it is`); return; }
        const why = blocked(path);
        if (why) { notes.push(`"${keyPath(rel)}" not filled: ${why}`); return; }
        if (items.some((c) => c.type === "object" || c.type === "array")) { notes.push(`"${keyPath(rel)}": an array of objects missing in the target is not filled`); return; }
        const strings = items.filter((c) => c.type === "string" && (c.value as string).trim());
        if (!strings.length) return;
        const inline = !o.source.text.slice(node.offset, node.offset + node.length).includes("\n");
        const build = (x: readonly string[]): Value => {
            let i = 0;
            return {kind: "array", inline, items: items.map((c) => c.type === "string" && (c.value as string).trim() ? {kind: "string", value: x[i++]} : {kind: "raw", text: o.source.text.slice(c.offset, c.offset + c.length)})};
        };
        const u = newUnit(rel, "missing", strings.map((c) => ({source: c.value as string})), strings.map((c) => c.value as string).join(" | "), lineAt(o.source.text, node.offset), (x) => x.join(" | "));
        plans.push({unit: u, path, how: "insert", order, build});
    };

    walk(srcRoot, [], 0);
    if (skippedCats.size) notes.push(`plural keys of categories ${[...skippedCats].join(", ")} are not used in ${lang} and were not added`);
    /** Source order of the keys of each source object, by target path (for placing inserted keys). */
    const orderAt = (path: Path, key: string): number | undefined => {
        const rel = path.slice(prefix.length);
        const s = nodeAt(srcRoot, rel);
        if (!s || s.type !== "object") return undefined;
        const i = (s.children ?? []).findIndex((p) => p.children![0].value === key);
        if (i >= 0) return i;
        const pm = /^(.*)_(zero|one|two|few|many|other)$/.exec(key);
        if (pm) {
            const j = (s.children ?? []).findIndex((p) => p.children![0].value === `${pm[1]}_other`);
            if (j >= 0) return j - 0.5 + CATS.indexOf(pm[2]) / 100;
        }
        return undefined;
    };

    return {
        format: "json", file, srcLang, lang, units, memory, notes, original: text,
        apply(done) {
            const edits: TextEdit[] = [];
            const written: string[] = [];
            /** container offset -> its node, path and the keys to insert (in the order their units come). */
            const inserts = new Map<number, {node: JNode; path: Path; members: Map<string, Value>}>();
            const appends = new Map<number, {node: JNode; items: Value[]}>();
            for (const p of plans) {
                const texts = done.get(p.unit.id);
                if (!texts) continue;
                written.push(p.unit.id);
                const value = p.build(texts);
                if (p.how === "replace") { edits.push({offset: p.node!.offset, length: p.node!.length, text: jsonString((value as {value: string}).value, style)}); continue; }
                if (p.how === "append") {
                    const a = appends.get(p.node!.offset) ?? {node: p.node!, items: []};
                    a.items.push(...(value as {items: Value[]}).items);
                    appends.set(p.node!.offset, a);
                    continue;
                }
                // the deepest existing object on the path, and the rest as nested objects
                let node: JNode = tgt, i = 0;
                for (; i < p.path.length; i++) {
                    const c = childOf(node, p.path[i]);
                    if (!c) break;
                    node = c;
                }
                const entry = inserts.get(node.offset) ?? {node, path: p.path.slice(0, i), members: new Map()};
                inserts.set(node.offset, entry);
                let members = entry.members;
                for (let j = i; j < p.path.length - 1; j++) {
                    const k = String(p.path[j]);
                    let next = members.get(k);
                    if (!next || next.kind !== "object") members.set(k, next = {kind: "object", members: new Map()});
                    members = next.members;
                }
                members.set(String(p.path[p.path.length - 1]), value);
            }
            for (const {node, path, members} of inserts.values()) edits.push(...insertMembers(text, node, members, style, (k) => orderAt(path, k)));
            for (const {node, items} of appends.values()) edits.push(appendItems(text, node, items, style));
            const r = applyEdits(text, edits);
            return {text: r.text, edits: r.edits, written};
        },
        validate(t) { parseStrict(file, t); },
    };
}

// --- reading ------------------------------------------------------------------------------------------------------

function parseStrict(file: string, text: string): JNode {
    const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    const body = text.slice(bom);
    const errors: ParseError[] = [];
    // a BOM is read as a space, so that every offset is the original text's
    const root = parseTree(bom ? ` ${body}` : body, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false});
    if (errors.length) {
        const e = errors[0];
        const {line, column} = lineColumn(text, e.offset);
        throw new LocalizeInputError(file, line, column, `not valid JSON: ${describeError(printParseErrorCode(e.error))}`);
    }
    try {
        JSON.parse(body);
    } catch (e) {
        throw new LocalizeInputError(file, 0, 0, `not valid JSON: ${(e as Error).message}`);
    }
    if (!root || root.type !== "object") throw new LocalizeInputError(file, 1, 1, "not an i18n JSON file: the top level is not an object");
    return root;
}

function describeError(code: string): string {
    return ({
        CommaExpected: "a comma is missing", CloseBraceExpected: "a closing } is missing", CloseBracketExpected: "a closing ] is missing",
        PropertyNameExpected: "a key is expected (a trailing comma?)", ValueExpected: "a value is expected (a trailing comma?)", ColonExpected: "a colon is missing",
        InvalidCommentToken: "comments are not allowed in JSON", UnexpectedEndOfString: "a string is not closed", InvalidSymbol: "unexpected character",
        EndOfFileExpected: "text after the end of the JSON value",
    } as Record<string, string>)[code] ?? code;
}

function prop(obj: JNode, i: number): {key: string; value: JNode} | undefined {
    const p = obj.children?.[i];
    return p ? {key: p.children![0].value as string, value: p.children![1]} : undefined;
}

/** The inner object of a {"<lang>": {...}} file, if it is one. */
function unwrap(root: JNode, lang: string): JNode | undefined {
    if (root.children?.length !== 1) return undefined;
    const p = prop(root, 0)!;
    return langMatches(p.key, lang) && p.value.type === "object" ? p.value : undefined;
}

function childOf(node: JNode, key: string | number): JNode | undefined {
    if (node.type === "object" && typeof key === "string") {
        const p = node.children?.find((c) => c.children![0].value === key);
        return p?.children![1];
    }
    if (node.type === "array" && typeof key === "number") return node.children?.[key];
    return undefined;
}

function nodeAt(root: JNode, path: Path): JNode | undefined {
    let n: JNode | undefined = root;
    for (const k of path) {
        n = childOf(n, k);
        if (!n) return undefined;
    }
    return n;
}

function describe(n: JNode): string {
    return n.type === "object" ? "an object" : n.type === "array" ? "an array" : n.type === "string" ? "a string" : `a ${n.type}`;
}

export function keyPath(path: Path): string {
    return path.map(String).join(".");
}

function detectStyle(text: string, root: JNode, srcText: string, srcRoot: JNode): Style {
    const indentOf = (t: string) => {
        const ws = [...t.matchAll(/\n([ \t]+)["\]}\[{]/g)].map((m) => m[1]);
        if (!ws.length) return undefined;
        if (ws.some((w) => w.startsWith("\t"))) return "\t";
        return " ".repeat(Math.min(...ws.map((w) => w.length)));
    };
    const colonOf = (t: string, r: JNode): string | undefined => {
        const first = findProperty(r);
        if (!first) return undefined;
        const k = first.children![0], v = first.children![1];
        return t.slice(k.offset + k.length, v.offset);
    };
    const escapes = /\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])[0-9a-fA-F]{2}/.test(text);
    return {
        eol: text.includes("\n") ? detectEol(text) : detectEol(srcText),
        indent: indentOf(text) ?? indentOf(srcText) ?? "  ",
        colon: colonOf(text, root) ?? colonOf(srcText, srcRoot) ?? ": ",
        ascii: escapes && !/[^\x00-\x7f]/.test(text.replace(/^\ufeff/, "")),
    };
}

function findProperty(n: JNode): JNode | undefined {
    if (n.type === "property") return n;
    for (const c of n.children ?? []) {
        const p = findProperty(c);
        if (p) return p;
    }
    return undefined;
}

// --- writing -------------------------------------------------------------------------------------------------------

function jsonString(s: string, style: Style): string {
    const j = JSON.stringify(s);
    return style.ascii ? j.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`) : j;
}

function serialize(v: Value, indent: string, style: Style): string {
    switch (v.kind) {
        case "string": return jsonString(v.value, style);
        case "raw": return v.text;
        case "array": {
            if (v.inline) return `[${v.items.map((x) => serialize(x, indent, style)).join(", ")}]`;
            const inner = indent + style.indent;
            return `[${style.eol}${v.items.map((x) => inner + serialize(x, inner, style)).join(`,${style.eol}`)}${style.eol}${indent}]`;
        }
        case "object": {
            const inner = indent + style.indent;
            return `{${style.eol}${[...v.members].map(([k, x]) => inner + jsonString(k, style) + style.colon + serialize(x, inner, style)).join(`,${style.eol}`)}${style.eol}${indent}}`;
        }
    }
}

/** Leading whitespace of the line that holds `offset`. */
function lineIndent(text: string, offset: number): string {
    const start = text.lastIndexOf("\n", offset - 1) + 1;
    return /^[ \t]*/.exec(text.slice(start))![0];
}

/** How the members (or items) of a container are laid out: on their own lines with this indentation, or inline. */
function layout(text: string, node: JNode, style: Style): {inline: boolean; indent: string} {
    const first = node.children?.[0];
    if (first) {
        const between = text.slice(node.offset + 1, first.offset);
        if (!between.includes("\n")) return {inline: true, indent: ""};
        return {inline: false, indent: lineIndent(text, first.offset)};
    }
    return {inline: false, indent: lineIndent(text, node.offset) + style.indent};
}

function insertMembers(text: string, obj: JNode, members: Map<string, Value>, style: Style, orderOf: (key: string) => number | undefined): TextEdit[] {
    const {inline, indent} = layout(text, obj, style);
    const member = (k: string, v: Value) => jsonString(k, style) + style.colon + serialize(v, inline ? lineIndent(text, obj.offset) : indent, style);
    const props = obj.children ?? [];
    if (!props.length) {
        const close = lineIndent(text, obj.offset);
        const body = [...members].map(([k, v]) => indent + member(k, v)).join(`,${style.eol}`);
        return [{offset: obj.offset + 1, length: obj.length - 2, text: `${style.eol}${body}${style.eol}${close}`}];
    }
    // each new key goes after the nearest existing member that comes before it in the source
    const existing = props.map((p) => ({node: p, order: orderOf(p.children![0].value as string)}));
    const groups = new Map<number, {after?: JNode; before?: JNode; keys: [string, Value][]}>();
    for (const [k, v] of members) {
        const o = orderOf(k) ?? Number.POSITIVE_INFINITY;
        let after: JNode | undefined, best = -Infinity;
        for (const e of existing) if (e.order !== undefined && e.order < o && e.order >= best) { best = e.order; after = e.node; }
        if (!after && o === Number.POSITIVE_INFINITY) after = props[props.length - 1];
        const at = after ? after.offset + after.length : props[0].offset;
        const g = groups.get(at) ?? {keys: [], ...(after ? {after} : {before: props[0]})};
        g.keys.push([k, v]);
        groups.set(at, g);
    }
    const edits: TextEdit[] = [];
    for (const [at, g] of groups) {
        const parts = g.keys.map(([k, v]) => member(k, v));
        const t = g.after
            ? parts.map((p) => inline ? `, ${p}` : `,${style.eol}${indent}${p}`).join("")
            : parts.map((p) => inline ? `${p}, ` : `${p},${style.eol}${indent}`).join("");
        edits.push({offset: at, length: 0, text: t});
    }
    return edits;
}

function appendItems(text: string, arr: JNode, items: Value[], style: Style): TextEdit {
    const {inline, indent} = layout(text, arr, style);
    const ser = (v: Value) => serialize(v, indent, style);
    const kids = arr.children ?? [];
    if (!kids.length) {
        const close = lineIndent(text, arr.offset);
        return {offset: arr.offset + 1, length: arr.length - 2, text: `${style.eol}${items.map((v) => indent + ser(v)).join(`,${style.eol}`)}${style.eol}${close}`};
    }
    const last = kids[kids.length - 1];
    return {offset: last.offset + last.length, length: 0, text: items.map((v) => inline ? `, ${ser(v)}` : `,${style.eol}${indent}${ser(v)}`).join("")};
}
