/**
 * A localization job on files on disk (the CLI's path; the editor works on its documents' text and calls the pure
 * parts itself, docs/localize.md):
 *
 *   read the target and its source (UTF-8 only) -> openDocument (a malformed file is refused: file and line, nothing
 *   written) -> runLocalizeJob -> apply the finished units -> parse the result again -> check that the target on
 *   disk is still what was read (sha256 of its bytes) -> write it atomically (temporary file + rename, mode kept)
 *   -> update the review side file.
 *
 * A target changed on disk during the job is not overwritten: the translations go to the review file as "pending"
 * (the next run takes them without the model) and a LocalizeConflictError says so. Nothing is ever lost.
 */
import {createHash} from "node:crypto";
import fs from "node:fs";
import {PolyspecError, type Cancel} from "../core/errors";
import {parseI18nJson} from "../tm/parsers/json";
import {detectEol, type LocalizeDocument, type TextEdit} from "./document";
import {runLocalizeJob, type FlaggedUnit, type JobEvent, type JobResult, type JobSummary, type MemoryView, type Translate} from "./job";
import {openDocument} from "./open";
import type {JobOrder} from "./order";
import type {LocalizePair} from "./pair";
import {knownTranslations, readReview, updateReview, writeAtomic, type ReviewEntry} from "./review";

export interface LocalizeFileOptions {
    pair: LocalizePair;
    includeFuzzy?: boolean;
    translate: Translate;
    /** Read-only memory besides the file's own translations (workspace, corpus). */
    memory?: MemoryView;
    order?: JobOrder;
    cancel?: Cancel;
    onEvent?: (e: JobEvent) => void;
    /** The document is open and checked: what is to be done (before any translation). */
    onOpen?: (doc: LocalizeDocument) => void;
    /** Translate, but write nothing (neither the target nor the review file). */
    dryRun?: boolean;
    /** Runs after the job, before the target is checked and written (tests: a change on disk). */
    beforeWrite?: () => void;
}

export interface LocalizeFileResult {
    pair: LocalizePair;
    summary: JobSummary;
    /** The target was written. */
    written: boolean;
    /** Units written into it (or that would be, in a dry run). */
    writtenUnits: number;
    flagged: FlaggedUnit[];
    notes: string[];
    /** The review file, where one exists after the run. */
    review?: string;
    /** The new target text and its edits (in the original's offsets). */
    text: string;
    edits: TextEdit[];
    dryRun: boolean;
}

/** The target changed on disk during the job: nothing was written to it; its translations are pending in `review`. */
export class LocalizeConflictError extends PolyspecError {
    override name = "LocalizeConflictError";
    constructor(message: string, readonly review: string | undefined, readonly summary: JobSummary) {
        super(message, "E_CHANGED");
    }
}

interface Snapshot {
    text: string;
    hash: string;
    exists: boolean;
}

function readText(file: string, what: string): Snapshot {
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === "ENOENT") return {text: "", hash: "", exists: false};
        throw new PolyspecError(`cannot read ${what} ${file}: ${(e as Error).message}`, "E_IO");
    }
    let text: string;
    try {
        text = new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    } catch {
        throw new PolyspecError(`${file} is not UTF-8 text: Polyspec reads and writes UTF-8 translation files (convert it first, e.g. with iconv or msgconv)`, "E_SYNTAX");
    }
    return {text, hash: sha256(bytes), exists: true};
}

export function sha256(data: Buffer | string): string {
    return createHash("sha256").update(data).digest("hex");
}

