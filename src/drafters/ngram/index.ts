/**
 * Corpus n-gram drafter: public API.
 *   train:   trainNgram(inputs, {tokenizer, lang, out, ...})      (or trainInWorker(job, {workerFile}) off-thread)
 *   load:    loadNgramDrafter(file, target)  ->  NgramDrafter       (refuses another tokenizer's file)
 *   merge:   mergeNgramFiles([a, b], {out})
 *   inspect: NgramTable.load(file).header
 */
import path from "node:path";
import {runWorkerJob, type WorkerAnswer} from "../../core/workerJob";
import type {Tokenizer} from "../../core/target";
import {NgramDrafter} from "./drafter";
import type {TrainResult} from "./train";
import type {TrainJob, WorkerMessage, WorkerStage} from "./worker";

export {NgramDrafter} from "./drafter";
export {NgramTable, distribution, type Match} from "./table";
export {trainNgram, expandInputs, DEFAULTS, type CorpusInput, type TrainOptions, type TrainResult, type TrainStage} from "./train";
export {mergeNgramFiles, type MergeOptions, type MergeResult} from "./merge";
export {FORMAT_VERSION, MAGIC, MAX_ORDER, MIN_ORDER, DEQUANT, contextHash, quantizeCount, type NgramHeader, type OrderInfo} from "./format";
export {parseNgramFile, readHeaderQuick, type ExpectTokenizer} from "./reader";
export type {TrainJob, WorkerMessage, WorkerStage} from "./worker";

/** Default file name of a table: `<lang>-<first 8 hex digits of the tokenizer fingerprint>.ngram`. */
export function ngramFileName(lang: string, fingerprint: string): string {
    return `${lang}-${fingerprint.slice(0, 8)}.ngram`;
}

/** Default location: `<cacheDir>/drafters/<lang>-<fingerprint8>.ngram` (cacheDir = $POLYSPEC_CACHE or <package>/.cache). */
export function defaultNgramPath(cacheDir: string, lang: string, fingerprint: string): string {
    return path.join(cacheDir, "drafters", ngramFileName(lang, fingerprint));
}

/**
 * Loads an n-gram drafter for a target, refusing a file built for another tokenizer. `model` (the target's name or
 * path) only improves the refusal's "retrain it with --model ..." hint; by default the target's `path` is used.
 */
export function loadNgramDrafter(file: string, target: Pick<Tokenizer, "fingerprint"> & Partial<Pick<Tokenizer, "vocabSize">>, model?: string): NgramDrafter {
    const hint = model ?? (target as {path?: unknown}).path;
    return NgramDrafter.open(file, {fingerprint: target.fingerprint, model: typeof hint === "string" ? hint : undefined, vocabSize: target.vocabSize});
}

export interface WorkerOptions {
    /** The bundled worker (dist/worker.js, built from src/engine/train-worker.ts). */
    workerFile: string;
    onProgress?: (done: number, total: number, stage: WorkerStage) => void;
    /** Aborting cancels the training (it stops at the next chunk and leaves no file). */
    signal?: AbortSignal;
    /** Node options for the worker thread. */
    execArgv?: string[];
}

/**
 * Trains in a worker thread (for the editor: the extension host stays responsive). Resolves with the result;
 * rejects with the worker's PolyspecError (same message and code), or a CancelledError after `signal` aborts.
 */
export function trainInWorker(job: TrainJob, o: WorkerOptions): Promise<TrainResult> {
    return runWorkerJob<TrainResult, Exclude<WorkerMessage, WorkerAnswer<TrainResult>>>(o.workerFile, job, {what: "n-gram training", signal: o.signal, execArgv: o.execArgv,
        onMessage: (m) => o.onProgress?.(m.done, m.total, m.stage)});
}
