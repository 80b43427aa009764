/** Writes n-gram files (layout: format.ts, docs/formats.md): TableBuilder collects continuations, then the file is written atomically. */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {PolyspecError} from "../../core/errors";
import {MAGIC, FORMAT_VERSION, HEADER_FIXED, SECTION_ENTRY, INDEX_STRIDE, MIN_ORDER, MAX_ORDER, MAX_TOKEN, QUANT_SCHEME, CHECKSUM_AT, CHECKSUM_FROM, LANG_BYTES, MODEL_BYTES, quantizeCount, type OrderInfo, fingerprintBytes, putString, sectionLength, pad8} from "./format";

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
