import {spawn} from "node:child_process";
import {hashFile} from "./hash";
import {acquireLock} from "./lock";
import {createHash} from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {CancelledError, PolyspecError, type Cancel} from "../core/errors";
import {cacheRoot, modelsDir, packageRoot} from "./cache";
import {fetchModel, fmtBytes} from "./fetch";
import {findModel, MODEL_NAMES, MODELS} from "./registry";

/**
 * Requantizing a model to another GGUF format, here Q4_0: llama.cpp repacks Q4_0 matrices at load time into the
 * interleaved layouts of its fast AVX2/NEON kernels, which a Q4_K_M file does not get (issue 6, point 5).
 * node-llama-cpp ships no llama-quantize, so tools/requantize/requantize.py does it with gguf-py (numpy) in its own
 * virtual environment, pinned by tools/requantize/requirements.txt and created on demand under
 * `<cache>/tools/requantize-venv` (cache: $POLYSPEC_CACHE, else <package>/.cache).
 *
 * Invariants:
 *  - the result is `<dir>/<basename>.q4_0.gguf` (dir: the models folder for a default model, the source's folder
 *    for a path), written by the tool to `<result>.partial` and renamed when complete;
 *  - `<result>.sha256` is a stamp {sha256, size, mtimeMs, type, source, tool} written after the rename; the file is
 *    reused only while the stamp describes it, its source (size and mtime) and the tool (sha256 of the script and
 *    its requirements); otherwise it is made again;
 *  - concurrent requantizations of one file serialise on `<result>.lock`, venv set-ups on `<venv>.lock`.
 */

export type RequantType = "q4_0";
export const REQUANT_TYPES: readonly RequantType[] = ["q4_0"];

export interface RequantizeOptions {
    type?: RequantType;
    /** Work done (weights processed), the total, and what is happening ("python env", "tensor 12/339"). */
    onProgress?(done: number, total: number, stage: string): void;
    cancel?: Cancel;
    /** Where the result goes; default: the models folder for a default model name, the source's folder for a path. */
    dir?: string;
}

export function isRequantType(t: string): t is RequantType {
    return (REQUANT_TYPES as readonly string[]).includes(t);
}

/** `NAME@q4_0` -> {base: NAME, type: "q4_0"}; undefined when spec has no `@TYPE` suffix. The type is not checked. */
export function parseVariant(spec: string): {base: string; type: string} | undefined {
    const m = /^(.+)@([A-Za-z0-9_]+)$/.exec(spec);
    return m ? {base: m[1]!, type: m[2]!.toLowerCase()} : undefined;
}

/** The requantized file of a source GGUF: `<basename>.<type>.gguf` in dir (default: next to the source). */
export function requantizedPath(source: string, type: RequantType = "q4_0", dir = path.dirname(source)): string {
    return path.join(dir, `${path.basename(source).replace(/\.gguf$/i, "")}.${type}.gguf`);
}

export interface RequantizedInfo {
    /** `NAME@type`. */
    readonly name: string;
    readonly base: string;
    readonly type: RequantType;
    readonly path: string;
    readonly size: number;
    /** From its stamp; undefined when the stamp is missing or does not describe the file. */
    readonly sha256?: string;
}

/** The requantized variants of the default models present in the models folder. */
export function listRequantized(): RequantizedInfo[] {
    const out: RequantizedInfo[] = [];
    for (const m of MODELS) {
        for (const type of REQUANT_TYPES) {
            const file = requantizedPath(path.join(modelsDir(), m.file), type);
            let st: fs.Stats;
            try { st = fs.statSync(file); } catch { continue; }
            if (!st.isFile()) continue;
            const stamp = readStampSync(file);
            const current = stamp && stamp.size === st.size && stamp.mtimeMs === st.mtimeMs;
            out.push({name: `${m.name}@${type}`, base: m.name, type, path: file, size: st.size, sha256: current ? stamp.sha256 : undefined});
        }
    }
    return out;
}

/**
 * Requantize a default model (by name, fetched first if needed) or a GGUF file (by path) and resolve to the
 * result's path; a result made earlier from the same source by the same tool is returned at once.
 */
