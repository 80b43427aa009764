/**
 * Finds the source / target pair of a file by convention:
 * - XLIFF (.xlf, .xliff): one file holds both.
 * - gettext: a .po is the target (its msgids the source; --source names a .pot whose entries the .po lacks are
 *   added); given a .pot, the target is <lang>.po beside it, <dir>/<lang>/LC_MESSAGES/<name>.po, <name>-<lang>.po or
 *   <name>.<lang>.po.
 * - i18n JSON, named for the language: <dir>/en.json <-> <dir>/de.json (also en-US.json, de_DE.json), or in folders
 *   named for it: .../en/<rest> <-> .../de/<rest> (locales/en/common.json). Either side may be given; a target that
 *   does not exist yet is created (with the source's layout) when the job writes.
 */
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {normalizeLang} from "../tm/segment";
import type {LocalizeFormat} from "./document";
import {formatOfFile} from "./open";

export interface LocalizePair {
    format: LocalizeFormat;
    target: string;
    /** JSON: the source-language file; .po: a template (optional); XLIFF: none. */
    source?: string;
    lang: string;
    srcLang: string;
    /** The target does not exist yet (JSON): it is created. */
    create: boolean;
}

export interface FindPairOptions {
    lang: string;
    /** An explicit source file (--source). */
    source?: string;
    srcLang?: string;
}

function langOfName(name: string): string | undefined {
    if (!/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})?$/.test(name)) return undefined;
    try { return normalizeLang(name); } catch { return undefined; }
}

function exists(p: string): boolean {
    try { return fs.statSync(p).isFile(); } catch { return false; }
}

function isDir(p: string): boolean {
    try { return fs.statSync(p).isDirectory(); } catch { return false; }
}

export function findPair(file: string, o: FindPairOptions): LocalizePair {
    const lang = normalizeLang(o.lang), srcLang = normalizeLang(o.srcLang ?? "en");
    const format = formatOfFile(file);
    if (!format) throw new PolyspecError(`${file}: not a translation file Polyspec can fill (.po, .pot, .json, .xlf, .xliff)`, "E_USAGE");
    if (o.source && !exists(o.source)) throw new PolyspecError(`--source ${o.source}: no such file`, "E_USAGE");
    if (format === "xliff") {
        if (o.source) throw new PolyspecError(`an XLIFF file holds its source itself: no --source for ${file}`, "E_USAGE");
        if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
        return {format, target: file, lang, srcLang, create: false};
    }
    if (format === "po") {
        if (path.extname(file).toLowerCase() === ".pot") {
            if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
            const dir = path.dirname(file), name = path.basename(file, ".pot");
            const candidates = [path.join(dir, `${lang}.po`), path.join(dir, lang, "LC_MESSAGES", `${name}.po`), path.join(dir, `${name}-${lang}.po`), path.join(dir, `${name}.${lang}.po`)];
            const target = candidates.find(exists);
            if (!target) throw new PolyspecError(`no ${lang} .po file for the template ${file} (looked for ${candidates.map((c) => path.relative(dir, c) || c).join(", ")}): create one with 'msginit -l ${lang} -i ${file}'`, "E_USAGE");
            return {format, target, source: file, lang, srcLang, create: false};
        }
        if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
        if (o.source && path.extname(o.source).toLowerCase() !== ".pot") throw new PolyspecError(`--source for a .po file is its template (.pot), not ${o.source}`, "E_USAGE");
        return {format, target: file, ...(o.source ? {source: o.source} : {}), lang, srcLang, create: false};
    }
    // JSON
    if (o.source) {
        if (path.resolve(o.source) === path.resolve(file)) throw new PolyspecError(`--source and the file are the same (${file})`, "E_USAGE");
        return {format, target: file, source: o.source, lang, srcLang, create: !exists(file)};
    }
    const dir = path.dirname(file), ext = path.extname(file), base = path.basename(file, ext);
    const byName = langOfName(base);
    const sibling = (want: string) => (fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []).find((n) => path.extname(n).toLowerCase() === ".json" && langOfName(path.basename(n, path.extname(n))) === want);
    if (byName === srcLang || byName === lang) {
        if (byName === lang) {
            const src = sibling(srcLang);
            if (!src) throw new PolyspecError(`no ${srcLang} file beside ${file} to translate from (looked for ${srcLang}.json in ${dir}): name it with --source FILE`, "E_USAGE");
            if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
            return {format, target: file, source: path.join(dir, src), lang, srcLang, create: false};
        }
        if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
        const tgt = sibling(lang);
        const target = tgt ? path.join(dir, tgt) : path.join(dir, `${lang}${ext}`);
        return {format, target, source: file, lang, srcLang, create: !tgt};
    }
    // a name that only looks like a code ("app.json", "web.json") may sit in a folder named for the language
    // a folder named for the language, anywhere above the file
    const parts = path.resolve(file).split(path.sep);
    for (let i = parts.length - 2; i >= 1; i--) {
        const l = langOfName(parts[i]);
        if (l !== srcLang && l !== lang) continue;
        const parent = parts.slice(0, i).join(path.sep) || path.sep;
        const rest = parts.slice(i + 1);
        const mateDir = (fs.existsSync(parent) ? fs.readdirSync(parent).sort() : []).find((n) => langOfName(n) === (l === lang ? srcLang : lang) && isDir(path.join(parent, n)));
        if (l === lang) {
            if (!mateDir) throw new PolyspecError(`no ${srcLang} folder beside ${path.join(parent, parts[i])} to translate from: name the source with --source FILE`, "E_USAGE");
            const source = path.join(parent, mateDir, ...rest);
            if (!exists(source)) throw new PolyspecError(`no ${path.join(mateDir, ...rest)} to translate ${file} from: name the source with --source FILE`, "E_USAGE");
            if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
            return {format, target: file, source, lang, srcLang, create: false};
        }
        if (!exists(file)) throw new PolyspecError(`${file}: no such file`, "E_USAGE");
        const target = path.join(parent, mateDir ?? lang, ...rest);
        return {format, target, source: file, lang, srcLang, create: !exists(target)};
    }
    if (byName) throw new PolyspecError(`${file} is named for the language "${byName}", neither ${srcLang} nor ${lang}: give --lang ${byName}, or --source FILE`, "E_USAGE");
    throw new PolyspecError(`cannot tell the language of ${file}: name it <lang>.json (en.json, de.json), put it in a <lang>/ folder, or give --source FILE`, "E_USAGE");
}
