/**
 * The corpus n-gram drafter's binary file (".ngram"), version 1. Full description: docs/formats.md.
 *
 *   header (256 bytes + 32 per order) | order 2 section | order 3 section | ... (all little-endian, 4-aligned)
 *
 * A section holds, for one order o (context length c = o - 1), the contexts sorted by the 32-bit hash of their c
 * tokens and, for each, its top-M continuations (token id in 24 bits, log-quantized count in 8 bits), most frequent
 * first. Loading keeps the file's Buffer and reads it through typed-array views; nothing becomes a JS object per
 * n-gram. This module holds the layout, the context hash and the count quantization; writer.ts writes files
 * (TableBuilder), reader.ts validates and reads them (parseNgramFile).
 */
import crypto from "node:crypto";
import {PolyspecError} from "../../core/errors";

export const MAGIC = "PSNGRAM\0";
export const FORMAT_VERSION = 1;
/** Size of the fixed header; the per-order section table follows it. */
export const HEADER_FIXED = 256;
export const SECTION_ENTRY = 32;
/** The sparse offset index keeps the first continuation's position of every INDEX_STRIDE-th context. */
export const INDEX_STRIDE = 64;
export const MIN_ORDER = 2;
export const MAX_ORDER = 8;
/** Token ids are stored in 24 bits. */
export const MAX_TOKEN = 0xffffff;
export const QUANT_SCHEME = 1;
/** Byte offset of the checksum: sha256 over every byte from CHECKSUM_FROM to the end of the file. */
export const CHECKSUM_AT = 24;
export const CHECKSUM_FROM = 56;
export const LANG_BYTES = 16;
export const MODEL_BYTES = 64;

// ---------------------------------------------------------------------------------------------------------------
// Context hash (part of the format: changing it needs a new FORMAT_VERSION)
// ---------------------------------------------------------------------------------------------------------------

export const HASH_SEED = 0x9747b28c;

/** One MurmurHash3 round: folds a token into the running state. Contexts are folded newest token first. */
export function hashStep(h: number, token: number): number {
    let k = Math.imul(token, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

/** MurmurHash3's finalizer, mixing in the context length; an unsigned 32-bit result. */
export function hashFinal(h: number, length: number): number {
    h ^= length;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    return h >>> 0;
}

/**
 * Hash of the c tokens tokens[end-c .. end-1]: h = SEED; h = step(h, t) for t from tokens[end-1] down to
 * tokens[end-c]; final(h, c). Folding newest first lets one backward pass give the hashes of every order.
 */
export function contextHash(tokens: ArrayLike<number>, end: number, c: number): number {
    let h = HASH_SEED;
    for (let i = end - 1; i >= end - c; i--) h = hashStep(h, tokens[i]);
    return hashFinal(h, c);
}

// ---------------------------------------------------------------------------------------------------------------
// Count quantization (scheme 1): exact up to 32, then log steps of ~8.8% (error <= 4.4%) up to 2^32 in one byte
// ---------------------------------------------------------------------------------------------------------------

const Q_EXACT = 32;
const LN_BASE = Math.log(2 ** 32 / Q_EXACT) / (255 - Q_EXACT);

/** The count a quantized byte stands for (index 0 is unused: stored counts are >= 1). */
export const DEQUANT: Float64Array = (() => {
    const t = new Float64Array(256);
    for (let q = 1; q < 256; q++) t[q] = q <= Q_EXACT ? q : Q_EXACT * Math.exp((q - Q_EXACT) * LN_BASE);
    return t;
})();

/** Count (an integer, or a sum of dequantized counts when merging) -> byte 1..255; monotone. */
export function quantizeCount(x: number): number {
    if (x < Q_EXACT + 0.5) return Math.max(1, Math.round(x));
    return Math.min(255, Q_EXACT + Math.round(Math.log(x / Q_EXACT) / LN_BASE));
}

// ---------------------------------------------------------------------------------------------------------------
// Header
// ---------------------------------------------------------------------------------------------------------------

export interface OrderInfo {
    /** n-gram order o; its contexts have o - 1 tokens. */
    order: number;
    /** Continuations seen fewer times than this were pruned. */
    minCount: number;
    /** Stored contexts (distinct context hashes). */
    contexts: number;
    /** Stored n-grams (context + continuation pairs). */
    ngrams: number;
}

export interface NgramHeader {
    version: number;
    /** Hex sha256 of the target tokenizer's vocabulary (Tokenizer.fingerprint). */
    fingerprint: string;
    vocabSize: number;
    lang: string;
    /** The model whose tokenizer was used (a name or a file name): a hint for error messages. */
    model: string;
    maxOrder: number;
    /** Continuations kept per context. */
    topM: number;
    /** Tokens of training text read. */
    trainingTokens: number;
    orders: OrderInfo[];
    /** Whole file size in bytes. */
    fileSize: number;
}

/** Tokenizer fingerprint as 32 bytes: a 64-hex-digit fingerprint as is, anything else through sha256. */
export function fingerprintBytes(fp: string): Buffer {
    return /^[0-9a-f]{64}$/i.test(fp) ? Buffer.from(fp, "hex") : crypto.createHash("sha256").update(fp).digest();
}

export function normFingerprint(fp: string): string {
    return fingerprintBytes(fp).toString("hex");
}

export function putString(buf: Buffer, at: number, size: number, s: string, what: string): void {
    const b = Buffer.from(s, "utf8");
    if (b.length >= size) throw new PolyspecError(`${what} "${s}" is too long for an n-gram file (at most ${size - 1} bytes)`);
    b.copy(buf, at);
}

export function getString(buf: Buffer, at: number, size: number): string {
    const raw = buf.subarray(at, at + size);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? size : end).toString("utf8");
}

export function sectionLength(contexts: number, ngrams: number): number {
    return 4 * contexts + 4 * ngrams + 4 * (Math.ceil(contexts / INDEX_STRIDE) + 1) + pad8(contexts);
}

export function pad8(n: number): number {
    return (n + 7) & ~7;
}

// ---------------------------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------------------------
