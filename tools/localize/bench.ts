/**
 * Localization benchmark (issue 16): a real translation file of our corpora with its target side removed, filled by
 * the localization job on the real model, against the real translations.
 *
 * The file: a Wesnoth catalogue (default wesnoth-httt, German) as Debian ships it (.mo, in the cache's
 * downloads/extracted/ folder that 'polyspec corpus build' fills), rebuilt as a .po (msgcat layout; .mo files keep no
 * source order, and their alphabetical order would already put similar texts together, so the .po lists the entries
 * in a fixed pseudo-random order: sha256 of the msgid). Removed: the translations of N entries that are held out as
 * our test sets are (their English is in <cache>/corpus/<lang>/test-story.jsonl: never in training text, never in the
 * corpus memory) and of P entries with placeholders ($name, %s, <b>...; the story test set has none). The job's memory
 * is the file's other translations only (as a translator's own file would be).
 *
 * `--neighbours K` also removes, for each held-out entry, up to K entries of the file most similar to it (sim >= 0.5):
 * a file with groups of related new strings, where the order and the growing memory can matter.
 *
 * The variants run as jobs interleaved in one process, request by request (A, B, C, A, B, C...): "similar" (order
 * similar, the job's default), "file" (file order), "static" (file order, the memory does not grow: an ablation of the
 * history). The first variant also decodes every prompt plainly (no drafter), alternating which goes first, for the
 * speed-up against plain decoding of the same prompts. Reported per variant:
 *   chrF (src/core/stats.ts) of the filled entries against the real translations (a flagged or unfinished entry counts
 *   as an empty translation), for the held-out and placeholder entries and overall;
 *   placeholder integrity: entries with placeholders written with all of them kept / entries with placeholders
 *   (a flagged entry counts as a failure; the first-try rate too);
 *   entries per minute: finished entries / the generation wall time of their requests (prompt evaluation included;
 *   waiting for the other job and the plain-decoding measurement excluded);
 *   decode tokens/s, tokens per step, the speed-up against plain decoding (decode and end to end) and the number of
 *   outputs identical to plain decoding's; the ratios similar / file (and file / static) of entries per minute and of
 *   decode tokens/s.
 * Timings are only meaningful on a quiet machine (the lead runs the full size); chrF, integrity and counts are not
 * timing-sensitive.
 *
 *   flock /tmp/polyspec-model.lock npx tsx tools/localize/bench.ts [--lang de] [--catalogue wesnoth-httt] [--n 20]
 *     [--placeholders 5] [--neighbours 0] [--variants similar,file[,static]] [--mode examples|lossless] [--model M]
 *     [--out results.json] [--keep DIR]
 */
import {createHash} from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {languageByCode} from "../../src/core/languages";
import {acceptanceRate, chrF} from "../../src/core/stats";
import {normKey} from "../../src/corpus/decontaminate";
import {parseMo, type MoEntry} from "../../src/corpus/mo";
import {Engine} from "../../src/engine/engine";
import {checkPlaceholders, extractPlaceholders} from "../../src/localize/placeholders";
import {openPo, poStringLines} from "../../src/localize/formats/po";
import {runLocalizeJob, type JobResult, type Translate} from "../../src/localize/job";
import {engineTranslator, type TranslateMode} from "../../src/localize/translate";
import type {JobOrder} from "../../src/localize/order";
import {cacheRoot} from "../../src/models/cache";
import {FuzzyIndex} from "../../src/tm/fuzzy-index";
import {DEFAULT_TARGET} from "../../src/models/registry";

const {values: a} = parseArgs({options: {
    lang: {type: "string"}, catalogue: {type: "string"}, n: {type: "string"}, placeholders: {type: "string"}, mode: {type: "string"},
    model: {type: "string"}, out: {type: "string"}, keep: {type: "string"}, threads: {type: "string"}, neighbours: {type: "string"}, variants: {type: "string"},
}});
const lang = a.lang ?? "de";
const catalogue = a.catalogue ?? "wesnoth-httt";
const N = Number(a.n ?? 20), P = Number(a.placeholders ?? 5);
const mode = (a.mode ?? "examples") as TranslateMode;
const K = Number(a.neighbours ?? 0);
const VARIANTS: Record<string, {order: JobOrder; grow: boolean}> = {similar: {order: "similar", grow: true}, file: {order: "file", grow: true}, static: {order: "file", grow: false}};
const variants = (a.variants ?? "similar,file").split(",");
for (const v of variants) if (!VARIANTS[v]) throw new Error(`unknown variant ${v}: use similar, file, static`);

