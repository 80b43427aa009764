/** Counting n-gram keys with a bounded table, spilling sorted runs (see train.ts for the whole pipeline). */
import fs from "node:fs";
import path from "node:path";
import {PolyspecError, throwIfCancelled, type Cancel} from "../../core/errors";
import {HASH_SEED, MAX_TOKEN, hashFinal, hashStep} from "./format";
import {type TableBuilder} from "./writer";
import {FileRun, MemoryRun, mergeRuns, RunWriter, type RunSource} from "./runs";

/** Load factor of the counting table. */
const MAX_LOAD = 0.7;
/** Bytes per counting entry: 12 per slot / MAX_LOAD + 12 of sort buffer. */
export const BYTES_PER_ENTRY = 12 / MAX_LOAD + 12;
/** Sorted runs open at once while merging; more are first merged into bigger runs. */
const MAX_OPEN_RUNS = 32;

/** Counts (order, context hash, token) keys in a bounded open-addressing table, spilling sorted runs. */
export class NgramCounter {
    spills = 0;
    private readonly slots: number;
    private readonly cap: number;
    private kh: Uint32Array;
    private kt: Uint32Array;
    private cnt: Uint32Array;
    private size = 0;
    private sortBuf?: [Uint32Array, Uint32Array, Uint32Array];
    private runs: string[] = [];
    private dir?: string;
    private runSeq = 0;

    constructor(private readonly maxOrder: number, maxEntries: number, private readonly tmpParent: string, private readonly cancel?: Cancel) {
        this.cap = Math.max(1, Math.floor(maxEntries));
        this.slots = Math.max(2, Math.ceil(this.cap / MAX_LOAD) + 1);
        const initial = Math.min(this.slots, 1 << 16);
        this.kh = new Uint32Array(initial);
        this.kt = new Uint32Array(initial);
        this.cnt = new Uint32Array(initial);
    }

    /** Counts the n-grams ending at positions from..seq.length-1 (contexts may reach back before `from`). */
    count(seq: readonly number[], from: number): void {
        const w = this.maxOrder - 1;
        for (let i = from; i < seq.length; i++) {
            const t = seq[i];
            if (!(t >= 0 && t <= MAX_TOKEN)) throw new PolyspecError(`the tokenizer returned token id ${t}, which does not fit an n-gram file (24 bits)`);
            let h = HASH_SEED;
            const cMax = Math.min(w, i);
            for (let c = 1; c <= cMax; c++) {
                h = hashStep(h, seq[i - c]);
                this.inc(hashFinal(h, c), (((c + 1) << 24) | t) >>> 0);
            }
        }
    }

    /** The slot holding key (H, ot), or the empty slot where it belongs (linear probing). */
    private slot(H: number, ot: number): number {
        let x = H ^ Math.imul(ot, 0x9e3779b1);
        x ^= x >>> 16;
        x = Math.imul(x, 0x7feb352d);
        x ^= x >>> 15;
        const kt = this.kt, kh = this.kh, n = kt.length;
        let i = Math.floor(((x >>> 0) * n) / 4294967296);
        for (;;) {
            const k = kt[i];
            if (k === 0 || (k === ot && kh[i] === H)) return i;
            if (++i === n) i = 0;
        }
    }

    private inc(H: number, ot: number): void {
        let i = this.slot(H, ot);
        if (this.kt[i] !== 0) {
            if (this.cnt[i] !== 0xffffffff) this.cnt[i]++;
            return;
        }
        if (this.size >= Math.floor(this.kt.length * MAX_LOAD)) {
            if (this.kt.length < this.slots) this.grow();
            else this.spill();
            i = this.slot(H, ot);
        }
        this.kt[i] = ot;
        this.kh[i] = H;
        this.cnt[i] = 1;
        this.size++;
    }

    /** Doubles the table (up to `slots`), reinserting every entry. */
    private grow(): void {
        const {kh, kt, cnt} = this;
        const n = Math.min(this.slots, kt.length * 2);
        this.kh = new Uint32Array(n);
        this.kt = new Uint32Array(n);
        this.cnt = new Uint32Array(n);
        for (let i = 0; i < kt.length; i++) {
            if (kt[i] === 0) continue;
            const j = this.slot(kh[i], kt[i]);
            this.kh[j] = kh[i];
            this.kt[j] = kt[i];
            this.cnt[j] = cnt[i];
        }
    }

