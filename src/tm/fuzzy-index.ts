/**
 * Fuzzy-match index: the top-k segments by sim (similarity.ts) to a query, EXACT for every match at or above a
 * minimum score t, in milliseconds over 100k segments (measurement and the alternatives it beat: docs/tm.md).
 *
 * Method: prefix filtering, as in exact set-similarity joins (AllPairs / PPJoin). Each text is a multiset of match
 * tokens; the element (token, occurrence) makes it a set ("the" twice = the#1, the#2). Since sim(a, b) <=
 * |A ∩ B| / max(|A|, |B|) (similarity.ts), a segment with sim >= t shares at least c = ceil(t |Q|) elements with
 * the query Q. Order Q's elements by how many segments hold them (rarest first): a segment sharing c of the |Q|
 * elements must hold one of the first |Q| - c + 1. So the candidates are the union of those (short) posting lists,
 * filtered by length (t |Q| <= |S| <= |Q| / t) and by the overlap bound, and verified by the real edit distance in
 * order of their bound, stopping once the bound falls below the k-th score found. No match >= t is missed.
 *
 *   segments: 0 "open the file", 1 "close the file", 2 "the cat"     query "open a file", t = 0.6
 *   |Q| = 3, c = ceil(1.8) = 2, prefix = the 2 rarest of {open#1, a#1, file#1} = a#1 (0 segments), open#1 ({0})
 *   -> candidate 0: overlap 2 ("open", "file"), bound 2/3; lev = 1 ("the" vs "a") -> sim 0.67  -> [0: 0.67]
 *   (segment 1 has sim 0.33 and is never looked at.)
 */
import {editDistance, matchTokens} from "./similarity";

export interface IndexHit {
    /** Document id: the order in which texts were added (0, 1, ...). */
    id: number;
    score: number;
}

export interface SearchOptions {
    /** How many matches at most (default 5). */
    k?: number;
    /** Matches below this score are not returned (default 0.5; 0 < minScore <= 1). */
    minScore?: number;
}

export interface IndexStats {
    segments: number;
    tokens: number;
    vocabulary: number;
    /** Distinct (token, occurrence) elements = posting lists. */
    elements: number;
    /** Approximate bytes of the typed arrays (token ids, posting lists, offsets). */
    bytes: number;
}

class Ints {
    data: Int32Array;
    length = 0;
    constructor(capacity = 4) { this.data = new Int32Array(capacity); }
    push(v: number): void {
        if (this.length === this.data.length) {
            const next = new Int32Array(this.data.length * 2);
            next.set(this.data);
            this.data = next;
        }
        this.data[this.length++] = v;
    }
}

const EPS = 1e-9;
/**
 * Element key of the o-th occurrence (1-based) of token id `tok`, a small integer (fast Map key) while the vocabulary
 * has under 4M words; occurrences past the 255th of one word in one text share an element (such texts may be missed
 * by the candidate filter; none are in practice).
 */
const elementKey = (tok: number, o: number) => tok * 256 + Math.min(o, 255);

export class FuzzyIndex {
    private readonly vocab = new Map<string, number>();
    private readonly tokens = new Ints(1024);
    /** starts[i] = offset of document i's tokens; starts[n] = tokens.length */
    private readonly starts = new Ints(1024);
    private readonly postings = new Map<number, Ints>();
    private deleted = new Uint8Array(1024);
    private stamp = new Int32Array(1024);
    private stampNow = 0;
    private scratch = new Int32Array(1024);
    private removedCount = 0;

    constructor(readonly noSpaces = false) {
        this.starts.push(0);
    }

    /** Documents added (removed ones included: ids are never reused). */
    get size(): number { return this.starts.length - 1; }
    get live(): number { return this.size - this.removedCount; }

    /** Adds a text; returns its id (= the number of texts added before it). */
    add(text: string): number {
        const id = this.size;
        const from = this.tokens.length;
        for (const t of matchTokens(text, this.noSpaces)) {
            let tok = this.vocab.get(t);
            if (tok === undefined) this.vocab.set(t, tok = this.vocab.size);
            this.tokens.push(tok);
        }
        this.growScratch();
        const toks = this.tokens.data, scratch = this.scratch;
        for (let i = from; i < this.tokens.length; i++) {
            const tok = toks[i];
            const key = elementKey(tok, ++scratch[tok]);
            let list = this.postings.get(key);
            if (!list) this.postings.set(key, list = new Ints(2));
            list.push(id);
        }
        for (let i = from; i < this.tokens.length; i++) scratch[toks[i]] = 0;
        this.starts.push(this.tokens.length);
        if (id >= this.deleted.length) {
            const d = new Uint8Array(this.deleted.length * 2);
            d.set(this.deleted);
            this.deleted = d;
        }
        return id;
    }

    /** Excludes a document from results (its id stays taken). */
    remove(id: number): void {
        if (id < 0 || id >= this.size || this.deleted[id]) return;
        this.deleted[id] = 1;
        this.removedCount++;
    }

