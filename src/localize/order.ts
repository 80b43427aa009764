/**
 * The order in which a job translates its texts. "similar": greedy nearest neighbour over the translation memory's
 * similarity (src/tm/similarity.ts): start with the first text in file order, then always take the remaining text most
 * similar to the one just translated (sim >= NEIGHBOUR_MIN_SCORE; ties: file order); where none is similar enough, the
 * next remaining one in file order. As the job adds every finished text to its memory, a text then has its nearest
 * neighbour's fresh translation as a match: as an example in the prompt and as a draft source for the TM drafter.
 * Candidates come from the exact fuzzy index (src/tm/fuzzy-index.ts), so the order costs about one memory query per text.
 */
import {FuzzyIndex} from "../tm/fuzzy-index";

/** Least similarity for a text to follow another (below it, file order decides). */
export const NEIGHBOUR_MIN_SCORE = 0.3;

export type JobOrder = "similar" | "file";

/** Indices of `texts` in translation order. */
export function translationOrder(texts: readonly string[], order: JobOrder, noSpaces = false): number[] {
    if (order === "file" || texts.length < 3) return texts.map((_, i) => i);
    const index = new FuzzyIndex(noSpaces);
    for (const t of texts) index.add(t);
    const left = new Set(texts.map((_, i) => i));
    const out: number[] = [];
    let next = 0;
    let cursor = 0; // the first index that may still be left, for the file-order fallback
    while (left.size) {
        out.push(next);
        left.delete(next);
        index.remove(next);
        if (!left.size) break;
        const hits = index.search(texts[next], {k: 8, minScore: NEIGHBOUR_MIN_SCORE}).filter((h) => left.has(h.id));
        hits.sort((a, b) => b.score - a.score || a.id - b.id);
        if (hits.length) next = hits[0].id;
        else {
            while (!left.has(cursor)) cursor++;
            next = cursor;
        }
    }
    return out;
}
