/**
 * A translation memory for one language pair: its segments and the fuzzy index over their source sides.
 * Pure (no file access): store.ts reads and writes it, importers and the editor add to it.
 *
 *   const tm = new TranslationMemory({src: "en", tgt: "de"});
 *   tm.add([{source: "Open the file.", target: "Öffne die Datei.", origin: {kind: "history"}}]);
 *   tm.search("Open the files.", {k: 2, minScore: 0.6})   ->  [{segment, score: 0.67, id}]
 */
import {PolyspecError} from "../core/errors";
import {languageByCode, isLanguageCode} from "../core/languages";
import type {SourceFile} from "./format";
import {FuzzyIndex, type SearchOptions} from "./fuzzy-index";
import {pairName, type LanguagePair, type Origin, type Segment} from "./segment";

export interface TmMatch {
    segment: Segment;
    /** sim(query, segment.source) in 0..1 (similarity.ts). */
    score: number;
    /** The segment's id in its memory (stable while the memory is open). */
    id: number;
}

/** What a segment needs when added; the pair comes from the memory, the time defaults to now. */
export type NewSegment = Omit<Segment, "srcLang" | "tgtLang" | "time"> & {time?: number};

export interface AddResult {
    added: number;
    /** Same source and target from the same origin as a segment already there: that one was updated instead. */
    updated: number;
    /** Empty source or target (nothing to learn from). */
    empty: number;
}

/** Whether texts of this language are compared by characters (Chinese, Japanese) rather than words. */
export function comparesCharacters(lang: string): boolean {
    return isLanguageCode(lang) ? languageByCode(lang).noSpaces : /^(zh|ja)(-|$)/.test(lang);
}

export class TranslationMemory {
    private readonly segments: (Segment | undefined)[] = [];
    /** contentKey -> id; built on the first add after a load (a loaded file holds no duplicates). */
    private contentIndex?: Map<string, number>;
    private index: FuzzyIndex;
    /** The translation files imported into it, as they were when imported (the editor re-imports changed ones). */
    readonly files = new Map<string, SourceFile>();
    /** Bumped by every change (for callers that cache results). */
    version = 0;

    constructor(readonly pair: LanguagePair) {
        this.index = new FuzzyIndex(comparesCharacters(pair.src));
    }

    /**
     * A memory of segments that are already one per content (as a memory file holds them): no duplicate check, the
     * objects are taken as they are. For loading; `add` is the way for anything else.
     */
    static fromSegments(pair: LanguagePair, segments: readonly Segment[]): TranslationMemory {
        const tm = new TranslationMemory(pair);
        for (const seg of segments) {
            if (seg.srcLang !== pair.src || seg.tgtLang !== pair.tgt) throw new PolyspecError(`segment of pair ${seg.srcLang}-${seg.tgtLang} in a ${pairName(pair)} memory`, "E_TM_PAIR");
            tm.segments[tm.index.add(seg.source)] = seg;
        }
        return tm;
    }

    private get byContent(): Map<string, number> {
        if (!this.contentIndex) {
            this.contentIndex = new Map();
            this.segments.forEach((s, id) => { if (s) this.contentIndex!.set(contentKey(s), id); });
        }
        return this.contentIndex;
    }

    get name(): string { return pairName(this.pair); }
    /** Live segments. */
    get size(): number { return this.index.live; }

    /**
     * Adds segments (their languages are the memory's). The same source and target from the same origin (file,
     * history or corpus) is kept once: adding it again updates its time, line and key.
     */
    add(items: Iterable<NewSegment>, now = Date.now()): AddResult {
        const r: AddResult = {added: 0, updated: 0, empty: 0};
        for (const it of items) {
            if (!it.source.trim() || !it.target.trim()) { r.empty++; continue; }
            const seg: Segment = {source: it.source, target: it.target, srcLang: this.pair.src, tgtLang: this.pair.tgt, origin: it.origin, time: it.time ?? now};
            if (it.key) seg.key = it.key;
            if (it.note) seg.note = it.note;
            const ck = contentKey(seg);
            const old = this.byContent.get(ck);
            if (old !== undefined) {
                const prev = this.segments[old]!;
                if (seg.time >= prev.time) this.segments[old] = {...seg, note: seg.note ?? prev.note};
                r.updated++;
                continue;
            }
            const id = this.index.add(seg.source);
            this.segments[id] = seg;
            this.byContent.set(ck, id);
            r.added++;
        }
        if (r.added || r.updated) this.version++;
        return r;
    }

