import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type {JobSummary} from "../../../src/localize/job";
import {findPair} from "../../../src/localize/pair";
import {languageOfFile, newTargetText, progressMessage, summaryMessage} from "../../../src/vscode/common/localizeCommand";

/** vscode.l10n.t's substitution, without the editor. */
const t = (m: string, ...a: (string | number)[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));

const summary = (o: Partial<JobSummary> = {}): JobSummary => ({
    units: 4, translated: 4, flagged: 0, skipped: 0, reused: 0, items: 5, requests: 5, retries: 0, tokens: 120, decodeMs: 10_000,
    tokensPerSecond: 12, tmMatchesUsed: 2, tmByOrigin: {file: 2, history: 0, corpus: 0}, placeholders: {items: 2, firstTry: 2, kept: 2},
    wallMs: 12_000, entriesPerMinute: 20, cancelled: false, order: "similar", ...o,
});

describe("Translate Missing Entries (editor logic)", () => {
    it("the target language from what the file declares, else its name or folder; never the source language", () => {
        assert.equal(languageOfFile("/w/locales/de/app.json", ""), "de");
        assert.equal(languageOfFile("/w/i18n/fr-FR.json", ""), "fr");
        assert.equal(languageOfFile("/w/i18n/pt_BR.json", ""), "pt");
        assert.equal(languageOfFile("/w/i18n/zh-TW.json", ""), "zh-Hant");
        assert.equal(languageOfFile("/w/locales/en/app.json", ""), undefined, "the source side tells no target");
        assert.equal(languageOfFile("/w/i18n/en.json", ""), undefined);
        assert.equal(languageOfFile("/w/src/strings.json", ""), undefined);
        assert.equal(languageOfFile("/w/notes.txt", ""), undefined, "not a translation file");
        // gettext: the header wins over the name; an empty header falls back to the name or the LC_MESSAGES folder
        const header = (l: string) => `msgid ""\nmsgstr ""\n"Project-Id-Version: x\\n"\n"Language: ${l}\\n"\n"Content-Type: text/plain; charset=UTF-8\\n"\n`;
        assert.equal(languageOfFile("/w/po/messages.po", header("es")), "es");
        assert.equal(languageOfFile("/w/po/de.po", header("ja_JP")), "ja");
        assert.equal(languageOfFile("/w/po/it.po", header("")), "it");
        assert.equal(languageOfFile("/w/locale/ru/LC_MESSAGES/app.po", header("")), "ru");
        assert.equal(languageOfFile("/w/po/app.pot", header("de")), undefined, "a template is for no language");
        // XLIFF 1.2 and 2.0
        assert.equal(languageOfFile("/w/messages.xlf", `<xliff version="1.2"><file source-language="en" target-language="de-DE" datatype="plaintext">`), "de");
        assert.equal(languageOfFile("/w/messages.xliff", `<xliff version="2.0" srcLang="en" trgLang='ja'>`), "ja");
        assert.equal(languageOfFile("/w/messages.xlf", `<xliff version="1.2"><file source-language="en">`), undefined);
        // another source language: English is then a target like any other
        assert.equal(languageOfFile("/w/locales/en/app.json", "", "de"), "en");
    });

    it("a file named like a code (app.json) in a folder named for the language pairs with its source folder", () => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-l10ncmd-"));
        for (const l of ["en", "de"]) { fs.mkdirSync(path.join(dir, "locales", l), {recursive: true}); fs.writeFileSync(path.join(dir, "locales", l, "app.json"), "{}"); }
        const p = findPair(path.join(dir, "locales", "de", "app.json"), {lang: "de"});
        assert.equal(p.source, path.join(dir, "locales", "en", "app.json"));
        assert.equal(p.create, false);
        const q = findPair(path.join(dir, "locales", "en", "app.json"), {lang: "fr"});
        assert.deepEqual([q.target, q.create], [path.join(dir, "locales", "fr", "app.json"), true]);
        fs.rmSync(dir, {recursive: true, force: true});
    });

    it("progress: done/total and the entry's key, shortened to one line", () => {
        assert.equal(progressMessage(3, 7, "actions.delete"), "3/7 actions.delete");
        assert.equal(progressMessage(1, 2, "a\n  b"), "1/2 a b");
        const long = progressMessage(1, 2, "x".repeat(100), 20);
        assert.equal(long, `1/2 ${"x".repeat(19)}…`);
    });

    it("summary: written, flagged, not reached, reused, tokens/s with its tokens, memory use; no speed-up unless measured", () => {
        const plain = summaryMessage(summary(), "/w/locales/de/app.json", true, t);
        assert.equal(plain, "Polyspec: 4 of 4 entries of app.json translated: 120 tokens at 12.0 tokens/s; translation memory matches used for 2 of 5 texts; placeholders kept in 2 of 2 texts.");
        assert.ok(!/speed of plain/.test(plain));
        const partial = summaryMessage(summary({translated: 1, flagged: 1, skipped: 2, cancelled: true, reused: 1, tokensPerSecond: null, placeholders: {items: 0, firstTry: 0, kept: 0}}), "de.po", true, t);
        assert.equal(partial, "Polyspec: 1 of 4 entries of de.po translated: 1 flagged (not written: see the review list); 2 not reached (cancelled); 1 texts taken from the memory without the model; translation memory matches used for 2 of 5 texts.");
        assert.match(summaryMessage(summary({translated: 0, flagged: 4}), "x.xlf", false, t), /^Polyspec: none of the 4 entries of x\.xlf written: 4 flagged/);
        const measured = summary({plain: {requests: 5, tokens: 120, decodeMs: 20_000, wallMs: 21_000, tokensPerSecond: 6, speedup: 2, endToEndSpeedup: 1.8, identical: 5}});
        assert.match(summaryMessage(measured, "a.json", true, t), /2\.00× the speed of plain decoding \(measured on 5 requests\)/);
    });

    it("a new JSON target: an empty object with the source's final line break", () => {
        assert.equal(newTargetText("{\n  \"a\": \"b\"\n}\n"), "{}\n");
        assert.equal(newTargetText("{\r\n  \"a\": \"b\"\r\n}\r\n"), "{}\r\n");
        assert.equal(newTargetText("{\"a\": \"b\"}"), "{}");
    });
});
