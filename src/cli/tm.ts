import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {isLanguageCode} from "../core/languages";
import {cacheRoot} from "../models/cache";
import {
    TM_EXTENSION, defaultTmPath, describePair, importFiles, loadTm, normalizeLang, openTm, peekTm, readCorpusPairs, saveTm,
    type LanguagePair, type LoadTiming, type OpenResult, type TmMatch, type TranslationMemory,
} from "../tm";
import {intFlag, numFlag, parse, subcommand} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec tm build --lang X [--src en] [--file F] [--json]
       polyspec tm import FILE/FOLDER... --lang X [--src en] [--file F] [--include-fuzzy] [--json]
       polyspec tm info [--lang X [--src en] | --file F] [--json]
       polyspec tm query TEXT --lang X [--src en] [--k N] [--min-score S] [--file F] [--json]
  build   adds the corpus's translation training pairs of X (built by 'polyspec corpus build') to the memory
  import  adds the translations of gettext .po, XLIFF 1.2/2.0 (.xlf, .xliff), TMX and i18n JSON files (en.json +
          de.json, locales/<lang>/*.json, <lang>/*.json); folders are searched; a malformed file is skipped and
          logged with its line; files already imported are replaced by their new content; nothing is modified
  info    shows a memory (segments by origin, imported files, load time); without --lang/--file lists all memories
  query   the k best fuzzy matches (default 5) of TEXT with a score >= --min-score (default 0.5): word edit-distance
          similarity 0..1 (characters for Chinese and Japanese sources)
  The memory of a pair is <cache>/tm/<src>-<X>${TM_EXTENSION} (cache: $POLYSPEC_CACHE or <package>/.cache); --file names another.`;

export async function run(argv: string[]): Promise<void> {
    return subcommand(argv, "tm", USAGE, {build, import: importCmd, info, query});
}

const COMMON = {lang: {type: "string"}, src: {type: "string"}, file: {type: "string"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"}} as const;

/** parse() with its error cut to one line (the usage is one --help away). */
function flags<O extends Parameters<typeof parse>[1]>(argv: string[], options: O) {
    try {
        return parse(argv, options, USAGE);
    } catch (e) {
        if (e instanceof PolyspecError) throw new PolyspecError(`${e.message.split("\n")[0]} (see 'polyspec tm --help')`, e.code);
        throw e;
    }
}

function langCode(v: string | undefined, flag: string): string {
    try {
        return normalizeLang(v!);
    } catch {
        throw new PolyspecError(`--${flag} must be a language code such as de, fr or pt-BR, got "${v}"`, "E_USAGE");
    }
}

function pairOf(v: {lang?: string; src?: string}, command: string): LanguagePair {
    if (!v.lang) throw new PolyspecError(`tm ${command} needs --lang X (the target language, e.g. de)`, "E_USAGE");
    const pair = {src: langCode(v.src ?? "en", "src"), tgt: langCode(v.lang, "lang")};
    if (pair.src === pair.tgt) throw new PolyspecError(`--src and --lang are the same language (${pair.src})`, "E_USAGE");
    return pair;
}

function fileFlag(v: string | undefined, pair: LanguagePair): string {
    if (v === undefined) return defaultTmPath(pair);
    if (!v || (fs.existsSync(v) && fs.statSync(v).isDirectory())) throw new PolyspecError(`--file must be a file path, got "${v}"`, "E_USAGE");
    return v;
}

function fmtSize(n: number): string {
    return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
}

/** Refuses early (before reading any input) a memory file that exists and holds another pair. */
function checkPair(file: string, pair: LanguagePair): void {
    const h = peekTm(file);
    if (h && h.version === 1 && (h.pair.src !== pair.src || h.pair.tgt !== pair.tgt)) {
        throw new PolyspecError(`${file} is a translation memory for ${h.pair.src} -> ${h.pair.tgt}, not ${pair.src} -> ${pair.tgt}: use that pair's memory (--lang ${pair.tgt}${pair.src !== "en" ? ` --src ${pair.src}` : ""}) or another file`, "E_TM_PAIR");
    }
}

/** Opens the memory for writing: a corrupt file is moved aside (never deleted) and a new memory started. */
async function openForWrite(file: string, pair: LanguagePair): Promise<OpenResult> {
    const r = await openTm(file, pair, {rebuild: () => undefined});
    if (r.state === "rebuilt") console.error(`polyspec: ${r.reason}\n  moved it to ${r.movedTo} and started a new memory: import your files again ('polyspec tm import') if it held any`);
    return r;
}

async function build(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, COMMON);
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length) throw new PolyspecError(`tm build takes no files (it reads the corpus): use 'polyspec tm import ${positionals[0]} --lang X' for your own files`, "E_USAGE");
    const pair = pairOf(v, "build");
    if (pair.src !== "en" || !isLanguageCode(pair.tgt)) throw new PolyspecError(`the corpus has English -> X pairs for the built-in languages only, not ${pair.src} -> ${pair.tgt}`, "E_USAGE");
    const file = fileFlag(v.file, pair);
    checkPair(file, pair);
    const cancel = sigintCancel();
    try {
        const bar = new ProgressBar(`corpus pairs ${pair.tgt}`, 0, "B");
        const pairs = await readCorpusPairs(pair.tgt, {cancel, onProgress: (d, t) => bar.update(d, t)});
        bar.done();
        const {tm, state} = await openForWrite(file, pair);
        const removed = tm.removeWhere((s) => s.origin.kind === "corpus");
        const r = tm.add(pairs.segments);
        const bytes = saveTm(tm, file);
        const out = {file, pair, state, corpusFile: pairs.file, added: r.added, updated: r.updated, empty: r.empty, replaced: removed, skippedLines: pairs.skipped.length, segments: tm.size, bytes};
        if (v.json) { console.log(JSON.stringify(out, null, 2)); return; }
        for (const s of pairs.skipped.slice(0, 5)) console.error(`${pairs.file}:${s.line}: skipped: ${s.why}`);
        console.log(`wrote ${file}: ${tm.size} segments (${describePair(pair)}), ${fmtSize(bytes)}`);
        console.log(`  from ${pairs.file}: ${r.added + r.updated} pairs${r.empty ? `, ${r.empty} empty skipped` : ""}${pairs.skipped.length ? `, ${pairs.skipped.length} bad lines skipped` : ""}${removed ? ` (replacing ${removed} earlier corpus segments)` : ""}`);
    } finally {
        cancel.dispose();
    }
}

