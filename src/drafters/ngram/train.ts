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
import fs from "node:fs";
import path from "node:path";
import {PolyspecError, throwIfCancelled, type Cancel} from "../../core/errors";
import type {Tokenizer} from "../../core/target";
import {HASH_SEED, MAX_TOKEN, TableBuilder, checkSettings, hashFinal, hashStep, writeFileAtomic, type OrderInfo} from "./format";

/** A corpus input: a text file or folder (walked recursively, hidden entries skipped), or in-memory text. */
export type CorpusInput = string | {name: string; text: string | Uint8Array};

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

const READ_BYTES = 1 << 20;
const MAX_CHUNK_FACTOR = 16;
/** Load factor of the counting table. */
const MAX_LOAD = 0.7;
/** Bytes per counting entry: 12 per slot / MAX_LOAD + 12 of sort buffer. */
const BYTES_PER_ENTRY = 12 / MAX_LOAD + 12;
const MAX_OPEN_RUNS = 32;

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

// ---------------------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------------------

interface Source {
    name: string;
    size: number;
    file?: string;
    data?: Uint8Array;
}

/**
 * Expands files and folders into the list of files to read: a folder is walked recursively (entries starting with
 * "." skipped, names sorted), so the same tree always gives the same order. A missing path is a PolyspecError.
 */
export async function expandInputs(paths: readonly string[]): Promise<string[]> {
    const out: string[] = [];
    const walk = async (p: string, top: boolean): Promise<void> => {
        let st: fs.Stats;
        try {
            st = await fs.promises.stat(p);
        } catch {
            throw new PolyspecError(`corpus file not found: ${p}`, "E_CORPUS");
        }
        if (st.isDirectory()) {
            const names = (await fs.promises.readdir(p)).filter((n) => !n.startsWith(".")).sort();
            for (const n of names) await walk(path.join(p, n), false);
        } else if (st.isFile()) out.push(p);
        else if (top) throw new PolyspecError(`${p} is not a regular file`, "E_CORPUS");
    };
    for (const p of paths) await walk(p, true);
    return out;
}

async function resolveInputs(inputs: readonly CorpusInput[]): Promise<Source[]> {
    const sources: Source[] = [];
    for (const inp of inputs) {
        if (typeof inp === "string") {
            for (const f of await expandInputs([inp])) sources.push({name: f, file: f, size: (await fs.promises.stat(f)).size});
        } else {
            const data = typeof inp.text === "string" ? Buffer.from(inp.text, "utf8") : inp.text;
            sources.push({name: inp.name, data, size: data.length});
        }
    }
    return sources;
}

async function* readBytes(src: Source): AsyncGenerator<Uint8Array> {
    if (src.data) {
        for (let i = 0; i < src.data.length; i += READ_BYTES) yield src.data.subarray(i, i + READ_BYTES);
        return;
    }
    const stream = fs.createReadStream(src.file!, {highWaterMark: READ_BYTES});
    try {
        for await (const b of stream) yield b as Buffer;
    } catch (e) {
        throw new PolyspecError(`cannot read ${src.name}: ${(e as Error).message}`, "E_CORPUS");
    } finally {
        stream.destroy();
    }
}

/**
 * Decoded, validated text of one source in chunks of about `chunkChars` characters, each ending at a line end
 * when there is one within 16 x chunkChars (else at a space, else anywhere outside a surrogate pair).
 */
