/**
 * The translation-memory file (".pstm"), format version 1: one file per language pair. Full description:
 * docs/formats.md. Encoding and validating decoding only (Buffers in, Buffers out); store.ts does the file I/O.
 *
 *   header (128 bytes) | string offsets u32[4S + F + 1] | origin u32[S] | line u32[S] | time f64[S]
 *                      | file mtime f64[F] | file size f64[F] | file segments u32[F] | UTF-8 string blob
 *
 * Nothing in it depends on a tokenizer: match tokens are rebuilt at load time, and the drafter tokenizes the few
 * matches of a request with the target's own tokenizer.
 */
import crypto from "node:crypto";
import os from "node:os";
import {PolyspecError} from "../core/errors";
import type {LanguagePair, Origin, Segment} from "./segment";

export const TM_MAGIC = "PSTMEM\0\0";
export const TM_VERSION = 1;
export const TM_HEADER = 128;
const CHECKSUM_AT = 24;
const CHECKSUM_FROM = 56;
const LANG_BYTES = 16;
/** Origin column: 0 = history, 1 = corpus, 2 + i = the i-th source file. */
const ORIGIN_HISTORY = 0, ORIGIN_CORPUS = 1, ORIGIN_FILE0 = 2;

/** A translation file the memory holds segments of: what the editor needs to see whether it changed since. */
export interface SourceFile {
    file: string;
    /** Modification time (ms) and size in bytes when it was imported. */
    mtimeMs: number;
    size: number;
    /** Segments imported from it. */
    segments: number;
}

export interface TmFileContent {
    pair: LanguagePair;
    segments: Segment[];
    /** The files segments were imported from (one entry per file, also those that gave no segment). */
    files: SourceFile[];
    /** When the file was written (ms). */
    savedAt: number;
}

export interface TmHeader {
    version: number;
    pair: LanguagePair;
    segments: number;
    files: number;
    savedAt: number;
    fileSize: number;
}

const pad8 = (n: number) => (n + 7) & ~7;

function putLang(buf: Buffer, at: number, code: string): void {
    const b = Buffer.from(code, "utf8");
    if (b.length >= LANG_BYTES) throw new PolyspecError(`language code "${code}" is too long for a translation-memory file`, "E_USAGE");
    b.copy(buf, at);
}

function getLang(buf: Buffer, at: number): string {
    const raw = buf.subarray(at, at + LANG_BYTES);
    const end = raw.indexOf(0);
    return raw.subarray(0, end < 0 ? LANG_BYTES : end).toString("utf8");
}

interface Layout {
    offsets: number; origin: number; line: number; time: number; fMtime: number; fSize: number; fSegs: number; blob: number; end: number;
}

function layout(S: number, F: number, blobBytes: number): Layout {
    const offsets = TM_HEADER;
    const origin = offsets + pad8(4 * (4 * S + F + 1));
    const line = origin + pad8(4 * S);
    const time = line + pad8(4 * S);
    const fMtime = time + 8 * S;
    const fSize = fMtime + 8 * F;
    const fSegs = fSize + 8 * F;
    const blob = fSegs + pad8(4 * F);
    return {offsets, origin, line, time, fMtime, fSize, fSegs, blob, end: blob + pad8(blobBytes)};
}

