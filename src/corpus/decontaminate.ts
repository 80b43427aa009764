/**
 * Decontamination: held-out text (test sources and references, story prompts) must never reach training text,
 * nor must a near-duplicate of it. Two strings are near-duplicates when their keys are equal: NFKC, lower-cased,
 * with every punctuation mark, symbol and space removed (Unicode aware, so "Ça va !" and "ça va" match, and
 * full-width CJK punctuation is removed too).
 */
export function normKey(s: string): string {
    return s.normalize("NFKC").toLowerCase().replace(/[\p{P}\p{S}\p{Z}\p{C}\s]+/gu, "");
}

/** The set of keys of every held-out text. */
export class HeldOut {
    private readonly keys = new Set<string>();
    add(text: string): void {
        const k = normKey(text);
        if (k) this.keys.add(k);
    }
    addKey(key: string): void {
        if (key) this.keys.add(key);
    }
    has(text: string): boolean {
        return this.keys.has(normKey(text));
    }
    hasKey(key: string): boolean {
        return this.keys.has(key);
    }
    get size(): number {
        return this.keys.size;
    }
}

export interface Contamination {
    /** The training file (or label) holding the line. */
    file: string;
    line: number;
    text: string;
}

/**
 * Checks training lines against held-out text: returns every training line whose key is held out. Used by the
 * build after writing and by the tests on the built files.
 */
export function findContamination(held: HeldOut, training: Iterable<{file: string; line: number; text: string}>, limit = 100): Contamination[] {
    const out: Contamination[] = [];
    for (const t of training) {
        if (held.has(t.text)) {
            out.push(t);
            if (out.length >= limit) break;
        }
    }
    return out;
}
