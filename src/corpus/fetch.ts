import {execFile} from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

/**
 * Fetching registry packages into a cache: `apt-get download` for Debian packages (never `apt-get install`),
 * `npm pack` for npm ones, and apt's own index download for the DDTP description translations. Everything is
 * cached under the downloads directory and reused by later runs, so a second build sees the same bytes.
 *
 * The build takes a Fetcher, so tests substitute one that serves fixture folders or fails on purpose.
 */
export interface FetchedTree {
    /** Package name as asked for. */
    name: string;
    version: string;
    /** sha256 of the downloaded archive. */
    sha256: string;
    /** Folder holding the extracted files, laid out as in the package (root = "/"). */
    root: string;
}

export interface DdtpIndexes {
    /** Date of the Release file the indexes came from. */
    version: string;
    /** Text of Translation-<locale>, or undefined when the archive has none for that locale. */
    read(locale: string): Promise<string | undefined>;
}

export interface Fetcher {
    /** A Debian package, downloaded (or reused), with the members matching `members` (tar wildcards) extracted. */
    deb(name: string, members: string[]): Promise<FetchedTree>;
    /** The DDTP Translation indexes for these locales (and "en"). */
    ddtp(locales: string[]): Promise<DdtpIndexes>;
}

/** A package that could not be fetched; the message names it. */
export class FetchError extends Error {
    override name = "FetchError";
    constructor(readonly pkg: string, detail: string) {
        super(`cannot fetch package ${pkg}: ${detail}`);
    }
}

export interface RunResult {
    code: number;
    stdout: string;
    stderr: string;
}

/** Runs a program without a shell; injectable for tests. */
export type Runner = (cmd: string, args: string[], opts?: {cwd?: string}) => Promise<RunResult>;

export const runProgram: Runner = (cmd, args, opts = {}) =>
    new Promise((resolve) => {
        execFile(cmd, args, {cwd: opts.cwd, maxBuffer: 512 * 1024 * 1024, encoding: "utf8"}, (err, stdout, stderr) => {
            const code = err ? (typeof (err as NodeJS.ErrnoException).code === "number" ? (err as unknown as {code: number}).code : 127) : 0;
            resolve({code, stdout: String(stdout ?? ""), stderr: String(stderr ?? "") || (err && !stderr ? err.message : "")});
        });
    });

/** apt's answers when it has no (or stale) package lists. */
export function looksLikeMissingLists(stderr: string): boolean {
    return /Unable to locate package|has no installation candidate|Can't select candidate version|No packages found|Unable to find a source package/i.test(stderr);
}

export function sha256File(file: string): string {
    const h = crypto.createHash("sha256");
    const fd = fs.openSync(file, "r");
    try {
        const buf = Buffer.allocUnsafe(1 << 20);
        for (;;) {
            const n = fs.readSync(fd, buf, 0, buf.length, null);
            if (n === 0) break;
            h.update(buf.subarray(0, n));
        }
    } finally {
        fs.closeSync(fd);
    }
    return h.digest("hex");
}

/** `wesnoth-1.16-httt_1%3a1.16.9-1_all.deb` -> `1:1.16.9-1`. */
export function debVersionFromFile(file: string): string {
    const parts = path.basename(file, ".deb").split("_");
    return decodeURIComponent(parts[1] ?? "unknown");
}

const DDTP_LANGS_DIR = "ddtp-lists";

export interface AptFetcherOptions {
    /** The downloads cache. */
    dir: string;
    run?: Runner;
    /** Log lines (e.g. "refreshing apt package lists"). */
    log?: (line: string) => void;
    /** Every DDTP locale to ask for when the indexes must be downloaded, so that one download serves all. */
    ddtpLocales?: string[];
}

export class AptFetcher implements Fetcher {
    private readonly run: Runner;
    private listsRefreshed = false;
    private ddtpCache?: Promise<DdtpIndexes>;
    constructor(private readonly opts: AptFetcherOptions) {
        this.run = opts.run ?? runProgram;
    }

    private get debsDir(): string {
        return path.join(this.opts.dir, "debs");
    }