export async function requantizeModel(spec: string, opts: RequantizeOptions = {}): Promise<string> {
    const type = opts.type ?? "q4_0";
    if (!isRequantType(type)) throw new PolyspecError(`unknown model format "${type}" (supported: ${REQUANT_TYPES.join(", ")})`, "E_USAGE");
    const named = findModel(spec);
    const source = named ? await fetchModel(spec, {cancel: opts.cancel, onProgress: opts.onProgress}) : await assertGgufFile(spec);
    const out = requantizedPath(source, type, opts.dir ?? (named ? modelsDir() : path.dirname(source)));
    const tool = toolFiles();
    const toolSha = await toolHash(tool);
    if (await isCurrent(out, source, type, toolSha)) return out;

    await fs.promises.mkdir(path.dirname(out), {recursive: true});
    const release = await acquireLock(out + ".lock", opts.cancel, (pid) => opts.onProgress?.(0, 0, `waiting for another requantization (pid ${pid})`));
    try {
        if (await isCurrent(out, source, type, toolSha)) return out; // made by whoever held the lock
        await fs.promises.rm(out + ".partial", {force: true});
        await checkFreeSpace(path.dirname(out), (await fs.promises.stat(source)).size * 1.3);
        const py = await ensureVenv(tool, opts);
        await runTool(py, tool.script, source, out, opts);
        const sha256 = await hashFile(out, {cancel: opts.cancel, onProgress: opts.onProgress});
        const st = await fs.promises.stat(out);
        const src = await fs.promises.stat(source);
        const stamp: Stamp = {sha256, size: st.size, mtimeMs: st.mtimeMs, type, source: {file: path.basename(source), size: src.size, mtimeMs: src.mtimeMs}, tool: toolSha};
        await fs.promises.writeFile(out + ".sha256.tmp", JSON.stringify(stamp) + "\n");
        await fs.promises.rename(out + ".sha256.tmp", out + ".sha256");
        return out;
    } finally {
        await fs.promises.rm(out + ".partial", {force: true});
        await release();
    }
}

/** The absolute path of an existing GGUF file, or a one-line PolyspecError saying what is wrong with spec. */
export async function assertGgufFile(spec: string): Promise<string> {
    const file = path.resolve(spec);
    let st: fs.Stats;
    try {
        st = await fs.promises.stat(file);
    } catch {
        throw new PolyspecError(`model file not found: ${spec} (use a path to a .gguf file or one of: ${MODEL_NAMES.join(", ")})`);
    }
    if (!st.isFile()) throw new PolyspecError(`${spec} is not a GGUF model file (it is a directory)`);
    const head = Buffer.alloc(4);
    const fh = await fs.promises.open(file, "r");
    let n: number;
    try {
        ({bytesRead: n} = await fh.read(head, 0, 4, 0));
    } finally {
        await fh.close();
    }
    if (n < 4) throw new PolyspecError(`${spec} is not a GGUF model file (${n === 0 ? "it is empty" : `only ${n} bytes`})`);
    if (head.toString("latin1") !== "GGUF") {
        throw new PolyspecError(`${spec} is not a GGUF model file (it starts with ${JSON.stringify(head.toString("latin1"))}, not "GGUF")`);
    }
    return file;
}

interface Stamp {
    sha256: string;
    size: number;
    mtimeMs: number;
    type: RequantType;
    source: {file: string; size: number; mtimeMs: number};
    tool: string;
}

function readStampSync(file: string): Stamp | undefined {
    try {
        const s = JSON.parse(fs.readFileSync(file + ".sha256", "utf8")) as Partial<Stamp>;
        if (typeof s.sha256 === "string" && typeof s.size === "number" && typeof s.mtimeMs === "number") return s as Stamp;
    } catch {
        // missing or unreadable
    }
    return undefined;
}

async function isCurrent(out: string, source: string, type: RequantType, toolSha: string): Promise<boolean> {
    const stamp = readStampSync(out);
    if (!stamp) return false;
    try {
        const [st, src] = await Promise.all([fs.promises.stat(out), fs.promises.stat(source)]);
        return stamp.size === st.size && stamp.mtimeMs === st.mtimeMs && stamp.type === type && stamp.tool === toolSha &&
            stamp.source?.size === src.size && stamp.source?.mtimeMs === src.mtimeMs;
    } catch {
        return false;
    }
}

interface ToolFiles {
    script: string;
    requirements: string;
}

function toolFiles(): ToolFiles {
    const dir = path.join(packageRoot(), "tools", "requantize");
    const t = {script: path.join(dir, "requantize.py"), requirements: path.join(dir, "requirements.txt")};
    if (!fs.existsSync(t.script) || !fs.existsSync(t.requirements)) {
        throw new PolyspecError(`the requantization tool is missing (${t.script}); it ships with the Polyspec repository, not with the editor extension`);
    }
    return t;
}

async function toolHash(t: ToolFiles): Promise<string> {
    const h = createHash("sha256");
    for (const f of [t.script, t.requirements]) h.update(await fs.promises.readFile(f)).update("\0");
    return h.digest("hex").slice(0, 16);
}


