/** Sorted runs of counted n-gram keys (in memory or spilled to a temporary file) and their k-way merge. */
import fs from "node:fs";
import {throwIfCancelled, type Cancel} from "../../core/errors";

/**
 * A sorted stream of (hi, lo, count) records. Key: hi = order << 24 | ctxHash >>> 8, lo = (ctxHash & 0xff) << 24 |
 * token; comparing (hi, lo) as unsigned numbers orders by (order, context hash, token).
 */
export interface RunSource {
    hi: number;
    lo: number;
    count: number;
    /** Loads the next record; false at the end. */
    next(): boolean;
    close(): void;
}

export class MemoryRun implements RunSource {
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

export class FileRun implements RunSource {
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

export class RunWriter {
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
export function mergeRuns(runs: RunSource[], emit: (hi: number, lo: number, count: number) => void, cancel?: Cancel): void {
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
