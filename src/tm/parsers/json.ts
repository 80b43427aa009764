/**
 * Key-aligned i18n JSON (en.json / de.json, locales/<lang>/*.json, <lang>/*.json) -> memory segments.
 *
 * Each file is parsed with JSON.parse (a syntax error becomes a ParseError with its line) and flattened to key
 * paths: nested objects join with ".", array items by index ("menu.items.0"). Only string values count; they are
 * kept verbatim (ICU messages such as "{count, plural, one {# file} other {# files}}", {placeholders}, %s, HTML).
 * A file whose only top-level key is its language code ({"de": {...}}, as Rails-style files have) is unwrapped.
 * A segment is a key with a non-empty string in both files: source = the source file's value, target = the target
 * file's, key = the path, line = the target value's line.
 */
import type {ParsedSegment} from "../segment";
import {langMatches} from "../segment";
import {ParseError, emptyResult, type ParseResult} from "./result";

export interface JsonStrings {
    /** key path -> string value */
    values: Map<string, string>;
    /** key path -> 1-based line of the value */
    lines: Map<string, number>;
}

/** Parses one i18n JSON file into its key paths; `lang` unwraps a {"<lang>": {...}} wrapper. */
export function parseI18nJson(text: string, lang?: string): JsonStrings {
    const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    let data: unknown;
    try {
        data = JSON.parse(body);
    } catch (e) {
        const msg = (e as Error).message;
        const pos = /position (\d+)/.exec(msg);
        const at = pos ? Number(pos[1]) : -1;
        const line = at >= 0 ? body.slice(0, at).split("\n").length : /line (\d+)/.exec(msg) ? Number(/line (\d+)/.exec(msg)![1]) : 0;
        throw new ParseError(`not valid JSON: ${msg.replace(/\s*\(line \d+ column \d+\)/, "").replace(/ in JSON at position \d+.*$/, "")}`, line);
    }
    if (data === null || typeof data !== "object" || Array.isArray(data)) throw new ParseError("not an i18n JSON file (the top level is not an object)", 1);
    const lines = valueLines(body);
    let prefix = "";
    const keys = Object.keys(data);
    if (lang && keys.length === 1 && langMatches(keys[0], lang) && typeof (data as Record<string, unknown>)[keys[0]] === "object") {
        data = (data as Record<string, unknown>)[keys[0]];
        prefix = `${keys[0]}.`;
    }
    const values = new Map<string, string>();
    const out = new Map<string, number>();
    const walk = (v: unknown, path: string) => {
        if (typeof v === "string") {
            values.set(path, v);
            out.set(path, lines.get(prefix + path) ?? 0);
        } else if (Array.isArray(v)) v.forEach((x, i) => walk(x, path ? `${path}.${i}` : String(i)));
        else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, path ? `${path}.${k}` : k);
    };
    walk(data, "");
    return {values, lines: out};
}

/** Aligns a source and a target file by key; counts target-less keys as untranslated. */
export function alignI18n(src: JsonStrings, tgt: JsonStrings): ParseResult {
    const r = emptyResult();
    for (const [key, source] of src.values) {
        const target = tgt.values.get(key);
        if (!source.trim()) continue;
        if (target === undefined || !target.trim()) { r.skipped.untranslated++; continue; }
        const seg: ParsedSegment = {source, target, key, line: tgt.lines.get(key) ?? 0};
        r.segments.push(seg);
    }
    const extra = [...tgt.values.keys()].filter((k) => !src.values.has(k)).length;
    if (extra) { r.skipped.other += extra; r.notes.push(`${extra} key(s) only in the target file`); }
    return r;
}

/**
 * The line of every string value, by key path, from a scan of the (valid) JSON text: strings, brackets, commas and
 * colons are enough to follow the paths.
 */
function valueLines(text: string): Map<string, number> {
    const out = new Map<string, number>();
    const stack: Frame[] = [];
    let line = 1, expectKey = false;
    for (let i = 0; i < text.length; i++) {
        const c = text[i];
        if (c === "\n") { line++; continue; }
        if (c === "{") { stack.push({array: false, index: 0}); expectKey = true; continue; }
        if (c === "[") { stack.push({array: true, index: 0}); expectKey = false; continue; }
        if (c === "}" || c === "]") { stack.pop(); expectKey = false; continue; }
        if (c === ",") { const f = stack[stack.length - 1]; if (f) { if (f.array) f.index++; else expectKey = true; } continue; }
        if (c !== "\"") continue;
        let j = i + 1;
        while (j < text.length && text[j] !== "\"") j += text[j] === "\\" ? 2 : 1;
        const value = JSON.parse(text.slice(i, j + 1)) as string;
        if (expectKey) { stack[stack.length - 1].key = value; expectKey = false; }
        else if (!out.has(pathOf(stack))) out.set(pathOf(stack), line);
        i = j;
    }
    return out;
}

type Frame = {array: boolean; index: number; key?: string};
const pathOf = (stack: Frame[]) => stack.map((f) => f.array ? String(f.index) : f.key ?? "").join(".");
