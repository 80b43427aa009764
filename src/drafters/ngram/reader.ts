/** Validates and reads n-gram files (layout: format.ts, docs/formats.md) without copying them. */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import {PolyspecError} from "../../core/errors";
import {MAGIC, FORMAT_VERSION, HEADER_FIXED, SECTION_ENTRY, INDEX_STRIDE, MIN_ORDER, MAX_ORDER, QUANT_SCHEME, CHECKSUM_AT, CHECKSUM_FROM, LANG_BYTES, MODEL_BYTES, type NgramHeader, normFingerprint, getString, sectionLength} from "./format";

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