/** Encodes a memory's content as a version-1 file (deterministic for the same content and savedAt). */
export function encodeTm(c: TmFileContent): Buffer {
    const fileIndex = new Map<string, number>();
    const files = [...c.files];
    for (const f of files) if (!fileIndex.has(f.file)) fileIndex.set(f.file, fileIndex.size);
    for (const s of c.segments) {
        if (s.origin.kind === "file" && !fileIndex.has(s.origin.file)) {
            fileIndex.set(s.origin.file, fileIndex.size);
            files.push({file: s.origin.file, mtimeMs: 0, size: 0, segments: 0});
        }
    }
    const uniqueFiles = files.filter((f, i) => fileIndex.get(f.file) === i);
    const S = c.segments.length, F = uniqueFiles.length;
    const strings: Buffer[] = [];
    for (const s of c.segments) {
        if (s.srcLang !== c.pair.src || s.tgtLang !== c.pair.tgt) throw new PolyspecError(`segment of pair ${s.srcLang}-${s.tgtLang} in a ${c.pair.src}-${c.pair.tgt} memory`, "E_TM_PAIR");
        strings.push(Buffer.from(s.source, "utf8"), Buffer.from(s.target, "utf8"), Buffer.from(s.key ?? "", "utf8"), Buffer.from(s.note ?? "", "utf8"));
    }
    for (const f of uniqueFiles) strings.push(Buffer.from(f.file, "utf8"));
    const blobBytes = strings.reduce((a, b) => a + b.length, 0);
    if (blobBytes > 0xffffffff) throw new PolyspecError("translation memory too large for one file (over 4 GiB of text): split it by language pair or source", "E_TM_FILE");
    const L = layout(S, F, blobBytes);
    const buf = Buffer.alloc(L.end);
    buf.write(TM_MAGIC, 0, "latin1");
    buf.writeUInt32LE(TM_VERSION, 8);
    buf.writeUInt32LE(TM_HEADER, 12);
    buf.writeBigUInt64LE(BigInt(L.end - TM_HEADER), 16);
    putLang(buf, 56, c.pair.src);
    putLang(buf, 72, c.pair.tgt);
    buf.writeUInt32LE(S, 88);
    buf.writeUInt32LE(F, 92);
    buf.writeDoubleLE(c.savedAt, 96);
    buf.writeUInt32LE(blobBytes, 104);
    let at = 0;
    for (let i = 0; i < strings.length; i++) {
        buf.writeUInt32LE(at, L.offsets + 4 * i);
        strings[i].copy(buf, L.blob + at);
        at += strings[i].length;
    }
    buf.writeUInt32LE(at, L.offsets + 4 * strings.length);
    c.segments.forEach((s, i) => {
        buf.writeUInt32LE(originCode(s.origin, fileIndex), L.origin + 4 * i);
        buf.writeUInt32LE(s.origin.kind === "file" ? Math.max(0, Math.min(0xffffffff, s.origin.line | 0)) : 0, L.line + 4 * i);
        buf.writeDoubleLE(s.time, L.time + 8 * i);
    });
    uniqueFiles.forEach((f, i) => {
        buf.writeDoubleLE(f.mtimeMs, L.fMtime + 8 * i);
        buf.writeDoubleLE(f.size, L.fSize + 8 * i);
        buf.writeUInt32LE(f.segments, L.fSegs + 4 * i);
    });
    crypto.createHash("sha256").update(buf.subarray(CHECKSUM_FROM)).digest().copy(buf, CHECKSUM_AT);
    return buf;
}

function originCode(o: Origin, files: Map<string, number>): number {
    return o.kind === "history" ? ORIGIN_HISTORY : o.kind === "corpus" ? ORIGIN_CORPUS : ORIGIN_FILE0 + files.get(o.file)!;
}

/** What a caller expects of a file: its pair (a memory of another pair is refused). */
export interface ExpectTm {
    pair?: LanguagePair;
}

/** Reads just the header (no checksum); undefined when the buffer does not start like a memory file. */
export function readTmHeader(buf: Buffer): TmHeader | undefined {
    if (buf.length < TM_HEADER || buf.toString("latin1", 0, 8) !== TM_MAGIC) return undefined;
    return {
        version: buf.readUInt32LE(8), pair: {src: getLang(buf, 56), tgt: getLang(buf, 72)}, segments: buf.readUInt32LE(88),
        files: buf.readUInt32LE(92), savedAt: buf.readDoubleLE(96), fileSize: buf.length,
    };
}

/**
 * Validates and decodes a whole file. Refusals are one-line PolyspecErrors naming the file, in this order: not a
 * memory file (magic), another version, truncated or extra bytes, checksum mismatch (code E_TM_FILE: corrupt,
 * rebuild or re-import), inconsistent structure, another language pair (E_TM_PAIR).
 */
