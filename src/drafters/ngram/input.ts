/**
 * Training inputs of an n-gram table: files and folders (walked recursively) or in-memory text, streamed, checked
 * (UTF-16 BOM, NUL bytes, invalid UTF-8, mostly control characters) and cut into chunks at line ends. Cuts depend
 * only on the text, never on read sizes.
 */
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../../core/errors";

/** A corpus input: a text file or folder (walked recursively, hidden entries skipped), or in-memory text. */
export type CorpusInput = string | {name: string; text: string | Uint8Array};

const READ_BYTES = 1 << 20;
/** A chunk may grow to this many times the chunk size while looking for a line end. */
const MAX_CHUNK_FACTOR = 16;

export interface Source {
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

export async function resolveInputs(inputs: readonly CorpusInput[]): Promise<Source[]> {
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
export async function* textChunks(src: Source, chunkChars: number, onBytes: (n: number) => void): AsyncGenerator<string> {
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
export function findCut(s: string, pos: number, chunk: number, maxChunk: number, eof: boolean): number {
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
