/**
 * The logic of "Translate Missing Entries" without the editor (pure: no vscode): which language a translation file
 * is for, what the progress notification and the summary say. The command itself: src/vscode/localize.ts.
 */
import path from "node:path";
import {canonicalLanguageCode} from "../../core/languages";
import {detectEol} from "../../localize/document";
import type {JobSummary} from "../../localize/job";
import {formatOfFile} from "../../localize/open";
import {normalizeLang} from "../../tm/segment";

/** vscode.l10n.t, or a stand-in in tests. */
export type Translate = (message: string, ...args: (string | number)[]) => string;

/** A language tag as Polyspec's language code ("de_DE" -> "de", "zh-TW" -> "zh-Hant"), or undefined. */
function codeOf(tag: string | undefined): string | undefined {
    if (!tag || !/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/.test(tag.trim())) return undefined;
    try {
        return canonicalLanguageCode(normalizeLang(tag.trim()));
    } catch {
        return undefined;
    }
}

/**
 * The language a translation file is FOR (its target language), as it declares it or as it is named, or undefined
 * (then the user picks one). Never the source language `srcLang`: en.json or locales/en/x.json tell nothing.
 * - XLIFF: target-language (1.2) / trgLang (2.0);
 * - gettext: the header's "Language: de", else the file name (de.po) or a <lang>/LC_MESSAGES folder;
 * - i18n JSON: the file name (de.json, de-DE.json), else the nearest folder named for a language (locales/de/app.json).
 */
export function languageOfFile(file: string, text: string, srcLang = "en"): string | undefined {
    const src = codeOf(srcLang);
    const ok = (c: string | undefined) => (c && c !== src ? c : undefined);
    const format = formatOfFile(file);
    if (!format) return undefined;
    if (format === "xliff") {
        const m = /\b(?:target-language|trgLang)\s*=\s*["']([^"']+)["']/.exec(text);
        return ok(codeOf(m?.[1]));
    }
    if (format === "po" && path.extname(file).toLowerCase() === ".po") {
        const m = /^"Language:[ \t]*([^\\"]*?)[ \t]*\\n"/m.exec(text);
        const declared = ok(codeOf(m?.[1]));
        if (declared) return declared;
    }
    if (path.extname(file).toLowerCase() === ".pot") return undefined; // a template is for no language
    const byName = codeOf(path.basename(file, path.extname(file)));
    if (byName) return ok(byName);
    const parts = path.resolve(file).split(path.sep).slice(0, -1);
    for (let i = parts.length - 1; i >= 1; i--) {
        if (parts[i] === "LC_MESSAGES") continue;
        const c = codeOf(parts[i]);
        if (c) return ok(c);
    }
    return undefined;
}

/** The progress notification's message for one finished text: "3/7 menu.open". */
export function progressMessage(done: number, total: number, key: string, max = 60): string {
    const k = key.replace(/\s+/g, " ").trim();
    return `${done}/${total} ${k.length > max ? `${k.slice(0, max - 1)}…` : k}`;
}

/**
 * The summary of a finished (or cancelled) job, one sentence: what was written and what was not, the model's
 * throughput with the tokens behind it, and the memory's part. A speed-up is named only where the job measured one
 * against plain decoding (benchmarks; never in the editor's job).
 */
export function summaryMessage(s: JobSummary, file: string, written: boolean, t: Translate): string {
    const name = path.basename(file);
    const head = written ? t("Polyspec: {0} of {1} entries of {2} translated", s.translated, s.units, name)
        : t("Polyspec: none of the {0} entries of {1} written", s.units, name);
    const parts: string[] = [];
    if (s.flagged) parts.push(t("{0} flagged (not written: see the review list)", s.flagged));
    if (s.skipped) parts.push(s.cancelled ? t("{0} not reached (cancelled)", s.skipped) : t("{0} not translated", s.skipped));
    if (s.reused) parts.push(t("{0} texts taken from the memory without the model", s.reused));
    if (s.tokensPerSecond !== null) parts.push(t("{0} tokens at {1} tokens/s", s.tokens, s.tokensPerSecond.toFixed(1)));
    parts.push(t("translation memory matches used for {0} of {1} texts", s.tmMatchesUsed, s.items));
    if (s.placeholders.items) parts.push(t("placeholders kept in {0} of {1} texts", s.placeholders.kept, s.placeholders.items));
    if (s.plain?.speedup) parts.push(t("{0}× the speed of plain decoding (measured on {1} requests)", s.plain.speedup.toFixed(2), s.plain.requests));
    return `${head}: ${parts.join("; ")}.`;
}

/** The new text of a JSON target that does not exist yet: an empty object, with a final line break if the source has one. */
export function newTargetText(sourceText: string): string {
    return `{}${/\r?\n$/.test(sourceText) ? detectEol(sourceText) : ""}`;
}
