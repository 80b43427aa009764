import fs from "node:fs";
import {PolyspecError} from "../../core/errors";
import {DEQUANT, HASH_SEED, HEADER_FIXED, INDEX_STRIDE, MAX_TOKEN, hashFinal, hashStep, type NgramHeader} from "./format";
import {checkHeader, parseNgramFile, type ExpectTokenizer, type Section} from "./reader";

/**
 * The longest stored context that ends the given tokens, and its continuations: conts[start .. start+count-1]
 * (token = c & 0xffffff, quantized count = c >>> 24), most frequent first.
 */
export interface Match {
    /** n-gram order used (context length order - 1). */
    order: number;
    conts: Uint32Array;
    start: number;
    count: number;
    /** Sum of the dequantized counts of the continuations: probability of continuation j = DEQUANT[q_j] / total. */
    total: number;
}

interface Indexed extends Section {
    /** dir[b] = first context whose hash's top `bits` bits are >= b (a load-time directory, 2^bits + 1 entries). */
    dir: Uint32Array;
    shift: number;
}

/**
 * A loaded n-gram table: the file's Buffer read through typed-array views (see format.ts), plus, per order, a
 * small directory on the top bits of the context hashes (built at load time, at most 256 KiB per order) that
 * narrows each binary search to a handful of entries.
 *
 * Back-off: for a context, the longest order whose (o-1)-token context is stored answers; its distribution is the
 * normalized dequantized counts of the stored continuations (real probabilities summing to 1). Hash collisions
 * between two contexts of the same order were merged at training time; a context that never occurred matches a
 * stored one with probability ~ contexts / 2^32 per order.
 */
export class NgramTable {
    readonly header: NgramHeader;
    readonly maxOrder: number;
    private readonly secs: Indexed[] = [];
    /** Scratch: context hashes per context length, filled by match(). */
    private readonly hs: Float64Array;

    private constructor(readonly name: string, buf: Buffer, expect?: ExpectTokenizer) {
        const {header, sections} = parseNgramFile(buf, name, expect);
        this.header = header;
        this.maxOrder = header.maxOrder;
        this.hs = new Float64Array(this.maxOrder);
        for (const s of sections) this.secs[s.order] = indexSection(s);
    }

    /**
     * Reads and validates a file (see parseNgramFile for the refusals). The header is read and checked first
     * (checkHeader: magic, version, the size it claims against the file's size), so a file that is not an n-gram
     * table (a model, a text) or whose header lies about its size is refused before its body is read into memory.
     */
    static load(file: string, expect?: ExpectTokenizer): NgramTable {
        let buf: Buffer;
        let fd: number | undefined;
        try {
            fd = fs.openSync(file, "r");
            const st = fs.fstatSync(fd);
            if (st.isDirectory()) throw Object.assign(new Error("is a directory"), {code: "EISDIR"});
            const head = Buffer.alloc(Math.min(st.size, HEADER_FIXED));
            fs.readSync(fd, head, 0, head.length, 0);
            checkHeader(head, st.size, file);
            buf = fs.readFileSync(fd);
        } catch (e) {
            if (e instanceof PolyspecError) throw e;
            const err = e as NodeJS.ErrnoException;
            throw new PolyspecError(err.code === "ENOENT" ? `n-gram drafter file not found: ${file}` : err.code === "EISDIR" ? `${file} is a directory, not an n-gram drafter file` : `cannot read ${file}: ${err.message}`, "E_NGRAM_FILE");
        } finally {
            if (fd !== undefined) fs.closeSync(fd);
        }
        return new NgramTable(file, buf, expect);
    }

    static fromBuffer(buf: Buffer, name = "n-gram table", expect?: ExpectTokenizer): NgramTable {
        return new NgramTable(name, buf, expect);
    }

    get lang(): string { return this.header.lang; }
    get ngrams(): number { return this.header.orders.reduce((a, o) => a + o.ngrams, 0); }

    /** The section of one order (views into the file), for merging and inspection. */
    section(order: number): Section {
        const s = this.secs[order];
        if (!s) throw new RangeError(`order ${order} not in table`);
        return s;
    }

    /** Index of the context with this hash in the order's section, or -1. */
    findContext(order: number, hash: number): number {
        const s = this.secs[order];
        const h = s.hashes;
        const b = hash >>> s.shift;
        let lo = s.dir[b], hi = s.dir[b + 1] - 1;
        while (lo <= hi) {
            const mid = (lo + hi) >>> 1;
            const v = h[mid];
            if (v < hash) lo = mid + 1;
            else if (v > hash) hi = mid - 1;
            else return mid;
        }
        return -1;
    }

    /** Position in conts of context ci's first continuation. */
    contStart(order: number, ci: number): number {
        const s = this.secs[order];
        const blk = (ci / INDEX_STRIDE) | 0;
        let p = s.index[blk];
        const nc = s.nCont;
        for (let i = blk * INDEX_STRIDE; i < ci; i++) p += nc[i];
        return p;
    }

    /**
     * The longest-order match for the context tokens[0..end-1] (only its last maxOrder-1 tokens matter), or
     * undefined when not even the last token is a stored context.
     */
    match(tokens: ArrayLike<number>, end: number = tokens.length): Match | undefined {
        const maxC = Math.min(this.maxOrder - 1, end);
        const hs = this.hs;
        let h = HASH_SEED;
        for (let c = 1; c <= maxC; c++) {
            h = hashStep(h, tokens[end - c]);
            hs[c] = hashFinal(h, c);
        }
        for (let c = maxC; c >= 1; c--) {
            const order = c + 1;
            const ci = this.findContext(order, hs[c]);
            if (ci < 0) continue;
            const s = this.secs[order];
            const start = this.contStart(order, ci);
            const count = s.nCont[ci];
            let total = 0;
            for (let j = start; j < start + count; j++) total += DEQUANT[s.conts[j] >>> 24];
            return {order, conts: s.conts, start, count, total};
        }
        return undefined;
    }

    /** The back-off distribution after tokens[0..end-1]: token -> probability (sums to 1), or undefined. */
    lookup(tokens: ArrayLike<number>, end: number = tokens.length): Map<number, number> | undefined {
        const m = this.match(tokens, end);
        return m && distribution(m);
    }
}

/**
 * The match's continuations as a sparse distribution (most likely first). A token stored twice in one context
 * (the writer never does it; a damaged file may) gets the sum of its shares, so the probabilities still sum to 1.
 */
export function distribution(m: Match): Map<number, number> {
    const d = new Map<number, number>();
    for (let j = m.start; j < m.start + m.count; j++) {
        const t = m.conts[j] & MAX_TOKEN;
        d.set(t, (d.get(t) ?? 0) + DEQUANT[m.conts[j] >>> 24] / m.total);
    }
    return d;
}

function indexSection(s: Section): Indexed {
    const C = s.hashes.length;
    const bits = Math.max(1, Math.min(16, Math.floor(Math.log2(Math.max(1, C))) - 2));
    const shift = 32 - bits;
    const dir = new Uint32Array((1 << bits) + 1);
    let i = 0;
    for (let b = 0; b < 1 << bits; b++) {
        while (i < C && s.hashes[i] >>> shift < b) i++;
        dir[b] = i;
    }
    dir[1 << bits] = C;
    return {...s, dir, shift};
}
