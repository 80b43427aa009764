/**
 * The workspace's translation memories, one per language pair (English -> the translation's target language), built
 * on first use from the workspace's translation files plus the user's kept translations ("history"), and kept up
 * to date as files change. Pure of VS Code: the extension passes how to list the files (the globs), how to index
 * them (a worker thread) and where the history is saved; unit tests pass the in-process indexer.
 *
 * Safety while a translation runs: a memory is built aside and swapped in whole, and every later change to it
 * (a file imported again or removed, a kept translation) is one synchronous step, so a search, which is synchronous
 * too, never sees a half-built index. Work on one pair runs one step at a time (a queue), builds included.
 */
import {CancelledError, PolyspecError} from "../../core/errors";
import {TranslationMemory} from "../../tm/memory";
import {openTm, saveTm} from "../../tm/store";
import {formatOf} from "../../tm/import";
import {pairName, type LanguagePair} from "../../tm/segment";
import type {IndexResult} from "../../tm/worker";
import type {ChangeBatch} from "./fileChanges";

export interface IndexCall {
    /** Aborting cancels the build (the memory in use stays as it was). */
    signal?: AbortSignal;
    onProgress?: (done: number, total: number, file: string) => void;
}

export interface MemoryHost {
    /** The files the include/exclude globs select in the workspace folders (absolute paths). */
    list(): Promise<string[]>;
    /** Imports files for a pair (src/tm/worker.ts: in a worker thread in the editor). */
    index(files: string[], pair: LanguagePair, o: IndexCall): Promise<IndexResult>;
    /** Where a pair's kept translations are saved (.pstm); undefined: kept for this session only. */
    historyFile(pair: LanguagePair): string | undefined;
    log: {info(message: string): void; warn(message: string): void};
}

/** What a build found (the command reports it; the log lists the skipped files). */
export interface BuildReport {
    pair: LanguagePair;
    /** Files the globs selected. */
    listed: number;
    /** Translation files that gave segments. */
    files: number;
    segments: number;
    /** Kept translations among the segments. */
    history: number;
    /** Files refused or malformed (the log has each with its line). */
    failed: number;
    /** Files left out (JSON of no language pair, files of another language), with the reason. */
    skipped: {file: string; why: string}[];
    seconds: number;
}

interface PairState {
    /** The memory searches use (undefined until the first build finishes). */
    live?: TranslationMemory;
    /** The kept translations alone, as saved. */
    history?: TranslationMemory;
    /** The pair's work queue: builds, file changes and kept translations run one at a time. */
    queue: Promise<unknown>;
    /** The build running or done for the current settings. */
    build?: Promise<BuildReport>;
    report?: BuildReport;
}

/** Segments added to a new memory between two yields to the event loop (a big workspace stays responsive). */
const CHUNK = 4000;

export class WorkspaceMemory {
    private readonly pairs = new Map<string, PairState>();
    /** Bumped by reset(): a build of older settings does not become live. */
    private generation = 0;

    constructor(private readonly host: MemoryHost) {}

    private state(pair: LanguagePair): PairState {
        const key = pairName(pair);
        let s = this.pairs.get(key);
        if (!s) this.pairs.set(key, s = {queue: Promise.resolve()});
        return s;
    }

    private enqueue<T>(s: PairState, work: () => Promise<T>): Promise<T> {
        const run = s.queue.then(work, work);
        s.queue = run.catch(() => undefined);
        return run;
    }

    /** The pair's memory if it is built (synchronous: what a translation searches). */
    current(pair: LanguagePair): TranslationMemory | undefined { return this.pairs.get(pairName(pair))?.live; }

    /** The last build's report of a pair. */
    report(pair: LanguagePair): BuildReport | undefined { return this.pairs.get(pairName(pair))?.report; }

    /** Whether the pair's memory is built or being built (a first use shows progress, a later one does not). */
    started(pair: LanguagePair): boolean { return !!this.pairs.get(pairName(pair))?.build; }

    /** The pair's memory, building it first if needed (a cancelled or failed build is tried again next time). */
    async get(pair: LanguagePair, o: IndexCall = {}): Promise<TranslationMemory> {
        const s = this.state(pair);
        if (!s.build) this.build(pair, o).catch(() => undefined);
        await s.build;
        if (!s.live) throw new PolyspecError(`the ${pairName(pair)} translation memory is not built`, "E_TM_MISSING");
        return s.live;
    }

    /** Builds the pair's memory now (again): lists the files, indexes them, adds the history, swaps it in whole. */
    build(pair: LanguagePair, o: IndexCall = {}): Promise<BuildReport> {
        const s = this.state(pair);
        const generation = this.generation;
        const p = this.enqueue(s, () => this.doBuild(pair, s, generation, o));
        s.build = p;
        p.catch(() => { if (s.build === p) s.build = undefined; });
        return p;
    }