async function importCmd(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, {...COMMON, "include-fuzzy": {type: "boolean"}});
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length === 0) throw new PolyspecError("tm import needs files or folders: polyspec tm import FILE/FOLDER... --lang X", "E_USAGE");
    const pair = pairOf(v, "import");
    const file = fileFlag(v.file, pair);
    checkPair(file, pair);
    const cancel = sigintCancel();
    try {
        const bar = new ProgressBar("importing", 0, "B");
        const report = await importFiles(positionals, {
            pair, includeFuzzy: !!v["include-fuzzy"], cancel,
            onProgress: (d, t, f) => bar.update(d, t, f ? path.basename(f) : ""),
            log: v.json ? undefined : (m) => { if (m.level === "warn") console.error(`${m.file}${m.line ? `:${m.line}` : ""}: ${m.message}`); },
        });
        bar.done();
        const {tm, state} = await openForWrite(file, pair);
        let added = 0, updated = 0;
        for (const f of report.files) {
            const r = tm.replaceFile(f.source, f.segments);
            added += r.added;
            updated += r.updated;
        }
        const bytes = saveTm(tm, file);
        if (v.json) {
            console.log(JSON.stringify({file, pair, state, bytes, segments: tm.size, added, failed: report.failed,
                files: report.files.map((f) => ({file: f.source.file, format: f.format, pairedWith: f.pairedWith, segments: f.segments.length, skipped: f.skipped})),
                messages: report.messages}, null, 2));
            return;
        }
        for (const m of report.messages) if (m.level === "info") console.log(`  ${path.relative(process.cwd(), m.file) || m.file}: ${m.message}`);
        const segs = report.files.reduce((a, f) => a + f.segments.length, 0);
        console.log(`imported ${segs} segments from ${report.files.length} file(s)${report.failed ? `; ${report.failed} file(s) skipped (see above)` : ""}`);
        console.log(`wrote ${file}: ${tm.size} segments (${describePair(pair)}), ${fmtSize(bytes)}`);
        if (segs === 0) console.error(`polyspec: no ${describePair(pair)} translations found in ${positionals.join(", ")}: check --lang/--src and the files' languages`);
    } finally {
        cancel.dispose();
    }
}

function originLabel(m: TmMatch): string {
    const o = m.segment.origin;
    if (o.kind === "file") return `${path.relative(process.cwd(), o.file) || o.file}${o.line ? `:${o.line}` : ""}`;
    return o.kind === "corpus" ? `corpus${m.segment.key ? ` ${m.segment.key}` : ""}` : `history ${new Date(m.segment.time).toISOString().slice(0, 10)}`;
}

