/**
 * The corpus n-gram drafter's binary file (".ngram"), version 1. Full description: docs/formats.md.
 *
 *   header (256 bytes + 32 per order) | order 2 section | order 3 section | ... (all little-endian, 4-aligned)
 *
 * A section holds, for one order o (context length c = o - 1), the contexts sorted by the 32-bit hash of their c
 * tokens and, for each, its top-M continuations (token id in 24 bits, log-quantized count in 8 bits), most frequent
 * first. Loading keeps the file's Buffer and reads it through typed-array views; nothing becomes a JS object per
 * n-gram. This module holds the layout, the context hash, the count quantization, the writer (TableBuilder) and the
 * validating reader (parseNgramFile).
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
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
const CHECKSUM_AT = 24;
const CHECKSUM_FROM = 56;
const LANG_BYTES = 16;
const MODEL_BYTES = 64;

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

function normFingerprint(fp: string): string {
    return fingerprintBytes(fp).toString("hex");
}

function putString(buf: Buffer, at: number, size: number, s: string, what: string): void {
    const b = Buffer.from(s, "utf8");
    if (b.length >= size) throw new PolyspecError(`${what} "${s}" is too long for an n-gram file (at most ${size - 1} bytes)`);
    b.copy(buf, at);
}

function getString(buf: Buffer, at: number, size: number): string {
    const raw = buf.subarray(at, at + size);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? size : end).toString("utf8");
}

function sectionLength(contexts: number, ngrams: number): number {
    return 4 * contexts + 4 * ngrams + 4 * (Math.ceil(contexts / INDEX_STRIDE) + 1) + pad8(contexts);
}

function pad8(n: number): number {
    return (n + 7) & ~7;
}

// ---------------------------------------------------------------------------------------------------------------
// Writer
// ---------------------------------------------------------------------------------------------------------------

/** A growable typed array. */
class Grow<T extends Uint32Array | Uint8Array> {
    length = 0;
    constructor(public data: T, private readonly make: (n: number) => T) {}
    push(v: number): void {
        if (this.length === this.data.length) {
            const next = this.make(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length++] = v;
    }
    view(): T {
        return this.data.subarray(0, this.length) as T;
    }
}

export interface BuildSettings {
    maxOrder: number;
    /** Minimum count per order, index 0 = order 2. */
    minCounts: readonly number[];
    topM: number;
}

export interface BuildMeta {
    fingerprint: string;
    vocabSize: number;
    lang: string;
    model: string;
    trainingTokens: number;
}

/** Checks order / min count / top-M settings; returns per-order min counts (order 2 first). */
export function checkSettings(maxOrder: number, minCount: number | readonly number[], topM: number): BuildSettings {
    if (!Number.isInteger(maxOrder) || maxOrder < MIN_ORDER || maxOrder > MAX_ORDER) throw new PolyspecError(`n-gram order must be an integer from ${MIN_ORDER} to ${MAX_ORDER}, got ${maxOrder}`, "E_USAGE");
    if (!Number.isInteger(topM) || topM < 1 || topM > 255) throw new PolyspecError(`top-M (continuations kept per context) must be an integer from 1 to 255, got ${topM}`, "E_USAGE");
    const list = typeof minCount === "number" ? [minCount] : [...minCount];
    if (list.length === 0) throw new PolyspecError("min count: give at least one value", "E_USAGE");
    const minCounts: number[] = [];
    for (let o = MIN_ORDER; o <= maxOrder; o++) {
        const m = list[Math.min(o - MIN_ORDER, list.length - 1)];
        if (!Number.isInteger(m) || m < 1 || m > 0xffffffff) throw new PolyspecError(`min count must be a positive integer, got ${m}`, "E_USAGE");
        minCounts.push(m);
    }
    return {maxOrder, minCounts, topM};
}

/**
 * Builds a table from contexts given in ascending (order, hash) order. Each context comes with its continuation
 * tokens and counts (any order, duplicates allowed: they are summed); the builder prunes counts below the order's
 * minimum, keeps the top M (count descending, then token id ascending), quantizes and appends.
 */
export class TableBuilder {
    private readonly hashes: Grow<Uint32Array>[] = [];
    private readonly nCont: Grow<Uint8Array>[] = [];
    private readonly conts: Grow<Uint32Array>[] = [];
    private lastOrder = 0;
    private lastHash = -1;
    // scratch for one context
    private idx: number[] = [];
    private tok: number[] = [];
    private cnt: number[] = [];