interface Picked {
    entry: MoEntry;
    kind: "held-out" | "placeholders" | "neighbours";
}

/** The catalogue's .mo for the language, from the extracted Debian packages. */
function findMo(): string {
    const root = path.join(cacheRoot(), "downloads", "extracted");
    const locale = languageByCode(lang).sources.wesnoth;
    if (!locale) throw new Error(`${lang} has no Wesnoth catalogues`);
    if (!fs.existsSync(root)) throw new Error(`${root} does not exist: run 'polyspec corpus build --langs ${lang}' first`);
    for (const d of fs.readdirSync(root).sort()) {
        const f = path.join(root, d, "usr/share/games/wesnoth/1.16/locale", locale, "LC_MESSAGES", `${catalogue}.mo`);
        if (fs.existsSync(f)) return f;
    }
    throw new Error(`no ${catalogue}.mo for ${locale} under ${root}: run 'polyspec corpus build --langs ${lang}' first`);
}

const hash = (s: string) => createHash("sha256").update(s).digest("hex");

/** The catalogue as a .po (msgcat layout), with the translations of `blank` removed. */
function toPo(header: string, entries: MoEntry[], blank: Set<MoEntry>): string {
    const lines = [`msgid ""`, ...poStringLines("msgstr", header).slice(0)];
    const out = [lines.join("\n")];
    for (const e of entries) {
        const l: string[] = [];
        if (e.context !== undefined) l.push(...poStringLines("msgctxt", e.context));
        l.push(...poStringLines("msgid", e.id), ...poStringLines("msgstr", blank.has(e) ? "" : e.str));
        out.push(l.join("\n"));
    }
    return out.join("\n\n") + "\n";
}

/** Lets two jobs take turns, request by request; a finished job passes its turns on. */
class Turns {
    private turn = 0;
    private readonly active: boolean[];
    private readonly waiting = new Map<number, () => void>();
    constructor(private readonly n: number) { this.active = Array(n).fill(true); }
    async wait(i: number): Promise<void> {
        while (this.turn !== i) await new Promise<void>((r) => this.waiting.set(i, r));
    }
    pass(i: number): void {
        let next = (i + 1) % this.n;
        while (!this.active[next] && next !== i) next = (next + 1) % this.n;
        this.turn = next;
        const w = this.waiting.get(next);
        this.waiting.delete(next);
        w?.();
    }
    finish(i: number): void {
        this.active[i] = false;
        if (this.turn === i) this.pass(i);
    }
}

