/** Validates and reads n-gram files (layout: format.ts, docs/formats.md) without copying them. */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import {PolyspecError} from "../../core/errors";
import {MAGIC, FORMAT_VERSION, HEADER_FIXED, SECTION_ENTRY, INDEX_STRIDE, MIN_ORDER, MAX_ORDER, MAX_TOKEN, QUANT_SCHEME, CHECKSUM_AT, CHECKSUM_FROM, LANG_BYTES, MODEL_BYTES, type NgramHeader, normFingerprint, getString, sectionLength} from "./format";

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
    /** The target's vocabulary size: a file declaring a larger one (so tokens the target lacks) is refused. */
    vocabSize?: number;
}

export interface ParsedFile {
    header: NgramHeader;
    sections: Section[];
}

/** Two fingerprints cut to 8 hex digits, or to as many (in steps of 8) as it takes to tell them apart. */
function shortPair(a: string, b: string): [string, string] {
    let n = 8;
    while (n < a.length && a.slice(0, n) === b.slice(0, n)) n += 8;
    return [a.slice(0, n), b.slice(0, n)];
}

const failFor = (name: string) => (why: string) => new PolyspecError(`${name} ${why}`, "E_NGRAM_FILE");

/**
 * The checks a file's first bytes allow before the rest is read: magic, format version, header size and order,
 * and the size the header claims against the file's actual size (`fileLength`). `head` holds the file's first
 * min(fileLength, HEADER_FIXED) bytes or more. NgramTable.load runs it on the header alone, so a file that is not
 * an n-gram file, or whose header claims another size, is refused without reading (or allocating) its body.
 */
export function checkHeader(head: Buffer, fileLength: number, name: string): {version: number; headerSize: number; maxOrder: number} {
    const fail = failFor(name);
    if (os.endianness() !== "LE") throw fail("cannot be read on a big-endian machine");
    const magic = Buffer.from(MAGIC, "latin1");
    if (head.length < magic.length || !head.subarray(0, magic.length).equals(magic)) {
        if (head.length > 0 && head.length < magic.length && magic.subarray(0, head.length).equals(head)) throw fail(`is truncated (${fileLength} bytes): rebuild it`);
        throw fail(`is not a Polyspec n-gram file (${fileLength === 0 ? "it is empty" : `it starts with ${JSON.stringify(head.subarray(0, 8).toString("latin1"))}`})`);
    }
    if (head.length < 16) throw fail(`is truncated (${fileLength} bytes): rebuild it`);
    const version = head.readUInt32LE(8);
    if (version !== FORMAT_VERSION) {
        throw fail(`is n-gram format version ${version}, but this Polyspec reads version ${FORMAT_VERSION}: ${version > FORMAT_VERSION ? "update Polyspec or " : ""}retrain it with 'polyspec ngram train'`);
    }
    if (head.length < HEADER_FIXED) throw fail(`is truncated (${fileLength} bytes, the header alone has ${HEADER_FIXED}): rebuild it`);
    const headerSize = head.readUInt32LE(12);
    const bodySize = Number(head.readBigUInt64LE(16));
    const maxOrder = head.readUInt8(92);
    if (maxOrder < MIN_ORDER || maxOrder > MAX_ORDER || headerSize !== HEADER_FIXED + SECTION_ENTRY * (maxOrder - MIN_ORDER + 1)) {
        throw fail(`is corrupt (header: order ${maxOrder}, header size ${headerSize}): rebuild it`);
    }
    const expected = headerSize + bodySize;
    if (fileLength !== expected) {
        throw fail(fileLength < expected
            ? `is truncated (${fileLength} bytes, expected ${expected}): rebuild it or copy it again`
            : `has ${fileLength - expected} bytes of garbage after its end (${expected} bytes expected): rebuild it or copy it again`);
    }
    return {version, headerSize, maxOrder};
}

/**
 * Validates a whole file and returns views into it. Refusals are one-line PolyspecErrors naming the file: not an
 * n-gram file, another format version, truncated, checksum mismatch, corrupt structure, built for another tokenizer.
 */
export function parseNgramFile(input: Buffer, name: string, expect?: ExpectTokenizer): ParsedFile {
    const fail = failFor(name);
    const {version, headerSize, maxOrder} = checkHeader(input, input.length, name);
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
        checkSection(sec, topM, header.vocabSize, fail);
        sections.push(sec);
        header.orders.push({order, minCount, contexts: C, ngrams: K});
        expectOffset = offset + len;
    }
    if (expectOffset !== buf.length) throw fail("is corrupt (sections do not fill the file): rebuild it");
    if (expect && normFingerprint(expect.fingerprint) !== header.fingerprint) {
        const [mine, theirs] = shortPair(header.fingerprint, normFingerprint(expect.fingerprint));
        throw new PolyspecError(
            `drafter ${name} was built for tokenizer ${mine}..${header.model ? ` (model ${header.model}?)` : ""} ` +
            `but the target's is ${theirs}..: retrain it with --model ${expect.model ?? "<the target model>"}`,
            "E_NGRAM_TOKENIZER",
        );
    }
    if (expect?.vocabSize !== undefined && header.vocabSize > expect.vocabSize) {
        throw new PolyspecError(`drafter ${name} declares a vocabulary of ${header.vocabSize} tokens, but the target has ${expect.vocabSize}: retrain it with --model ${expect.model ?? "<the target model>"}`, "E_NGRAM_TOKENIZER");
    }
    return {header, sections};
}

/**
 * O(contexts + n-grams) structural checks: sorted unique hashes, index consistent with the per-context counts,
 * every continuation a token of the declared vocabulary with a stored count (a count byte of 0 would make a
 * context's probabilities 0/0; a token past the vocabulary would be drafted into the target).
 */
function checkSection(sec: Section, topM: number, vocabSize: number, fail: (why: string) => Error): void {
    const {hashes, nCont, index, conts} = sec;
    for (let j = 0; j < conts.length; j++) {
        const c = conts[j];
        if (c >>> 24 === 0) throw fail(`is corrupt (order ${sec.order}: continuation ${j} has a count of 0): rebuild it`);
        if ((c & MAX_TOKEN) >= vocabSize) throw fail(`is corrupt (order ${sec.order}: token ${c & MAX_TOKEN} is outside the vocabulary of ${vocabSize} tokens): rebuild it`);
    }
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
