/**
 * Streaming, memory-bounded, deterministic training of a corpus n-gram table.
 *
 * 1. Read: each input is streamed, checked (UTF-16 BOM, NUL bytes, invalid UTF-8, mostly control characters) and
 *    cut into chunks of about 64 K characters at line ends; cuts depend only on the text, never on read sizes.
 * 2. Tokenize each chunk with the target's Tokenizer. The last maxOrder-1 tokens of a chunk are the context of
 *    the next one within a file; files are separate sequences.
 * 3. Count: for every position and order o = 2..N, the key (o, hash of the o-1 previous tokens, token) goes into
 *    an open-addressing hash table of typed arrays with a fixed entry cap. When the cap is reached the table is
 *    sorted by key (LSD radix sort, 4 passes of 16 bits) and spilled to a temporary run file, then cleared.
 * 4. Merge: the sorted runs and the final in-memory table are merged (binary heap; at most MAX_OPEN_RUNS files are
 *    open at once, more are first merged into bigger runs), equal keys summed, and each context's continuations
 *    go to the TableBuilder, which prunes by minimum count, keeps the top M and quantizes.
 * 5. Write the file atomically (temporary file + rename).
 * Exact counts are summed whatever the spills, so the output depends only on the input and the settings.
 */
import path from "node:path";
import {PolyspecError, throwIfCancelled, type Cancel} from "../../core/errors";
import type {Tokenizer} from "../../core/target";
import {BYTES_PER_ENTRY, NgramCounter} from "./counter";
import {MAX_TOKEN, type OrderInfo} from "./format";
import {TableBuilder, checkSettings, writeFileAtomic} from "./writer";
import {resolveInputs, textChunks, type CorpusInput} from "./input";

export {expandInputs, type CorpusInput} from "./input";


export type TrainStage = "read" | "merge" | "write";

export interface TrainOptions {
    tokenizer: Pick<Tokenizer, "tokenize" | "vocabSize" | "fingerprint">;
    /** Language code recorded in the file (and used in the drafter's name, "ngram:<lang>"). */
    lang: string;
    /** Output file; written atomically. */
    out: string;
    /** Highest order N (orders 2..N are stored). Default 4. */
    order?: number;
    /** Minimum count to keep an n-gram: one value, or one per order starting at order 2 (the last repeats). Default 2. */
    minCount?: number | readonly number[];
    /** Continuations kept per context. Default 8. */
    topM?: number;
    /** Memory for counting, in MiB (hash table + sort buffer). Default 256. */
    memoryMB?: number;
    /** Counting-table cap in entries (overrides memoryMB; tests use a tiny one to force spills). */
    maxEntries?: number;
    /** The model whose tokenizer this is (name or file): recorded as a hint for error messages. */
    model?: string;
    /** Progress: bytes read of all inputs, then the merge and write stages. */
    onProgress?: (done: number, total: number, stage: TrainStage) => void;
    cancel?: Cancel;
    /** Folder for spill runs (a temporary subfolder is made and removed). Default: the output's folder. */
    tmpDir?: string;
    /** Characters per tokenized chunk (tests). Default 65536. */
    chunkChars?: number;
}

/** What a written table holds (training and merging both report it). */
export interface TableSummary {
    file: string;
    /** File size in bytes. */
    bytes: number;
    lang: string;
    fingerprint: string;
    model: string;
    maxOrder: number;
    topM: number;
    orders: OrderInfo[];
    /** Stored n-grams over all orders. */
    ngrams: number;
    bytesPerNgram: number;
    trainingTokens: number;
    /** Wall time. */
    seconds: number;
}

export interface TrainResult extends TableSummary {
    /** Bytes of text read. */
    inputBytes: number;
    inputFiles: number;
    /** Time spent inside tokenizer.tokenize. */
    tokenizeSeconds: number;
    /** Sorted runs spilled to disk because the counting table was full. */
    spills: number;
}