    /** The cached .deb of this package, if any. */
    cachedDeb(name: string): string | undefined {
        if (!fs.existsSync(this.debsDir)) return undefined;
        const hits = fs.readdirSync(this.debsDir).filter((f) => f.startsWith(name + "_") && f.endsWith(".deb")).sort();
        return hits.length ? path.join(this.debsDir, hits[hits.length - 1]!) : undefined;
    }

    /** Downloads a .deb into the cache with `apt-get download`, refreshing apt's lists once if they are missing. */
    async download(name: string): Promise<string> {
        const cached = this.cachedDeb(name);
        if (cached) return cached;
        if (!/^[a-z0-9][a-z0-9.+-]*$/.test(name)) throw new FetchError(name, "not a Debian package name");
        fs.mkdirSync(this.debsDir, {recursive: true});
        const tmp = fs.mkdtempSync(path.join(this.debsDir, ".partial-"));
        try {
            let r = await this.run("apt-get", ["download", name], {cwd: tmp});
            if (r.code !== 0 && looksLikeMissingLists(r.stderr) && !this.listsRefreshed) {
                this.listsRefreshed = true;
                this.opts.log?.(`apt has no candidate for ${name}; refreshing package lists (apt-get update)`);
                const u = await this.run("apt-get", ["update"]);
                if (u.code !== 0) this.opts.log?.(`apt-get update exited ${u.code}: ${lastLine(u.stderr)}`);
                r = await this.run("apt-get", ["download", name], {cwd: tmp});
            }
            if (r.code !== 0) throw new FetchError(name, lastLine(r.stderr) || `apt-get download exited ${r.code}`);
            const got = fs.readdirSync(tmp).filter((f) => f.endsWith(".deb"));
            if (got.length !== 1) throw new FetchError(name, `apt-get download left ${got.length} .deb files`);
            const dest = path.join(this.debsDir, got[0]!);
            fs.renameSync(path.join(tmp, got[0]!), dest);
            return dest;
        } finally {
            fs.rmSync(tmp, {recursive: true, force: true});
        }
    }

    async deb(name: string, members: string[]): Promise<FetchedTree> {
        const file = await this.download(name);
        const version = debVersionFromFile(file);
        const sha256 = sha256File(file);
        const key = crypto.createHash("sha256").update(path.basename(file) + "\n" + members.join("\n")).digest("hex").slice(0, 12);
        const root = path.join(this.opts.dir, "extracted", `${name}_${key}`);
        if (!fs.existsSync(path.join(root, ".complete"))) {
            // drop extractions of other versions or member lists of this package: they are stale
            const parent = path.dirname(root);
            if (fs.existsSync(parent)) {
                for (const d of fs.readdirSync(parent)) if (d.startsWith(name + "_") && /^[0-9a-f]{12}$/.test(d.slice(name.length + 1))) fs.rmSync(path.join(parent, d), {recursive: true, force: true});
            }
            fs.rmSync(root, {recursive: true, force: true});
            fs.mkdirSync(root, {recursive: true});
            const script = 'set -o pipefail; dpkg-deb --fsys-tarfile "$1" | tar -x -C "$2" --wildcards --no-same-owner "${@:3}"';
            const r = await this.run("bash", ["-c", script, "extract", file, root, ...members]);
            // tar exits 2 when a wildcard matched nothing: an empty result, not an error.
            const realErrors = r.stderr.split("\n").filter((l) => l.trim() && !/Not found in archive|Exiting with failure status due to previous errors/.test(l));
            if (r.code !== 0 && realErrors.length) throw new FetchError(name, `cannot extract ${path.basename(file)}: ${realErrors[0]}`);
            fs.writeFileSync(path.join(root, ".complete"), `${path.basename(file)}\n`);
        }
        return {name, version, sha256, root};
    }

    ddtp(locales: string[]): Promise<DdtpIndexes> {
        this.ddtpCache ??= this.fetchDdtp(locales);
        return this.ddtpCache;
    }

