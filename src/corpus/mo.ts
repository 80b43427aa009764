/**
 * A reader for GNU gettext .mo catalogues (https://www.gnu.org/software/gettext/manual/html_node/MO-Files.html).
 *
 * Layout: magic 0x950412de (in the file's byte order), revision, N strings, offset of the original-string table,
 * offset of the translation table; each table holds N (length, offset) pairs of 32-bit integers. A key may carry a
 * context prefix ending in byte 0x04; a plural entry holds its forms separated by NUL. The entry with an empty key
 * is the header. Standard readers parse the Plural-Forms header and choke on Wesnoth's: this one ignores it.
 */
export interface MoEntry {
    /** msgctxt, when the key had one. */
    context?: string;
    /** The original (English) string, without its context. */
    id: string;
    /** The translation. */
    str: string;
}

export interface MoCatalogue {
    header: string;
    entries: MoEntry[];
    /** Plural entries (key holding a NUL), skipped. */
    plurals: number;
}

export class MoFormatError extends Error {
    override name = "MoFormatError";
}

const MAGIC = 0x950412de;
const utf8 = new TextDecoder("utf-8", {fatal: true});

export function parseMo(buf: Uint8Array): MoCatalogue {
    if (buf.length < 28) throw new MoFormatError(`too short for a .mo header (${buf.length} bytes)`);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let little: boolean;
    if (view.getUint32(0, true) === MAGIC) little = true;
    else if (view.getUint32(0, false) === MAGIC) little = false;
    else throw new MoFormatError(`bad magic 0x${view.getUint32(0, true).toString(16)}`);
    const u32 = (off: number) => view.getUint32(off, little);
    const revision = u32(4) >>> 16;
    if (revision > 1) throw new MoFormatError(`unsupported major revision ${revision}`);
    const n = u32(8), keys = u32(12), values = u32(16);
    if (keys + n * 8 > buf.length || values + n * 8 > buf.length) throw new MoFormatError(`string tables run past the end of the file (${n} strings)`);
    const str = (table: number, i: number): string => {
        const len = u32(table + i * 8), off = u32(table + i * 8 + 4);
        if (off + len > buf.length) throw new MoFormatError(`string ${i} runs past the end of the file`);
        try {
            return utf8.decode(buf.subarray(off, off + len));
        } catch {
            throw new MoFormatError(`string ${i} is not UTF-8`);
        }
    };
    const out: MoCatalogue = {header: "", entries: [], plurals: 0};
    for (let i = 0; i < n; i++) {
        const key = str(keys, i);
        const value = str(values, i);
        if (key === "") {
            out.header = value;
            continue;
        }
        if (key.includes("\0")) {
            out.plurals++;
            continue;
        }
        const eot = key.indexOf("\x04");
        if (eot >= 0) out.entries.push({context: key.slice(0, eot), id: key.slice(eot + 1), str: value});
        else out.entries.push({id: key, str: value});
    }
    return out;
}

/** Writes a little-endian .mo catalogue (for test fixtures). Keys are sorted, as msgfmt does. */
export function writeMo(entries: {context?: string; id: string; str: string; plural?: string[]}[], header = "Content-Type: text/plain; charset=UTF-8\n"): Uint8Array {
    const enc = new TextEncoder();
    const all = [{key: "", value: header}, ...entries.map((e) => ({
        key: (e.context !== undefined ? e.context + "\x04" : "") + e.id + (e.plural ? "\0" + e.plural[0] : ""),
        value: e.plural ? [e.str, ...e.plural.slice(1)].join("\0") : e.str,
    }))].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const keys = all.map((e) => enc.encode(e.key)), values = all.map((e) => enc.encode(e.value));
    const n = all.length;
    const keyTable = 28, valueTable = keyTable + n * 8;
    let pos = valueTable + n * 8;
    const size = pos + [...keys, ...values].reduce((s, b) => s + b.length + 1, 0);
    const buf = new Uint8Array(size);
    const view = new DataView(buf.buffer);
    view.setUint32(0, MAGIC, true);
    view.setUint32(4, 0, true);
    view.setUint32(8, n, true);
    view.setUint32(12, keyTable, true);
    view.setUint32(16, valueTable, true);
    view.setUint32(20, 0, true);
    view.setUint32(24, pos, true);
    const put = (table: number, i: number, b: Uint8Array) => {
        view.setUint32(table + i * 8, b.length, true);
        view.setUint32(table + i * 8 + 4, pos, true);
        buf.set(b, pos);
        pos += b.length + 1;
    };
    keys.forEach((b, i) => put(keyTable, i, b));
    values.forEach((b, i) => put(valueTable, i, b));
    return buf;
}
