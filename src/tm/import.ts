/**
 * Importing the translation files a user has into memory segments: finds them (files and folders), recognises the
 * format by extension, refuses binary files, streams XML (XLIFF, TMX) and size-guards the rest, pairs i18n JSON
 * files by their language, and parses each with its parser (parsers/). Read-only: nothing the user has is
 * modified. A malformed file is skipped with its file and line in the log; the other files are imported.
 *
 *   const r = await importFiles(["locales", "po/de.po"], {pair: {src: "en", tgt: "de"}, log: console.warn});
 *   for (const f of r.files) tm.replaceFile(f.source, f.segments);
 */
import fs from "node:fs";
import path from "node:path";
import {throwIfCancelled, type Cancel} from "../core/errors";
import type {SourceFile} from "./format";
import type {NewSegment} from "./memory";
import {alignI18n, parseI18nJson, type JsonStrings} from "./parsers/json";
import {parsePo} from "./parsers/po";
import {ParseError, type ParseResult} from "./parsers/result";
import {TmxParser} from "./parsers/tmx";
import {XliffParser} from "./parsers/xliff";
import {langMatches, normalizeLang, type LanguagePair} from "./segment";

export type TmFormat = "po" | "xliff" | "tmx" | "json";

const EXTENSIONS: Record<string, TmFormat> = {
    ".po": "po", ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff", ".sdlxliff": "xliff", ".mxliff": "xliff", ".tmx": "tmx", ".json": "json",
};
/** Folders never walked into. */
const SKIP_DIRS = new Set(["node_modules", ".git", ".hg", ".svn", "dist", "out", "build", ".cache", ".vscode-test"]);

export interface ImportMessage {
    level: "warn" | "info";
    file: string;
    /** 1-based line (where the format says one). */
    line?: number;
    message: string;
}

export interface FileImport {
    /** The translation file (for JSON: the target-language file), as SourceFile for TranslationMemory.replaceFile. */
    source: SourceFile;
    format: TmFormat;
    /** For JSON: the source-language file its keys were aligned with. */
    pairedWith?: string;
    segments: NewSegment[];
    skipped: ParseResult["skipped"];
}

export interface ImportReport {
    files: FileImport[];
    messages: ImportMessage[];
    /** Files refused or malformed (each has a "warn" message). */
    failed: number;
}

export interface ImportOptions {
    pair: LanguagePair;
    /** Also take entries marked fuzzy / needs-review (default false). */
    includeFuzzy?: boolean;
    /** Largest .po / JSON file read whole (bytes, default 64 MiB); XML is streamed at any size. */
    maxBytes?: number;
    cancel?: Cancel;
    onProgress?: (doneBytes: number, totalBytes: number, file: string) => void;
    /** Each message as it happens (they are also returned). */
    log?: (m: ImportMessage) => void;
}

const DEFAULT_MAX = 64 * 1024 * 1024;

export function formatOf(file: string): TmFormat | undefined {
    return EXTENSIONS[path.extname(file).toLowerCase()];
}

/**
 * Imports files and folders (folders are walked for known extensions; JSON files there only when their name or a
 * parent folder names the source or target language). Never throws for one bad file: it is reported and skipped.
 */
export async function importFiles(inputs: readonly string[], o: ImportOptions): Promise<ImportReport> {
    const report: ImportReport = {files: [], messages: [], failed: 0};
    const say = (m: ImportMessage) => { report.messages.push(m); o.log?.(m); };
    const fail = (file: string, message: string, line?: number) => { report.failed++; say({level: "warn", file, message, ...(line ? {line} : {})}); };

    const found: {file: string; explicit: boolean}[] = [];
    for (const input of inputs) {
        const abs = path.resolve(input);
        let st: fs.Stats;
        try { st = fs.statSync(abs); } catch { fail(abs, "not found"); continue; }
        if (st.isDirectory()) for (const f of walk(abs)) found.push({file: f, explicit: false});
        else found.push({file: abs, explicit: true});
    }
    // JSON: keep the target-language files (pairing each with its source file), drop the rest
    const jobs: {file: string; format: TmFormat; pairedWith?: string; size: number}[] = [];
    const seen = new Set<string>();
    for (const {file, explicit} of found) {
        const format = formatOf(file);
        if (!format) {
            if (!explicit) continue;
            if (path.extname(file).toLowerCase() === ".pot") fail(file, "a .pot file is a template without translations: import the .po files made from it");
            else fail(file, `unknown translation file type "${path.extname(file) || "(none)"}": use .po, .xlf/.xliff, .tmx or i18n .json`);
            continue;
        }
        let target = file, pairedWith: string | undefined;
        if (format === "json") {
            const j = pairJson(file, o.pair);
            if (!j.ok) { if (explicit) fail(file, j.why); continue; }
            target = j.target;
            pairedWith = j.source;
        }
        if (seen.has(target)) continue;
        seen.add(target);
        let size = 0;
        try { size = fs.statSync(target).size; } catch { /* reported when read */ }
        jobs.push({file: target, format, pairedWith, size});
    }
    const total = jobs.reduce((a, j) => a + j.size, 0);
    let done = 0;
    for (const j of jobs) {
        throwIfCancelled(o.cancel);
        o.onProgress?.(done, total, j.file);
        try {
            const r = await importOne(j.file, j.format, j.pairedWith, o, (b) => o.onProgress?.(done + b, total, j.file));
            report.files.push(r.imported);
            for (const n of r.notes) say({level: "info", file: j.file, message: n});
        } catch (e) {
            if (e instanceof ParseError) fail(e.file ?? j.file, `skipped: ${e.message}${e.file ? ` (so ${j.file} is skipped too)` : ""}`, e.line || undefined);
            else if (e instanceof OtherLanguage) say({level: "info", file: j.file, message: `skipped: ${e.message}`});
            else if (e instanceof ImportRefusal) fail(j.file, `skipped: ${e.message}`);
            else throw e;
        }
        done += j.size;
    }
    o.onProgress?.(total, total, "");
    return report;
}