/** The python of the tool's venv: `<cache>/tools/requantize-venv`, created and filled (pinned, --no-deps) if missing or stale. */
async function ensureVenv(t: ToolFiles, opts: RequantizeOptions): Promise<string> {
    const venv = path.join(cacheRoot(), "tools", "requantize-venv");
    const req = await fs.promises.readFile(t.requirements, "utf8");
    const want = createHash("sha256").update(req).digest("hex");
    const marker = (dir: string) => path.join(dir, ".polyspec-requirements");
    const ready = async () => (await fs.promises.readFile(marker(venv), "utf8").catch(() => "")).trim() === want && fs.existsSync(venvPython(venv));
    if (await ready()) return venvPython(venv);
    await fs.promises.mkdir(path.dirname(venv), {recursive: true});
    const release = await acquireLock(venv + ".lock", opts.cancel, (pid) => opts.onProgress?.(0, 0, `waiting for another Python set-up (pid ${pid})`));
    try {
        if (await ready()) return venvPython(venv);
        // Built aside and renamed into place, so that an interrupted set-up never leaves a half-filled venv.
        const tmp = `${venv}.tmp-${process.pid}`;
        await fs.promises.rm(tmp, {recursive: true, force: true});
        try {
            opts.onProgress?.(0, 0, "creating Python environment");
            await exec(systemPython(), ["-m", "venv", tmp], opts.cancel, "python3 -m venv");
            opts.onProgress?.(0, 0, "installing gguf and numpy");
            await exec(venvPython(tmp), ["-m", "pip", "install", "--no-deps", "--disable-pip-version-check", "--no-input", "--progress-bar", "off", "-r", t.requirements],
                opts.cancel, "pip install -r tools/requantize/requirements.txt");
            await fs.promises.writeFile(marker(tmp), want + "\n");
            await fs.promises.rm(venv, {recursive: true, force: true});
            await fs.promises.rename(tmp, venv);
        } finally {
            await fs.promises.rm(tmp, {recursive: true, force: true});
        }
        return venvPython(venv);
    } finally {
        await release();
    }
}

function venvPython(venv: string): string {
    return process.platform === "win32" ? path.join(venv, "Scripts", "python.exe") : path.join(venv, "bin", "python");
}

/** The python that creates the venv: $POLYSPEC_PYTHON, else python3 (python on Windows). */
function systemPython(): string {
    return process.env.POLYSPEC_PYTHON || (process.platform === "win32" ? "python" : "python3");
}

/** Runs a command to completion; a failure is a one-line PolyspecError with the last error line of its output. */
function exec(cmd: string, args: string[], cancel: Cancel | undefined, what: string, onLine?: (line: string) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
        const child = spawn(cmd, args, {stdio: ["ignore", "pipe", "pipe"], windowsHide: true, env: {...process.env, PYTHONUNBUFFERED: "1"}});
        let tail = "";
        let partial = "";
        let cancelled = false;
        const poll = setInterval(() => {
            if (cancel?.cancelled && !cancelled) { cancelled = true; child.kill("SIGTERM"); }
        }, 100);
        const keep = (d: Buffer) => { tail = (tail + d.toString()).slice(-8192); };
        child.stdout!.on("data", keep);
        child.stderr!.on("data", (d: Buffer) => {
            partial += d.toString();
            const lines = partial.split("\n");
            partial = lines.pop()!;
            for (const line of lines) if (!onLine?.(line)) tail = (tail + line + "\n").slice(-8192);
        });
        child.on("error", (e: NodeJS.ErrnoException) => {
            clearInterval(poll);
            reject(e.code === "ENOENT" ? new PolyspecError(`cannot run "${cmd}": requantizing needs Python 3 with venv and pip (or set POLYSPEC_PYTHON)`) : e);
        });
        child.on("close", (code, sig) => {
            clearInterval(poll);
            if (cancelled) return reject(new CancelledError());
            if (code === 0) return resolve();
            tail += partial;
            const lines = tail.split("\n").map((l) => l.trim()).filter(Boolean);
            const msg = lines.filter((l) => /^(ERROR|Error|\w+Error)\b|^requantize:/.test(l)).at(-1) || lines.at(-1) || `exit ${code ?? sig}`;
            reject(new PolyspecError(`${what} failed: ${msg}`));
        });
    });
}

async function runTool(py: string, script: string, source: string, out: string, opts: RequantizeOptions): Promise<void> {
    const name = path.basename(source);
    await exec(py, [script, source, out, "--progress", "json"], opts.cancel, `requantizing ${name}`, (line) => {
        if (!line.startsWith("{")) return false;
        try {
            const e = JSON.parse(line) as {event: string; i?: number; n?: number; done?: number; total?: number; elements?: number};
            if (e.event === "start") opts.onProgress?.(0, e.elements ?? 0, "requantize");
            else if (e.event === "tensor") opts.onProgress?.(e.done ?? 0, e.total ?? 0, `tensor ${e.i}/${e.n}`);
            return true;
        } catch {
            return false;
        }
    });
    if (!fs.existsSync(out)) throw new PolyspecError(`requantizing ${name} wrote no ${out}`);
}

async function checkFreeSpace(dir: string, need: number): Promise<void> {
    let free: number;
    try {
        const s = await fs.promises.statfs(dir);
        free = s.bavail * s.bsize;
    } catch {
        return;
    }
    if (free < need) throw new PolyspecError(`not enough disk space to requantize into ${dir}: need ${fmtBytes(need)}, ${fmtBytes(free)} free`);
}

