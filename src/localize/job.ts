/**
 * The localization job: translates the texts of a document's units one by one with an injected `translate` (the
 * engine in real use, anything in tests), checks every output's placeholders (a failure is retried once with a
 * stronger instruction, then, where the text has line-level markup or several lines, translated part by part
 * (segments.ts); then the unit is flagged), grows its memory as it goes, and reports progress per text.
 *
 * Pure: no file access and no model here. The memory the translator searches is the job's own (the document's
 * existing translations, plus every finished text as a "history" segment, so that later texts draft from earlier
 * ones) together with an optional external memory (the workspace's or the corpus's), read only.
 *
 * Cancellation at any time: the job stops after the current text (the engine stops that one within a step), and
 * returns what is finished: every unit whose texts are all done and checked; the caller writes those (the file stays
 * valid: a unit is written whole or not at all).
 */
import type {Cancel} from "../core/errors";
import {TranslationMemory, comparesCharacters, type TmMatch} from "../tm/memory";
import type {SearchOptions} from "../tm/fuzzy-index";
import type {Origin} from "../tm/segment";
import type {LocalizeDocument, LocalizeUnit, TextItem} from "./document";
import {checkPlaceholders, countWhole, escapeRe, placeholderList} from "./placeholders";
import {translationOrder, type JobOrder} from "./order";
import {cleanOutput} from "./clean";
import {splitForTranslation} from "./segments";

/** What the translator may search: the job's memory and the external one, merged, best first. */
export interface MemoryView {
    search(text: string, o?: SearchOptions): TmMatch[];
}

/** One request to the translator. */
export interface TranslateEntry {
    item: TextItem;
    unit: LocalizeUnit;
    /** 1, or 2 for the retry after a placeholder problem. */
    attempt: 1 | 2;
    /** The placeholders and literal tokens the translation must keep (the retry's instruction lists them). */
    keep: string[];
    /** What went wrong in the first attempt (retry only). */
    problems?: string[];
}

export interface TranslateStats {
    /** Generated tokens and the decode time (prompt evaluation excluded) of the translation. */
    tokens: number;
    decodeMs: number;
    /** Wall time of the request, prompt evaluation included. */
    wallMs?: number;
    steps?: number;
    drafted?: number;
    accepted?: number;
    /** The same prompt decoded plainly (no drafter), where measured: for the speed-up. */
    plain?: {tokens: number; decodeMs: number; wallMs: number; identical: boolean};
}

export interface TranslateResult {
    text: string;
    stats?: TranslateStats;
    /** Memory matches the translation used (as prompt examples or draft sources). */
    matches?: {score: number; origin: Origin["kind"]; inPrompt?: boolean}[];
    /** The generation was cancelled: the text is not a translation. */
    cancelled?: boolean;
}

export type Translate = (entry: TranslateEntry, memory: MemoryView) => Promise<TranslateResult>;

export interface JobOptions {
    translate: Translate;
    /** Read-only memory searched besides the document's own translations (the workspace's, the corpus's). */
    memory?: MemoryView;
    /** "similar" (default): similar texts one after another; "file": file order. */
    order?: JobOrder;
    /** Add every finished text to the job's memory as a "history" segment (default true; false: an ablation). */
    growMemory?: boolean;
    /** Take an exact match of the memory (same source text) without the model (default true). */
    reuseExact?: boolean;
    /** Known translations by unit key and source (a side file of an earlier run): used without the model. */
    known?: ReadonlyMap<string, string>;
    cancel?: Cancel;
    onEvent?: (e: JobEvent) => void;
    /** Clock (tests). */
    now?: () => number;
}

export type ItemStatus = "translated" | "retried" | "reused" | "known" | "flagged" | "cancelled";

export type JobEvent =
    | {type: "start"; units: number; items: number}
    | {type: "item"; done: number; total: number; item: TextItem; unit: LocalizeUnit; status: ItemStatus; text?: string; problems?: string[]}
    | {type: "unit"; unit: LocalizeUnit; status: "done" | "flagged"; value?: string; problems?: string[]}
    | {type: "done"; summary: JobSummary};

export interface FlaggedUnit {
    unit: LocalizeUnit;
    problems: string[];
    /** The best translation the model gave (not written). */
    candidate?: string;
}