    private async fetchDdtp(locales: string[]): Promise<DdtpIndexes> {
        const lists = path.join(this.opts.dir, DDTP_LANGS_DIR);
        const indexFile = (loc: string) => {
            if (!fs.existsSync(lists)) return undefined;
            const suffix = `_i18n_Translation-${encodeURIComponent(loc).replace(/_/g, "%5f")}`;
            return fs.readdirSync(lists).filter((f) => f.includes(suffix) && !f.endsWith(".diff")).map((f) => path.join(lists, f)).sort()[0];
        };
        const want = ["en", ...locales];
        const stamp = path.join(lists, ".complete");
        const have = fs.existsSync(stamp) ? fs.readFileSync(stamp, "utf8").split("\n").filter(Boolean) : [];
        if (!want.every((l) => have.includes(l))) {
            const all = [...new Set(["en", ...(this.opts.ddtpLocales ?? []), ...locales, ...have])].sort();
            fs.mkdirSync(path.join(lists, "partial"), {recursive: true});
            const sourceList = path.join(this.opts.dir, "ddtp-sources.list");
            fs.writeFileSync(sourceList, `deb ${debianMirror()} ${debianSuite()} main\n`);
            this.opts.log?.(`downloading DDTP indexes (apt-get update into ${lists}) for ${all.join(",")}`);
            const r = await this.run("apt-get", [
                "update", "-o", `Dir::State::Lists=${lists}`, "-o", `Dir::Etc::SourceList=${sourceList}`,
                "-o", "Dir::Etc::SourceParts=/nonexistent", "-o", `Acquire::Languages=${all.join(",")}`,
                "-o", "Acquire::IndexTargets::deb::Contents-deb::DefaultEnabled=false",
            ]);
            if (r.code !== 0 || !indexFile("en")) throw new FetchError("ddtp-translations", lastLine(r.stderr) || `apt-get update exited ${r.code}`);
            fs.writeFileSync(stamp, all.join("\n") + "\n");
        }
        const release = fs.existsSync(lists) ? fs.readdirSync(lists).find((f) => f.endsWith("_InRelease")) : undefined;
        const date = release ? /^Date: (.*)$/m.exec(fs.readFileSync(path.join(lists, release), "utf8"))?.[1] ?? "unknown" : "unknown";
        const run = this.run;
        return {
            version: `${debianSuite()} ${date}`,
            async read(locale: string) {
                const f = indexFile(locale);
                if (!f) return undefined;
                const r = await run("/usr/lib/apt/apt-helper", ["cat-file", f]);
                if (r.code !== 0) throw new FetchError(`ddtp Translation-${locale}`, lastLine(r.stderr));
                return r.stdout;
            },
        };
    }
}

function lastLine(s: string): string {
    const lines = s.split("\n").map((l) => l.trim()).filter((l) => l && !/^W: Download is performed unsandboxed/.test(l));
    return lines.filter((l) => l.startsWith("E:")).pop() ?? lines.pop() ?? "";
}

/** The suite of this Debian system (bookworm), from /etc/os-release. */
export function debianSuite(): string {
    try {
        const m = /^VERSION_CODENAME=(.*)$/m.exec(fs.readFileSync("/etc/os-release", "utf8"));
        if (m?.[1]) return m[1].replace(/"/g, "");
    } catch { /* fall through */ }
    return "bookworm";
}

/** The Debian mirror apt is configured with (first deb822 URIs or one-line deb entry naming /debian). */
export function debianMirror(): string {
    const files: string[] = [];
    if (fs.existsSync("/etc/apt/sources.list")) files.push("/etc/apt/sources.list");
    if (fs.existsSync("/etc/apt/sources.list.d")) {
        for (const f of fs.readdirSync("/etc/apt/sources.list.d").sort()) files.push(path.join("/etc/apt/sources.list.d", f));
    }
    for (const f of files) {
        let text = "";
        try { text = fs.readFileSync(f, "utf8"); } catch { continue; }
        for (const m of text.matchAll(/^(?:URIs:\s*(\S+)|deb\s+(?:\[[^\]]*\]\s+)?(\S+))/gm)) {
            const uri = m[1] ?? m[2];
            if (uri && /\/debian\/?$/.test(uri)) return uri;
        }
    }
    return "http://deb.debian.org/debian";
}
