import fs from "node:fs";
import path from "node:path";
import {CancelledError, PolyspecError, type Cancel} from "../core/errors";
import {modelsDir} from "../models/cache";
import {CATALOG_IDS, findCatalogEntry, findCatalogFileByUri, type CatalogEntry, type CatalogFile} from "../models/catalog";
import {hashFile} from "../models/hash";
import {acquireLock} from "../models/lock";
import {fetchModel} from "../models/fetch";
import {nodeLlamaCpp} from "./llama";

/**
 * Downloads a catalog file (src/models/catalog.ts) with node-llama-cpp's downloader (ipull: progress, resume) and
 * checks its sha256 before it enters the models cache.
 *
 * Invariants (the same as the pinned fetch in src/models/fetch.ts):
 *  - `<cache>/<file>` only appears by rename of a complete file whose sha256 matched (where one is published);
 *  - an interrupted download leaves `<cache>/.catalog-partial/<file>.ipull`, which the next download resumes
 *    (ipull keeps its progress inside that file and asks the server for the missing byte ranges only);
 *  - a file whose hash differs is deleted, not cached, and the error says so;
 *  - a stamp `<file>.sha256` {sha256, size, mtimeMs} (fetch.ts's format) lets the next run skip re-hashing.
 */
export interface CatalogDownloadOptions {
    /** The models cache; default modelsDir(). */
    dir?: string;
    onProgress?: (done: number, total: number, stage: string) => void;
    cancel?: Cancel;
    /** Re-hash a cached file even when its stamp is current. */
    verify?: boolean;
}

export interface CatalogDownloadOutcome {
    readonly path: string;
    readonly action: "cached" | "downloaded";
    /** The sha256 was checked against a published value (false where none is published). */
    readonly verified: boolean;
}

const PARTIAL = ".catalog-partial";

export async function downloadCatalogFile(f: CatalogFile, o: CatalogDownloadOptions = {}): Promise<CatalogDownloadOutcome> {
    const dir = o.dir ?? modelsDir();
    const final = path.join(dir, f.file);
    await fs.promises.mkdir(dir, {recursive: true});
    const release = await acquireLock(final + ".lock", o.cancel, (pid) => o.onProgress?.(0, 0, `waiting for another download${pid ? ` (pid ${pid})` : ""}`));
    try {
        if (fs.existsSync(final)) {
            if (!f.sha256) return {path: final, action: "cached", verified: false};
            if (!o.verify && stampMatches(final, f.sha256)) return {path: final, action: "cached", verified: true};
            const actual = await hashFile(final, {cancel: o.cancel, onProgress: o.onProgress, stage: "verify"});
            if (actual === f.sha256) { writeStamp(final, actual); return {path: final, action: "cached", verified: true}; }
            await fs.promises.rm(final, {force: true}); // a corrupted or replaced file: fetch it again
            await fs.promises.rm(final + ".sha256", {force: true});
        }
        const staging = path.join(dir, PARTIAL);
        await fs.promises.mkdir(staging, {recursive: true});
        const staged = await transfer(f, staging, o);
        let verified = false;
        if (f.sha256) {
            const actual = await hashFile(staged, {cancel: o.cancel, onProgress: o.onProgress, stage: "sha256"});
            if (actual !== f.sha256) {
                await fs.promises.rm(staged, {force: true});
                throw new PolyspecError(`${f.file} from ${f.uri} has sha256 ${actual}, not the published ${f.sha256}: the download was deleted and nothing was cached. ` +
                    "The uploader may have replaced the file; pick another model, or use the pinned default (polyspec models fetch).", "E_HASH");
            }
            verified = true;
        }
        await fs.promises.rename(staged, final);
        if (f.sha256) writeStamp(final, f.sha256);
        return {path: final, action: "downloaded", verified};
    } finally {
        await release();
    }
}

/** The transfer itself; resolves to the complete file in `staging`. */
async function transfer(f: CatalogFile, staging: string, o: CatalogDownloadOptions): Promise<string> {
    if (o.cancel?.cancelled) throw new CancelledError();
    const url = httpUrl(f.uri);
    await preflight(f, url);
    const {createModelDownloader} = await nodeLlamaCpp();
    const abort = new AbortController();
    const check = () => { if (o.cancel?.cancelled && !abort.signal.aborted) abort.abort(); };
    const poll = setInterval(check, 100);
    try {
        const downloader = await createModelDownloader({
            modelUri: f.uri, dirPath: staging, fileName: f.file, skipExisting: false, deleteTempFileOnCancel: false,
            onProgress: (s) => { o.onProgress?.(s.downloadedSize, s.totalSize, "download"); check(); },
        });
        const file = await downloader.download({signal: abort.signal});
        // node-llama-cpp's download() resolves (it does not throw) when cancelled mid-way: the file is not complete
        if (abort.signal.aborted || o.cancel?.cancelled) throw new CancelledError();
        return file;
    } catch (e) {
        if (o.cancel?.cancelled || abort.signal.aborted) throw new CancelledError();
        throw new PolyspecError(`cannot download ${f.file} from ${url}: ${describe(e)}. ` +
            `A partial download is kept and resumed next time; without a network, the pinned default models work offline (polyspec models fetch).`, "E_DOWNLOAD");
    } finally {
        clearInterval(poll);
    }
}