export interface JobSummary {
    units: number;
    /** Units finished and checked (to be written). */
    translated: number;
    flagged: number;
    /** Units not finished (cancelled before their turn). */
    skipped: number;
    /** Texts taken from an exact memory match or a side file, without the model. */
    reused: number;
    items: number;
    /** Model requests (retries included) and retries. */
    requests: number;
    retries: number;
    tokens: number;
    decodeMs: number;
    /** tokens / decode seconds (null before any token). */
    tokensPerSecond: number | null;
    /** Plain decoding of the same prompts, where measured (the job's translator was asked to). */
    plain?: {requests: number; tokens: number; decodeMs: number; wallMs: number; tokensPerSecond: number | null; speedup: number | null; endToEndSpeedup: number | null; identical: number};
    /** Texts translated with at least one memory match (prompt example or draft source), by the best match's origin. */
    tmMatchesUsed: number;
    tmByOrigin: Record<Origin["kind"], number>;
    /** Texts with placeholders; of them, kept on the first attempt, and after the retry. */
    placeholders: {items: number; firstTry: number; kept: number};
    wallMs: number;
    /** Finished units per minute of the job's wall time. */
    entriesPerMinute: number | null;
    cancelled: boolean;
    order: JobOrder;
}

export interface JobResult {
    /** unit id -> its texts' translations (restored), for LocalizeDocument.apply. */
    done: Map<string, string[]>;
    /** text id -> its translation as checked (before a plural sample is restored): what a side file keeps. */
    raw: Map<string, string>;
    flagged: FlaggedUnit[];
    /** Units not finished. */
    skipped: LocalizeUnit[];
    summary: JobSummary;
}

/** The job's memory view: its own segments and the external memory's, merged by score. */
export class JobMemory implements MemoryView {
    readonly own: TranslationMemory;
    constructor(doc: Pick<LocalizeDocument, "srcLang" | "lang" | "memory">, readonly external?: MemoryView) {
        this.own = new TranslationMemory({src: doc.srcLang, tgt: doc.lang});
        this.own.add(doc.memory);
    }
    search(text: string, o: SearchOptions = {}): TmMatch[] {
        const own = this.own.search(text, o);
        if (!this.external) return own;
        const all = [...own, ...this.external.search(text, o)].sort((a, b) => b.score - a.score || b.segment.time - a.segment.time);
        const seen = new Set<string>();
        return all.filter((m) => { const k = `${m.segment.source}\u0000${m.segment.target}`; if (seen.has(k)) return false; seen.add(k); return true; }).slice(0, o.k ?? 5);
    }
}

