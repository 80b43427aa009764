import assert from "node:assert/strict";
import {execFileSync} from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import {po} from "gettext-parser";
import {LocalizeInputError} from "../../../src/localize/document";
import {openPo, poStringLines} from "../../../src/localize/formats/po";
import {openDocument} from "../../../src/localize/open";
import {fillAll, read, tmpDir} from "./helpers";

const hasMsgfmt = (() => { try { execFileSync("msgfmt", ["--version"], {stdio: "ignore"}); return true; } catch { return false; } })();

function msgfmtCheck(text: string): void {
    const f = path.join(tmpDir(), "out.po");
    fs.writeFileSync(f, text);
    execFileSync("msgfmt", ["-c", "--check-format", "-o", "/dev/null", f], {stdio: "pipe"});
}

describe("localize: gettext .po", () => {
    const de = read("po/de.po");

    it("writes a file with nothing done byte for byte as it was (LF, CRLF, BOM)", () => {
        for (const text of [de.text, de.text.replace(/\n/g, "\r\n"), "\ufeff" + de.text, read("po/ru.po").text]) {
            const doc = openPo("x.po", text, "de");
            assert.equal(doc.apply(new Map()).text, text);
            assert.deepEqual(doc.apply(new Map()).edits, []);
        }
    });

    it("finds the untranslated entries (empty msgstr, empty plural forms), not the header, translated, fuzzy or obsolete ones", () => {
        const doc = openPo(de.file, de.text, "de");
        assert.deepEqual(doc.units.map((u) => u.key), [
            "Could not open the file %s: %s",
            "The document has unsaved changes. If you close it now, the changes made since the last save will be lost.",
            "%d file selected", "button | Save", "Press <b>Ctrl+S</b> to save.\n", "Line one\nLine two",
        ]);
        assert.deepEqual(doc.units.map((u) => u.line), [27, 31, 38, 46, 61, 65]);
        const withFuzzy = openPo(de.file, de.text, "de", {includeFuzzy: true});
        assert.equal(withFuzzy.units.length, 7);
        assert.equal(withFuzzy.units.find((u) => u.reason === "fuzzy")?.key, "Saved %d entries to %s");
        // memory: the translated entries, the obsolete one, and the fuzzy entry's previous msgid with its translation
        const mem = doc.memory.map((m) => `${m.source} => ${m.target}`);
        assert.ok(mem.includes("Open File => Datei öffnen"));
        assert.ok(mem.includes("Save => Speichern"));
        assert.ok(mem.includes("Saved %d items to %s => %d Elemente in %s gespeichert"));
        assert.ok(!mem.some((m) => m.startsWith("Saved %d entries")), "a fuzzy translation is not memory for its own msgid");
    });

    it("fills only those entries: msgstr replaced, #, fuzzy added, every other byte kept", () => {
        const doc = openPo(de.file, de.text, "de");
        const r = doc.apply(fillAll(doc));
        const before = po.parse(de.text), after = po.parse(r.text);
        const filled = new Set(doc.units.map((u) => u.key.replace(/^button \| /, "")));
        for (const [ctx, group] of Object.entries(before.translations)) {
            for (const [id, e] of Object.entries(group)) {
                const a = after.translations[ctx][id];
                assert.ok(a, `entry ${id} still there`);
                assert.equal(a.msgid_plural, e.msgid_plural);
                assert.deepEqual(a.comments?.reference, e.comments?.reference);
                assert.deepEqual(a.comments?.extracted, e.comments?.extracted);
                assert.deepEqual(a.comments?.translator, e.comments?.translator);
                if (e.msgstr.every((s) => s) || !id) { assert.deepEqual(a.msgstr, e.msgstr, id); assert.equal(a.comments?.flag, e.comments?.flag); continue; }
                assert.ok(filled.has(id), id);
                assert.ok(a.msgstr.every((s) => s.startsWith("[de] ")), `${id}: ${a.msgstr}`);
                assert.match(a.comments!.flag!, /^fuzzy(, |$)/);
                if (e.comments?.flag) assert.equal(a.comments!.flag, `fuzzy, ${e.comments.flag}`);
            }
        }
        assert.deepEqual(Object.keys(after.obsolete ?? {}), Object.keys(before.obsolete ?? {}));
        // the plural forms: from msgid with the sample 1, from msgid_plural with 2; the count's placeholder put back
        assert.deepEqual(after.translations[""]["%d file selected"].msgstr, ["[de] %d file selected", "[de] %d files selected"]);
        assert.equal(after.translations[""]["Press <b>Ctrl+S</b> to save.\n"].msgstr[0], "[de] Press <b>Ctrl+S</b> to save.\n");
        // exact text of two entries: wrapped as msgcat wraps, the flag line before msgctxt
        assert.ok(r.text.includes(`# Keep it short: it is a button label.\n#: src/dialog.c:20\n#, fuzzy\nmsgctxt "button"\nmsgid "Save"\nmsgstr "[de] Save"\n`), r.text);
        assert.ok(r.text.includes(`#: src/main.c:88\n#, fuzzy\nmsgid ""\n"The document has unsaved changes. If you close it now, the changes made "\n"since the last save will be lost."\nmsgstr ""\n"[de] The document has unsaved changes. If you close it now, the changes made "\n"since the last save will be lost."\n`), r.text);
        // outside the filled entries nothing changed: the edits touch only their lines
        for (const e of r.edits) assert.ok(!/Datei öffnen|Speichern|Alter Menüeintrag/.test(de.text.slice(e.offset, e.offset + e.length)));
        doc.validate(r.text);
        if (hasMsgfmt) msgfmtCheck(r.text);
    });

    it("keeps CRLF line breaks in every line it writes", () => {
        const crlf = de.text.replace(/\n/g, "\r\n");
        const doc = openPo("x.po", crlf, "de");
        const out = doc.apply(fillAll(doc)).text;
        assert.ok(!/[^\r]\n/.test(out), "no bare LF");
        assert.equal(out.replace(/\r\n/g, "\n"), openPo("x.po", de.text, "de").apply(fillAll(openPo("x.po", de.text, "de"))).text);
    });

    it("writes every form of the Plural-Forms header, each from a sample count of that form (Russian: 1, 2, 5)", () => {
        const ru = read("po/ru.po");
        const doc = openPo(ru.file, ru.text, "ru");
        assert.deepEqual(doc.units[0].items.map((i) => i.source), ["1 file selected", "2 files selected", "5 files selected"]);
        assert.deepEqual(doc.units[1].items.map((i) => i.source), ["2 folders", "5 folders"], "only the empty forms; form 0 is translated");
        const r = doc.apply(fillAll(doc, (i) => ({"1 file selected": "Выбран 1 файл", "2 files selected": "Выбрано 2 файла", "5 files selected": "Выбрано 5 файлов", "2 folders": "2 папки", "5 folders": "5 папок"} as Record<string, string>)[i.source].replace(i.restore!.from, i.restore!.to)));
        const t = po.parse(r.text).translations[""];
        assert.deepEqual(t["%d file selected"].msgstr, ["Выбран %d файл", "Выбрано %d файла", "Выбрано %d файлов"]);
        assert.deepEqual(t["One folder"].msgstr, ["Одна папка", "%d папки", "%d папок"]);
        if (hasMsgfmt) msgfmtCheck(r.text);
    });

    it("adds the entries of a template that the .po lacks, after the entry that precedes them in the template", () => {
        const doc = openDocument({target: read("po/fr.po"), source: read("po/sample.pot"), lang: "fr"});
        assert.deepEqual(doc.units.map((u) => [u.key, u.reason]), [["Close File", "missing"], ["%d file selected", "missing"], ["Quit", "missing"]]);
        const r = doc.apply(fillAll(doc));
        const t = po.parse(r.text).translations[""];
        assert.deepEqual(Object.keys(t), ["", "Open File", "Close File", "Could not open the file %s: %s", "%d file selected", "Quit"]);
        assert.deepEqual(t["%d file selected"].msgstr, ["[fr] %d file selected", "[fr] %d files selected"]);
        assert.equal(t["%d file selected"].comments?.flag, "fuzzy, c-format");
        assert.equal(t["Open File"].msgstr[0], "Ouvrir le fichier");
        assert.ok(r.text.includes(`msgstr "Ouvrir le fichier"\n\n#: src/main.c:50\n#, fuzzy\nmsgid "Close File"\nmsgstr "[fr] Close File"\n\n#: src/main.c:57\n`), r.text);
        if (hasMsgfmt) msgfmtCheck(r.text);
        // a partial run inserts only what is done
        const part = doc.apply(new Map([[doc.units[2].id, ["Quitter"]]]));
        assert.deepEqual(Object.keys(po.parse(part.text).translations[""]), ["", "Open File", "Could not open the file %s: %s", "Quit"]);
    });

    it("refuses a malformed file with its line, and a file it cannot edit safely", () => {
        const bad = (text: string, line: number, re: RegExp) => assert.throws(() => openPo("bad.po", text, "de"), (e: unknown) => {
            assert.ok(e instanceof LocalizeInputError, String(e));
            assert.equal(e.line, line, e.message);
            assert.match(e.message, re);
            assert.match(e.message, /^bad\.po:\d+/);
            return true;
        });
        bad(`msgid "a"\nmsgstr "b"\n\nmsgid "unterminated\nmsgstr ""\n`, 4, /bad\.po:4/);
        bad(`msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n`, 4, /duplicate entry "a"/);
        bad(`msgid "a"\nmsgstr "b"\nhello\n`, 3, /not a comment, keyword or string/);
        bad(`msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "a"\nmsgstr ""\n`, 1, /ISO-8859-1.*msgconv/);
        bad(`msgid ""\nmsgstr "Plural-Forms: nplurals=2; plural=(n !=== 1);\\n"\n`, 1, /Plural-Forms expression/);
    });

    it("writes strings as msgcat does: escapes, wrapping at 79 columns and after \\n, --no-wrap files unwrapped", () => {
        assert.deepEqual(poStringLines("msgstr", "a \"quoted\" \\ tab\t"), [`msgstr "a \\"quoted\\" \\\\ tab\\t"`]);
        assert.deepEqual(poStringLines("msgstr", "one\ntwo\n"), [`msgstr ""`, `"one\\n"`, `"two\\n"`]);
        assert.deepEqual(poStringLines("msgstr", "ends with a newline\n"), [`msgstr "ends with a newline\\n"`]);
        const long = "word ".repeat(30).trim();
        const lines = poStringLines("msgstr", long);
        assert.equal(lines[0], `msgstr ""`);
        assert.ok(lines.slice(1).every((l) => l.length <= 79), lines.join("\n"));
        assert.equal(lines.slice(1).map((l) => l.slice(1, -1)).join(""), long);
        assert.deepEqual(poStringLines("msgstr", long, false), [`msgstr "${long}"`]);
        if (!hasMsgfmt) return;
        // msgcat's own wrapping of the same strings
        const dir = tmpDir();
        const values = [long, "Eine ziemlich lange Zeichenkette, die über die Grenze von neunundsiebzig Spalten hinaus geht, mit Umlauten äöü.", "short", "x\ny"];
        const text = `msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n` + values.map((v, i) => `msgid "k${i}"\n${poStringLines("msgstr", v).join("\n")}\n`).join("\n");
        fs.writeFileSync(path.join(dir, "a.po"), text);
        const out = execFileSync("msgcat", [path.join(dir, "a.po")], {encoding: "utf8"});
        assert.equal(out, text);
    });
});

describe("localize: gettext .po, Wesnoth-style context prefixes", () => {
    it("gives the model the text after a \"female^\" prefix where the file's translations leave prefixes out", () => {
        const text = `msgid "female^Warrior"\nmsgstr "Kriegerin"\n\nmsgid "female^Should $unit.name| read the book?"\nmsgstr ""\n\nmsgid "x^2 is a square"\nmsgstr ""\n`;
        const doc = openPo("w.po", text, "de");
        assert.deepEqual(doc.units.map((u) => u.items[0].source), ["Should $unit.name| read the book?", "2 is a square"]);
        assert.match(doc.notes.join(), /context prefixes/);
        assert.ok(doc.memory.some((m) => m.source === "Warrior" && m.target === "Kriegerin"));
        // a file whose translations keep the prefix (or has none translated) is taken literally
        const kept = openPo("k.po", `msgid "female^Warrior"\nmsgstr "female^Kriegerin"\n\nmsgid "female^Mage"\nmsgstr ""\n`, "de");
        assert.deepEqual(kept.units.map((u) => u.items[0].source), ["female^Mage"]);
    });
});