export const DEFAULTS = {order: 4, minCount: 2, topM: 8, memoryMB: 256, chunkChars: 65536} as const;


export async function trainNgram(inputs: readonly CorpusInput[], o: TrainOptions): Promise<TrainResult> {
    const t0 = performance.now();
    const settings = checkSettings(o.order ?? DEFAULTS.order, o.minCount ?? DEFAULTS.minCount, o.topM ?? DEFAULTS.topM);
    const tk = o.tokenizer;
    if (tk.vocabSize > MAX_TOKEN + 1) throw new PolyspecError(`the tokenizer's vocabulary (${tk.vocabSize} tokens) is too large for an n-gram file (at most ${MAX_TOKEN + 1})`);
    if (!o.lang) throw new PolyspecError("n-gram training needs a language (--lang)", "E_USAGE");
    const sources = await resolveInputs(inputs);
    if (sources.length === 0) throw new PolyspecError("the corpus is empty: no input files", "E_CORPUS");
    const total = sources.reduce((a, s) => a + s.size, 0);
    const maxEntries = o.maxEntries ?? Math.floor(((o.memoryMB ?? DEFAULTS.memoryMB) * 1024 * 1024) / BYTES_PER_ENTRY);
    if (!(maxEntries >= 1)) throw new PolyspecError(`counting memory too small (${o.memoryMB} MiB)`, "E_USAGE");
    const counter = new NgramCounter(settings.maxOrder, maxEntries, o.tmpDir ?? path.dirname(path.resolve(o.out)), o.cancel);
    const w = settings.maxOrder - 1;
    let done = 0, tokens = 0, tokenizeMs = 0;
    try {
        for (const src of sources) {
            let carry: number[] = [];
            for await (const text of textChunks(src, o.chunkChars ?? DEFAULTS.chunkChars, (n) => {
                done += n;
                o.onProgress?.(done, total, "read");
            })) {
                throwIfCancelled(o.cancel);
                const t1 = performance.now();
                const toks = tk.tokenize(text, false);
                tokenizeMs += performance.now() - t1;
                if (toks.length === 0) continue;
                tokens += toks.length;
                const seq = carry.length ? carry.concat(toks) : toks;
                counter.count(seq, carry.length);
                carry = seq.slice(Math.max(0, seq.length - w));
            }
        }
        if (tokens === 0) {
            const names = sources.map((s) => s.name);
            throw new PolyspecError(`the corpus is empty: no text in ${names.length === 1 ? names[0] : `${names.length} inputs (${names.slice(0, 3).join(", ")}${names.length > 3 ? ", ..." : ""})`}`, "E_CORPUS");
        }
        o.onProgress?.(total, total, "merge");
        const builder = new TableBuilder(settings);
        counter.drain(builder);
        throwIfCancelled(o.cancel);
        const meta = {fingerprint: tk.fingerprint, vocabSize: tk.vocabSize, lang: o.lang, model: o.model ?? "", trainingTokens: tokens};
        const {parts, size, orders} = builder.finish(meta);
        const ngrams = orders.reduce((a, x) => a + x.ngrams, 0);
        if (ngrams === 0) {
            throw new PolyspecError(`no n-gram occurs at least ${settings.minCounts[0]} times in the corpus (${tokens} tokens): give more text or lower --min-count`, "E_CORPUS");
        }
        o.onProgress?.(total, total, "write");
        await writeFileAtomic(o.out, parts);
        return {
            file: o.out, bytes: size, lang: o.lang, fingerprint: tk.fingerprint, model: meta.model, maxOrder: settings.maxOrder, topM: settings.topM,
            orders, ngrams, bytesPerNgram: size / ngrams, trainingTokens: tokens, inputBytes: total, inputFiles: sources.length,
            seconds: (performance.now() - t0) / 1000, tokenizeSeconds: tokenizeMs / 1000, spills: counter.spills,
        };
    } finally {
        counter.dispose();
    }
}
