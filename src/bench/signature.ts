import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

/** What makes a number reproducible (cf. sacrebleu's signature): recorded with every result. */
export interface Signature {
    model: string;
    modelSha256: string;
    drafterSha256?: string;
    polyspec: string;
    nodeLlamaCpp: string;
    threads: number;
    gpu: string | false;
    cpu: string;
    cores: number;
    memoryGiB: number;
    date: string;
}

const hashes = new Map<string, string>();

/**
 * sha256 of a file; reuses the `<file>.sha256` stamp {sha256, size, mtimeMs} that `models fetch` writes when it
 * still describes the file, else hashes it (and remembers the result for this process).
 */
export function fileSha256(file: string): string {
    const st = fs.statSync(file);
    const key = `${file}:${st.size}:${st.mtimeMs}`;
    const known = hashes.get(key);
    if (known) return known;
    try {
        const s = JSON.parse(fs.readFileSync(`${file}.sha256`, "utf8"));
        if (s.size === st.size && s.mtimeMs === st.mtimeMs && /^[0-9a-f]{64}$/.test(s.sha256)) { hashes.set(key, s.sha256); return s.sha256; }
    } catch { /* no stamp */ }
    const h = crypto.createHash("sha256");
    const fd = fs.openSync(file, "r");
    const buf = Buffer.allocUnsafe(8 << 20);
    try {
        for (let n; (n = fs.readSync(fd, buf, 0, buf.length, null)) > 0;) h.update(buf.subarray(0, n));
    } finally { fs.closeSync(fd); }
    const d = h.digest("hex");
    hashes.set(key, d);
    return d;
}

export function packageVersion(name: string): string {
    try {
        let dir = __dirname;
        for (;;) {
            const p = name === "polyspec" ? path.join(dir, "package.json") : path.join(dir, "node_modules", name, "package.json");
            if (fs.existsSync(p)) {
                const j = JSON.parse(fs.readFileSync(p, "utf8"));
                if (name !== "polyspec" || j.name === "polyspec") return j.version;
            }
            const up = path.dirname(dir);
            if (up === dir) return "?";
            dir = up;
        }
    } catch { return "?"; }
}

export function signature(o: {modelPath: string; threads: number; gpu: string | false; drafterFile?: string}): Signature {
    return {
        model: path.basename(o.modelPath),
        modelSha256: fileSha256(o.modelPath),
        drafterSha256: o.drafterFile ? fileSha256(o.drafterFile) : undefined,
        polyspec: packageVersion("polyspec"),
        nodeLlamaCpp: packageVersion("node-llama-cpp"),
        threads: o.threads,
        gpu: o.gpu,
        cpu: os.cpus()[0]?.model ?? "?",
        cores: os.availableParallelism?.() ?? os.cpus().length,
        memoryGiB: Math.round(os.totalmem() / 2 ** 30),
        date: new Date().toISOString(),
    };
}

/**
 * The drafter file behind a simulated or live result, for its signature: the n-gram table (`tables.file` keys as
 * BenchDrafters writes them: mono, task, self, sweep variants; the cascade uses the mono table) or the draft model.
 * Undefined for drafters without a file (lookup, plain decoding, the input-lookup peer) and other records.
 */
export function drafterFileOf(r: {kind: string; lang?: string; drafter?: string; params?: Record<string, unknown>},
    tables: {file(key: string): string | undefined}, draftModelFile?: string): string | undefined {
    if ((r.kind !== "sim" && r.kind !== "live") || !r.drafter) return undefined;
    const id = r.drafter.replace(/ k=\d+$/, "");
    const p = r.params as {order?: number; fraction?: number; minCount?: number} | undefined;
    if (p?.order !== undefined) return tables.file(`variant|${r.lang}|${p.order}|${p.fraction}|${p.minCount}`);
    if (id === "ngram-mono" || id === "cascade") return tables.file(`mono|${r.lang}`);
    if (id === "ngram-task" || id === "ngram-self") return tables.file(`${id.slice("ngram-".length)}|${r.lang}`);
    return id === "draft-model" || id === "nlc-draft-sequence" ? draftModelFile : undefined;
}

/** One short line, e.g. for table captions. */
export function signatureLine(s: Signature): string {
    return `model ${s.model} sha256:${s.modelSha256.slice(0, 12)} | polyspec ${s.polyspec} | node-llama-cpp ${s.nodeLlamaCpp} | ${s.threads} threads | ${s.gpu || "cpu"} | ${s.cpu}, ${s.cores} cores, ${s.memoryGiB} GiB | ${s.date.slice(0, 10)}`;
}
