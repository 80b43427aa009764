/**
 * Translation memories on disk: default location, load (validated, refusing another language pair), save
 * (atomic: temporary file + rename) and open-or-rebuild. Format: format.ts, docs/formats.md.
 */
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {cacheRoot} from "../models/cache";
import {decodeTm, encodeTm, readTmHeader, type TmHeader} from "./format";
import {TranslationMemory} from "./memory";
import {pairName, type LanguagePair} from "./segment";

export const TM_EXTENSION = ".pstm";

/** `<cache>/tm/<src>-<tgt>.pstm` (cache = $POLYSPEC_CACHE, else <package>/.cache). */
export function defaultTmPath(pair: LanguagePair, env: NodeJS.ProcessEnv = process.env): string {
    return path.join(cacheRoot(env), "tm", `${pairName(pair)}${TM_EXTENSION}`);
}

export interface LoadTiming {
    /** Reading the file. */
    readMs: number;
    /** Checksum, structure checks and decoding the segments. */
    decodeMs: number;
    /** Building the fuzzy index over the source sides. */
    indexMs: number;
}

/** Loads a memory file; refuses a corrupt file (E_TM_FILE) and, with `pair`, a memory of another pair (E_TM_PAIR). */
export function loadTm(file: string, pair?: LanguagePair, timing?: LoadTiming): TranslationMemory {
    const t0 = performance.now();
    let buf: Buffer;
    try {
        buf = fs.readFileSync(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new PolyspecError(code === "ENOENT" ? `translation memory ${file} does not exist: build it with 'polyspec tm build' or 'polyspec tm import'` : `cannot read translation memory ${file}: ${(e as Error).message}`, code === "ENOENT" ? "E_TM_MISSING" : "E_TM_FILE");
    }
    const t1 = performance.now();
    const c = decodeTm(buf, file, {pair});
    const t2 = performance.now();
    const tm = TranslationMemory.fromSegments(c.pair, c.segments);
    for (const f of c.files) tm.files.set(f.file, f);
    if (timing) { timing.readMs = t1 - t0; timing.decodeMs = t2 - t1; timing.indexMs = performance.now() - t2; }
    return tm;
}

/** Header of a memory file without checking its checksum (listings); undefined when it is not one. */
export function peekTm(file: string): TmHeader | undefined {
    try {
        const fd = fs.openSync(file, "r");
        try {
            const b = Buffer.alloc(128);
            const n = fs.readSync(fd, b, 0, 128, 0);
            const h = readTmHeader(b.subarray(0, n));
            return h && {...h, fileSize: fs.fstatSync(fd).size};
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return undefined;
    }
}

/** Writes a memory atomically (a reader never sees half a file); returns the bytes written. */
export function saveTm(tm: TranslationMemory, file: string, now = Date.now()): number {
    const buf = encodeTm({pair: tm.pair, segments: [...tm.all()], files: [...tm.files.values()], savedAt: now});
    fs.mkdirSync(path.dirname(path.resolve(file)), {recursive: true});
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    try {
        fs.writeFileSync(tmp, buf);
        fs.renameSync(tmp, file);
    } catch (e) {
        fs.rmSync(tmp, {force: true});
        throw new PolyspecError(`cannot write translation memory ${file}: ${(e as Error).message}`, "E_TM_FILE");
    }
    return buf.length;
}

export interface OpenResult {
    tm: TranslationMemory;
    /** "loaded" (the file was valid), "new" (no file yet), "rebuilt" (it was corrupt: moved aside, rebuilt). */
    state: "loaded" | "new" | "rebuilt";
    /** Where a corrupt file was moved (nothing is deleted). */
    movedTo?: string;
    /** Why it was rebuilt (the load error). */
    reason?: string;
}

export interface OpenOptions {
    /**
     * Rebuilds a memory from what it came from (corpus, the workspace's translation files) when the file is corrupt
     * or truncated. Without it a corrupt file is an error. A memory of another pair is always an error: it is not
     * corrupt, it is the wrong file.
     */
    rebuild?: (tm: TranslationMemory) => Promise<void> | void;
    /** Start empty when the file does not exist (default true). */
    create?: boolean;
}

/**
 * Opens the memory of `pair` at `file`: loads it; creates an empty one when there is none; when it is corrupt,
 * moves it aside to `<file>.corrupt-<time>` and rebuilds it with `rebuild` (and saves it), or fails with the error.
 */
export async function openTm(file: string, pair: LanguagePair, o: OpenOptions = {}): Promise<OpenResult> {
    if (!fs.existsSync(file)) {
        if (o.create === false) loadTm(file, pair); // throws the "does not exist" error
        return {tm: new TranslationMemory(pair), state: "new"};
    }
    try {
        return {tm: loadTm(file, pair), state: "loaded"};
    } catch (e) {
        if (!(e instanceof PolyspecError) || e.code !== "E_TM_FILE" || !o.rebuild) throw e;
        const movedTo = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, "-")}`;
        fs.renameSync(file, movedTo);
        const tm = new TranslationMemory(pair);
        await o.rebuild(tm);
        saveTm(tm, file);
        return {tm, state: "rebuilt", movedTo, reason: e.message};
    }
}
