/** Opens a target file (with its source, where the format keeps it apart) as a LocalizeDocument, by format. */
import path from "node:path";
import {PolyspecError} from "../core/errors";
import type {LocalizeDocument, LocalizeFormat} from "./document";
import {openJson} from "./formats/json";
import {openPo} from "./formats/po";
import {openXliff} from "./formats/xliff";

const FORMATS: Record<string, LocalizeFormat> = {".po": "po", ".pot": "po", ".json": "json", ".xlf": "xliff", ".xliff": "xliff", ".xlif": "xliff"};

/** The format of a file by its extension, or undefined. */
export function formatOfFile(file: string): LocalizeFormat | undefined {
    return FORMATS[path.extname(file).toLowerCase()];
}

export interface OpenDocumentOptions {
    target: {file: string; text: string};
    /** JSON: the source-language file (required); .po: a .pot template (optional); XLIFF: none. */
    source?: {file: string; text: string};
    lang: string;
    srcLang?: string;
    includeFuzzy?: boolean;
}

/** Parses and checks the files (a LocalizeInputError for a malformed one) and finds the entries to fill. */
export function openDocument(o: OpenDocumentOptions): LocalizeDocument {
    const format = formatOfFile(o.target.file);
    switch (format) {
        case "po":
            if (path.extname(o.target.file).toLowerCase() === ".pot") throw new PolyspecError(`${o.target.file} is a template (.pot): name the .po file of the language to fill (e.g. ${o.lang}.po), with --source ${path.basename(o.target.file)}`, "E_USAGE");
            if (o.source && path.extname(o.source.file).toLowerCase() !== ".pot") throw new PolyspecError(`the source of a .po file is its template (.pot) or its own msgids, not ${o.source.file}`, "E_USAGE");
            return openPo(o.target.file, o.target.text, o.lang, {includeFuzzy: o.includeFuzzy, srcLang: o.srcLang, ...(o.source ? {template: o.source} : {})});
        case "json":
            if (!o.source) throw new PolyspecError(`${o.target.file} needs its source-language file (e.g. en.json beside it, or --source FILE)`, "E_USAGE");
            return openJson(o.target.file, o.target.text, o.lang, {source: o.source, srcLang: o.srcLang});
        case "xliff":
            if (o.source) throw new PolyspecError(`an XLIFF file holds its source itself: no --source for ${o.target.file}`, "E_USAGE");
            return openXliff(o.target.file, o.target.text, o.lang, {includeFuzzy: o.includeFuzzy, srcLang: o.srcLang});
        default:
            throw new PolyspecError(`${o.target.file}: not a translation file Polyspec can fill (.po, .json, .xlf/.xliff)`, "E_USAGE");
    }
}