async function main(): Promise<void> {
    const moFile = findMo();
    const cat = parseMo(fs.readFileSync(moFile));
    const entries = [...cat.entries].sort((x, y) => hash(x.id).localeCompare(hash(y.id)));
    const heldFile = path.join(cacheRoot(), "corpus", lang, "test-story.jsonl");
    const held = fs.readFileSync(heldFile, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as {src: string});
    const byKey = new Map<string, MoEntry>();
    for (const e of entries) if (e.str.trim()) byKey.set(normKey(e.id), e);
    const picked: Picked[] = [];
    for (const h of held) { // test-story.jsonl is in hash order: its first lines are a random sample
        const e = byKey.get(normKey(h.src));
        if (e && picked.length < N && !picked.some((p) => p.entry === e)) picked.push({entry: e, kind: "held-out"});
    }
    if (K > 0) {
        const index = new FuzzyIndex();
        for (const e of entries) index.add(e.id);
        for (const p of picked.filter((x) => x.kind === "held-out")) {
            let added = 0;
            for (const h of index.search(p.entry.id, {k: K + 4, minScore: 0.5})) {
                const e = entries[h.id];
                if (added >= K || picked.some((x) => x.entry === e) || !e.str.trim() || extractPlaceholders(e.id).length) continue;
                picked.push({entry: e, kind: "neighbours"});
                added++;
            }
        }
    }
    for (const e of entries) {
        if (picked.filter((p) => p.kind === "placeholders").length >= P) break;
        if (e.str.trim() && extractPlaceholders(e.id).length && !picked.some((p) => p.entry === e)) picked.push({entry: e, kind: "placeholders"});
    }
    const blank = new Set(picked.map((p) => p.entry));
    const text = toPo(cat.header, entries, blank);
    const file = `${catalogue}.${lang}.po`;
    const reference = new Map(picked.map((p) => [p.entry.id, p]));
    const count = (k: Picked["kind"]) => picked.filter((p) => p.kind === k).length;
    console.error(`${moFile}: ${entries.length} entries (${cat.plurals} plural entries not read); removed ${count("held-out")} held-out, ${count("neighbours")} neighbour and ${count("placeholders")} placeholder translations`);

    const orders = variants;
    const docs = orders.map(() => openPo(file, text, lang));
    console.error(`${file}: ${docs[0].units.length} entries to fill, ${docs[0].memory.length} translations as memory`);
    if (docs[0].units.length !== picked.length) throw new Error(`expected ${picked.length} entries to fill, the .po has ${docs[0].units.length}`);
    const engine = await Engine.create({model: a.model ?? DEFAULT_TARGET, threads: a.threads ? Number(a.threads) : undefined});
    const turns = new Turns(orders.length);
    const gen = orders.map(() => ({wallMs: 0, steps: 0, drafted: 0, accepted: 0}));
    const results: JobResult[] = [];
    try {
        const t0 = performance.now();
        await Promise.all(orders.map(async (order, i) => {
            const inner = engineTranslator(engine, {lang, mode, measurePlain: i === 0});
            const translate: Translate = async (e, m) => {
                await turns.wait(i);
                try {
                    const r = await inner(e, m);
                    gen[i].wallMs += r.stats?.wallMs ?? 0;
                    gen[i].steps += r.stats?.steps ?? 0;
                    gen[i].drafted += r.stats?.drafted ?? 0;
                    gen[i].accepted += r.stats?.accepted ?? 0;
                    return r;
                } finally {
                    turns.pass(i);
                }
            };
            try {
                results[i] = await runLocalizeJob(docs[i], {translate, order: VARIANTS[order].order, growMemory: VARIANTS[order].grow, onEvent: (ev) => {
                    if (ev.type === "item") console.error(`[${order}] ${ev.done}/${ev.total} ${ev.status}: ${ev.item.source.slice(0, 50)} -> ${(ev.text ?? ev.problems?.join("; ") ?? "").slice(0, 60)}`);
                }});
            } finally {
                turns.finish(i);
            }
        }));
        const wallMs = performance.now() - t0;
        const report: Record<string, unknown> = {
            model: a.model ?? DEFAULT_TARGET, lang, catalogue, mo: moFile, mode, entries: entries.length, removed: {heldOut: count("held-out"), neighbours: count("neighbours"), placeholders: count("placeholders")},
            wallMs, node: process.version,
        };
        const rows: Record<string, Record<string, unknown>> = {};
        orders.forEach((order, i) => {
            const doc = docs[i], r = results[i];
            const written = new Map<string, string>();
            for (const u of doc.units) {
                const texts = r.done.get(u.id);
                if (texts) written.set(u.key, u.render(texts));
            }
            const score = (kind?: Picked["kind"]) => {
                const ps = picked.filter((p) => !kind || p.kind === kind);
                return ps.length ? chrF(ps.map((p) => written.get(p.entry.context !== undefined ? `${p.entry.context} | ${p.entry.id}` : p.entry.id) ?? ""), ps.map((p) => p.entry.str)) : null;
            };
            const withPh = picked.filter((p) => extractPlaceholders(p.entry.id).length);
            const kept = withPh.filter((p) => { const w = written.get(p.entry.id); return w !== undefined && checkPlaceholders(p.entry.id, w).ok; }).length;
            const s = r.summary;
            rows[order] = {
                chrF: score(), chrFHeldOut: score("held-out"), chrFNeighbours: score("neighbours"), chrFPlaceholders: score("placeholders"),
                translated: s.translated, flagged: s.flagged, skipped: s.skipped, reused: s.reused, requests: s.requests, retries: s.retries,
                placeholderIntegrity: withPh.length ? kept / withPh.length : null, placeholderEntries: withPh.length, placeholderFirstTry: s.placeholders.items ? s.placeholders.firstTry / s.placeholders.items : null,
                entriesPerMinute: gen[i].wallMs > 0 ? s.translated / (gen[i].wallMs / 60000) : null, generationWallMs: gen[i].wallMs,
                tokens: s.tokens, decodeTokensPerSecond: s.tokensPerSecond, tokensPerStep: gen[i].steps ? s.tokens / gen[i].steps : null,
                acceptance: acceptanceRate({drafted: gen[i].drafted, accepted: gen[i].accepted} as never), tmMatchesUsed: s.tmMatchesUsed, tmByOrigin: s.tmByOrigin,
                ...(s.plain ? {plain: s.plain} : {}),
            };
            if (a.keep) {
                fs.mkdirSync(a.keep, {recursive: true});
                fs.writeFileSync(path.join(a.keep, `${order}.${file}`), doc.apply(r.done).text);
                fs.writeFileSync(path.join(a.keep, `blank.${file}`), text);
            }
        });
        report.orders = rows;
        const ratio = (x: unknown, y: unknown) => typeof x === "number" && typeof y === "number" && y > 0 ? x / y : null;
        const vs = (p: string, q: string) => rows[p] && rows[q] ? {entriesPerMinute: ratio(rows[p].entriesPerMinute, rows[q].entriesPerMinute), decodeTokensPerSecond: ratio(rows[p].decodeTokensPerSecond, rows[q].decodeTokensPerSecond)} : undefined;
        report.orderSpeedup = vs("similar", "file");
        report.historySpeedup = vs("file", "static");
        report.entries = [...reference.values()].map((p) => ({kind: p.kind, source: p.entry.id, reference: p.entry.str}));
        if (a.out) fs.writeFileSync(a.out, JSON.stringify(report, null, 2) + "\n");
        const f = (x: unknown, d = 1) => typeof x === "number" ? x.toFixed(d) : "-";
        console.log(`localization benchmark: ${catalogue} (${lang}), ${picked.length} entries removed, mode ${mode}, ${report.model}; timings need a quiet machine`);
        console.log(`| variant | chrF | chrF held-out | chrF neighbours | chrF placeholders | placeholder integrity | first try | entries/min | decode tok/s | tok/step | vs plain (decode / end to end) | identical to plain | translated / flagged |`);
        console.log(`|---|---|---|---|---|---|---|---|---|---|---|---|---|`);
        for (const order of orders) {
            const r = rows[order] as Record<string, number | null> & {plain?: {speedup: number | null; endToEndSpeedup: number | null; identical: number; requests: number}};
            console.log(`| ${order} | ${f(r.chrF)} | ${f(r.chrFHeldOut)} | ${f(r.chrFNeighbours)} | ${f(r.chrFPlaceholders)} | ${r.placeholderIntegrity === null ? "-" : `${f(100 * r.placeholderIntegrity!, 0)}% of ${r.placeholderEntries}`} | ${r.placeholderFirstTry === null ? "-" : `${f(100 * r.placeholderFirstTry!, 0)}%`} | ${f(r.entriesPerMinute)} | ${f(r.decodeTokensPerSecond)} | ${f(r.tokensPerStep, 2)} | ${r.plain ? `${f(r.plain.speedup, 2)}x / ${f(r.plain.endToEndSpeedup, 2)}x` : "-"} | ${r.plain ? `${r.plain.identical} of ${r.plain.requests}` : "-"} | ${r.translated} / ${r.flagged} |`);
        }
        for (const [name, r] of [["similar order against file order", report.orderSpeedup], ["growing memory against none (file order)", report.historySpeedup]] as const) {
            const x = r as {entriesPerMinute: number | null; decodeTokensPerSecond: number | null} | undefined;
            if (x) console.log(`${name}: ${f(x.entriesPerMinute, 2)}x entries per minute, ${f(x.decodeTokensPerSecond, 2)}x decode tokens/s (interleaved, one run: preliminary)`);
        }
    } finally {
        await engine.dispose();
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