async function* textChunks(src: Source, chunkChars: number, onBytes: (n: number) => void): AsyncGenerator<string> {
    const decoder = new TextDecoder("utf-8", {fatal: true}); // strips a UTF-8 BOM
    let offset = 0;
    let pending = "";
    let sniffChars = 0, sniffCtrl = 0, sniffed = false;
    const maxChunk = chunkChars * MAX_CHUNK_FACTOR;
    const sniff = (s: string) => {
        for (let i = 0; i < s.length && sniffChars < 65536; i++, sniffChars++) {
            const c = s.charCodeAt(i);
            if ((c < 0x20 && c !== 9 && c !== 10 && c !== 13 && c !== 12 && c !== 11) || c === 0x7f || (c >= 0x80 && c < 0xa0)) sniffCtrl++;
        }
        if (sniffChars >= 65536) checkSniff();
    };
    const checkSniff = () => {
        if (sniffed) return;
        sniffed = true;
        if (sniffChars > 0 && sniffCtrl / sniffChars > 0.1) {
            throw new PolyspecError(`${src.name} looks binary (${Math.round((100 * sniffCtrl) / sniffChars)}% control characters), not text: give text files`, "E_CORPUS");
        }
    };
    for await (const bytes of readBytes(src)) {
        if (offset === 0 && bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
            throw new PolyspecError(`${src.name} is UTF-16 text, not UTF-8: convert it first (e.g. iconv -f UTF-16 -t UTF-8)`, "E_CORPUS");
        }
        const nul = bytes.indexOf(0);
        if (nul >= 0) throw new PolyspecError(`${src.name} is a binary file (NUL byte at offset ${offset + nul}), not text: give text files`, "E_CORPUS");
        let text: string;
        try {
            text = decoder.decode(bytes, {stream: true});
        } catch {
            throw new PolyspecError(`${src.name} is not UTF-8 text (invalid byte sequence at offset ${offset + firstInvalidUtf8(bytes)}): convert it to UTF-8`, "E_CORPUS");
        }
        offset += bytes.length;
        if (!sniffed) sniff(text);
        pending = pending ? pending + text : text;
        let pos = 0;
        for (;;) {
            const cut = findCut(pending, pos, chunkChars, maxChunk, false);
            if (cut < 0) break;
            yield pending.slice(pos, cut);
            pos = cut;
        }
        pending = pending.slice(pos);
        onBytes(bytes.length);
    }
    let tail: string;
    try {
        tail = decoder.decode();
    } catch {
        throw new PolyspecError(`${src.name} is not UTF-8 text (it ends inside a multi-byte character): convert it to UTF-8`, "E_CORPUS");
    }
    if (!sniffed) sniff(tail);
    checkSniff();
    pending += tail;
    let pos = 0;
    while (pos < pending.length) {
        const cut = findCut(pending, pos, chunkChars, maxChunk, true);
        yield pending.slice(pos, cut);
        pos = cut;
    }
}

