/**
 * A model's answer -> the translation of one entry. Small instruction models wrap answers in quotes, add a label
 * ("German: ...") or a second paragraph of comment; an entry's translation must also start and end with the same
 * whitespace as its source (a label "Name: " keeps its trailing space, gettext requires matching line breaks).
 */
import {languageByCode, isLanguageCode} from "../core/languages";

const QUOTES: [string, string][] = [["\"", "\""], ["“", "”"], ["„", "“"], ["«", "»"], ["»", "«"], ["'", "'"], ["「", "」"], ["『", "』"], ["‘", "’"]];

export function cleanOutput(source: string, output: string, lang: string): string {
    let t = output.replace(/\r\n/g, "\n").trim();
    // a label before the answer
    const names = ["translation", "übersetzung", ...(isLanguageCode(lang) ? [languageByCode(lang).name, languageByCode(lang).native] : [])].map((n) => n.toLowerCase());
    const label = /^([^\n:：]{2,30})[:：]\s*/.exec(t);
    if (label && names.includes(label[1].trim().toLowerCase()) && !source.trim().toLowerCase().startsWith(label[1].trim().toLowerCase())) t = t.slice(label[0].length);
    const src = source.trim();
    // an introduction on a line of its own ("Here is the translation:")
    const lines = t.split("\n");
    if (lines.length > 1 && /[:：]\s*$/.test(lines[0]) && !/[:：]\s*$/.test(src.split("\n")[0])) t = lines.slice(1).join("\n").trim();
    // a single-line source has a single-line translation: the rest is comment
    if (!src.includes("\n") && t.includes("\n")) t = t.split("\n").find((l) => l.trim())!.trim();
    else if (!/\n\s*\n/.test(src) && /\n\s*\n/.test(t)) t = t.split(/\n\s*\n/)[0].trim();
    // quotes around the whole answer that the source does not have
    for (const [a, b] of QUOTES) {
        if (t.length > 2 && t.startsWith(a) && t.endsWith(b) && !(src.startsWith(a) && src.endsWith(b)) && !t.slice(1, -1).includes(b)) { t = t.slice(1, -1).trim(); break; }
    }
    const lead = /^\s*/.exec(source)![0], trail = /\s*$/.exec(source)![0];
    return t ? lead + t + (source.trim() ? trail : "") : "";
}
