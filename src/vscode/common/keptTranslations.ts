/**
 * Which of Polyspec's translations the user kept (pure: offsets and text only). A translation written into a
 * document is tracked until a decision point: the document is saved or closed, or the next translation starts.
 * There it counts as kept when the text at its place is still a translation of the source: not undone (undo
 * restores the source), not deleted, not replaced by something else. The user's own corrections are kept with it
 * (a post-edited translation is the best history there is): the tracked range grows with edits inside it.
 *
 *   const k = new KeptTranslations();
 *   k.track(docId, {source: "Open the file.", target: "Öffne die Datei.", lang: "de", start: 10, end: 26});
 *   k.changed(docId, changes);         // every content change of that document
 *   k.decide(docId, docText)           // -> [{source, target: "Öffne die Datei!", lang}] kept; forgets them
 */
import {similarity} from "../../tm/similarity";
import type {Change} from "./region";

export interface Written {
    source: string;
    /** The translation as written (after trimming). */
    target: string;
    /** Target language code. */
    lang: string;
    /** Where it was written: [start, end) offsets in the document right after writing. */
    start: number;
    end: number;
    /** Whether the target language is compared by characters (Chinese, Japanese). */
    noSpaces?: boolean;
}

export interface Kept {
    source: string;
    /** What is in the document now (the translation, with the user's corrections). */
    target: string;
    lang: string;
}

/**
 * How close the text at the place must stay to what Polyspec wrote to count as a correction of it rather than a
 * replacement (word edit-distance similarity, src/tm/similarity.ts).
 */
export const KEPT_MIN_SIMILARITY = 0.5;

/** One tracked translation's range, following the document's changes. */
export class TrackedRange {
    constructor(public start: number, public end: number) {}

    /** One change, against the document before it (changes of one event: see applyAll). */
    apply(c: Change): void {
        const delta = c.inserted - c.removed;
        if (c.offset + c.removed <= this.start && !(c.removed === 0 && c.offset === this.start && this.end > this.start)) {
            this.start += delta; this.end += delta; return; // before it (an insertion at its very start is inside it)
        }
        if (c.offset > this.end) return;                                    // after it
        if (c.offset === this.end && c.removed === 0 && this.end > this.start) return; // typing right after it
        // touches it: it now spans the old range and the change's new text
        const end = Math.max(this.end, c.offset + c.removed) + delta;
        this.start = Math.min(this.start, c.offset);
        this.end = Math.max(this.start, end);
    }

    /** VS Code reports the changes of one event against the document before the event: apply from the last. */
    applyAll(changes: readonly Change[]): void {
        for (const c of [...changes].sort((a, b) => b.offset - a.offset)) this.apply(c);
    }
}

const norm = (s: string) => s.normalize("NFKC").replace(/\s+/g, " ").trim();

/** The kept text of a translation, or undefined when it is gone: undone (the source is back), deleted, replaced. */
export function keptText(w: Written, now: string): string | undefined {
    const text = now.trim();
    if (!text || norm(text) === norm(w.source)) return undefined;
    if (norm(text) === norm(w.target)) return text;
    return similarity(text, w.target, w.noSpaces) >= KEPT_MIN_SIMILARITY ? text : undefined;
}

/** The translations waiting for a decision, per document. */
export class KeptTranslations {
    private readonly docs = new Map<string, {w: Written; range: TrackedRange}[]>();

    track(doc: string, w: Written): void {
        const list = this.docs.get(doc) ?? [];
        list.push({w, range: new TrackedRange(w.start, w.end)});
        this.docs.set(doc, list);
    }

    /** Whether a document has translations waiting (its changes need reporting). */
    has(doc: string): boolean { return this.docs.has(doc); }

    get documents(): string[] { return [...this.docs.keys()]; }

    changed(doc: string, changes: readonly Change[]): void {
        for (const t of this.docs.get(doc) ?? []) t.range.applyAll(changes);
    }

    /** Decides the document's translations against its text now, and forgets them: the ones kept. */
    decide(doc: string, text: string): Kept[] {
        const list = this.docs.get(doc) ?? [];
        this.docs.delete(doc);
        const out: Kept[] = [];
        for (const {w, range} of list) {
            const kept = keptText(w, text.slice(range.start, range.end));
            if (kept !== undefined) out.push({source: w.source, target: kept, lang: w.lang});
        }
        return out;
    }

    /** Forgets a document's translations without deciding (it cannot be read any more). */
    forget(doc: string): void { this.docs.delete(doc); }
}
