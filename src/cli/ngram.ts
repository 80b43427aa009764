import fs from "node:fs";
import {PolyspecError} from "../core/errors";
import {isLanguageCode} from "../core/languages";
import {cacheRoot} from "../corpus/paths";
import {DEFAULTS, MAX_ORDER, MIN_ORDER, NgramTable, defaultNgramPath, mergeNgramFiles, trainNgram, type OrderInfo} from "../drafters/ngram";
import {DEFAULT_TARGET} from "../models/registry";
import {intFlag, parse, subcommand} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec ngram train [FILES/FOLDERS...] --lang X [--model M] [--order N] [--min-count C[,C...]] [--top M] [--memory MB] [--out FILE] [--json]
       polyspec ngram info FILE [--json]
       polyspec ngram merge A B [...] --out C [--lang X] [--min-count C[,C...]] [--top M] [--json]
  train   counts n-grams (orders 2..N, default N=${DEFAULTS.order}) of text tokenized with the model's tokenizer (default ${DEFAULT_TARGET});
          with no files, trains on the language's monolingual corpus (built first if needed);
          --min-count prunes rarer n-grams (default ${DEFAULTS.minCount}; a list gives one value per order from 2);
          --top keeps that many continuations per context (default ${DEFAULTS.topM}); --memory bounds counting (MiB, default ${DEFAULTS.memoryMB});
          default output: <cache>/drafters/<lang>-<fingerprint8>.ngram (cache: $POLYSPEC_CACHE or <package>/.cache)
  info    validates a file and shows its header and counts
  merge   adds the counts of files built for the same tokenizer (pruning and top-M re-applied)`;

export async function run(argv: string[]): Promise<void> {
    return subcommand(argv, "ngram", USAGE, {train, info, merge});
}

/** parse() with its error cut to one line (the usage is one --help away). */
function flags<O extends Parameters<typeof parse>[1]>(argv: string[], options: O) {
    try {
        return parse(argv, options, USAGE);
    } catch (e) {
        if (e instanceof PolyspecError) throw new PolyspecError(`${e.message.split("\n")[0]} (see 'polyspec ngram --help')`, e.code);
        throw e;
    }
}

function minCountFlag(v: string | undefined): number | number[] {
    if (v === undefined) return DEFAULTS.minCount;
    const parts = v.split(",");
    if (parts.length > MAX_ORDER - MIN_ORDER + 1) throw new PolyspecError(`--min-count takes at most ${MAX_ORDER - MIN_ORDER + 1} values (orders ${MIN_ORDER}..${MAX_ORDER}), got "${v}"`, "E_USAGE");
    const list = parts.map((p) => intFlag(p.trim(), "min-count", 0, 1, 0xffffffff));
    return list.length === 1 ? list[0] : list;
}

function langFlag(v: string | undefined, needKnown: boolean): string {
    if (!v) throw new PolyspecError("--lang is required (a language code such as de, fr, zh); see 'polyspec ngram --help'", "E_USAGE");
    if (needKnown && !isLanguageCode(v)) throw new PolyspecError(`unknown language "${v}" for the built-in corpus: give text files to train on, or a known language code`, "E_USAGE");
    if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$/.test(v) || v.length > 15) throw new PolyspecError(`--lang must be a language code such as de or pt-BR, got "${v}"`, "E_USAGE");
    return v;
}

function ordersLine(orders: OrderInfo[]): string {
    return orders.map((o) => `order ${o.order}: ${o.ngrams} n-grams in ${o.contexts} contexts (min count ${o.minCount})`).join("; ");
}

function fmtSize(n: number): string {
    return n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`;
}

