import {Worker} from "node:worker_threads";
import {CancelledError, PolyspecError} from "./errors";

/**
 * The protocol of a job run in a worker thread (n-gram training, translation-memory indexing): the parent posts
 * {type: "cancel"} to stop it; the worker posts its own messages (progress...) and, last, one answer.
 */
export type WorkerAnswer<R> =
    | {type: "done"; result: R}
    | {type: "error"; message: string; code?: string; cancelled: boolean; stack?: string};

/** The answer for a job that threw: our own errors keep their message and code, others their stack as well. */
export function errorAnswer(e: unknown): WorkerAnswer<never> {
    const err = e as Error;
    const known = e instanceof PolyspecError || e instanceof CancelledError;
    return {type: "error", message: err.message, cancelled: e instanceof CancelledError, code: e instanceof PolyspecError ? e.code : undefined, stack: known ? undefined : err.stack};
}

/**
 * Runs `job` in a worker thread (the caller's thread stays responsive) and settles when the worker ends by itself
 * after its answer (no terminate(): native resources are released in the worker first). Resolves with the result;
 * rejects with the worker's PolyspecError (same message and code), a CancelledError after `signal` aborts, or an
 * error naming `what` when the worker ended without an answer. Messages other than the answer go to `onMessage`.
 */
export function runWorkerJob<R, M extends {type: string}>(workerFile: string, job: unknown,
    o: {what: string; signal?: AbortSignal; execArgv?: string[]; onMessage?: (m: M) => void}): Promise<R> {
    return new Promise<R>((resolve, reject) => {
        const worker = new Worker(workerFile, {workerData: job, execArgv: o.execArgv});
        let answer: WorkerAnswer<R> | undefined;
        const onAbort = () => worker.postMessage({type: "cancel"});
        if (o.signal?.aborted) onAbort();
        else o.signal?.addEventListener("abort", onAbort, {once: true});
        worker.on("message", (m: M | WorkerAnswer<R>) => {
            if (m.type === "done" || m.type === "error") answer = m as WorkerAnswer<R>;
            else o.onMessage?.(m as M);
        });
        let failure: Error | undefined;
        worker.on("error", (e) => { failure = e; });
        worker.on("exit", (code) => {
            o.signal?.removeEventListener("abort", onAbort);
            if (answer?.type === "done") resolve(answer.result);
            else if (answer?.type === "error") {
                reject(answer.cancelled ? new CancelledError() : answer.code ? new PolyspecError(answer.message, answer.code) : Object.assign(new Error(answer.message), {stack: answer.stack}));
            } else reject(failure ?? new Error(`the ${o.what} worker exited (code ${code}) without a result`));
        });
    });
}