/**
 * The URL behind a model URI: http(s) as is; `hf:user/repo/path/file.gguf[#branch]` (the form the catalog uses) as
 * Hugging Face's resolve URL, which is what node-llama-cpp fetches for it.
 */
export function httpUrl(uri: string): string {
    if (/^https?:\/\//i.test(uri)) return uri;
    const m = /^(?:hf|huggingface):([^/\s]+)\/([^/\s]+)\/([^#\s]+\.gguf)(?:#(\S+))?$/i.exec(uri);
    if (!m) throw new PolyspecError(`catalog URI ${uri} is not hf:user/repo/file.gguf or an http(s) URL`);
    return `https://huggingface.co/${m[1]}/${m[2]}/resolve/${m[4] ?? "main"}/${m[3]}`;
}

/**
 * One small request before the transfer: ipull retries a failing server up to 150 times with back-off (minutes of
 * silence), so an answer that is an HTTP error is reported at once, with its status.
 */
async function preflight(f: CatalogFile, url: string): Promise<void> {
    let res: Response;
    try {
        res = await fetch(url, {headers: {Range: "bytes=0-0"}, redirect: "follow", signal: AbortSignal.timeout(30_000)});
    } catch (e) {
        throw new PolyspecError(`cannot reach ${url} for ${f.file}: ${describe(e)}. Check the network; without one, the pinned default models work offline (polyspec models fetch).`, "E_DOWNLOAD");
    }
    await res.body?.cancel().catch(() => {});
    if (res.status !== 200 && res.status !== 206) {
        throw new PolyspecError(`cannot download ${f.file}: ${url} answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}` +
            `${res.status === 404 ? " (the file was moved or renamed upstream: pick another catalog model)" : res.status >= 500 ? " (a server error: try again later)" : ""}.`, "E_DOWNLOAD");
    }
}

/** One line from whatever ipull or fetch threw (HTTP status where there is one). */
function describe(e: unknown): string {
    const err = e as {message?: string; statusCode?: number; status?: number; response?: {status?: number; statusText?: string}; cause?: unknown};
    const status = err.statusCode ?? err.status ?? err.response?.status;
    const msg = (err.message ?? String(e)).split("\n")[0];
    const cause = err.cause instanceof Error ? `: ${err.cause.message.split("\n")[0]}` : "";
    return status && !msg.includes(String(status)) ? `HTTP ${status} ${msg}${cause}` : `${msg}${cause}`;
}

function stampMatches(file: string, sha256: string): boolean {
    try {
        const s = JSON.parse(fs.readFileSync(file + ".sha256", "utf8")) as {sha256?: string; size?: number; mtimeMs?: number};
        const st = fs.statSync(file);
        return s.sha256 === sha256 && s.size === st.size && s.mtimeMs === st.mtimeMs;
    } catch {
        return false;
    }
}

function writeStamp(file: string, sha256: string): void {
    const st = fs.statSync(file);
    fs.writeFileSync(file + ".sha256", JSON.stringify({sha256, size: st.size, mtimeMs: st.mtimeMs}));
}

/** Downloads a catalog entry's target and draft (the draft from the pinned registry where it is one). */
export async function downloadCatalogEntry(id: string, o: CatalogDownloadOptions = {}): Promise<{entry: CatalogEntry; target: CatalogDownloadOutcome; draft: string}> {
    const entry = findCatalogEntry(id);
    if (!entry) throw new PolyspecError(`unknown catalog model "${id}" (catalog: ${CATALOG_IDS.join(", ")})`, "E_USAGE");
    const target = await downloadCatalogFile(entry.target, o);
    const draft = "registry" in entry.draft
        ? await fetchModel(entry.draft.registry, {onProgress: o.onProgress, cancel: o.cancel})
        : (await downloadCatalogFile(entry.draft, o)).path;
    return {entry, target, draft};
}

/**
 * What LoadedModel.open loads for a catalog id (the target's file) or for an hf: URI of a catalog file (so that the
 * editor's `polyspec.model`, which holds the URI, gets the hash check too). Undefined for anything else.
 */
export async function resolveCatalogModel(spec: string, o: CatalogDownloadOptions = {}): Promise<string | undefined> {
    const f = findCatalogEntry(spec)?.target ?? findCatalogFileByUri(spec);
    return f ? (await downloadCatalogFile(f, o)).path : undefined;
}