    private async doBuild(pair: LanguagePair, s: PairState, generation: number, o: IndexCall): Promise<BuildReport> {
        const t0 = performance.now();
        s.history ??= await this.loadHistory(pair);
        const listed = await this.host.list();
        if (o.signal?.aborted) throw new CancelledError();
        const r = await this.host.index(listed, pair, o);
        const tm = new TranslationMemory(pair);
        tm.add(s.history.all());
        let sinceYield = 0;
        for (const f of r.files) {
            tm.replaceFile(f.source, f.segments);
            sinceYield += f.segments.length;
            if (sinceYield >= CHUNK) { sinceYield = 0; await new Promise((res) => setImmediate(res)); }
            if (o.signal?.aborted) throw new CancelledError();
        }
        if (generation !== this.generation) throw new CancelledError(); // the settings changed meanwhile
        s.live = tm; // swapped in whole
        const skipped = [...r.skipped, ...r.messages.filter((m) => m.level === "info" && m.message.startsWith("skipped")).map((m) => ({file: m.file, why: m.message.replace(/^skipped: /, "")}))];
        const report: BuildReport = {pair, listed: listed.length, files: r.files.filter((f) => f.segments.length > 0).length, segments: tm.size,
            history: tm.summary().byKind.history, failed: r.failed, skipped, seconds: (performance.now() - t0) / 1000};
        for (const m of r.messages) if (m.level === "warn") this.host.log.warn(`translation memory ${pairName(pair)}: ${m.file}${m.line ? `:${m.line}` : ""}: ${m.message}`);
        for (const k of skipped) this.host.log.info(`translation memory ${pairName(pair)}: skipped ${k.file}: ${k.why}`);
        this.host.log.info(`translation memory ${pairName(pair)}: ${report.segments} segments (${report.history} kept translations) from ${report.files} of ${report.listed} files in ${report.seconds.toFixed(1)} s; ${report.failed} failed, ${report.skipped.length} skipped`);
        s.report = report;
        return report;
    }

    private async loadHistory(pair: LanguagePair): Promise<TranslationMemory> {
        const file = this.host.historyFile(pair);
        if (!file) return new TranslationMemory(pair);
        try {
            const r = await openTm(file, pair, {rebuild: () => undefined});
            if (r.state === "rebuilt") this.host.log.warn(`kept translations ${file} were unreadable (${r.reason}); moved to ${r.movedTo}, starting afresh`);
            return r.tm;
        } catch (e) {
            this.host.log.warn(`kept translations ${file} not loaded: ${(e as Error).message}; starting afresh (the file is left as it is)`);
            return new TranslationMemory(pair);
        }
    }

    /**
     * Applies the file watcher's batch to every pair built so far (pairs not built yet will list the files anew).
     * A removed JSON file may leave its counterpart unpaired (de.json without en.json): the pair's JSON files are
     * then indexed again, and a file that no longer gives segments is dropped.
     */
    async apply(batch: ChangeBatch): Promise<void> {
        if (batch.imports.length === 0 && batch.removes.length === 0) return;
        await Promise.all([...this.pairs.entries()].filter(([, s]) => s.build).map(([, s]) => this.enqueue(s, async () => {
            const tm = s.live;
            if (!tm) return;
            for (const f of batch.removes) tm.removeFile(f);
            const imports = new Set(batch.imports);
            if ([...batch.removes, ...batch.imports].some((f) => formatOf(f) === "json")) for (const f of tm.files.keys()) if (formatOf(f) === "json") imports.add(f);
            if (imports.size === 0) return;
            const r = await this.host.index([...imports], tm.pair, {});
            const got = new Set(r.files.map((f) => f.source.file));
            for (const f of r.files) tm.replaceFile(f.source, f.segments);
            for (const f of imports) if (!got.has(f)) tm.removeFile(f);
            for (const m of r.messages) if (m.level === "warn") this.host.log.warn(`translation memory ${tm.name}: ${m.file}${m.line ? `:${m.line}` : ""}: ${m.message}`);
            this.host.log.info(`translation memory ${tm.name}: ${r.files.length} file(s) indexed again, ${batch.removes.length} removed; ${tm.size} segments`);
        })));
    }

    /** Adds a translation the user kept to the pair's memory and saves the pair's history. */
    async addHistory(pair: LanguagePair, source: string, target: string): Promise<void> {
        const s = this.state(pair);
        await this.enqueue(s, async () => {
            s.history ??= await this.loadHistory(pair);
            s.history.addHistory(source, target);
            s.live?.addHistory(source, target);
            const file = this.host.historyFile(pair);
            if (file) saveTm(s.history, file);
        });
    }

    /** Forgets every built memory (new globs): each is built again on its next use. Kept translations stay saved. */
    reset(): void {
        this.generation++;
        for (const s of this.pairs.values()) { s.live = undefined; s.build = undefined; s.report = undefined; }
    }
}
