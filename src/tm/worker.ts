/**
 * Indexing translation files off the main thread (the editor's workspace memory): the job, its messages, the
 * body (`indexFiles`, also usable in-process) and `indexInWorker`, which runs it in a worker thread. The worker's
 * entry is src/tm/worker-main.ts, bundled to dist/tm-worker.js. Parsing happens in the worker; the segments come
 * back by structured clone and the caller adds them to its memory (TranslationMemory.replaceFile).
 *
 *   parent -> worker: workerData = IndexJob; later {type: "cancel"}
 *   worker -> parent: {type: "progress", ...}* and {type: "message", ...}*, then {type: "done", result} | {type: "error", ...}
 */
import path from "node:path";
import type {Cancel} from "../core/errors";
import {errorAnswer, runWorkerJob, type WorkerAnswer} from "../core/workerJob";
import {formatOf, importFiles, pairJson, type FileImport, type ImportMessage} from "./import";
import type {LanguagePair} from "./segment";

export interface IndexJob {
    /** Translation files (absolute paths): the files the editor's globs matched, or the ones that changed. */
    files: string[];
    pair: LanguagePair;
    includeFuzzy?: boolean;
}

export interface IndexResult {
    /** One entry per imported translation file (for JSON: the target-language file). */
    files: FileImport[];
    /** The importers' messages (malformed files with their line, files of another language...). */
    messages: ImportMessage[];
    /** Files refused or malformed (each has a "warn" message). */
    failed: number;
    /** JSON files that are no language file of this pair, and why (not errors: most JSON files are something else). */
    skipped: {file: string; why: string}[];
    seconds: number;
}

export type IndexWorkerMessage =
    | {type: "progress"; done: number; total: number; file: string}
    | {type: "message"; message: ImportMessage}
    | WorkerAnswer<IndexResult>;

export type IndexParentMessage = {type: "cancel"};

export interface IndexOptions {
    cancel?: Cancel;
    onProgress?: (done: number, total: number, file: string) => void;
    onMessage?: (m: ImportMessage) => void;
}

/**
 * Imports the job's files for its pair. A JSON file is taken only when it pairs (`en.json` beside `de.json`,
 * `en/x.json` beside `de/x.json`); the others are listed in `skipped` with the reason. Never throws for one bad file.
 */
export async function indexFiles(job: IndexJob, o: IndexOptions = {}): Promise<IndexResult> {
    const t0 = performance.now();
    const skipped: IndexResult["skipped"] = [];
    const inputs: string[] = [];
    for (const f of job.files) {
        if (formatOf(f) === "json") {
            const j = pairJson(path.resolve(f), job.pair);
            if (!j.ok) { skipped.push({file: f, why: j.why}); continue; }
        }
        inputs.push(f);
    }
    const r = await importFiles(inputs, {pair: job.pair, includeFuzzy: job.includeFuzzy, cancel: o.cancel, onProgress: o.onProgress, log: o.onMessage});
    return {files: r.files, messages: r.messages, failed: r.failed, skipped, seconds: (performance.now() - t0) / 1000};
}

export interface PortLike {
    postMessage(message: IndexWorkerMessage): void;
    on(event: "message", listener: (m: IndexParentMessage) => void): unknown;
    off(event: "message", listener: (m: IndexParentMessage) => void): unknown;
}

/** Runs one job, reporting over `port`; never throws (a failure becomes an "error" message, the last one sent). */
export async function serveIndexing(port: PortLike, job: IndexJob): Promise<void> {
    const cancel = {cancelled: false};
    const onMessage = (m: IndexParentMessage) => { if (m?.type === "cancel") cancel.cancelled = true; };
    port.on("message", onMessage);
    let reply: IndexWorkerMessage;
    try {
        let last = 0;
        const result = await indexFiles(job, {
            cancel,
            onProgress: (done, total, file) => {
                const now = performance.now();
                if (now - last < 50 && done < total) return; // a few updates a second are enough
                last = now;
                port.postMessage({type: "progress", done, total, file});
            },
            onMessage: (message) => port.postMessage({type: "message", message}),
        });
        reply = {type: "done", result};
    } catch (e) {
        reply = errorAnswer(e);
    }
    port.off("message", onMessage);
    port.postMessage(reply);
}

export interface IndexWorkerOptions extends Omit<IndexOptions, "cancel"> {
    /** The bundled worker (dist/tm-worker.js, built from src/tm/worker-main.ts). */
    workerFile: string;
    /** Aborting cancels the job (it stops at the next file or chunk). */
    signal?: AbortSignal;
    execArgv?: string[];
}

/**
 * Runs a job in a worker thread: the extension host only receives the parsed segments. Resolves with the result;
 * rejects with the worker's PolyspecError, or a CancelledError after `signal` aborts.
 */
export function indexInWorker(job: IndexJob, o: IndexWorkerOptions): Promise<IndexResult> {
    return runWorkerJob<IndexResult, Exclude<IndexWorkerMessage, WorkerAnswer<IndexResult>>>(o.workerFile, job, {what: "translation-memory indexing", signal: o.signal, execArgv: o.execArgv,
        onMessage: (m) => { if (m.type === "progress") o.onProgress?.(m.done, m.total, m.file); else o.onMessage?.(m.message); }});
}
