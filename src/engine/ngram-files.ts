import fs from "node:fs";
import type {Cancel} from "../core/errors";
import type {Tokenizer} from "../core/target";
import {cacheRoot, ensureMonolingual} from "../corpus";
import {defaultNgramPath, trainNgram, type TrainResult} from "../drafters/ngram";

export interface EnsureNgramOptions {
    onProgress?: (done: number, total: number, stage: string) => void;
    cancel?: Cancel;
    log?: (line: string) => void;
}

/**
 * The n-gram drafter file for a language and tokenizer: `<cache>/drafters/<lang>-<fp8>.ngram`, trained on the
 * language's built monolingual text (building that corpus first when needed). Returns the path and, when it had
 * to train, the training result.
 */
export async function ensureNgramFile(lang: string, tokenizer: Tokenizer & {path?: string}, o: EnsureNgramOptions = {}): Promise<{file: string; trained?: TrainResult}> {
    const file = defaultNgramPath(cacheRoot(), lang, tokenizer.fingerprint);
    if (fs.existsSync(file)) return {file};
    const mono = await ensureMonolingual(lang, {cancel: o.cancel, log: o.log,
        onProgress: o.onProgress && ((p) => o.onProgress!(p.done, p.total, `corpus ${p.phase}: ${p.note}`))});
    const trained = await trainNgram([mono], {tokenizer, lang, out: file, model: tokenizer.path, cancel: o.cancel,
        onProgress: o.onProgress && ((d, t, s) => o.onProgress!(d, t, `train ${s}`))});
    return {file, trained};
}