    isRemoved(id: number): boolean { return this.deleted[id] === 1; }

    /** Top-k documents by sim to `text`, best first (ties: the later added first); exact for scores >= minScore. */
    search(text: string, o: SearchOptions = {}): IndexHit[] {
        const k = o.k ?? 5, t = o.minScore ?? 0.5;
        if (!(t > 0 && t <= 1)) throw new RangeError(`minScore must be in (0, 1], got ${t}`);
        if (k <= 0) return [];
        const q = matchTokens(text, this.noSpaces).map((s) => this.vocab.get(s) ?? -1);
        const n = q.length;
        if (n === 0) return [];
        const need = Math.max(1, Math.ceil(t * n - EPS));
        // the query's elements, rarest first
        const seen = new Map<number, number>();
        const elems: {key: number; df: number}[] = [];
        for (const tok of q) {
            if (tok < 0) { elems.push({key: -1, df: 0}); continue; }
            const occ = (seen.get(tok) ?? 0) + 1;
            seen.set(tok, occ);
            const key = elementKey(tok, occ);
            elems.push({key, df: this.postings.get(key)?.length ?? 0});
        }
        elems.sort((a, b) => a.df - b.df || a.key - b.key);
        const lenMin = Math.ceil(t * n - EPS), lenMax = Math.floor(n / t + EPS);

        this.growScratch();
        const stampNow = ++this.stampNow;
        const scratch = this.scratch;
        for (const tok of q) if (tok >= 0) scratch[tok]++;
        const cands: {id: number; bound: number}[] = [];
        const starts = this.starts.data, toks = this.tokens.data;
        for (let e = 0; e < n - need + 1; e++) {
            const list = elems[e].key < 0 ? undefined : this.postings.get(elems[e].key);
            if (!list) continue;
            const ids = list.data;
            for (let p = 0; p < list.length; p++) {
                const id = ids[p];
                if (this.stamp[id] === stampNow) continue;
                this.stamp[id] = stampNow;
                if (this.deleted[id]) continue;
                const s = starts[id], m = starts[id + 1] - s;
                if (m < lenMin || m > lenMax) continue;
                let overlap = 0;
                for (let i = s; i < s + m; i++) if (scratch[toks[i]]-- > 0) overlap++;
                for (let i = s; i < s + m; i++) scratch[toks[i]]++;
                const bound = overlap / Math.max(n, m);
                if (bound + EPS >= t) cands.push({id, bound});
            }
        }
        for (const tok of q) if (tok >= 0) scratch[tok]--;
        cands.sort((a, b) => b.bound - a.bound || b.id - a.id);
        const best: IndexHit[] = [];
        const qa = Int32Array.from(q);
        for (const c of cands) {
            const floor = best.length >= k ? best[best.length - 1].score : t;
            if (c.bound + EPS < floor) break;
            const s = starts[c.id], m = starts[c.id + 1] - s;
            const score = 1 - editDistance(qa, toks.subarray(s, s + m)) / Math.max(n, m);
            if (score + EPS < t) continue;
            best.push({id: c.id, score});
            best.sort((a, b) => b.score - a.score || b.id - a.id);
            if (best.length > k) best.pop();
        }
        return best;
    }

    /** The brute-force answer (every live document scored): the reference the index is tested and measured against. */
    searchBruteForce(text: string, o: SearchOptions = {}): IndexHit[] {
        const k = o.k ?? 5, t = o.minScore ?? 0.5;
        const q = Int32Array.from(matchTokens(text, this.noSpaces).map((s) => this.vocab.get(s) ?? -1));
        if (q.length === 0) return [];
        const all: IndexHit[] = [];
        const starts = this.starts.data, toks = this.tokens.data;
        for (let id = 0; id < this.size; id++) {
            if (this.deleted[id]) continue;
            const s = starts[id], m = starts[id + 1] - s;
            const score = 1 - editDistance(q, toks.subarray(s, s + m)) / Math.max(q.length, m);
            if (score + EPS >= t) all.push({id, score});
        }
        return all.sort((a, b) => b.score - a.score || b.id - a.id).slice(0, k);
    }

    stats(): IndexStats {
        let bytes = this.tokens.data.byteLength + this.starts.data.byteLength + this.deleted.byteLength + this.stamp.byteLength + this.scratch.byteLength;
        for (const l of this.postings.values()) bytes += l.data.byteLength + 48; // + object and map entry
        return {segments: this.live, tokens: this.tokens.length, vocabulary: this.vocab.size, elements: this.postings.size, bytes};
    }

    private growScratch(): void {
        if (this.scratch.length < this.vocab.size) {
            let n = this.scratch.length;
            while (n < this.vocab.size) n *= 2;
            this.scratch = new Int32Array(n);
        }
        if (this.stamp.length < this.size) {
            let n = this.stamp.length;
            while (n < this.size) n *= 2;
            const s = new Int32Array(n);
            s.set(this.stamp);
            this.stamp = s;
        }
    }
}
