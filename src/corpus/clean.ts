/**
 * Turning raw catalogue, HTML and description text into training segments: Unicode NFC, markup stripped,
 * whitespace collapsed, one segment a line; plus the filters that decide what counts as a segment at all.
 */

const ENTITIES: Record<string, string> = {
    amp: "&", lt: "<", gt: ">", quot: "\"", apos: "'", nbsp: " ", ndash: "–", mdash: "—", hellip: "…",
    laquo: "«", raquo: "»", lsquo: "‘", rsquo: "’", ldquo: "“", rdquo: "”", copy: "©", reg: "®", trade: "™",
    shy: "", zwj: "\u200d", zwnj: "\u200c", times: "×", middot: "·", bull: "•", deg: "°",
};

export function decodeEntities(s: string): string {
    return s.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (m, e: string) => {
        if (e[0] === "#") {
            const cp = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
            return Number.isFinite(cp) && cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : "";
        }
        return ENTITIES[e] ?? m;
    });
}

/** Removes HTML/Pango-style tags (<i>, <span ...>, <br/>) and decodes entities. */
export function stripMarkup(s: string): string {
    return decodeEntities(s.replace(/<br\s*\/?>/gi, " ").replace(/<\/?[a-zA-Z][^<>]*>/g, ""));
}

/**
 * NFC, markup stripped, control characters dropped, all whitespace (newlines included) collapsed to one space.
 * The result never holds a newline, so it is safe as one line of a training file.
 */
export function cleanText(s: string): string {
    return stripMarkup(s)
        .normalize("NFC")
        .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\u00ad\ufeff\u200b]/g, "")
        .replace(/[\s\u2028\u2029]+/g, " ")
        .trim();
}

/** Template and markup leftovers that make a string unfit as natural text ($var, {MACRO}, [tag], @, ~). */
export function hasPlaceholders(s: string): boolean {
    return /\$[A-Za-z_{]|\{[A-Za-z_]|\[\/?[a-z_]+[\]=\s]|%[0-9]*[sdu]|%\(|<[a-zA-Z/]|&[a-z]+;|\\[nt]|~[A-Z]|\b(?:https?|ftp):\/\//.test(s);
}

/** Letters in the string (any script). */
export function letterCount(s: string): number {
    let n = 0;
    for (const _ of s.matchAll(/\p{L}/gu)) n++;
    return n;
}

export function wordCount(s: string): number {
    return s.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
}

/**
 * Whether a cleaned line is worth keeping as monolingual training text: enough letters for its script (CJK
 * characters carry more per character), and not mostly digits or symbols.
 */
export function isTextSegment(s: string, noSpaces: boolean): boolean {
    const letters = letterCount(s);
    if (letters < (noSpaces ? 4 : 8)) return false;
    return letters >= 0.5 * [...s.replace(/\s/g, "")].length;
}

/** Keeps the first occurrence of each exact string, in order. */
export function dedupe(lines: Iterable<string>): string[] {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const l of lines) {
        if (seen.has(l)) continue;
        seen.add(l);
        out.push(l);
    }
    return out;
}