/** A file refused before parsing (binary, too large, unreadable). */
class ImportRefusal extends Error {}
/** A file of another language: not an error, just not for this memory. */
class OtherLanguage extends ImportRefusal {}

async function importOne(file: string, format: TmFormat, pairedWith: string | undefined, o: ImportOptions, progress: (bytes: number) => void): Promise<{imported: FileImport; notes: string[]}> {
    let st: fs.Stats;
    try { st = fs.statSync(file); } catch (e) { throw new ImportRefusal(`cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
    const head = readHead(file);
    if (isBinary(head)) throw new ImportRefusal(`binary file (not a text ${format} file)`);
    let r: ParseResult;
    if (format === "xliff" || format === "tmx") {
        const parser = format === "xliff" ? new XliffParser({pair: o.pair, includeFuzzy: o.includeFuzzy}) : new TmxParser({pair: o.pair});
        await streamText(file, head, (chunk) => parser.write(chunk), progress, o.cancel);
        r = parser.end();
    } else {
        const max = o.maxBytes ?? DEFAULT_MAX;
        if (st.size > max) throw new ImportRefusal(`${(st.size / 2 ** 20).toFixed(0)} MiB is more than the ${(max / 2 ** 20).toFixed(0)} MiB read whole for a ${format} file`);
        if (format === "po") {
            r = parsePo(fs.readFileSync(file), {includeFuzzy: o.includeFuzzy});
            if (r.language && !langMatches(r.language, o.pair.tgt)) throw new OtherLanguage(`its Language header is "${r.language}", not ${o.pair.tgt}`);
        } else {
            const src = parseJsonFile(pairedWith!, o.pair.src);
            const tgt = parseJsonFile(file, o.pair.tgt);
            r = alignI18n(src, tgt);
        }
        progress(st.size);
    }
    const segments: NewSegment[] = r.segments.map((s) => ({
        source: s.source, target: s.target, origin: {kind: "file", file, line: s.line}, time: st.mtimeMs,
        ...(s.key ? {key: s.key} : {}), ...(s.note ? {note: s.note} : {}),
    }));
    const notes = [...r.notes];
    const sk = r.skipped;
    const parts = [sk.untranslated && `${sk.untranslated} untranslated`, sk.fuzzy && `${sk.fuzzy} fuzzy/unreviewed${o.includeFuzzy ? "" : " (--include-fuzzy takes them)"}`, sk.obsolete && `${sk.obsolete} obsolete`, sk.other && `${sk.other} other`].filter(Boolean);
    notes.unshift(`${segments.length} segment(s)${pairedWith ? ` (keys aligned with ${path.relative(path.dirname(file), pairedWith)})` : ""}${parts.length ? `; skipped ${parts.join(", ")}` : ""}`);
    return {imported: {source: {file, mtimeMs: st.mtimeMs, size: st.size, segments: segments.length}, format, pairedWith, segments, skipped: r.skipped}, notes};
}

function parseJsonFile(file: string, lang: string): JsonStrings {
    const buf = fs.readFileSync(file);
    if (isBinary(buf.subarray(0, 8192))) throw new ImportRefusal(`${path.basename(file)} is a binary file`);
    try {
        return parseI18nJson(decode(buf), lang);
    } catch (e) {
        if (e instanceof ParseError) e.file = file;
        throw e;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Text: binary detection, encodings, streaming
// ---------------------------------------------------------------------------------------------------------------

function readHead(file: string, n = 8192): Buffer {
    const fd = fs.openSync(file, "r");
    try {
        const b = Buffer.alloc(n);
        return b.subarray(0, fs.readSync(fd, b, 0, n, 0));
    } finally {
        fs.closeSync(fd);
    }
}

/** UTF-16 / UTF-8 byte-order marks; else the XML declaration's encoding; else UTF-8. */
function encodingOf(head: Buffer): string {
    if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
    if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
    const decl = /^(?:\uFEFF)?<\?xml[^>]*encoding=["']([A-Za-z0-9._-]+)["']/.exec(head.toString("latin1"));
    return decl ? decl[1].toLowerCase() : "utf-8";
}

/** A file is binary when its first bytes hold a NUL (text in UTF-16 has a byte-order mark) or control bytes. */
export function isBinary(head: Buffer): boolean {
    if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return false;
    let control = 0;
    for (const b of head) {
        if (b === 0) return true;
        if (b < 7 || (b > 13 && b < 32 && b !== 27)) control++;
    }
    return control > head.length / 100 + 1;
}

function decode(buf: Buffer): string {
    const enc = encodingOf(buf.subarray(0, 256));
    let d: InstanceType<typeof TextDecoder>;
    try { d = new TextDecoder(enc); } catch { throw new ImportRefusal(`unknown text encoding "${enc}"`); }
    return d.decode(buf).replace(/^\uFEFF/, "");
}

async function streamText(file: string, head: Buffer, write: (s: string) => void, progress: (bytes: number) => void, cancel?: Cancel): Promise<void> {
    const enc = encodingOf(head);
    let decoder: InstanceType<typeof TextDecoder>;
    try { decoder = new TextDecoder(enc); } catch { throw new ImportRefusal(`unknown text encoding "${enc}"`); }
    let bytes = 0, first = true;
    for await (const chunk of fs.createReadStream(file, {highWaterMark: 1 << 20}) as AsyncIterable<Buffer>) {
        throwIfCancelled(cancel);
        let s = decoder.decode(chunk, {stream: true});
        if (first) { s = s.replace(/^\uFEFF/, ""); first = false; }
        write(s);
        bytes += chunk.length;
        progress(bytes);
    }
    const tail = decoder.decode();
    if (tail) write(tail);
}

// ---------------------------------------------------------------------------------------------------------------
// Finding files and pairing i18n JSON
// ---------------------------------------------------------------------------------------------------------------

function* walk(dir: string): Generator<string> {
    let entries: fs.Dirent[];
    try { entries = fs.readdirSync(dir, {withFileTypes: true}); } catch { return; }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const e of entries) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) { if (!SKIP_DIRS.has(e.name) && !e.name.startsWith(".")) yield* walk(p); }
        else if (e.isFile() && formatOf(p)) yield p;
    }
}

/** The language a tag-like name stands for ("de", "de-DE", "pt_BR"), or undefined. */
function langOfName(name: string): string | undefined {
    if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/.test(name)) return undefined;
    try { return normalizeLang(name); } catch { return undefined; }
}

type JsonPairing = {ok: true; source: string; target: string} | {ok: false; why: string};

/**
 * For a JSON file of the source or target language, its counterpart: `<dir>/en.json` <-> `<dir>/de.json` (also
 * en-US.json, de_DE.json), or `.../en/<rest>` <-> `.../de/<rest>` (locales/en/common.json, i18n/en/app.json).
 */
export function pairJson(file: string, pair: LanguagePair): JsonPairing {
    const dir = path.dirname(file), base = path.basename(file, path.extname(file));
    const other = (lang: string) => lang === pair.src ? pair.tgt : pair.src;
    const byName = langOfName(base);
    if (byName === pair.src || byName === pair.tgt) {
        const want = other(byName);
        const mate = siblings(dir).find((n) => path.extname(n).toLowerCase() === ".json" && langOfName(path.basename(n, path.extname(n))) === want);
        if (!mate) return {ok: false, why: `no ${want} file beside it to align its keys with (looked for ${want}.json in ${dir})`};
        const m = path.join(dir, mate);
        return byName === pair.tgt ? {ok: true, source: m, target: file} : {ok: true, source: file, target: m};
    }
    // a folder named for the language, anywhere above the file
    const parts = file.split(path.sep);
    for (let i = parts.length - 2; i >= 1; i--) {
        const lang = langOfName(parts[i]);
        if (lang !== pair.src && lang !== pair.tgt) continue;
        const want = other(lang);
        const parent = parts.slice(0, i).join(path.sep) || path.sep;
        const mateDir = siblings(parent).find((n) => langOfName(n) === want && isDir(path.join(parent, n)));
        if (!mateDir) return {ok: false, why: `no ${want} folder beside ${path.join(parent, parts[i])} to align its keys with`};
        const m = path.join(parent, mateDir, ...parts.slice(i + 1));
        if (!fs.existsSync(m)) return {ok: false, why: `no ${path.relative(parent, m)} to align its keys with`};
        return lang === pair.tgt ? {ok: true, source: m, target: file} : {ok: true, source: file, target: m};
    }
    return {ok: false, why: `cannot tell its language: name the file <lang>.json (en.json, de.json) or put it in a <lang>/ folder`};
}

function siblings(dir: string): string[] {
    try { return fs.readdirSync(dir).sort(); } catch { return []; }
}

function isDir(p: string): boolean {
    try { return fs.statSync(p).isDirectory(); } catch { return false; }
}