function load(file: string, pair: LanguagePair | undefined, timing?: LoadTiming): TranslationMemory {
    try {
        return loadTm(file, pair, timing);
    } catch (e) {
        if (e instanceof PolyspecError && e.code === "E_TM_MISSING" && pair) {
            throw new PolyspecError(`no translation memory for ${describePair(pair)} at ${file}: build one with 'polyspec tm build --lang ${pair.tgt}' or 'polyspec tm import FILES --lang ${pair.tgt}'`, "E_TM_MISSING");
        }
        throw e;
    }
}

async function query(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, {...COMMON, k: {type: "string"}, "min-score": {type: "string"}});
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    const text = positionals.join(" ");
    if (!text.trim()) throw new PolyspecError("tm query needs a TEXT: polyspec tm query TEXT --lang X", "E_USAGE");
    const pair = pairOf(v, "query");
    const k = intFlag(v.k, "k", 5, 1, 100);
    const minScore = numFlag(v["min-score"], "min-score", 0.5, 0.01, 1);
    const file = fileFlag(v.file, pair);
    const tm = load(file, pair);
    const t0 = performance.now();
    const matches = tm.search(text, {k, minScore});
    const ms = performance.now() - t0;
    if (v.json) {
        console.log(JSON.stringify({file, pair, query: text, minScore, ms, matches: matches.map((m) => ({score: m.score, ...m.segment}))}, null, 2));
        return;
    }
    if (matches.length === 0) {
        console.log(`no match with a score >= ${minScore} among ${tm.size} segments (${describePair(pair)})`);
        return;
    }
    for (const m of matches) {
        console.log(`${(m.score * 100).toFixed(0).padStart(3)}%  ${m.segment.source}`);
        console.log(`      ${m.segment.target}`);
        console.log(`      (${originLabel(m)})`);
    }
    console.error(`${matches.length} match(es) among ${tm.size} segments in ${ms.toFixed(1)} ms`);
}

async function info(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, COMMON);
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length) throw new PolyspecError(`tm info takes no positional argument (got "${positionals[0]}"): use --lang X or --file F`, "E_USAGE");
    if (!v.lang && !v.file) return list(!!v.json);
    const pair = v.lang ? pairOf(v, "info") : undefined;
    const file = pair ? fileFlag(v.file, pair) : v.file!;
    const timing: LoadTiming = {readMs: 0, decodeMs: 0, indexMs: 0};
    const tm = load(file, pair, timing);
    const s = tm.summary();
    const size = fs.statSync(file).size;
    const ix = tm.indexStats();
    if (v.json) {
        console.log(JSON.stringify({file, pair: tm.pair, segments: s.segments, byKind: s.byKind, bytes: size, files: [...tm.files.values()], load: timing, index: ix}, null, 2));
        return;
    }
    console.log(`${file}: Polyspec translation memory, format version 1, checksum ok`);
    console.log(`  ${describePair(tm.pair)}: ${s.segments} segments (${s.byKind.corpus} corpus, ${s.byKind.file} from files, ${s.byKind.history} history), ${fmtSize(size)}`);
    console.log(`  index: ${ix.vocabulary} distinct words, ${ix.tokens} words, ~${fmtSize(ix.bytes)} in memory`);
    console.log(`  loaded in ${(timing.readMs + timing.decodeMs + timing.indexMs).toFixed(0)} ms (read ${timing.readMs.toFixed(0)}, check + decode ${timing.decodeMs.toFixed(0)}, index ${timing.indexMs.toFixed(0)})`);
    const files = [...tm.files.values()].sort((a, b) => b.segments - a.segments);
    for (const f of files.slice(0, 10)) console.log(`  ${f.segments.toString().padStart(6)}  ${f.file}`);
    if (files.length > 10) console.log(`  ... and ${files.length - 10} more file(s)`);
}

function list(json: boolean): void {
    const dir = path.join(cacheRoot(), "tm");
    const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith(TM_EXTENSION)).sort() : [];
    const rows = files.map((f) => ({file: path.join(dir, f), header: peekTm(path.join(dir, f))}));
    if (json) { console.log(JSON.stringify(rows.map((r) => ({file: r.file, ...r.header})), null, 2)); return; }
    if (rows.length === 0) { console.log(`no translation memories in ${dir}: build one with 'polyspec tm build --lang X' or 'polyspec tm import FILES --lang X'`); return; }
    for (const r of rows) {
        console.log(r.header ? `${r.file}: ${describePair(r.header.pair)}, ${r.header.segments} segments, ${fmtSize(r.header.fileSize)}, saved ${new Date(r.header.savedAt).toISOString()}` : `${r.file}: not a readable memory file`);
    }
}
