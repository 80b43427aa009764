import fs from "node:fs";
import path from "node:path";
import {cleanText} from "./clean";
import {emptyStats, type Pair, type ReadStats} from "./wesnoth";

/**
 * LibreOffice help (Debian libreoffice-help-<lang>): HTML pages under usr/share/libreoffice/help/<lang>/text/,
 * the same relative paths in every language. Paragraphs and headings carry stable id attributes, so a pair is
 * the text of the <p>/<h1..h6> elements with the same path and id in English and in the target language.
 */
export const LIBREOFFICE_LICENCE = "MPL-2.0";
export const LIBREOFFICE_EN = "en-US";

export function libreofficePackage(locale: string): string {
    return `libreoffice-help-${locale.toLowerCase()}`;
}

export function libreofficeMembers(locale: string): string[] {
    return [`./usr/share/libreoffice/help/${locale}/text/*`];
}

export class HtmlFormatError extends Error {
    override name = "HtmlFormatError";
}

const utf8 = new TextDecoder("utf-8", {fatal: true});

/**
 * The text of every <p>/<h1..h6> element with an id, by id (first occurrence wins). Throws HtmlFormatError for a
 * page that is not UTF-8, is not an HTML document, or whose paragraph tags do not balance.
 */
export function helpParagraphs(bytes: Uint8Array): Map<string, string> {
    let html: string;
    try {
        html = utf8.decode(bytes);
    } catch {
        throw new HtmlFormatError("not UTF-8");
    }
    if (!/<html[\s>]/i.test(html)) throw new HtmlFormatError("no <html> element");
    const opens = (html.match(/<p[\s>]/g) ?? []).length, closes = (html.match(/<\/p>/g) ?? []).length;
    if (opens !== closes) throw new HtmlFormatError(`unbalanced paragraphs (${opens} <p>, ${closes} </p>)`);
    const out = new Map<string, string>();
    for (const m of html.matchAll(/<(p|h[1-6])\s([^>]*)>([\s\S]*?)<\/\1>/g)) {
        const id = /\bid="([^"]+)"/.exec(m[2]!)?.[1];
        if (!id || out.has(id)) continue;
        out.set(id, cleanText(m[3]!));
    }
    return out;
}

function helpFiles(textDir: string): string[] {
    const out: string[] = [];
    const walk = (rel: string) => {
        const abs = path.join(textDir, rel);
        for (const e of fs.readdirSync(abs, {withFileTypes: true}).sort((a, b) => (a.name < b.name ? -1 : 1))) {
            const r = rel ? `${rel}/${e.name}` : e.name;
            if (e.isDirectory()) walk(r);
            else if (e.name.endsWith(".html")) out.push(r);
        }
    };
    if (fs.existsSync(textDir)) walk("");
    return out;
}

export function helpTextDir(root: string, locale: string): string {
    return path.join(root, "usr/share/libreoffice/help", locale, "text");
}

/** Pairs of the English help (under enRoot) and the `locale` help (under root), by relative path and id. */
export function pairHelp(enRoot: string, root: string, locale: string): {pairs: Pair[]; stats: ReadStats} {
    const stats = emptyStats();
    const pairs: Pair[] = [];
    const enDir = helpTextDir(enRoot, LIBREOFFICE_EN), xxDir = helpTextDir(root, locale);
    for (const rel of helpFiles(xxDir)) {
        const enFile = path.join(enDir, rel);
        if (!fs.existsSync(enFile)) continue;
        stats.files++;
        let en: Map<string, string>, xx: Map<string, string>;
        try {
            en = helpParagraphs(fs.readFileSync(enFile));
        } catch (e) {
            if (!(e instanceof HtmlFormatError)) throw e;
            stats.malformed++;
            stats.malformedFiles.push(`${LIBREOFFICE_EN}/text/${rel}: ${e.message}`);
            continue;
        }
        try {
            xx = helpParagraphs(fs.readFileSync(path.join(xxDir, rel)));
        } catch (e) {
            if (!(e instanceof HtmlFormatError)) throw e;
            stats.malformed++;
            stats.malformedFiles.push(`${locale}/text/${rel}: ${e.message}`);
            continue;
        }
        for (const [id, tgt] of xx) {
            const src = en.get(id);
            if (!src || !tgt) continue;
            if (src === tgt) {
                stats.untranslated++;
                continue;
            }
            pairs.push({en: src, tgt, origin: `libreoffice:${rel}#${id}`});
        }
    }
    return {pairs, stats};
}
