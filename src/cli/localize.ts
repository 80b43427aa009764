import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {isLanguageCode} from "../core/languages";
import {Engine} from "../engine/engine";
import {
    engineTranslator, findPair, localizeFile, LocalizeConflictError,
    type JobEvent, type JobSummary, type LocalizeFileResult, type MemoryView, type Translate, type TranslateMode,
} from "../localize";
import {DEFAULT_TARGET} from "../models/registry";
import {defaultTmPath, loadTm, normalizeLang, type TranslationMemory} from "../tm";
import {intFlag, parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec localize FILE --lang X [--source FILE] [--src en] [--include-fuzzy] [--dry-run] [--json]
       [--model M] [--mode examples|lossless] [--order similar|file] [--tm auto|none|FILE] [--k N] [--threads N] [--gpu auto|cpu]
  Translates the entries of a translation file that are missing or empty (gettext .po, XLIFF 1.2/2.0, i18n JSON)
  with the local model, using the file's own translations (and the translation memory) as memory, and writes them
  into the file in its own format, changing nothing else. Machine-made entries are marked for review: gettext
  "#, fuzzy", XLIFF needs-review / subState, JSON in FILE.polyspec-review.json.
  FILE    the target (de.po, de.json, messages.xlf) or, for JSON, the source (en.json: the target is de.json beside it;
          locales/en/x.json: locales/de/x.json, created if missing); a .pot template: its <lang>.po beside it
  --source          JSON: the source-language file (default: found by name); .po: a template (.pot) whose
                    entries the .po lacks are added
  --include-fuzzy   also retranslate gettext entries flagged fuzzy and XLIFF units that need review
  --dry-run         translate and show, write nothing
  --mode            examples (default): similar translations as examples in the prompt; lossless: the plain
                    prompt (output exactly plain decoding's), memory used as draft source only
  --order           similar (default): similar entries one after another, each drafting from the previous; file
  --tm              auto (default): also the memory of the pair built by 'polyspec tm', if there is one
  Ctrl-C stops: what is translated so far is written, the file stays valid.`;

export async function run(argv: string[]): Promise<void> {
    const {values: v, positionals} = parse(argv, {
        lang: {type: "string"}, source: {type: "string"}, src: {type: "string"}, "include-fuzzy": {type: "boolean"}, "dry-run": {type: "boolean"},
        json: {type: "boolean"}, model: {type: "string"}, mode: {type: "string"}, order: {type: "string"}, tm: {type: "string"}, k: {type: "string"},
        threads: {type: "string"}, gpu: {type: "string"}, help: {type: "boolean", short: "h"},
    }, USAGE);
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length !== 1) throw new PolyspecError(`${positionals.length ? "one FILE at a time" : "localize needs a FILE"}: polyspec localize FILE --lang X (see 'polyspec localize --help')`, "E_USAGE");
    if (!v.lang) throw new PolyspecError("localize needs --lang X, the language to translate into (e.g. de)", "E_USAGE");
    const lang = langFlag(v.lang, "lang"), srcLang = langFlag(v.src ?? "en", "src");
    if (lang === srcLang) throw new PolyspecError(`--lang and --src are the same language (${lang})`, "E_USAGE");
    if (!isLanguageCode(lang)) throw new PolyspecError(`--lang ${v.lang}: not a language Polyspec translates into (see src/core/languages.ts)`, "E_USAGE");
    const mode = (v.mode ?? "examples") as TranslateMode;
    if (!["examples", "lossless"].includes(mode)) throw new PolyspecError(`--mode must be examples or lossless, got "${v.mode}"`, "E_USAGE");
    const order = v.order ?? "similar";
    if (order !== "similar" && order !== "file") throw new PolyspecError(`--order must be similar or file, got "${v.order}"`, "E_USAGE");
    if (v.gpu && !["auto", "cpu", "cuda", "vulkan"].includes(v.gpu)) throw new PolyspecError("--gpu must be auto, cpu, cuda or vulkan", "E_USAGE");
    const k = intFlag(v.k, "k", 8, 0, 16);
    const threads = v.threads === undefined ? undefined : intFlag(v.threads, "threads", 1, 1, 256);
    const pair = findPair(positionals[0], {lang, srcLang, source: v.source});
    const memory = externalMemory(v.tm ?? "auto", {src: srcLang, tgt: lang});

    const cancel = sigintCancel();
    let engine: Engine | undefined;
    let translator: Translate | undefined;
    const bar = v.json ? undefined : new ProgressBar(`translating ${path.basename(pair.target)}`, 0, " entries");
    const filled: {key: string; reason: string; value: string}[] = [];
    const problems: string[] = [];
    // the model is loaded only once there is something to translate (a malformed file is refused before)
    const translate: Translate = async (entry, mem) => {
        if (!translator) {
            const load = v.json ? undefined : new ProgressBar(`loading ${v.model ?? DEFAULT_TARGET}`, 0, "");
            engine = await Engine.create({model: v.model ?? DEFAULT_TARGET, gpu: v.gpu as never, threads, onProgress: (d, t) => load?.update(d, t)});
            load?.done();
            translator = engineTranslator(engine, {lang, srcLang, mode, k, cancel});
        }
        return translator(entry, mem);
    };
    const onEvent = (e: JobEvent) => {
        if (e.type === "item") bar?.update(e.done, e.total, e.unit.key.replace(/\s+/g, " ").slice(0, 40));
        if (e.type === "unit" && e.status === "done") filled.push({key: e.unit.key, reason: e.unit.reason, value: e.value ?? ""});
        if (e.type === "unit" && e.status === "flagged") problems.push(`${pair.target}:${e.unit.line}: "${e.unit.key.slice(0, 60)}" not written: ${e.problems?.join("; ")}`);
    };
    let result: LocalizeFileResult;
    try {
        result = await localizeFile({
            pair, includeFuzzy: !!v["include-fuzzy"], translate, memory, order, cancel, onEvent, dryRun: !!v["dry-run"],
            onOpen: (doc) => {
                for (const n of doc.notes) console.error(`${pair.target}: ${n}`);
                if (!doc.units.length && !v.json) console.error(`${pair.target}: nothing to translate (no missing or empty entries${v["include-fuzzy"] ? "" : "; --include-fuzzy also retranslates fuzzy ones"})`);
            },
        });
    } catch (e) {
        bar?.done();
        if (e instanceof LocalizeConflictError && v.json) console.log(JSON.stringify({error: e.message, review: e.review, summary: e.summary}, null, 2));
        throw e;
    } finally {
        cancel.dispose();
        await engine?.dispose();
    }
    bar?.done();
    if (v.json) {
        console.log(JSON.stringify({target: pair.target, source: pair.source, format: pair.format, lang, written: result.written, dryRun: result.dryRun,
            writtenUnits: result.writtenUnits, review: result.review, notes: result.notes, summary: result.summary,
            entries: filled, flagged: result.flagged.map((f) => ({key: f.unit.key, line: f.unit.line, problems: f.problems, candidate: f.candidate}))}, null, 2));
    } else {
        if (result.dryRun) for (const f of filled) console.log(`${f.key.replace(/\n/g, "\\n")}\n  -> ${f.value.replace(/\n/g, "\\n")}`);
        for (const p of problems) console.error(p);
        console.log(summaryLines(result).join("\n"));
    }
    if (result.summary.cancelled) process.exitCode = 130;
}

function langFlag(v: string, flag: string): string {
    try {
        return normalizeLang(v);
    } catch {
        throw new PolyspecError(`--${flag} must be a language code such as de, fr or pt-BR, got "${v}"`, "E_USAGE");
    }
}

/** The pair's memory file from 'polyspec tm' (auto: if there is one), read only. */
function externalMemory(spec: string, pair: {src: string; tgt: string}): MemoryView | undefined {
    if (spec === "none") return undefined;
    const file = spec === "auto" ? defaultTmPath(pair) : spec;
    if (spec === "auto" && !fs.existsSync(file)) return undefined;
    let tm: TranslationMemory;
    try {
        tm = loadTm(file, pair);
    } catch (e) {
        if (spec === "auto" && e instanceof PolyspecError) { console.error(`polyspec: the translation memory ${file} is not used: ${e.message}`); return undefined; }
        throw e;
    }
    return tm;
}

export function summaryLines(r: LocalizeFileResult): string[] {
    const s: JobSummary = r.summary;
    const lines = [
        `${r.dryRun ? "would write" : r.written ? "wrote" : "nothing written to"} ${r.pair.target}: ${s.translated} of ${s.units} entries translated${s.flagged ? `, ${s.flagged} flagged (not written)` : ""}${s.skipped ? `, ${s.skipped} not reached${s.cancelled ? " (cancelled)" : ""}` : ""}`,
    ];
    const parts = [`${s.requests} model request${s.requests === 1 ? "" : "s"}${s.retries ? ` (${s.retries} retr${s.retries === 1 ? "y" : "ies"} for placeholders)` : ""}`];
    if (s.reused) parts.push(`${s.reused} text${s.reused === 1 ? "" : "s"} reused from exact matches`);
    if (s.tokensPerSecond !== null) parts.push(`${s.tokens} tokens at ${s.tokensPerSecond.toFixed(1)} tokens/s`);
    if (s.plain?.speedup) parts.push(`${s.plain.speedup.toFixed(2)}x plain decoding (${s.plain.requests} requests measured)`);
    parts.push(`TM matches used for ${s.tmMatchesUsed} of ${s.items} texts`);
    if (s.entriesPerMinute !== null) parts.push(`${s.entriesPerMinute.toFixed(1)} entries/min`);
    lines.push(`  ${parts.join("; ")}`);
    if (s.placeholders.items) lines.push(`  placeholders kept in ${s.placeholders.kept} of ${s.placeholders.items} texts that have them (${s.placeholders.firstTry} on the first try)`);
    if (r.review) lines.push(`  review list: ${r.review}`);
    return lines;
}
