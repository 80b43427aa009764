import fs from "node:fs";
import {throwIfCancelled, type Cancel} from "../core/errors";
import {languageByCode} from "../core/languages";
import {buildCorpus, type BuildProgress, type BuildResult} from "./build";
import {defaultCorpusDir, languagePaths, type CorpusPaths} from "./paths";
import {PolyspecError} from "../core/errors";

/**
 * The corpus module's entry points for the rest of Polyspec (n-gram trainer, benchmarks, CLI).
 */
export {buildCorpus, type BuildOptions, type BuildProgress, type BuildResult, type LanguageSummary} from "./build";
export {readJsonl, checkCorpus} from "./verify";
export {defaultCorpusDir, defaultDownloadsDir, cacheRoot, FILE_KINDS, type FileKind, type CorpusPaths} from "./paths";

export interface EnsureOptions {
    onProgress?: (p: BuildProgress) => void;
    cancel?: Cancel;
    /** Corpus folder; default <cache>/corpus. */
    out?: string;
    log?: (line: string) => void;
}

/** All file paths of one language's corpus (they exist once the language is built). */
export function corpusPaths(lang: string, out = defaultCorpusDir()): CorpusPaths {
    return languagePaths(out, languageByCode(lang).code);
}

/**
 * The path of the monolingual training text of `lang`, building that language first (only it) if it is not built
 * yet. Throws a PolyspecError when the build gives no text for it (e.g. its packages cannot be fetched).
 */
export async function ensureMonolingual(lang: string, opts: EnsureOptions = {}): Promise<string> {
    const p = corpusPaths(lang, opts.out);
    if (fs.existsSync(p.mono) && fs.existsSync(p.manifest)) return p.mono;
    throwIfCancelled(opts.cancel);
    const r: BuildResult = await buildCorpus({langs: [languageByCode(lang).code], out: opts.out, onProgress: opts.onProgress, cancel: opts.cancel, log: opts.log});
    if (!fs.existsSync(p.mono) || fs.statSync(p.mono).size === 0) {
        const why = r.missingPackages.map((m) => m.name).join(", ");
        throw new PolyspecError(`no monolingual text could be built for "${lang}"${why ? ` (packages not fetched: ${why})` : ""}; run 'polyspec corpus build --langs ${lang}' for details`);
    }
    return p.mono;
}