    constructor(readonly settings: BuildSettings) {
        for (let o = MIN_ORDER; o <= settings.maxOrder; o++) {
            this.hashes.push(new Grow(new Uint32Array(1024), (n) => new Uint32Array(n)));
            this.nCont.push(new Grow(new Uint8Array(1024), (n) => new Uint8Array(n)));
            this.conts.push(new Grow(new Uint32Array(1024), (n) => new Uint32Array(n)));
        }
    }

    /** Adds one context; tokens[0..n-1] with counts[0..n-1]. Contexts left with no continuation are dropped. */
    addContext(order: number, hash: number, tokens: ArrayLike<number>, counts: ArrayLike<number>, n: number): void {
        if (order < this.lastOrder || (order === this.lastOrder && hash <= this.lastHash) || order > this.settings.maxOrder || order < MIN_ORDER) {
            throw new Error(`TableBuilder: contexts out of order (order ${order} hash ${hash} after order ${this.lastOrder} hash ${this.lastHash})`);
        }
        if (order !== this.lastOrder) this.lastHash = -1;
        this.lastOrder = order;
        this.lastHash = hash;
        const min = this.settings.minCounts[order - MIN_ORDER];
        // sum duplicates: sort indices by token
        const idx = this.idx;
        idx.length = n;
        for (let i = 0; i < n; i++) idx[i] = i;
        if (n > 1) sortIdx(idx, (a, b) => tokens[a] - tokens[b]);
        const tok = this.tok, cnt = this.cnt;
        tok.length = 0;
        cnt.length = 0;
        for (let j = 0; j < n; ) {
            const t = tokens[idx[j]];
            let c = 0;
            while (j < n && tokens[idx[j]] === t) c += counts[idx[j++]];
            if (c >= min) {
                if (t < 0 || t > MAX_TOKEN || !Number.isInteger(t)) throw new PolyspecError(`token id ${t} does not fit an n-gram file (24 bits)`);
                tok.push(t);
                cnt.push(c);
            }
        }
        const m = tok.length;
        if (m === 0) return;
        idx.length = m;
        for (let i = 0; i < m; i++) idx[i] = i;
        if (m > 1) sortIdx(idx, (a, b) => cnt[b] - cnt[a] || tok[a] - tok[b]);
        const keep = Math.min(m, this.settings.topM);
        const s = order - MIN_ORDER;
        this.hashes[s].push(hash);
        this.nCont[s].push(keep);
        for (let i = 0; i < keep; i++) this.conts[s].push((tok[idx[i]] | (quantizeCount(cnt[idx[i]]) << 24)) >>> 0);
    }