/** Runs the job over a document's units. */
export async function runLocalizeJob(doc: Pick<LocalizeDocument, "units" | "memory" | "srcLang" | "lang">, o: JobOptions): Promise<JobResult> {
    const now = o.now ?? (() => performance.now());
    const t0 = now();
    const memory = new JobMemory(doc, o.memory);
    const units = doc.units;
    const items = units.flatMap((u) => u.items.map((item) => ({item, unit: u})));
    const order = o.order ?? "similar";
    const sequence = translationOrder(items.map((x) => x.item.source), order, comparesCharacters(doc.srcLang));
    const outputs = new Map<string, string>();
    const raw = new Map<string, string>();
    const failed = new Map<string, {problems: string[]; candidate?: string}>();
    const done = new Map<string, string[]>();
    const flagged: FlaggedUnit[] = [];
    const s: JobSummary = {
        units: units.length, translated: 0, flagged: 0, skipped: 0, reused: 0, items: items.length, requests: 0, retries: 0, tokens: 0, decodeMs: 0,
        tokensPerSecond: null, tmMatchesUsed: 0, tmByOrigin: {file: 0, history: 0, corpus: 0}, placeholders: {items: 0, firstTry: 0, kept: 0},
        wallMs: 0, entriesPerMinute: null, cancelled: false, order,
    };
    let plain: NonNullable<JobSummary["plain"]> & {specWallMs: number; specTokens: number; specDecodeMs: number} | undefined;
    const emit = (e: JobEvent) => o.onEvent?.(e);
    emit({type: "start", units: units.length, items: items.length});
    const left = new Map(units.map((u) => [u.id, u.items.length]));
    let count = 0;

    const finishUnit = (u: LocalizeUnit) => {
        if (failed.has(u.id)) return;
        const texts = u.items.map((it) => outputs.get(it.id)!);
        const problem = u.check?.(texts);
        if (problem) {
            failed.set(u.id, {problems: [problem], candidate: u.render(texts)});
            flagged.push({unit: u, problems: [problem], candidate: u.render(texts)});
            emit({type: "unit", unit: u, status: "flagged", problems: [problem]});
            return;
        }
        done.set(u.id, texts);
        emit({type: "unit", unit: u, status: "done", value: u.render(texts)});
    };

    for (const idx of sequence) {
        const {item, unit} = items[idx];
        if (o.cancel?.cancelled) { s.cancelled = true; break; }
        if (failed.has(unit.id)) { count++; continue; } // another text of the unit already failed
        const keep = [...placeholderList(item.source), ...(item.keep ?? [])];
        const hasPlaceholders = keep.length > 0;
        if (hasPlaceholders) s.placeholders.items++;
        let status: ItemStatus | undefined, text: string | undefined, problems: string[] | undefined;
        // a translation known from an earlier run, or an exact match of the memory: no model
        const known = o.known?.get(`${unit.key}\u0000${item.source}`);
        const exact = known === undefined && o.reuseExact !== false ? memory.search(item.source, {k: 3, minScore: 1}).find((m) => m.segment.source === item.source) : undefined;
        for (const [candidate, how] of [[known, "known"], [exact?.segment.target, "reused"]] as const) {
            if (candidate === undefined || status) continue;
            const c = checkPlaceholders(item.source, candidate, {keep: item.keep});
            if (c.ok) {
                status = how;
                text = candidate;
                if (exact && how === "reused") { s.tmMatchesUsed++; s.tmByOrigin[exact.segment.origin.kind]++; }
            }
        }
        if (status) {
            s.reused++;
            if (hasPlaceholders) { s.placeholders.firstTry++; s.placeholders.kept++; }
        } else {
            let r = await ask(o, {item, unit, attempt: 1, keep}, memory, s, (p) => { plain = addPlain(plain, p); });
            if (r.cancelled) { s.cancelled = true; break; }
            let out = cleanOutput(item.source, r.text, doc.lang);
            let c = check(item, out);
            if (c.ok && hasPlaceholders) s.placeholders.firstTry++;
            status = "translated";
            if (!c.ok && o.cancel?.cancelled) { s.cancelled = true; break; } // not flagged for a cancel: left for the next run
            if (!c.ok) {
                s.retries++;
                r = await ask(o, {item, unit, attempt: 2, keep, problems: c.problems}, memory, s, (p) => { plain = addPlain(plain, p); });
                if (r.cancelled) { s.cancelled = true; break; }
                const out2 = cleanOutput(item.source, r.text, doc.lang);
                const c2 = check(item, out2);
                if (c2.ok || !out) { out = out2; c = c2; }
                status = "retried";
            }
            // the last attempt: the text's parts between its line-level markup and line breaks, one by one (segments.ts)
            const parts = c.ok ? undefined : splitForTranslation(item.source);
            if (parts) {
                const pieces: string[] = [];
                let cancelled = false;
                for (const [n, part] of parts.entries()) {
                    if ("keep" in part) { pieces.push(part.keep); continue; }
                    const sub: TextItem = {id: `${item.id}/${n}`, unitId: item.unitId, source: part.text};
                    const r3 = await ask(o, {item: sub, unit, attempt: 1, keep: placeholderList(part.text)}, memory, s, (p) => { plain = addPlain(plain, p); });
                    if (r3.cancelled) { cancelled = true; break; }
                    pieces.push(cleanOutput(part.text, r3.text, doc.lang));
                }
                if (cancelled) { s.cancelled = true; break; }
                s.retries++;
                const out3 = pieces.join(""), c3 = check(item, out3);
                if (c3.ok) { out = out3; c = c3; }
            }
            if (c.ok) {
                text = out;
                if (hasPlaceholders) s.placeholders.kept++;
            } else {
                status = "flagged";
                problems = c.problems;
                failed.set(unit.id, {problems: c.problems, candidate: out});
            }
        }
        count++;
        if (text !== undefined) {
            if (o.growMemory !== false) memory.own.addHistory(item.source, text);
            raw.set(item.id, text);
            outputs.set(item.id, restore(text, item));
        }
        emit({type: "item", done: count, total: items.length, item, unit, status, ...(text !== undefined ? {text: restore(text, item)} : {}), ...(problems ? {problems} : {})});
        if (status === "flagged") {
            const f = failed.get(unit.id)!;
            flagged.push({unit, problems: f.problems, ...(f.candidate ? {candidate: f.candidate} : {})});
            emit({type: "unit", unit, status: "flagged", problems: f.problems});
            continue;
        }
        const n = left.get(unit.id)! - 1;
        left.set(unit.id, n);
        if (n === 0) finishUnit(unit);
    }
    if (o.cancel?.cancelled) s.cancelled = true;
    const skipped = units.filter((u) => !done.has(u.id) && !failed.has(u.id));
    s.translated = done.size;
    s.flagged = flagged.length;
    s.skipped = skipped.length;
    s.wallMs = now() - t0;
    s.tokensPerSecond = s.decodeMs > 0 ? s.tokens / (s.decodeMs / 1000) : null;
    s.entriesPerMinute = s.wallMs > 0 && done.size ? done.size / (s.wallMs / 60000) : null;
    if (plain) {
        const {specWallMs, specTokens, specDecodeMs, ...p} = plain;
        p.tokensPerSecond = p.decodeMs > 0 ? p.tokens / (p.decodeMs / 1000) : null;
        const spec = specDecodeMs > 0 ? specTokens / (specDecodeMs / 1000) : null;
        p.speedup = spec && p.tokensPerSecond ? spec / p.tokensPerSecond : null;
        p.endToEndSpeedup = specWallMs > 0 && p.wallMs > 0 ? p.wallMs / specWallMs : null;
        s.plain = p;
    }
    emit({type: "done", summary: s});
    return {done, raw, flagged, skipped, summary: s};
}