/** End (exclusive) of the chunk starting at `pos`, or -1 when more text is needed to decide. */
function findCut(s: string, pos: number, chunk: number, maxChunk: number, eof: boolean): number {
    const rest = s.length - pos;
    if (rest < chunk) return eof ? s.length : -1;
    const nl = s.lastIndexOf("\n", pos + chunk - 1);
    if (nl >= pos) return nl + 1;
    const next = s.indexOf("\n", pos + chunk);
    if (next >= 0 && next < pos + maxChunk) return next + 1;
    if (rest < maxChunk) return eof ? s.length : -1;
    // a very long line: cut at the last space before maxChunk, else anywhere outside a surrogate pair
    const sp = s.lastIndexOf(" ", pos + maxChunk - 1);
    if (sp > pos) return sp + 1;
    let cut = pos + maxChunk;
    const c = s.charCodeAt(cut - 1);
    if (c >= 0xd800 && c < 0xdc00) cut--;
    return cut;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence (continuations at the start are skipped:
 * they end a sequence begun in the previous read). */
export function firstInvalidUtf8(b: Uint8Array): number {
    let i = 0;
    while (i < b.length && i < 3 && (b[i] & 0xc0) === 0x80) i++;
    while (i < b.length) {
        const c = b[i];
        let n: number, min: number;
        if (c < 0x80) { i++; continue; }
        else if (c >= 0xc2 && c < 0xe0) { n = 1; min = 0x80; }
        else if (c >= 0xe0 && c < 0xf0) { n = 2; min = 0x800; }
        else if (c >= 0xf0 && c < 0xf5) { n = 3; min = 0x10000; }
        else return i;
        if (i + n >= b.length) return allCont(b, i + 1, b.length) ? b.length : i; // continues in the next read
        let cp = c & (0x3f >> n);
        for (let j = 1; j <= n; j++) {
            if ((b[i + j] & 0xc0) !== 0x80) return i;
            cp = (cp << 6) | (b[i + j] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) return i;
        i += n + 1;
    }
    return b.length;
}

function allCont(b: Uint8Array, from: number, to: number): boolean {
    for (let i = from; i < to; i++) if ((b[i] & 0xc0) !== 0x80) return false;
    return true;
}

// ---------------------------------------------------------------------------------------------------------------
// Counting with a bounded table and sorted spill runs
// ---------------------------------------------------------------------------------------------------------------

/**
 * A sorted stream of (hi, lo, count) records. Key: hi = order << 24 | ctxHash >>> 8, lo = (ctxHash & 0xff) << 24 |
 * token; comparing (hi, lo) as unsigned numbers orders by (order, context hash, token).
 */
interface RunSource {
    hi: number;
    lo: number;
    count: number;
    /** Loads the next record; false at the end. */
    next(): boolean;
    close(): void;
}

class MemoryRun implements RunSource {
    hi = 0;
    lo = 0;
    count = 0;
    private i = -1;
    constructor(private readonly h: Uint32Array, private readonly l: Uint32Array, private readonly c: Uint32Array, private readonly n: number) {}
    next(): boolean {
        if (++this.i >= this.n) return false;
        this.hi = this.h[this.i];
        this.lo = this.l[this.i];
        this.count = this.c[this.i];
        return true;
    }
    close(): void {}
}

const RUN_RECORDS = 1 << 16;

class FileRun implements RunSource {
    hi = 0;
    lo = 0;
    count = 0;
    private readonly fd: number;
    private readonly buf = new Uint32Array(RUN_RECORDS * 3);
    private len = 0;
    private pos = 0;
    constructor(readonly file: string) {
        this.fd = fs.openSync(file, "r");
    }
    next(): boolean {
        if (this.pos >= this.len) {
            const got = fs.readSync(this.fd, new Uint8Array(this.buf.buffer), 0, this.buf.byteLength, null);
            this.len = (got / 4) | 0;
            this.pos = 0;
            if (this.len === 0) return false;
        }
        this.hi = this.buf[this.pos];
        this.lo = this.buf[this.pos + 1];
        this.count = this.buf[this.pos + 2];
        this.pos += 3;
        return true;
    }
    close(): void {
        fs.closeSync(this.fd);
    }
}

class RunWriter {
    private readonly fd: number;
    private readonly buf = new Uint32Array(RUN_RECORDS * 3);
    private pos = 0;
    constructor(readonly file: string) {
        this.fd = fs.openSync(file, "wx");
    }
    add(hi: number, lo: number, count: number): void {
        if (this.pos === this.buf.length) this.flush();
        this.buf[this.pos++] = hi;
        this.buf[this.pos++] = lo;
        this.buf[this.pos++] = count > 0xffffffff ? 0xffffffff : count;
    }
    private flush(): void {
        if (this.pos) fs.writeSync(this.fd, new Uint8Array(this.buf.buffer, 0, this.pos * 4));
        this.pos = 0;
    }
    close(): void {
        this.flush();
        fs.closeSync(this.fd);
    }
}

/** K-way merge of sorted runs: calls emit once per distinct key, in order, with the summed count. */
function mergeRuns(runs: RunSource[], emit: (hi: number, lo: number, count: number) => void, cancel?: Cancel): void {
    const heap: RunSource[] = runs.filter((r) => r.next());
    const less = (a: RunSource, b: RunSource) => a.hi < b.hi || (a.hi === b.hi && a.lo < b.lo);
    const down = (i: number) => {
        const n = heap.length;
        for (;;) {
            const l = 2 * i + 1, r = l + 1;
            let m = i;
            if (l < n && less(heap[l], heap[m])) m = l;
            if (r < n && less(heap[r], heap[m])) m = r;
            if (m === i) return;
            [heap[i], heap[m]] = [heap[m], heap[i]];
            i = m;
        }
    };
    for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
    let curHi = -1, curLo = -1, cur = 0, n = 0;
    while (heap.length) {
        const top = heap[0];
        if (top.hi === curHi && top.lo === curLo) cur += top.count;
        else {
            if (curHi >= 0) emit(curHi, curLo, cur);
            curHi = top.hi;
            curLo = top.lo;
            cur = top.count;
        }
        if (!top.next()) {
            const last = heap.pop()!;
            if (heap.length && last !== top) heap[0] = last;
        }
        if (heap.length) down(0);
        if ((++n & 0xfffff) === 0) throwIfCancelled(cancel);
    }
    if (curHi >= 0) emit(curHi, curLo, cur);
}

/** Counts (order, context hash, token) keys in a bounded open-addressing table, spilling sorted runs. */
class NgramCounter {
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
function radixSort(n: number, a: [Uint32Array, Uint32Array, Uint32Array], b: [Uint32Array, Uint32Array, Uint32Array]): [Uint32Array, Uint32Array, Uint32Array] {
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

/** For tests. */
export const _internal = {findCut, radixSort};
