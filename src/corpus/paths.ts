import path from "node:path";
import {cacheRoot} from "../models/cache";

export {cacheRoot, packageRoot} from "../models/cache";

/** Where built corpora go by default. */
export function defaultCorpusDir(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(cacheRoot(env), "corpus");
}

/** Where downloaded packages (and what is extracted from them) are cached. */
export function defaultDownloadsDir(env: NodeJS.ProcessEnv = process.env): string {
    return path.join(cacheRoot(env), "downloads");
}

export const FILE_KINDS = ["mono", "test-story", "test-tech", "train", "prompts"] as const;
export type FileKind = (typeof FILE_KINDS)[number];

const FILE_NAMES: Record<FileKind, string> = {
    "mono": "mono.txt",
    "test-story": "test-story.jsonl",
    "test-tech": "test-tech.jsonl",
    "train": "train.jsonl",
    "prompts": "prompts.jsonl",
};

export function fileName(kind: FileKind): string {
    return FILE_NAMES[kind];
}

export interface CorpusPaths {
    dir: string;
    manifest: string;
    /** Monolingual training text: one segment a line. */
    mono: string;
    /** Held-out translation test set, story domain (Wesnoth): JSONL {id, src, ref}. */
    testStory: string;
    /** Held-out translation test set, technical domain (LibreOffice help): JSONL {id, src, ref}. */
    testTech: string;
    /** Translation training split, disjoint from the test sets: JSONL {id, src, ref, domain}. */
    train: string;
    /** Held-out story prompts: JSONL {id, text, en}. */
    prompts: string;
}

export function languagePaths(corpusDir: string, lang: string): CorpusPaths {
    const dir = path.join(corpusDir, lang);
    return {
        dir,
        manifest: path.join(dir, "manifest.json"),
        mono: path.join(dir, FILE_NAMES.mono),
        testStory: path.join(dir, FILE_NAMES["test-story"]),
        testTech: path.join(dir, FILE_NAMES["test-tech"]),
        train: path.join(dir, FILE_NAMES.train),
        prompts: path.join(dir, FILE_NAMES.prompts),
    };
}

export function kindPath(p: CorpusPaths, kind: FileKind): string {
    switch (kind) {
        case "mono": return p.mono;
        case "test-story": return p.testStory;
        case "test-tech": return p.testTech;
        case "train": return p.train;
        case "prompts": return p.prompts;
    }
}
