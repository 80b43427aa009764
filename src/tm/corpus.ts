/**
 * The corpora's translation training pairs as memory segments: `<corpus>/<lang>/train.jsonl`, one JSON object a
 * line, {id, src (English), ref (the translation), domain} (written by `polyspec corpus build`; disjoint from the
 * held-out test sets, so a held-out segment's fuzzy matches here are the realistic leverage of a memory).
 */
import fs from "node:fs";
import readline from "node:readline";
import {throwIfCancelled, PolyspecError, type Cancel} from "../core/errors";
import {defaultCorpusDir, languagePaths} from "../corpus/paths";
import type {NewSegment} from "./memory";

export interface CorpusPairsResult {
    segments: NewSegment[];
    /** Lines that were not a pair (bad JSON, missing fields), with their line numbers. */
    skipped: {line: number; why: string}[];
    file: string;
}

/** Path of a language's training pairs. */
export function corpusTrainPath(lang: string, corpusDir = defaultCorpusDir()): string {
    return languagePaths(corpusDir, lang).train;
}

/** Reads the training pairs of `lang` (streamed line by line); a missing file is an error that says how to build it. */
export async function readCorpusPairs(lang: string, o: {corpusDir?: string; cancel?: Cancel; onProgress?: (bytes: number, total: number) => void} = {}): Promise<CorpusPairsResult> {
    const file = corpusTrainPath(lang, o.corpusDir);
    if (!fs.existsSync(file)) throw new PolyspecError(`no training pairs for "${lang}" at ${file}: build the corpus first with 'polyspec corpus build --langs ${lang}'`, "E_CORPUS");
    const total = fs.statSync(file).size;
    const stream = fs.createReadStream(file, {encoding: "utf8"});
    const rl = readline.createInterface({input: stream, crlfDelay: Infinity});
    const segments: NewSegment[] = [];
    const skipped: CorpusPairsResult["skipped"] = [];
    let line = 0, bytes = 0;
    for await (const l of rl) {
        line++;
        bytes += Buffer.byteLength(l) + 1;
        if (line % 4096 === 0) { throwIfCancelled(o.cancel); o.onProgress?.(bytes, total); }
        if (!l.trim()) continue;
        let p: {id?: unknown; src?: unknown; ref?: unknown};
        try {
            p = JSON.parse(l);
        } catch (e) {
            skipped.push({line, why: `not JSON (${(e as Error).message})`});
            continue;
        }
        if (typeof p.src !== "string" || typeof p.ref !== "string") { skipped.push({line, why: "no src/ref strings"}); continue; }
        segments.push({source: p.src, target: p.ref, origin: {kind: "corpus"}, ...(typeof p.id === "string" ? {key: p.id} : {})});
    }
    o.onProgress?.(total, total);
    return {segments, skipped, file};
}