    /** Compacts the table's entries into sorted (hi, lo, count) arrays; the table is unusable until clear(). */
    private sorted(): [Uint32Array, Uint32Array, Uint32Array, number] {
        const {kh, kt, cnt} = this;
        let w = 0;
        for (let i = 0; i < kt.length; i++) {
            const ot = kt[i];
            if (ot === 0) continue;
            const H = kh[i];
            kh[w] = ((ot & 0xff000000) | (H >>> 8)) >>> 0;
            kt[w] = (((H & 0xff) << 24) | (ot & 0xffffff)) >>> 0;
            cnt[w] = cnt[i];
            w++;
        }
        const need = Math.max(w, 1);
        if (!this.sortBuf || this.sortBuf[0].length < need) {
            const size = Math.min(Math.ceil(this.slots * MAX_LOAD) + 1, Math.max(need, (this.sortBuf?.[0].length ?? 0) * 2));
            this.sortBuf = [new Uint32Array(size), new Uint32Array(size), new Uint32Array(size)];
        }
        const [a, b, c] = radixSort(w, [kh, kt, cnt], this.sortBuf);
        return [a, b, c, w];
    }

    private clear(): void {
        this.kh.fill(0);
        this.kt.fill(0);
        this.cnt.fill(0);
        this.size = 0;
    }

    private tmpFile(): string {
        if (!this.dir) {
            fs.mkdirSync(this.tmpParent, {recursive: true});
            this.dir = fs.mkdtempSync(path.join(this.tmpParent, ".polyspec-ngram-"));
        }
        return path.join(this.dir, `run-${this.runSeq++}.bin`);
    }

    /** Sorts the table into a run file and empties it. */
    private spill(): void {
        throwIfCancelled(this.cancel);
        const [h, l, c, n] = this.sorted();
        const wr = new RunWriter(this.tmpFile());
        for (let i = 0; i < n; i++) wr.add(h[i], l[i], c[i]);
        wr.close();
        this.runs.push(wr.file);
        this.spills++;
        this.clear();
        if (this.runs.length >= MAX_OPEN_RUNS) this.compactRuns();
    }

    /** Merges all run files into one (keeps the number of open files bounded). */
    private compactRuns(): void {
        const srcs = this.runs.map((f) => new FileRun(f));
        const wr = new RunWriter(this.tmpFile());
        try {
            mergeRuns(srcs, (hi, lo, count) => wr.add(hi, lo, count), this.cancel);
        } finally {
            for (const s of srcs) s.close();
            wr.close();
        }
        for (const f of this.runs) fs.rmSync(f, {force: true});
        this.runs = [wr.file];
    }

    /** Merges runs and the table and feeds every context with its continuations to the builder. */
    drain(builder: TableBuilder): void {
        const [h, l, c, n] = this.sorted();
        const srcs: RunSource[] = [new MemoryRun(h, l, c, n), ...this.runs.map((f) => new FileRun(f))];
        const toks: number[] = [], counts: number[] = [];
        let gHi = -1, gHash = 0;
        const flush = () => {
            if (gHi >= 0 && toks.length) builder.addContext(gHi >>> 24, gHash, toks, counts, toks.length);
            toks.length = 0;
            counts.length = 0;
        };
        try {
            mergeRuns(srcs, (hi, lo, count) => {
                const hash = ((hi << 8) | (lo >>> 24)) >>> 0;
                const order = hi >>> 24;
                if (gHi < 0 || order !== gHi >>> 24 || hash !== gHash) {
                    flush();
                    gHi = hi;
                    gHash = hash;
                }
                toks.push(lo & 0xffffff);
                counts.push(count);
            }, this.cancel);
            flush();
        } finally {
            for (const s of srcs) s.close();
        }
    }

    dispose(): void {
        if (this.dir) fs.rmSync(this.dir, {recursive: true, force: true});
        this.dir = undefined;
        this.runs = [];
    }
}

/**
 * LSD radix sort of n records (hi, lo, count) by (hi, lo), 16 bits per pass; passes where every key has the same
 * digit are skipped. Returns the arrays that hold the result (either `a` or `b`).
 */
export function radixSort(n: number, a: [Uint32Array, Uint32Array, Uint32Array], b: [Uint32Array, Uint32Array, Uint32Array]): [Uint32Array, Uint32Array, Uint32Array] {
    let src = a, dst = b;
    const hist = new Uint32Array(65537);
    for (let pass = 0; pass < 4; pass++) {
        const key = pass < 2 ? src[1] : src[0];
        const shift = pass % 2 === 0 ? 0 : 16;
        hist.fill(0);
        for (let i = 0; i < n; i++) hist[((key[i] >>> shift) & 0xffff) + 1]++;
        if (n === 0 || hist[((key[0] >>> shift) & 0xffff) + 1] === n) continue;
        for (let d = 1; d <= 65536; d++) hist[d] += hist[d - 1];
        const [sh, sl, sc] = src, [dh, dl, dc] = dst;
        for (let i = 0; i < n; i++) {
            const j = hist[(key[i] >>> shift) & 0xffff]++;
            dh[j] = sh[i];
            dl[j] = sl[i];
            dc[j] = sc[i];
        }
        [src, dst] = [dst, src];
    }
    return src;
}
