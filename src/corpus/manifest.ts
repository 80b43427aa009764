import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {oneLine, shapeProblem, type Shape} from "../core/shape";
import {sha256File} from "./fetch";
import {fileName, FILE_KINDS, type FileKind} from "./paths";

/**
 * The manifest: for every built file its size, sha256, segment count and sources (package, version, licence),
 * plus what the build skipped. One per language (<lang>/manifest.json) so that languages can be built at
 * different times, and a combined manifest.json at the top, regenerated from them. No timestamps: a rebuild from
 * the same inputs gives byte-identical manifests.
 */
export const MANIFEST_FORMAT = "polyspec-corpus/1";

export interface PackageRecord {
    name: string;
    version: string;
    licence: string;
    sha256: string;
}

export interface FileSource {
    /** e.g. "wesnoth", "libreoffice", "ddtp", "fortunes". */
    source: string;
    packages: string[];
    segments: number;
}

export interface FileRecord {
    file: string;
    bytes: number;
    sha256: string;
    segments: number;
    sources: FileSource[];
}

export interface SkipCounts {
    malformedMo: number;
    malformedHtml: number;
    malformedOther: number;
    pluralEntries: number;
    untranslated: number;
    /** Names of the malformed files (at most 50). */
    malformedFiles: string[];
}

export interface LanguageManifest {
    format: string;
    language: string;
    name: string;
    native: string;
    script: string;
    seed: string;
    files: Partial<Record<FileKind, FileRecord>>;
    packages: PackageRecord[];
    skipped: SkipCounts;
    /** Training lines dropped because they equal (normalized) a held-out segment or prompt. */
    decontaminated: {mono: number; train: number};
    /** Packages that could not be fetched, by name. */
    missingPackages: {name: string; error: string}[];
    notes: string[];
}

/** JSON with object keys in insertion order, two-space indented, ending in a newline. */
export function stableJson(v: unknown): string {
    return JSON.stringify(v, null, 2) + "\n";
}

export function fileRecord(file: string, base: string, segments: number, sources: FileSource[]): FileRecord {
    return {file: path.relative(base, file), bytes: fs.statSync(file).size, sha256: sha256File(file), segments, sources};
}

const FILE_RECORD: Shape = {obj: {
    file: "string", bytes: "count", sha256: "string", segments: "count",
    sources: {array: {obj: {source: "string", packages: {array: "string"}, segments: "count"}}},
}};
const LANGUAGE_MANIFEST: Shape = {obj: {
    format: "string", language: "string", name: "string", native: "string", script: "string", seed: "string",
    files: {obj: Object.fromEntries(FILE_KINDS.map((k) => [k, {opt: FILE_RECORD}]))},
    packages: {array: {obj: {name: "string", version: "string", licence: "string", sha256: "string"}}},
    skipped: {obj: {malformedMo: "count", malformedHtml: "count", malformedOther: "count", pluralEntries: "count", untranslated: "count", malformedFiles: {array: "string"}}},
    decontaminated: {obj: {mono: "count", train: "count"}},
    missingPackages: {array: {obj: {name: "string", error: "string"}}},
    notes: {array: "string"},
}};

/**
 * A language's manifest, or undefined when there is none or it is of another format (the language is then built
 * again). A file that is not JSON, or a manifest with a field of the wrong type, is refused with a one-line
 * PolyspecError naming the file.
 */
export function readLanguageManifest(file: string): LanguageManifest | undefined {
    if (!fs.existsSync(file)) return undefined;
    const again = `delete it and build the language again ('polyspec corpus build --langs ${path.basename(path.dirname(file))}')`;
    let m: unknown;
    try {
        m = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
        throw new PolyspecError(`corpus manifest ${file} is damaged (${oneLine((e as Error).message)}): ${again}`, "E_CORPUS_MANIFEST");
    }
    if ((m as {format?: unknown} | null)?.format !== MANIFEST_FORMAT) return undefined;
    const problem = shapeProblem(m, LANGUAGE_MANIFEST);
    if (problem) throw new PolyspecError(`corpus manifest ${file} is damaged (${problem}): ${again}`, "E_CORPUS_MANIFEST");
    return m as LanguageManifest;
}

export interface CorpusManifest {
    format: string;
    seed: string;
    languages: Record<string, {files: Partial<Record<FileKind, FileRecord>>; skipped: SkipCounts; decontaminated: LanguageManifest["decontaminated"]; missingPackages: LanguageManifest["missingPackages"]}>;
    packages: PackageRecord[];
}

/** Rebuilds <dir>/manifest.json from the language manifests present, in code order. */
export function writeCorpusManifest(dir: string, seed: string, order: string[]): CorpusManifest {
    const m: CorpusManifest = {format: MANIFEST_FORMAT, seed, languages: {}, packages: []};
    const pkgs = new Map<string, PackageRecord>();
    const present = fs.existsSync(dir) ? fs.readdirSync(dir).filter((d) => fs.existsSync(path.join(dir, d, "manifest.json"))) : [];
    present.sort((a, b) => (order.indexOf(a) - order.indexOf(b)) || (a < b ? -1 : 1));
    for (const code of present) {
        const lm = readLanguageManifest(path.join(dir, code, "manifest.json"));
        if (!lm) continue;
        const files: Partial<Record<FileKind, FileRecord>> = {};
        for (const k of FILE_KINDS) {
            const r = lm.files[k];
            if (r) files[k] = {...r, file: path.join(code, fileName(k))};
        }
        m.languages[code] = {files, skipped: lm.skipped, decontaminated: lm.decontaminated, missingPackages: lm.missingPackages};
        for (const p of lm.packages) pkgs.set(`${p.name} ${p.version}`, p);
    }
    m.packages = [...pkgs.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    fs.writeFileSync(path.join(dir, "manifest.json"), stableJson(m));
    return m;
}