async function ask(o: JobOptions, entry: TranslateEntry, memory: MemoryView, s: JobSummary, onPlain: (p: {spec: TranslateStats; plain: NonNullable<TranslateStats["plain"]>}) => void): Promise<TranslateResult> {
    const r = await o.translate(entry, memory);
    s.requests++;
    if (r.stats) {
        s.tokens += r.stats.tokens;
        s.decodeMs += r.stats.decodeMs;
        if (r.stats.plain && !r.cancelled) onPlain({spec: r.stats, plain: r.stats.plain});
    }
    if (!r.cancelled && entry.attempt === 1 && r.matches?.length) {
        s.tmMatchesUsed++;
        const best = [...r.matches].sort((a, b) => b.score - a.score)[0];
        s.tmByOrigin[best.origin]++;
    }
    return r;
}

function addPlain(acc: (NonNullable<JobSummary["plain"]> & {specWallMs: number; specTokens: number; specDecodeMs: number}) | undefined, p: {spec: TranslateStats; plain: NonNullable<TranslateStats["plain"]>}) {
    const a = acc ?? {requests: 0, tokens: 0, decodeMs: 0, wallMs: 0, tokensPerSecond: null, speedup: null, endToEndSpeedup: null, identical: 0, specWallMs: 0, specTokens: 0, specDecodeMs: 0};
    a.requests++;
    a.tokens += p.plain.tokens;
    a.decodeMs += p.plain.decodeMs;
    a.wallMs += p.plain.wallMs;
    a.specTokens += p.spec.tokens;
    a.specDecodeMs += p.spec.decodeMs;
    a.specWallMs += p.spec.wallMs ?? 0;
    if (p.plain.identical) a.identical++;
    return a;
}

function check(item: TextItem, out: string): {ok: boolean; problems: string[]} {
    if (!out.trim()) return {ok: false, problems: ["the model gave an empty translation"]};
    const c = checkPlaceholders(item.source, out, {keep: item.keep});
    return {ok: c.ok, problems: c.problems};
}

/** The sample number of a plural form back into the count's placeholder. */
export function restore(text: string, item: TextItem): string {
    if (!item.restore) return text;
    const {from, to} = item.restore;
    if (countWhole(text, from) === 0) return text;
    return text.replace(new RegExp(`(?<![\\p{L}\\p{N}])${escapeRe(from)}(?![\\p{L}\\p{N}])`, "gu"), () => to);
}
