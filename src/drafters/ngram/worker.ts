/**
 * The training worker's protocol and body, kept pure: the entry point that loads the model (node-llama-cpp) is
 * src/engine/train-worker.ts (bundled to dist/worker.js), which calls serveTraining with a tokenizer factory.
 *
 *   parent -> worker: workerData = TrainJob; later {type: "cancel"}
 *   worker -> parent: {type: "progress", done, total, stage}* then {type: "done", result} | {type: "error", ...}
 */
import {CancelledError} from "../../core/errors";
import {errorAnswer, type WorkerAnswer} from "../../core/workerJob";
import type {Tokenizer} from "../../core/target";
import {trainNgram, type TrainResult, type TrainStage} from "./train";

export interface TrainJob {
    /** Text files or folders. */
    inputs: string[];
    /** Model whose tokenizer to use: a default model name or a GGUF path. */
    model: string;
    lang: string;
    out: string;
    order?: number;
    minCount?: number | number[];
    topM?: number;
    memoryMB?: number;
}

export type WorkerStage = TrainStage | "model";

export type WorkerMessage =
    | {type: "progress"; done: number; total: number; stage: WorkerStage}
    | WorkerAnswer<TrainResult>;

export type ParentMessage = {type: "cancel"};

export interface PortLike {
    postMessage(message: WorkerMessage): void;
    on(event: "message", listener: (m: ParentMessage) => void): unknown;
    off(event: "message", listener: (m: ParentMessage) => void): unknown;
}

export type OpenTokenizer = (model: string, onProgress: (done: number, total: number) => void) => Promise<Tokenizer & {dispose?(): unknown}>;

/** Runs one training job, reporting over `port`; never throws (failures become an "error" message). The last
 * message (done or error) comes after the tokenizer is disposed and the port listener removed. */
export async function serveTraining(port: PortLike, job: TrainJob, openTokenizer: OpenTokenizer): Promise<void> {
    const cancel = {cancelled: false};
    const onMessage = (m: ParentMessage) => {
        if (m?.type === "cancel") cancel.cancelled = true;
    };
    port.on("message", onMessage);
    let tokenizer: (Tokenizer & {dispose?(): unknown}) | undefined;
    let reply: WorkerMessage;
    try {
        tokenizer = await openTokenizer(job.model, (done, total) => port.postMessage({type: "progress", done, total, stage: "model"}));
        if (cancel.cancelled) throw new CancelledError();
        const result = await trainNgram(job.inputs, {
            tokenizer, lang: job.lang, out: job.out, order: job.order, minCount: job.minCount, topM: job.topM, memoryMB: job.memoryMB,
            model: job.model, cancel, onProgress: (done, total, stage) => port.postMessage({type: "progress", done, total, stage}),
        });
        reply = {type: "done", result};
    } catch (e) {
        reply = errorAnswer(e);
    }
    port.off("message", onMessage);
    // Release the model before answering: the parent lets the thread end on its own once it has the answer.
    try {
        await tokenizer?.dispose?.();
    } catch { /* the answer matters more */ }
    port.postMessage(reply);
}
