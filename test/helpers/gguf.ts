// Minimal GGUF v3 writer (F32 tensors only) for tiny test models whose behaviour we design.
import fs from "node:fs";

export const T = {U8: 0, I8: 1, U16: 2, I16: 3, U32: 4, I32: 5, F32: 6, BOOL: 7, STR: 8, ARR: 9, U64: 10, I64: 11, F64: 12} as const;
const ALIGN = 32;

class Buf {
    chunks: Buffer[] = [];
    len = 0;
    push(b: Buffer) { this.chunks.push(b); this.len += b.length; }
    u32(v: number) { const b = Buffer.alloc(4); b.writeUInt32LE(v); this.push(b); }
    i32(v: number) { const b = Buffer.alloc(4); b.writeInt32LE(v); this.push(b); }
    u64(v: number) { const b = Buffer.alloc(8); b.writeBigUInt64LE(BigInt(v)); this.push(b); }
    f32(v: number) { const b = Buffer.alloc(4); b.writeFloatLE(v); this.push(b); }
    str(s: string) { const b = Buffer.from(s, "utf8"); this.u64(b.length); this.push(b); }
    scalar(type: number, v: unknown) {
        switch (type) {
            case T.U8: this.push(Buffer.from([v as number])); break;
            case T.U32: this.u32(v as number); break;
            case T.I32: this.i32(v as number); break;
            case T.F32: this.f32(v as number); break;
            case T.BOOL: this.push(Buffer.from([v ? 1 : 0])); break;
            case T.STR: this.str(v as string); break;
            case T.U64: this.u64(v as number); break;
            default: throw new Error("unsupported type " + type);
        }
    }
    pad(align: number) { const r = this.len % align; if (r) this.push(Buffer.alloc(align - r)); }
    concat() { return Buffer.concat(this.chunks); }
}

export type KV = [string, number, unknown];
export interface Tensor { name: string; dims: number[]; data: Float32Array }

export function writeGguf(path: string, kv: KV[], tensors: Tensor[]): void {
    const h = new Buf();
    h.push(Buffer.from("GGUF", "ascii"));
    h.u32(3);
    h.u64(tensors.length);
    h.u64(kv.length);
    for (const [key, type, value] of kv) {
        h.str(key);
        h.u32(type);
        if (type === T.ARR) {
            const a = value as {type: number; values: unknown[]};
            h.u32(a.type);
            h.u64(a.values.length);
            for (const v of a.values) h.scalar(a.type, v);
        } else h.scalar(type, value);
    }
    let offset = 0;
    const offsets: number[] = [];
    for (const t of tensors) {
        const n = t.dims.reduce((a, b) => a * b, 1);
        if (n !== t.data.length) throw new Error(`size mismatch for ${t.name}`);
        h.str(t.name);
        h.u32(t.dims.length);
        for (const d of t.dims) h.u64(d);
        h.u32(0); // F32
        h.u64(offset);
        offsets.push(offset);
        offset = Math.ceil((offset + n * 4) / ALIGN) * ALIGN;
    }
    h.pad(ALIGN);
    const data = new Buf();
    tensors.forEach((t, i) => {
        const pad = offsets[i] - data.len;
        if (pad > 0) data.push(Buffer.alloc(pad));
        data.push(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    });
    data.pad(ALIGN);
    fs.writeFileSync(path, Buffer.concat([h.concat(), data.concat()]));
}

/** GPT-2 byte -> unicode map. */
export function bytesToUnicode(): Map<number, string> {
    const bs: number[] = [];
    for (let i = 33; i <= 126; i++) bs.push(i);
    for (let i = 161; i <= 172; i++) bs.push(i);
    for (let i = 174; i <= 255; i++) bs.push(i);
    const cs = bs.slice();
    let n = 0;
    for (let b = 0; b < 256; b++) if (!bs.includes(b)) { bs.push(b); cs.push(256 + n); n++; }
    const m = new Map<number, string>();
    bs.forEach((b, i) => m.set(b, String.fromCodePoint(cs[i])));
    return m;
}
