/**
 * The review side file of a target: <target>.polyspec-review.json (docs/localize.md). It lists what the job did that
 * the target file itself cannot show:
 * - "machine": written into the target by the model, not reviewed yet (JSON has no way to mark an entry; gettext and
 *   XLIFF files carry the mark themselves, so their machine entries are not listed);
 * - "flagged": not written: the model's best translation failed a check (placeholders, ICU syntax); the candidate
 *   and the problems are here for a person to fix;
 * - "pending": translated but not written, because the target changed on disk during the job; the next run takes
 *   them without the model (nothing is lost).
 * An entry leaves the list when its key is translated again, or (machine) when the target's value is no longer the one
 * written (a person edited it). A list that becomes empty is deleted.
 *
 *   {"polyspec": "localize-review", "version": 1, "target": "de.json", "lang": "de",
 *    "entries": [{"key": "menu.open", "source": "Open…", "translation": "Öffnen…", "status": "machine", "time": "..."},
 *                {"key": "inbox", "status": "flagged", "problems": ["missing {count}"], ...},
 *                {"key": "x", "status": "pending", "items": [{"source": "...", "text": "..."}], ...}]}
 */
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";

export const REVIEW_SUFFIX = ".polyspec-review.json";
export const REVIEW_VERSION = 1;

export type ReviewStatus = "machine" | "flagged" | "pending";

export interface ReviewEntry {
    key: string;
    source: string;
    /** The value written (machine), the candidate (flagged), the value to write (pending). */
    translation?: string;
    status: ReviewStatus;
    problems?: string[];
    /** pending: each text's translation as the model gave it, so that the next run can take it without the model. */
    items?: {source: string; text: string}[];
    /** ISO time. */
    time: string;
}

export interface ReviewFile {
    polyspec: "localize-review";
    version: number;
    target: string;
    lang: string;
    entries: ReviewEntry[];
}

export function reviewPath(target: string): string {
    return target + REVIEW_SUFFIX;
}

/** Reads a target's review file (undefined: none). A file that is not one is refused with a clear message. */
export function readReview(target: string): ReviewFile | undefined {
    const file = reviewPath(target);
    if (!fs.existsSync(file)) return undefined;
    let data: ReviewFile;
    try {
        data = JSON.parse(fs.readFileSync(file, "utf8")) as ReviewFile;
    } catch (e) {
        throw new PolyspecError(`${file} is not valid JSON (${(e as Error).message}): fix or move it; Polyspec keeps its review list there`, "E_SYNTAX");
    }
    if (data?.polyspec !== "localize-review" || !Array.isArray(data.entries)) throw new PolyspecError(`${file} is not a Polyspec review list: move it away; Polyspec keeps its review list there`, "E_SYNTAX");
    if (data.version > REVIEW_VERSION) throw new PolyspecError(`${file} was written by a newer Polyspec (version ${data.version}): update Polyspec`, "E_SYNTAX");
    return data;
}

/** Translations of an earlier run that were not written (pending), by `${key}\u0000${source}` of each text. */
export function knownTranslations(review: ReviewFile | undefined): Map<string, string> {
    const out = new Map<string, string>();
    for (const e of review?.entries ?? []) if (e.status === "pending") for (const it of e.items ?? []) out.set(`${e.key}\u0000${it.source}`, it.text);
    return out;
}

/**
 * Merges this run's entries into the list: entries of the keys handled now are replaced; a "machine" entry whose
 * value the target no longer holds (`holds(entry)` is false: a person edited it) is dropped; pending entries that
 * were written now go.
 * Writes the file atomically, or deletes it when the list is empty. Returns the path, or undefined when none is left.
 */
export function updateReview(target: string, lang: string, fresh: ReviewEntry[], handled: ReadonlySet<string>, holds: (e: ReviewEntry) => boolean): string | undefined {
    const file = reviewPath(target);
    const old = readReview(target);
    const keep = (old?.entries ?? []).filter((e) => {
        if (handled.has(e.key)) return false;
        if (e.status === "machine") return holds(e);
        return true;
    });
    const entries = [...keep, ...fresh];
    if (!entries.length) {
        if (old) fs.rmSync(file, {force: true});
        return undefined;
    }
    const data: ReviewFile = {polyspec: "localize-review", version: REVIEW_VERSION, target: path.basename(target), lang, entries};
    writeAtomic(file, JSON.stringify(data, null, 2) + "\n");
    return file;
}

/** Writes a file through a temporary file in the same folder and a rename (keeps the old file's mode). */
export function writeAtomic(file: string, text: string): void {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.polyspec-${process.pid}.tmp`);
    let mode: number | undefined;
    try { mode = fs.statSync(file).mode & 0o777; } catch { /* a new file */ }
    try {
        fs.writeFileSync(tmp, text, {encoding: "utf8", ...(mode !== undefined ? {mode} : {})});
        fs.renameSync(tmp, file);
    } catch (e) {
        fs.rmSync(tmp, {force: true});
        throw e;
    }
}
