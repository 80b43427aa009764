import fs from "node:fs";
import path from "node:path";
import {cleanText} from "./clean";
import {emptyStats, type ReadStats} from "./wesnoth";

/** Debian fortunes-<lang>: quotes and jokes, entries separated by lines holding only "%". Monolingual. */
export function fortunesPackage(locale: string): string {
    return `fortunes-${locale}`;
}

export function fortunesMembers(locale: string): string[] {
    return [`./usr/share/games/fortunes/${locale}/*`];
}

/** What the free-form copyright files of some fortunes packages declare (the others are machine-readable). */
export function fortunesLicence(locale: string): string {
    return ({bg: "GPL-2+", it: "public domain (declared in debian/copyright)"} as Record<string, string>)[locale] ?? "see the package's copyright file";
}

const utf8 = new TextDecoder("utf-8", {fatal: true});

/** Every entry of every fortune file of the locale, one cleaned segment each; non-UTF-8 files are skipped. */
export function readFortunes(root: string, locale: string): {lines: string[]; stats: ReadStats} {
    const stats = emptyStats();
    const lines: string[] = [];
    const dir = path.join(root, "usr/share/games/fortunes", locale);
    if (!fs.existsSync(dir)) return {lines, stats};
    for (const f of fs.readdirSync(dir).sort()) {
        const p = path.join(dir, f);
        if (f.endsWith(".dat") || f.endsWith(".u8") || /ascii|art/i.test(f) || !fs.lstatSync(p).isFile()) continue;
        stats.files++;
        let text: string;
        try {
            text = utf8.decode(fs.readFileSync(p));
        } catch {
            stats.malformed++;
            stats.malformedFiles.push(`fortunes/${locale}/${f}: not UTF-8`);
            continue;
        }
        for (const entry of text.split(/^%\s*$/m)) {
            const s = cleanText(entry);
            if (s) lines.push(s);
        }
    }
    return {lines, stats};
}
