import {cleanText} from "./clean";
import type {Pair} from "./wesnoth";

/**
 * Debian package descriptions and their DDTP translations (Translation-<locale> indexes). Entries are joined on
 * Description-md5; a description is its one-line summary plus paragraphs separated by lines holding only " .".
 */
export const DDTP_LICENCE = "each package's own licence (Debian main: DFSG-free)";

export interface Description {
    pkg: string;
    summary: string;
    paragraphs: string[];
}

/** Joins wrapped lines: with a space, or with nothing between two CJK characters when noSpaces. */
function joinLines(lines: string[], noSpaces: boolean): string {
    let out = "";
    for (const l of lines) {
        if (!out) out = l;
        else if (noSpaces && /[^\x00-\x7f]$/.test(out) && /^[^\x00-\x7f]/.test(l)) out += l;
        else out += " " + l;
    }
    return out;
}

export function parseDdtp(text: string, noSpaces = false): Map<string, Description> {
    const out = new Map<string, Description>();
    for (const block of text.split(/\n\s*\n/)) {
        const pkg = /^Package: (.+)$/m.exec(block)?.[1]?.trim();
        const md5 = /^Description-md5: ([0-9a-f]{32})$/m.exec(block)?.[1];
        const d = /^Description-[A-Za-z_]+: (.*)\n?((?: .*(?:\n|$))*)/m.exec(block);
        if (!pkg || !md5 || !d || out.has(md5)) continue;
        const paragraphs: string[] = [];
        let cur: string[] = [];
        for (const raw of d[2]!.split("\n")) {
            if (!raw.startsWith(" ")) continue;
            const line = raw.slice(1);
            if (line.trim() === ".") {
                if (cur.length) paragraphs.push(cleanText(joinLines(cur, noSpaces)));
                cur = [];
            } else cur.push(line.trim());
        }
        if (cur.length) paragraphs.push(cleanText(joinLines(cur, noSpaces)));
        out.set(md5, {pkg, summary: cleanText(d[1]!), paragraphs: paragraphs.filter(Boolean)});
    }
    return out;
}

/** Summary pairs, and paragraph pairs where both sides have the same number of paragraphs. */
export function pairDdtp(en: Map<string, Description>, xx: Map<string, Description>): Pair[] {
    const pairs: Pair[] = [];
    for (const [md5, t] of xx) {
        const s = en.get(md5);
        if (!s) continue;
        const origin = `ddtp:${t.pkg}`;
        if (s.summary && t.summary && s.summary !== t.summary) pairs.push({en: s.summary, tgt: t.summary, origin});
        if (s.paragraphs.length !== t.paragraphs.length) continue;
        s.paragraphs.forEach((p, i) => {
            const q = t.paragraphs[i]!;
            if (p && q && p !== q) pairs.push({en: p, tgt: q, origin});
        });
    }
    return pairs;
}