    /** The file's bytes (header and sections) and per-order statistics. */
    finish(meta: BuildMeta): {parts: Buffer[]; size: number; orders: OrderInfo[]} {
        const {maxOrder, topM, minCounts} = this.settings;
        const nOrders = maxOrder - MIN_ORDER + 1;
        const headerSize = HEADER_FIXED + SECTION_ENTRY * nOrders;
        const header = Buffer.alloc(headerSize);
        const orders: OrderInfo[] = [];
        const body: Buffer[] = [];
        let offset = headerSize;
        for (let s = 0; s < nOrders; s++) {
            const hashes = this.hashes[s].view(), nCont = this.nCont[s].view(), conts = this.conts[s].view();
            const C = hashes.length, K = conts.length;
            const index = new Uint32Array(Math.ceil(C / INDEX_STRIDE) + 1);
            let acc = 0;
            for (let i = 0; i < C; i++) {
                if (i % INDEX_STRIDE === 0) index[i / INDEX_STRIDE] = acc;
                acc += nCont[i];
            }
            index[index.length - 1] = acc;
            const nc = Buffer.alloc(pad8(C));
            nc.set(nCont);
            const parts = [u32bytes(hashes), u32bytes(conts), u32bytes(index), nc];
            const len = sectionLength(C, K);
            const e = HEADER_FIXED + SECTION_ENTRY * s;
            header.writeUInt32LE(s + MIN_ORDER, e);
            header.writeUInt32LE(minCounts[s], e + 4);
            header.writeUInt32LE(C, e + 8);
            header.writeUInt32LE(K, e + 12);
            header.writeBigUInt64LE(BigInt(offset), e + 16);
            header.writeBigUInt64LE(BigInt(len), e + 24);
            body.push(...parts);
            offset += len;
            orders.push({order: s + MIN_ORDER, minCount: minCounts[s], contexts: C, ngrams: K});
        }
        header.write(MAGIC, 0, "latin1");
        header.writeUInt32LE(FORMAT_VERSION, 8);
        header.writeUInt32LE(headerSize, 12);
        header.writeBigUInt64LE(BigInt(offset - headerSize), 16);
        fingerprintBytes(meta.fingerprint).copy(header, 56);
        header.writeUInt32LE(meta.vocabSize >>> 0, 88);
        header.writeUInt8(maxOrder, 92);
        header.writeUInt8(topM, 93);
        header.writeUInt8(QUANT_SCHEME, 94);
        header.writeBigUInt64LE(BigInt(meta.trainingTokens), 96);
        header.writeUInt32LE(minCounts[0], 104);
        putString(header, 112, LANG_BYTES, meta.lang, "language");
        putString(header, 128, MODEL_BYTES, truncateUtf8(meta.model, MODEL_BYTES - 1), "model name");
        const sha = crypto.createHash("sha256");
        sha.update(header.subarray(CHECKSUM_FROM));
        for (const b of body) sha.update(b);
        sha.digest().copy(header, CHECKSUM_AT);
        return {parts: [header, ...body], size: offset, orders};
    }
}

function u32bytes(a: Uint32Array): Buffer {
    if (os.endianness() !== "LE") throw new Error("n-gram files need a little-endian machine");
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}

function truncateUtf8(s: string, max: number): string {
    while (Buffer.byteLength(s) > max) s = s.slice(0, -1);
    return s;
}

/** Sorts small arrays by insertion, large ones with Array.prototype.sort (stable either way). */
function sortIdx(a: number[], cmp: (x: number, y: number) => number): void {
    if (a.length > 24) {
        a.sort(cmp);
        return;
    }
    for (let i = 1; i < a.length; i++) {
        const v = a[i];
        let j = i - 1;
        while (j >= 0 && cmp(a[j], v) > 0) {
            a[j + 1] = a[j];
            j--;
        }
        a[j + 1] = v;
    }
}

/**
 * Writes `parts` to `file` atomically: a temporary file in the same folder, flushed, then renamed over `file`.
 * After a failure there is no `file` (nor a temporary one).
 */
export async function writeFileAtomic(file: string, parts: readonly Uint8Array[]): Promise<void> {
    await fs.promises.mkdir(path.dirname(path.resolve(file)), {recursive: true});
    const tmp = `${file}.tmp-${process.pid}-${crypto.randomBytes(4).toString("hex")}`;
    let fh: fs.promises.FileHandle | undefined;
    try {
        fh = await fs.promises.open(tmp, "wx");
        for (const p of parts) if (p.length) await fh.write(p);
        await fh.sync();
        await fh.close();
        fh = undefined;
        await fs.promises.rename(tmp, file);
    } catch (e) {
        await fh?.close().catch(() => undefined);
        await fs.promises.rm(tmp, {force: true}).catch(() => undefined);
        throw e;
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Reader
// ---------------------------------------------------------------------------------------------------------------

/** One order's data, as views into the file's buffer. */
export interface Section {
    order: number;
    minCount: number;
    /** Context hashes, ascending, unique. */
    hashes: Uint32Array;
    /** Continuations: token | quantizedCount << 24, per context most frequent first. */
    conts: Uint32Array;
    /** index[j] = position in conts of context j*INDEX_STRIDE's first continuation; last entry = conts.length. */
    index: Uint32Array;
    /** Continuations per context. */
    nCont: Uint8Array;
}

export interface ExpectTokenizer {
    /** The target's tokenizer fingerprint: a file built for another one is refused. */
    fingerprint: string;
    /** The target model's name, for the "retrain it with --model" hint. */
    model?: string;
}

export interface ParsedFile {
    header: NgramHeader;
    sections: Section[];
}

function hex8(fp: string): string {
    return fp.slice(0, 8);
}

/**
 * Validates a whole file and returns views into it. Refusals are one-line PolyspecErrors naming the file: not an
 * n-gram file, another format version, truncated, checksum mismatch, corrupt structure, built for another tokenizer.
 */
export function parseNgramFile(input: Buffer, name: string, expect?: ExpectTokenizer): ParsedFile {
    const fail = (why: string) => new PolyspecError(`${name} ${why}`, "E_NGRAM_FILE");
    if (os.endianness() !== "LE") throw fail("cannot be read on a big-endian machine");
    const magic = Buffer.from(MAGIC, "latin1");
    if (input.length < magic.length || !input.subarray(0, magic.length).equals(magic)) {
        if (input.length > 0 && input.length < magic.length && magic.subarray(0, input.length).equals(input)) throw fail(`is truncated (${input.length} bytes): rebuild it`);
        throw fail(`is not a Polyspec n-gram file (${input.length === 0 ? "it is empty" : `it starts with ${JSON.stringify(input.subarray(0, 8).toString("latin1"))}`})`);
    }
    if (input.length < 16) throw fail(`is truncated (${input.length} bytes): rebuild it`);
    const version = input.readUInt32LE(8);
    if (version !== FORMAT_VERSION) {
        throw fail(`is n-gram format version ${version}, but this Polyspec reads version ${FORMAT_VERSION}: ${version > FORMAT_VERSION ? "update Polyspec or " : ""}retrain it with 'polyspec ngram train'`);
    }
    if (input.length < HEADER_FIXED) throw fail(`is truncated (${input.length} bytes, the header alone has ${HEADER_FIXED}): rebuild it`);
    const headerSize = input.readUInt32LE(12);
    const bodySize = Number(input.readBigUInt64LE(16));
    const maxOrder = input.readUInt8(92);
    if (maxOrder < MIN_ORDER || maxOrder > MAX_ORDER || headerSize !== HEADER_FIXED + SECTION_ENTRY * (maxOrder - MIN_ORDER + 1)) {
        throw fail(`is corrupt (header: order ${maxOrder}, header size ${headerSize}): rebuild it`);
    }
    const expected = headerSize + bodySize;
    if (input.length !== expected) {
        throw fail(input.length < expected
            ? `is truncated (${input.length} bytes, expected ${expected}): rebuild it or copy it again`
            : `has ${input.length - expected} bytes of garbage after its end (${expected} bytes expected): rebuild it or copy it again`);
    }
    const sum = crypto.createHash("sha256").update(input.subarray(CHECKSUM_FROM)).digest();
    if (!sum.equals(input.subarray(CHECKSUM_AT, CHECKSUM_FROM))) throw fail("is corrupt (checksum mismatch): rebuild it or copy it again");

    // Typed-array views need 4-byte alignment; a Buffer from a pool may not have it.
    let buf = input;
    if (input.byteOffset % 4 !== 0) {
        buf = Buffer.alloc(input.length);
        input.copy(buf);
    }
    const topM = buf.readUInt8(93);
    const quant = buf.readUInt8(94);
    if (quant !== QUANT_SCHEME || topM < 1) throw fail(`is corrupt (quantization ${quant}, top-M ${topM}): rebuild it`);
    const header: NgramHeader = {
        version,
        fingerprint: buf.subarray(56, 88).toString("hex"),
        vocabSize: buf.readUInt32LE(88),
        lang: getString(buf, 112, LANG_BYTES),
        model: getString(buf, 128, MODEL_BYTES),
        maxOrder,
        topM,
        trainingTokens: Number(buf.readBigUInt64LE(96)),
        orders: [],
        fileSize: buf.length,
    };
    const sections: Section[] = [];
    let expectOffset = headerSize;
    for (let s = 0; s < maxOrder - MIN_ORDER + 1; s++) {
        const e = HEADER_FIXED + SECTION_ENTRY * s;
        const order = buf.readUInt32LE(e), minCount = buf.readUInt32LE(e + 4), C = buf.readUInt32LE(e + 8), K = buf.readUInt32LE(e + 12);
        const offset = Number(buf.readBigUInt64LE(e + 16)), len = Number(buf.readBigUInt64LE(e + 24));
        if (order !== s + MIN_ORDER || offset !== expectOffset || len !== sectionLength(C, K) || offset + len > buf.length || K > C * topM) {
            throw fail(`is corrupt (section table entry for order ${s + MIN_ORDER}): rebuild it`);
        }
        const base = buf.byteOffset + offset;
        const nIndex = Math.ceil(C / INDEX_STRIDE) + 1;
        const sec: Section = {
            order, minCount,
            hashes: new Uint32Array(buf.buffer, base, C),
            conts: new Uint32Array(buf.buffer, base + 4 * C, K),
            index: new Uint32Array(buf.buffer, base + 4 * C + 4 * K, nIndex),
            nCont: new Uint8Array(buf.buffer, base + 4 * C + 4 * K + 4 * nIndex, C),
        };
        checkSection(sec, topM, fail);
        sections.push(sec);
        header.orders.push({order, minCount, contexts: C, ngrams: K});
        expectOffset = offset + len;
    }
    if (expectOffset !== buf.length) throw fail("is corrupt (sections do not fill the file): rebuild it");
    if (expect && normFingerprint(expect.fingerprint) !== header.fingerprint) {
        throw new PolyspecError(
            `drafter ${name} was built for tokenizer ${hex8(header.fingerprint)}..${header.model ? ` (model ${header.model}?)` : ""} ` +
            `but the target's is ${hex8(normFingerprint(expect.fingerprint))}..: retrain it with --model ${expect.model ?? "<the target model>"}`,
            "E_NGRAM_TOKENIZER",
        );
    }
    return {header, sections};
}

/** O(contexts) structural checks: sorted unique hashes, index consistent with the per-context counts. */
function checkSection(sec: Section, topM: number, fail: (why: string) => Error): void {
    const {hashes, nCont, index, conts} = sec;
    let acc = 0;
    for (let i = 0; i < hashes.length; i++) {
        if (i > 0 && hashes[i] <= hashes[i - 1]) throw fail(`is corrupt (order ${sec.order}: context hashes not sorted): rebuild it`);
        if (i % INDEX_STRIDE === 0 && index[i / INDEX_STRIDE] !== acc) throw fail(`is corrupt (order ${sec.order}: offset index): rebuild it`);
        const n = nCont[i];
        if (n < 1 || n > topM) throw fail(`is corrupt (order ${sec.order}: continuation count ${n}): rebuild it`);
        acc += n;
    }
    if (acc !== conts.length || index[index.length - 1] !== acc) throw fail(`is corrupt (order ${sec.order}: continuation total): rebuild it`);
}

/** Reads and validates just the header of a file (cheap: no checksum); for listings. */
export function readHeaderQuick(file: string): {version: number; fingerprint: string; lang: string; model: string} | undefined {
    try {
        const fd = fs.openSync(file, "r");
        try {
            const b = Buffer.alloc(HEADER_FIXED);
            if (fs.readSync(fd, b, 0, HEADER_FIXED, 0) < HEADER_FIXED || b.toString("latin1", 0, 8) !== MAGIC) return undefined;
            return {version: b.readUInt32LE(8), fingerprint: b.subarray(56, 88).toString("hex"), lang: getString(b, 112, LANG_BYTES), model: getString(b, 128, MODEL_BYTES)};
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return undefined;
    }
}