export async function localizeFile(o: LocalizeFileOptions): Promise<LocalizeFileResult> {
    const {pair} = o;
    const target = readText(pair.target, "the target");
    if (!target.exists && pair.format !== "json") throw new PolyspecError(`${pair.target}: no such file`, "E_USAGE");
    const source = pair.source ? readText(pair.source, "the source") : undefined;
    if (source && !source.exists) throw new PolyspecError(`${pair.source}: no such file`, "E_USAGE");
    // a JSON target that does not exist yet starts as an empty object in the source's layout
    const original = target.exists ? target.text : `{}${source && /\r?\n$/.test(source.text) ? detectEol(source.text) : ""}`;
    const doc = openDocument({target: {file: pair.target, text: original}, ...(source ? {source: {file: pair.source!, text: source.text}} : {}), lang: pair.lang, srcLang: pair.srcLang, includeFuzzy: o.includeFuzzy});
    o.onOpen?.(doc);
    const job = await runLocalizeJob(doc, {translate: o.translate, memory: o.memory, order: o.order, cancel: o.cancel, onEvent: o.onEvent, known: knownTranslations(readReview(pair.target))});
    const applied = doc.apply(job.done);
    const review = (written: boolean) => reviewChanges(doc, job, written);
    const result: LocalizeFileResult = {pair, summary: job.summary, written: false, writtenUnits: applied.written.length, flagged: job.flagged, notes: doc.notes, text: applied.text, edits: applied.edits, dryRun: !!o.dryRun};
    try {
        doc.validate(applied.text);
    } catch (e) {
        // our writer made something the parser refuses: a bug; keep the work and write nothing
        const c = review(false);
        const kept = o.dryRun ? undefined : updateReview(pair.target, pair.lang, c.entries, c.handled, c.holds);
        throw new PolyspecError(`internal error: the filled ${pair.target} would not parse again (${(e as Error).message}); nothing was written${kept ? `, the translations are kept in ${kept}` : ""}: please report this with the file`, "E_INTERNAL");
    }
    if (o.dryRun) return result;
    o.beforeWrite?.();
    const now2 = readText(pair.target, "the target");
    if (now2.exists !== target.exists || now2.hash !== target.hash) {
        const c = review(false);
        const kept = updateReview(pair.target, pair.lang, c.entries, c.handled, c.holds);
        const n = job.done.size;
        throw new LocalizeConflictError(`${pair.target} changed on disk while Polyspec was translating it, so it was not overwritten; ${n ? `the ${n} translation${n === 1 ? " is" : "s are"} kept in ${kept} and will be used without the model when you run the same command again` : "nothing was translated yet"}`, kept, job.summary);
    }
    if (applied.written.length && applied.text !== original) {
        writeAtomic(pair.target, applied.text);
        result.written = true;
    }
    const c = review(true);
    result.review = updateReview(pair.target, pair.lang, c.entries, c.handled, c.holds);
    return result;
}

/**
 * What a run changes in the review list (updateReview's arguments): `written` true: the finished units were written
 * into the target (JSON: listed as "machine"; gettext and XLIFF mark them in the file), false: they were not (the
 * target changed on disk): listed as "pending", to be taken without the model next time. Flagged units always.
 */
export function reviewChanges(doc: LocalizeDocument, job: Pick<JobResult, "done" | "raw" | "flagged">, written: boolean, now = new Date()): {entries: ReviewEntry[]; handled: Set<string>; holds: (e: ReviewEntry) => boolean} {
    const time = now.toISOString();
    const units = new Map(doc.units.map((u) => [u.id, u]));
    const entries: ReviewEntry[] = [];
    for (const [id, texts] of job.done) {
        const u = units.get(id)!;
        if (!written) entries.push({key: u.key, source: u.source, translation: u.render(texts), status: "pending", items: u.items.map((it) => ({source: it.source, text: job.raw.get(it.id)!})), time});
        else if (doc.format === "json") entries.push({key: u.key, source: u.source, translation: u.render(texts), status: "machine", time});
    }
    for (const f of job.flagged) entries.push({key: f.unit.key, source: f.unit.source, ...(f.candidate ? {translation: f.candidate} : {}), status: "flagged", problems: f.problems, time});
    const handled = new Set([...[...job.done.keys()].map((id) => units.get(id)!.key), ...job.flagged.map((f) => f.unit.key)]);
    const values = written && doc.format === "json" ? safeValues(doc.apply(job.done).text, doc.lang) : undefined;
    return {entries, handled, holds: (e) => holds(values, e)};
}

function safeValues(text: string, lang: string): Map<string, string> | undefined {
    try { return parseI18nJson(text, lang).values; } catch { return undefined; }
}

/** Whether the target still holds a machine entry's value (a string; an array unit: its items, at the array's end). */
function holds(values: Map<string, string> | undefined, e: ReviewEntry): boolean {
    if (!values) return true;
    const v = values.get(e.key);
    if (v !== undefined) return v === e.translation;
    const items: string[] = [];
    for (let i = 0; values.has(`${e.key}.${i}`); i++) items.push(values.get(`${e.key}.${i}`)!);
    const joined = items.join(" | ");
    return !!items.length && (joined === e.translation || joined.endsWith(` | ${e.translation}`));
}