    /** Adds a translation the user kept (origin "history", time now). */
    addHistory(source: string, target: string, now = Date.now()): AddResult {
        return this.add([{source, target, origin: {kind: "history"}}], now);
    }

    /** Removes every segment whose origin passes the test (e.g. a file's segments before it is imported again). */
    removeWhere(test: (s: Segment) => boolean): number {
        let n = 0;
        for (let id = 0; id < this.segments.length; id++) {
            const s = this.segments[id];
            if (!s || !test(s)) continue;
            this.segments[id] = undefined;
            this.byContent.delete(contentKey(s));
            this.index.remove(id);
            n++;
        }
        if (n) this.version++;
        return n;
    }

    /** Removes the segments imported from `file` (same path as their origin) and forgets the file. */
    removeFile(file: string): number {
        this.files.delete(file);
        return this.removeWhere((s) => s.origin.kind === "file" && s.origin.file === file);
    }

    /**
     * Replaces a file's segments with a fresh import of it (what the editor does when a file changed): the old ones
     * are removed, the new ones added, the file's size and time recorded.
     */
    replaceFile(file: SourceFile, segments: Iterable<NewSegment>, now = Date.now()): AddResult {
        this.removeFile(file.file);
        const r = this.add(segments, now);
        this.files.set(file.file, {...file, segments: r.added + r.updated});
        this.version++;
        return r;
    }

    /**
     * The k best matches of `text` among the source sides, best first, each with score >= minScore (exact: no match
     * at or above minScore is missed). Ties: the newer segment first. The same source and target held from several
     * origins is returned once (the newest).
     */
    search(text: string, o: SearchOptions = {}): TmMatch[] {
        const k = o.k ?? 5;
        // ask for more than k so that ties can be ordered by time and repeated pairs dropped
        const hits = this.index.search(text, {k: 2 * k + 4, minScore: o.minScore});
        const sorted = hits
            .map((h) => ({segment: this.segments[h.id]!, score: h.score, id: h.id}))
            .sort((a, b) => b.score - a.score || b.segment.time - a.segment.time || b.id - a.id);
        const seen = new Set<string>();
        const out: TmMatch[] = [];
        for (const m of sorted) {
            const key = `${m.segment.source}\u0000${m.segment.target}`;
            if (seen.has(key)) continue;
            seen.add(key);
            out.push(m);
            if (out.length === k) break;
        }
        return out;
    }

    /** All live segments, in the order they were added. */
    *all(): IterableIterator<Segment> {
        for (const s of this.segments) if (s) yield s;
    }

    get(id: number): Segment | undefined { return this.segments[id]; }

    /** Counts per origin kind and per file (for `tm info` and the editor). */
    summary(): {segments: number; byKind: Record<Origin["kind"], number>; files: Map<string, number>} {
        const byKind = {file: 0, history: 0, corpus: 0};
        const files = new Map<string, number>();
        for (const s of this.all()) {
            byKind[s.origin.kind]++;
            if (s.origin.kind === "file") files.set(s.origin.file, (files.get(s.origin.file) ?? 0) + 1);
        }
        return {segments: this.size, byKind, files};
    }

    /** The index's sizes (for measurements). */
    indexStats() { return this.index.stats(); }

    /** Refuses to mix pairs: throws a clear error when `pair` is not this memory's. */
    expectPair(pair: LanguagePair, what = "this memory"): void {
        if (pair.src !== this.pair.src || pair.tgt !== this.pair.tgt) {
            throw new PolyspecError(`${what} is a translation memory for ${describePair(this.pair)}, not ${describePair(pair)}: use the memory of that pair (polyspec tm build/import --lang ${pair.tgt}${pair.src !== "en" ? ` --src ${pair.src}` : ""})`, "E_TM_PAIR");
        }
    }
}

export function describePair(p: LanguagePair): string {
    const name = (c: string) => isLanguageCode(c) ? languageByCode(c).name : c;
    return `${name(p.src)} -> ${name(p.tgt)} (${pairName(p)})`;
}

/** Identity of a segment within its origin: the same pair imported again from the same file (or history) is one. */
function contentKey(s: Segment): string {
    return `${s.source}\u0000${s.target}\u0000${s.origin.kind === "file" ? s.origin.file : s.origin.kind}`;
}