async function train(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, {
        lang: {type: "string"}, model: {type: "string"}, order: {type: "string"}, "min-count": {type: "string"}, top: {type: "string"},
        memory: {type: "string"}, out: {type: "string"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"},
    });
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    const lang = langFlag(v.lang, positionals.length === 0);
    const order = intFlag(v.order, "order", DEFAULTS.order, MIN_ORDER, MAX_ORDER);
    const minCount = minCountFlag(v["min-count"]);
    const topM = intFlag(v.top, "top", DEFAULTS.topM, 1, 255);
    const memoryMB = intFlag(v.memory, "memory", DEFAULTS.memoryMB, 16, 1 << 20);
    if (v.out !== undefined && (!v.out || (fs.existsSync(v.out) && fs.statSync(v.out).isDirectory()))) throw new PolyspecError(`--out must be a file path, got "${v.out}"`, "E_USAGE");
    for (const p of positionals) if (!fs.existsSync(p)) throw new PolyspecError(`corpus file not found: ${p}`, "E_CORPUS");
    const modelSpec = v.model ?? DEFAULT_TARGET;

    const cancel = sigintCancel();
    const {LoadedModel} = await import("../engine/model");
    const modelBar = new ProgressBar(`model ${modelSpec}`, 0, "B");
    const model = await LoadedModel.open(modelSpec, {gpu: "cpu", vocabOnly: true, onProgress: (d, t, stage) => modelBar.update(d, t, stage)});
    modelBar.done();
    try {
        let inputs = positionals;
        if (inputs.length === 0) {
            const {ensureMonolingual} = await import("../corpus/index");
            const bar = new ProgressBar(`corpus ${lang}`, 0);
            inputs = [await ensureMonolingual(lang, {cancel, onProgress: (p) => bar.update(p.done, p.total, `${p.phase} ${p.note}`)})];
            bar.done();
        }
        const out = v.out ?? defaultNgramPath(cacheRoot(), lang, model.fingerprint);
        const bar = new ProgressBar(`training ngram:${lang}`, 0, "B");
        const r = await trainNgram(inputs, {
            tokenizer: model, lang, out, order, minCount, topM, memoryMB, model: modelSpec, cancel,
            onProgress: (done, total, stage) => bar.update(done, total, stage === "read" ? "" : stage),
        });
        bar.done();
        if (v.json) {
            console.log(JSON.stringify(r, null, 2));
            return;
        }
        console.log(`wrote ${r.file}: ${fmtSize(r.bytes)}, ${r.ngrams} n-grams, ${r.bytesPerNgram.toFixed(2)} bytes per n-gram`);
        console.log(`  ${ordersLine(r.orders)}`);
        console.log(`  from ${r.inputFiles} file(s), ${fmtSize(r.inputBytes)}, ${r.trainingTokens} tokens (${modelSpec}) in ${r.seconds.toFixed(1)} s ` +
            `(${(r.inputBytes / 1e6 / r.seconds).toFixed(2)} MB/s incl. tokenization, which took ${r.tokenizeSeconds.toFixed(1)} s)${r.spills ? `, ${r.spills} spill(s)` : ""}`);
    } finally {
        cancel.dispose();
        await model.dispose();
    }
}

async function info(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, {json: {type: "boolean"}, help: {type: "boolean", short: "h"}});
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length !== 1) throw new PolyspecError("ngram info takes one file: polyspec ngram info FILE [--json]", "E_USAGE");
    const t = NgramTable.load(positionals[0]);
    const h = t.header;
    const ngrams = t.ngrams;
    if (v.json) {
        console.log(JSON.stringify({file: t.name, ...h, ngrams, bytesPerNgram: h.fileSize / ngrams}, null, 2));
        return;
    }
    console.log(`${t.name}: Polyspec n-gram table, format version ${h.version}, checksum ok`);
    console.log(`  language ${h.lang}, tokenizer ${h.fingerprint} (${h.vocabSize} tokens${h.model ? `, model ${h.model}` : ""})`);
    console.log(`  orders 2..${h.maxOrder}, top ${h.topM} continuations per context, trained on ${h.trainingTokens} tokens`);
    for (const o of h.orders) console.log(`  order ${o.order}: ${o.contexts} contexts, ${o.ngrams} n-grams, min count ${o.minCount}`);
    console.log(`  ${fmtSize(h.fileSize)}, ${ngrams} n-grams, ${(h.fileSize / ngrams).toFixed(2)} bytes per n-gram`);
}

async function merge(argv: string[]): Promise<void> {
    const {values: v, positionals} = flags(argv, {
        out: {type: "string"}, lang: {type: "string"}, "min-count": {type: "string"}, top: {type: "string"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"},
    });
    if (v.help) { console.log(`usage: ${USAGE}`); return; }
    if (positionals.length < 2) throw new PolyspecError("ngram merge needs at least two files: polyspec ngram merge A B [...] --out C", "E_USAGE");
    if (!v.out) throw new PolyspecError("ngram merge needs --out FILE", "E_USAGE");
    const lang = v.lang === undefined ? undefined : langFlag(v.lang, false);
    const cancel = sigintCancel();
    try {
        const r = await mergeNgramFiles(positionals, {
            out: v.out, lang, cancel,
            minCount: v["min-count"] === undefined ? undefined : minCountFlag(v["min-count"]),
            topM: v.top === undefined ? undefined : intFlag(v.top, "top", DEFAULTS.topM, 1, 255),
        });
        if (v.json) {
            console.log(JSON.stringify(r, null, 2));
            return;
        }
        console.log(`wrote ${r.file}: ${fmtSize(r.bytes)}, ${r.ngrams} n-grams, ${r.bytesPerNgram.toFixed(2)} bytes per n-gram, from ${r.inputs.length} files (${r.trainingTokens} tokens) in ${r.seconds.toFixed(1)} s`);
        console.log(`  ${ordersLine(r.orders)}`);
    } finally {
        cancel.dispose();
    }
}