export function decodeTm(input: Buffer, name: string, expect: ExpectTm = {}): TmFileContent {
    const fail = (why: string) => new PolyspecError(`${name} ${why}`, "E_TM_FILE");
    if (os.endianness() !== "LE") throw fail("cannot be read on a big-endian machine");
    const magic = Buffer.from(TM_MAGIC, "latin1");
    if (input.length < magic.length || !input.subarray(0, magic.length).equals(magic)) {
        if (input.length > 0 && input.length < magic.length && magic.subarray(0, input.length).equals(input)) throw fail(`is truncated (${input.length} bytes): rebuild it`);
        throw fail(`is not a Polyspec translation-memory file (${input.length === 0 ? "it is empty" : `it starts with ${JSON.stringify(input.subarray(0, 8).toString("latin1"))}`})`);
    }
    if (input.length < 16) throw fail(`is truncated (${input.length} bytes): rebuild it`);
    const version = input.readUInt32LE(8);
    if (version !== TM_VERSION) throw fail(`is translation-memory format version ${version}, but this Polyspec reads version ${TM_VERSION}: ${version > TM_VERSION ? "update Polyspec or " : ""}rebuild it`);
    if (input.length < TM_HEADER) throw fail(`is truncated (${input.length} bytes, the header alone has ${TM_HEADER}): rebuild it`);
    const headerSize = input.readUInt32LE(12);
    const bodySize = Number(input.readBigUInt64LE(16));
    if (headerSize !== TM_HEADER) throw fail(`is corrupt (header size ${headerSize}): rebuild it`);
    const expected = TM_HEADER + bodySize;
    if (input.length !== expected) {
        throw fail(input.length < expected
            ? `is truncated (${input.length} bytes, expected ${expected}): rebuild it or copy it again`
            : `has ${input.length - expected} bytes of garbage after its end (${expected} bytes expected): rebuild it or copy it again`);
    }
    const sum = crypto.createHash("sha256").update(input.subarray(CHECKSUM_FROM)).digest();
    if (!sum.equals(input.subarray(CHECKSUM_AT, CHECKSUM_FROM))) throw fail("is corrupt (checksum mismatch): rebuild it or copy it again");
    const h = readTmHeader(input)!;
    const tag = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/;
    if (!tag.test(h.pair.src) || !tag.test(h.pair.tgt)) throw fail(`is corrupt (language pair ${JSON.stringify(h.pair.src)} -> ${JSON.stringify(h.pair.tgt)}): rebuild it`);
    if (expect.pair && (expect.pair.src !== h.pair.src || expect.pair.tgt !== h.pair.tgt)) {
        throw new PolyspecError(`${name} is a translation memory for ${h.pair.src} -> ${h.pair.tgt}, not ${expect.pair.src} -> ${expect.pair.tgt}: use that pair's memory (--lang ${expect.pair.tgt}${expect.pair.src !== "en" ? ` --src ${expect.pair.src}` : ""}) or another file`, "E_TM_PAIR");
    }
    const S = h.segments, F = h.files, blobBytes = input.readUInt32LE(104);
    const L = layout(S, F, blobBytes);
    if (L.end !== input.length) throw fail(`is corrupt (${S} segments, ${F} files and ${blobBytes} bytes of text do not fill ${input.length} bytes): rebuild it`);
    // typed-array views need aligned offsets; a pooled Buffer may not have them
    let buf = input;
    if (input.byteOffset % 8 !== 0) { buf = Buffer.alloc(input.length); input.copy(buf); }
    const offs = new Uint32Array(buf.buffer, buf.byteOffset + L.offsets, 4 * S + F + 1);
    for (let i = 1; i < offs.length; i++) if (offs[i] < offs[i - 1]) throw fail("is corrupt (string offsets): rebuild it");
    if (offs[0] !== 0 || offs[offs.length - 1] !== blobBytes) throw fail("is corrupt (string offsets): rebuild it");
    const origin = new Uint32Array(buf.buffer, buf.byteOffset + L.origin, S);
    const line = new Uint32Array(buf.buffer, buf.byteOffset + L.line, S);
    const time = new Float64Array(buf.buffer, buf.byteOffset + L.time, S);
    const fMtime = new Float64Array(buf.buffer, buf.byteOffset + L.fMtime, F);
    const fSize = new Float64Array(buf.buffer, buf.byteOffset + L.fSize, F);
    const fSegs = new Uint32Array(buf.buffer, buf.byteOffset + L.fSegs, F);
    const blob = buf.subarray(L.blob, L.blob + blobBytes);
    const str = (i: number) => offs[i + 1] === offs[i] ? "" : blob.toString("utf8", offs[i], offs[i + 1]);
    const files: SourceFile[] = [];
    const time_ = (x: number) => Number.isFinite(x) && x >= 0; // a time or size: finite, not negative
    for (let i = 0; i < F; i++) {
        if (!time_(fMtime[i]) || !time_(fSize[i])) throw fail(`is corrupt (source file ${i}: modification time ${fMtime[i]}, size ${fSize[i]}): rebuild it`);
        files.push({file: str(4 * S + i), mtimeMs: fMtime[i], size: fSize[i], segments: fSegs[i]});
    }
    const segments: Segment[] = new Array(S);
    for (let i = 0; i < S; i++) {
        const o = origin[i];
        if (o >= ORIGIN_FILE0 + F) throw fail(`is corrupt (segment ${i} names source file ${o - ORIGIN_FILE0} of ${F}): rebuild it`);
        if (!time_(time[i])) throw fail(`is corrupt (segment ${i}: time ${time[i]}): rebuild it`);
        const seg: Segment = {
            source: str(4 * i), target: str(4 * i + 1), srcLang: h.pair.src, tgtLang: h.pair.tgt,
            origin: o === ORIGIN_HISTORY ? {kind: "history"} : o === ORIGIN_CORPUS ? {kind: "corpus"} : {kind: "file", file: files[o - ORIGIN_FILE0].file, line: line[i]},
            time: time[i],
        };
        const key = str(4 * i + 2), note = str(4 * i + 3);
        if (key) seg.key = key;
        if (note) seg.note = note;
        segments[i] = seg;
    }
    return {pair: h.pair, segments, files, savedAt: h.savedAt};
}
