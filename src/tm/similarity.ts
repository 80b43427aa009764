/**
 * Fuzzy-match similarity, defined once: the word edit distance between two source texts, normalised to 0..1.
 *
 *   sim(a, b) = 1 - lev(A, B) / max(|A|, |B|)
 *
 * where A and B are the texts' match tokens (below), lev is the Levenshtein distance over tokens (insert, delete,
 * substitute a whole token, each cost 1), and |A| the number of tokens. 1 = same tokens in the same order;
 * 0.6 = at most 40% of the longer text's tokens must change. Two texts without any token (punctuation only)
 * score 1 when they are equal and 0 otherwise.
 *
 * Match tokens: the text NFKC-normalised and lower-cased; inline markup (`<g id="1">`, `</b>`), placeholders
 * (`{name}`, `%s`, `%1$d`, `${x}`, `{{x}}`) and words (runs of letters, marks, digits and `_`) are tokens; punctuation
 * and spaces are not. For languages written without spaces (Chinese, Japanese: core/languages.ts `noSpaces`), each
 * letter or digit is a token of its own, so the distance is over characters.
 *
 * Useful bound (exact, used by the index): every token of the longer text that is not edited is matched by an equal
 * token of the other, so lev(A, B) >= max(|A|, |B|) - |A ∩ B| (multiset intersection), hence
 * sim(a, b) <= |A ∩ B| / max(|A|, |B|).
 */

const MARKUP = String.raw`<\/?[A-Za-z][^<>]{0,200}>|\{\{[^{}]{1,100}\}\}|\$\{[^{}]{1,100}\}|\{[^{}\s]{1,100}\}|%(?:\d+\$)?[-+0#]*\d*(?:\.\d+)?[sdifuxXeEgGc@%]`;
const WORDS = new RegExp(`${MARKUP}|[\\p{L}\\p{M}\\p{N}_]+`, "gu");
const CHARS = new RegExp(`${MARKUP}|[\\p{L}\\p{N}_][\\p{M}]*`, "gu");

/** The match tokens of a text (see the module comment). `noSpaces`: one token per letter (Chinese, Japanese). */
export function matchTokens(text: string, noSpaces = false): string[] {
    const t = text.normalize("NFKC").toLowerCase();
    return t.match(noSpaces ? CHARS : WORDS) ?? [];
}

/** Levenshtein distance over two sequences of token ids, one row of memory. */
export function editDistance(a: ArrayLike<number>, b: ArrayLike<number>): number {
    if (a.length < b.length) [a, b] = [b, a];
    const m = b.length;
    if (m === 0) return a.length;
    const row = new Int32Array(m + 1);
    for (let j = 0; j <= m; j++) row[j] = j;
    for (let i = 1; i <= a.length; i++) {
        let diag = row[0];
        row[0] = i;
        const ai = a[i - 1];
        for (let j = 1; j <= m; j++) {
            const up = row[j];
            const sub = diag + (ai === b[j - 1] ? 0 : 1);
            const best = Math.min(sub, up + 1, row[j - 1] + 1);
            diag = up;
            row[j] = best;
        }
    }
    return row[m];
}

/** sim over token id sequences; `equalText` decides the case of two empty sequences. */
export function similarityOfTokens(a: ArrayLike<number>, b: ArrayLike<number>, equalText = false): number {
    const n = Math.max(a.length, b.length);
    if (n === 0) return equalText ? 1 : 0;
    return 1 - editDistance(a, b) / n;
}

/** sim(a, b) of two texts (the module comment's formula). */
export function similarity(a: string, b: string, noSpaces = false): number {
    const ta = matchTokens(a, noSpaces), tb = matchTokens(b, noSpaces);
    const ids = new Map<string, number>();
    const id = (t: string) => { let v = ids.get(t); if (v === undefined) ids.set(t, v = ids.size); return v; };
    return similarityOfTokens(ta.map(id), tb.map(id), a.normalize("NFKC").toLowerCase().trim() === b.normalize("NFKC").toLowerCase().trim());
}

/** One difference between an earlier source text and a new one, in the new text's words. */
export interface Change {
    /** The earlier text's words (empty: the new text adds `now`). */
    was: string;
    /** The new text's words (empty: the new text leaves `was` out). */
    now: string;
    /** The unchanged word just before the change and just after it (in the new text), where there is one. */
    before?: string;
    after?: string;
}

/**
 * The differences between an earlier source and a new one, as runs of changed words (from a minimal word edit
 * script; equal words split the runs), each with the unchanged word around it. Words are shown as they are written
 * in each text (original case), so that a prompt can name them: `[{was: "Bob", now: "Alice", after: "bought"},
 * {was: "5", now: "7", before: "bought", after: "apples"}]`.
 */
export function wordChanges(earlier: string, now: string, noSpaces = false): Change[] {
    const a = surfaceTokens(earlier, noSpaces), b = surfaceTokens(now, noSpaces);
    const n = a.length, m = b.length;
    // full DP table (texts of a prompt are short) for a backtrace
    const d: Int32Array[] = [];
    for (let i = 0; i <= n; i++) {
        d.push(new Int32Array(m + 1));
        for (let j = 0; j <= m; j++) {
            if (i === 0) d[i][j] = j;
            else if (j === 0) d[i][j] = i;
            else d[i][j] = Math.min(d[i - 1][j - 1] + (a[i - 1].key === b[j - 1].key ? 0 : 1), d[i - 1][j] + 1, d[i][j - 1] + 1);
        }
    }
    const ops: {was?: string; now?: string; same?: string}[] = [];
    let i = n, j = m;
    while (i > 0 || j > 0) {
        if (i > 0 && j > 0 && a[i - 1].key === b[j - 1].key && d[i][j] === d[i - 1][j - 1]) { ops.push({same: b[j - 1].text}); i--; j--; }
        else if (i > 0 && j > 0 && d[i][j] === d[i - 1][j - 1] + 1) { ops.push({was: a[i - 1].text, now: b[j - 1].text}); i--; j--; }
        else if (i > 0 && d[i][j] === d[i - 1][j] + 1) { ops.push({was: a[i - 1].text}); i--; }
        else { ops.push({now: b[j - 1].text}); j--; }
    }
    ops.reverse();
    const out: Change[] = [];
    let cur: {was: string[]; now: string[]; before?: string} | undefined;
    let lastSame: string | undefined;
    const sep = noSpaces ? "" : " ";
    const flush = (after?: string) => {
        if (!cur) return;
        const c: Change = {was: cur.was.join(sep), now: cur.now.join(sep)};
        if (cur.before !== undefined) c.before = cur.before;
        if (after !== undefined) c.after = after;
        out.push(c);
        cur = undefined;
    };
    for (const op of ops) {
        if (op.same !== undefined) { flush(op.same); lastSame = op.same; continue; }
        cur ??= {was: [], now: [], before: lastSame};
        if (op.was !== undefined) cur.was.push(op.was);
        if (op.now !== undefined) cur.now.push(op.now);
    }
    flush();
    return out;
}

/** Tokens with their original spelling (for showing) and their match key (for comparing). */
function surfaceTokens(text: string, noSpaces: boolean): {text: string; key: string}[] {
    const re = noSpaces ? CHARS : WORDS;
    const out: {text: string; key: string}[] = [];
    for (const m of text.normalize("NFKC").matchAll(new RegExp(re.source, "gu"))) out.push({text: m[0], key: m[0].toLowerCase()});
    return out;
}
