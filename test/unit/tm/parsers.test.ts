import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {alignI18n, parseI18nJson} from "../../../src/tm/parsers/json";
import {parsePo} from "../../../src/tm/parsers/po";
import {ParseError} from "../../../src/tm/parsers/result";
import {parseTmx} from "../../../src/tm/parsers/tmx";
import {parseXliff} from "../../../src/tm/parsers/xliff";
import {FIXTURES} from "./helpers";

const read = (f: string) => fs.readFileSync(path.join(FIXTURES, f));
const pair = {src: "en", tgt: "de"};
const brief = (r: {segments: {source: string; target: string; key?: string; line: number}[]}) => r.segments.map((s) => [s.source, s.target, s.key ?? null, s.line]);

function parseError(f: () => unknown, re: RegExp, line: number): void {
    assert.throws(f, (e: unknown) => {
        assert.ok(e instanceof ParseError, String(e));
        assert.match(e.message, re);
        assert.equal(e.line, line);
        return true;
    });
}

describe("tm parsers", () => {
    it(".po: msgctxt, plural forms, multi-line strings, escapes, comments; fuzzy, untranslated and header skipped; obsolete kept", () => {
        const r = parsePo(read("po/de.po"));
        assert.equal(r.language, "de");
        assert.deepEqual(brief(r), [
            ["Open the file", "Datei öffnen", null, 21],
            ["Saving %s…", "%s wird gespeichert …", null, 27],
            ["The disk is full. Delete some files or choose another location, then try again.",
                "Der Datenträger ist voll. Löschen Sie einige Dateien oder wählen Sie einen anderen Ort und versuchen Sie es erneut.", null, 32],
            ["Open", "Öffnen", "menu", 40],
            ["Open", "Offen", "door", 45],
            ["%d file selected", "%d Datei ausgewählt", null, 51],
            ["%d files selected", "%d Dateien ausgewählt", null, 51],
            ["Press \"Start\" to begin.\tThen wait.", "Drücken Sie „Start“, um zu beginnen.\tDann warten.", null, 67],
            ["Frobnicate everything", "Alles frobnizieren", null, 70],
        ]);
        assert.equal(r.segments[1].note, "TRANSLATORS: shown in the title bar while saving");
        assert.match(r.segments[2].note!, /Speicher/);
        assert.deepEqual(r.skipped, {untranslated: 1, fuzzy: 2, obsolete: 0, other: 0});
        const withFuzzy = parsePo(read("po/de.po"), {includeFuzzy: true, includeObsolete: false});
        assert.ok(withFuzzy.segments.some((s) => s.source === "Delete %d file permanently?"));
        assert.ok(!withFuzzy.segments.some((s) => s.source === "Frobnicate everything"));
        assert.equal(withFuzzy.skipped.obsolete, 2);
    });

    it(".po: languages with one plural form map msgid_plural to msgstr[0]; a syntax error names its line", () => {
        const ja = parsePo('msgid ""\nmsgstr "Language: ja\\nPlural-Forms: nplurals=1; plural=0;\\n"\n\nmsgid "%d file"\nmsgid_plural "%d files"\nmsgstr[0] "%d 個のファイル"\n');
        assert.deepEqual(brief(ja), [["%d file", "%d 個のファイル", null, 4], ["%d files", "%d 個のファイル", null, 4]]);
        parseError(() => parsePo(read("po/broken.po")), /Invalid key name "Kaputt" at line 10/, 10);
    });

    it("XLIFF 1.2: inline <g>, <x/>, <bpt>/<ept>, CDATA, notes, states; alt-trans, translate=no and other-language <file> ignored", () => {
        const r = parseXliff(read("xliff/app.de.xlf").toString("utf8"), {pair});
        assert.equal(r.language, "de-DE");
        assert.deepEqual(brief(r), [
            ["Welcome to <g id=\"1\" ctype=\"bold\">Frobnicator</g>, <x id=\"2\" ctype=\"x-username\"/>!",
                "Willkommen bei <g id=\"1\" ctype=\"bold\">Frobnicator</g>, <x id=\"2\" ctype=\"x-username\"/>!", "welcome", 8],
            ["Press <Ctrl+S> to save & continue.", "Drücken Sie <Strg+S>, um zu speichern & fortzufahren.", "save.hint", 13],
            ["Read the <bpt id=\"1\">&lt;a href=\"/docs\"&gt;</bpt>manual<ept id=\"1\">&lt;/a&gt;</ept> first.",
                "Lesen Sie zuerst das <bpt id=\"1\">&lt;a href=\"/docs\"&gt;</bpt>Handbuch<ept id=\"1\">&lt;/a&gt;</ept>.", "link", 21],
        ]);
        assert.equal(r.segments[0].note, "Shown once after the first start.");
        assert.deepEqual(r.skipped, {untranslated: 2, fuzzy: 1, obsolete: 0, other: 1});
        assert.ok(r.notes.some((n) => /1 <file> section\(s\) in another language pair skipped/.test(n)));
        const fuzzy = parseXliff(read("xliff/app.de.xlf").toString("utf8"), {pair, includeFuzzy: true});
        assert.ok(fuzzy.segments.some((s) => s.target === "Automatisch nach Updates suchen"));
        const fr = parseXliff(read("xliff/app.de.xlf").toString("utf8"), {pair: {src: "en", tgt: "fr"}});
        assert.deepEqual(brief(fr), [["Welcome!", "Bienvenue !", "welcome", 44]]);
    });

    it("XLIFF 2.0: segments of a unit, <ph/>, <pc>, notes, states (initial = draft), ignorable", () => {
        const r = parseXliff(read("xliff/messages.de.xlf").toString("utf8"), {pair});
        assert.deepEqual(brief(r), [
            ["You have <ph id=\"0\" equiv=\"INTERPOLATION\" disp=\"{{ count }}\"/> items in your cart.",
                "Sie haben <ph id=\"0\" equiv=\"INTERPOLATION\" disp=\"{{ count }}\"/> Artikel im Warenkorb.", "cart.items", 12],
            ["Proceed to <pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\">checkout</pc>.", "Weiter zur <pc id=\"1\" dataRefStart=\"d1\" dataRefEnd=\"d2\">Kasse</pc>.", "checkout/s1", 18],
            ["Shipping is free above 50 euros.", "Ab 50 Euro ist der Versand kostenlos.", "checkout/s2", 26],
        ]);
        assert.equal(r.segments[0].note, "Number of items in the shopping cart\nsrc/app/cart.component.html:12");
        assert.deepEqual(r.skipped, {untranslated: 1, fuzzy: 1, obsolete: 0, other: 0});
        const ja = parseXliff(read("xliff/messages.de.xlf").toString("utf8"), {pair: {src: "en", tgt: "ja"}});
        assert.equal(ja.segments.length, 0);
        assert.ok(ja.notes.some((n) => /another language pair/.test(n)));
    });

    it("XLIFF: malformed, truncated and foreign documents are ParseErrors with their line", () => {
        parseError(() => parseXliff(read("xliff/truncated.xlf").toString("utf8")), /not well-formed XML: unexpected close tag/, 11);
        parseError(() => parseXliff("<xliff version=\"1.2\"><file><body>"), /not well-formed XML/, 1);
        parseError(() => parseXliff("<?xml version=\"1.0\"?>\n<html><body/></html>"), /not an XLIFF file \(the root element is <html>\)/, 2);
        parseError(() => parseXliff("<xliff version=\"3.0\"/>"), /XLIFF version "3.0" is not supported/, 1);
    });

    it("TMX: the pair's variants of each unit (any region, TMX 1.1 lang), inline codes, notes; other languages skipped", () => {
        const r = parseTmx(read("memory.tmx").toString("utf8"), {pair});
        assert.deepEqual(brief(r), [
            ["Cancel the download", "Download abbrechen", "1001", 8],
            ["Click <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Next<ept i=\"1\">&lt;/b&gt;</ept> to continue.",
                "Klicken Sie auf <bpt i=\"1\" type=\"bold\">&lt;b&gt;</bpt>Weiter<ept i=\"1\">&lt;/b&gt;</ept>, um fortzufahren.", "1002", 15],
            ["The file <ph x=\"1\">%s</ph> was deleted.", "Die Datei <ph x=\"1\">%s</ph> wurde gelöscht.", "1004", 23],
        ]);
        assert.equal(r.segments[0].note, "Button label");
        assert.equal(r.skipped.untranslated, 1);
        const fr = parseTmx(read("memory.tmx").toString("utf8"), {pair: {src: "en", tgt: "fr"}});
        assert.deepEqual(fr.segments.map((s) => s.target), ["Annuler le téléchargement", "Seulement en français"]);
        parseError(() => parseTmx("<tmx version=\"1.4\"><body><tu><tuv xml:lang=\"en\"><seg>a</seg></tu></body></tmx>", {pair}), /not well-formed XML/, 1);
    });

    it("i18n JSON: nested keys, arrays, ICU and placeholders verbatim, lines; a language wrapper is unwrapped; syntax errors name their line", () => {
        const en = parseI18nJson(read("web/i18n/en.json").toString("utf8"), "en");
        const de = parseI18nJson(read("web/i18n/de.json").toString("utf8"), "de");
        assert.equal(en.values.get("app.cart.items"), "{count, plural, =0 {Your cart is empty} one {# item in your cart} other {# items in your cart}}");
        assert.equal(en.values.get("menu.entries.1"), "Save as…");
        assert.equal(en.values.has("version"), false, "numbers are not strings to translate");
        assert.equal(de.lines.get("errors.notFound"), 14);
        const r = alignI18n(en, de);
        assert.deepEqual(r.segments.map((s) => s.key), ["app.title", "app.greeting", "app.cart.items", "app.cart.checkout", "menu.entries.0", "menu.entries.1", "menu.entries.2", "errors.notFound"]);
        assert.equal(r.segments.find((s) => s.key === "app.greeting")!.target, "Hallo, {name}!");
        assert.deepEqual(r.skipped, {untranslated: 2, fuzzy: 0, obsolete: 0, other: 1});
        const wrapped = parseI18nJson("{\n  \"de\": {\n    \"a\": {\"b\": \"Hallo\"}\n  }\n}", "de");
        assert.deepEqual([...wrapped.values], [["a.b", "Hallo"]]);
        assert.equal(wrapped.lines.get("a.b"), 3);
        parseError(() => parseI18nJson(read("web/locales/en/broken.json").toString("utf8")), /not valid JSON/, 4);
        parseError(() => parseI18nJson("[1, 2]"), /not an i18n JSON file/, 1);
    });
});
