import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {pairDdtp, parseDdtp} from "../../../src/corpus/ddtp";
import {readFortunes} from "../../../src/corpus/fortunes";
import {helpParagraphs, HtmlFormatError, pairHelp} from "../../../src/corpus/libreoffice";
import {FIXTURES, tmpDir} from "./fixture";

/** Lays the committed HTML fixtures out as two extracted packages. */
function helpRoots(): {en: string; de: string} {
    const base = tmpDir();
    const en = path.join(base, "en"), de = path.join(base, "de");
    fs.cpSync(path.join(FIXTURES, "libreoffice/en-US"), path.join(en, "usr/share/libreoffice/help/en-US"), {recursive: true});
    fs.cpSync(path.join(FIXTURES, "libreoffice/de"), path.join(de, "usr/share/libreoffice/help/de"), {recursive: true});
    return {en, de};
}

describe("corpus: LibreOffice help pairing", () => {
    it("extracts paragraph and heading text by id, markup stripped and entities decoded", () => {
        const m = helpParagraphs(fs.readFileSync(path.join(FIXTURES, "libreoffice/en-US/text/shared/guide/sample.html")));
        assert.equal(m.get("hd_id3149031"), "Inserting Tables");
        assert.equal(m.get("par_id3155535"), "To insert a table, choose Table - Insert Table and enter the number of rows & columns.");
        assert.equal(m.get("par_id3147571"), "You can also drag the Table icon to select the size of the new table.");
    });

    it("rejects a page that is not UTF-8 or whose paragraphs do not balance", () => {
        assert.throws(() => helpParagraphs(Buffer.from([0x3c, 0x68, 0x74, 0x6d, 0x6c, 0x3e, 0xff, 0xfe])), HtmlFormatError);
        assert.throws(() => helpParagraphs(fs.readFileSync(path.join(FIXTURES, "libreoffice/de/text/shared/guide/broken.html"))), /unbalanced/);
        assert.throws(() => helpParagraphs(Buffer.from("plain text, no markup")), /no <html>/);
    });

    it("pairs by relative path and id, whatever the element order, and counts the malformed page", () => {
        const {en, de} = helpRoots();
        const r = pairHelp(en, de, "de");
        assert.equal(r.stats.files, 2);
        assert.equal(r.stats.malformed, 1);
        assert.match(r.stats.malformedFiles[0]!, /de\/text\/shared\/guide\/broken\.html: unbalanced/);
        assert.equal(r.stats.untranslated, 1); // "LibreOffice Writer"
        const got = new Map(r.pairs.map((p) => [p.en, p.tgt]));
        assert.equal(got.get("Inserting Tables"), "Tabellen einfügen");
        assert.equal(got.get("Related Topics"), "Verwandte Themen");
        assert.equal(got.get("To insert a table, choose Table - Insert Table and enter the number of rows & columns."),
            "Um eine Tabelle einzufügen, wählen Sie Tabelle - Tabelle einfügen und geben Sie die Anzahl der Zeilen & Spalten ein.");
        assert.equal(r.pairs.length, 4);
        assert.ok(r.pairs.every((p) => p.origin.startsWith("libreoffice:shared/guide/sample.html#")));
    });
});

describe("corpus: DDTP descriptions", () => {
    const en = parseDdtp(fs.readFileSync(path.join(FIXTURES, "ddtp/Translation-en"), "utf8"));
    it("parses summary and paragraphs, joining wrapped lines", () => {
        const d = en.get("d943033bedada21853d2ae54a2578a7b")!;
        assert.equal(d.pkg, "0ad");
        assert.equal(d.summary, "Real-time strategy game of ancient warfare");
        assert.deepEqual(d.paragraphs, [
            "0 A.D. (pronounced \"zero ey-dee\") is a free, open-source, cross-platform real-time strategy (RTS) game of ancient warfare.",
            "The project is highly ambitious, involving state-of-the-art 3D graphics and a flexible game engine.",
        ]);
    });

    it("joins on Description-md5: summaries always, paragraphs when the counts agree", () => {
        const de = parseDdtp(fs.readFileSync(path.join(FIXTURES, "ddtp/Translation-de"), "utf8"));
        const pairs = pairDdtp(en, de);
        assert.deepEqual(pairs.map((p) => p.origin), ["ddtp:0ad", "ddtp:0ad", "ddtp:0ad", "ddtp:hello"]);
        assert.equal(pairs[2]!.tgt, "Das Projekt ist sehr ambitioniert und verfügt über aktuelle 3D-Grafiken und eine flexible Spielengine.");
        // hello: 2 English paragraphs, 1 German: only the summary pairs
        assert.equal(pairs[3]!.tgt, "Beispielpaket, das auf GNU hello basiert");
    });

    it("joins Japanese wrapped lines without a space", () => {
        const ja = parseDdtp(fs.readFileSync(path.join(FIXTURES, "ddtp/Translation-ja"), "utf8"), true);
        const d = ja.get("0f25c2ca95ceff4500fde9f651d74f2e")!;
        assert.equal(d.paragraphs[0], "2048 パズルは数学に基くパズルゲームです。格子上のタイルをスライドさせて合体させ、数字を 2048 にしてください。");
        const pairs = pairDdtp(en, ja);
        assert.equal(pairs.length, 2);
    });
});

describe("corpus: fortunes", () => {
    it("splits on % lines and joins each entry into one segment", () => {
        const root = tmpDir();
        const dir = path.join(root, "usr/share/games/fortunes/de");
        fs.mkdirSync(dir, {recursive: true});
        fs.copyFileSync(path.join(FIXTURES, "fortunes/de/sprueche"), path.join(dir, "sprueche"));
        fs.writeFileSync(path.join(dir, "latin1"), Buffer.from([0x47, 0x72, 0xfc, 0xdf, 0x65, 0x0a]));
        fs.writeFileSync(path.join(dir, "sprueche.dat"), Buffer.from([0, 1, 2]));
        const r = readFortunes(root, "de");
        assert.deepEqual(r.lines, [
            "Wer anderen eine Grube gräbt, fällt selbst hinein.",
            "Morgenstund hat Gold im Mund, aber Blei im Hintern. -- Volksmund",
            "Ein Sprichwort, das sehr lang ist und nichts bedeutet, außer dass es hier steht.",
        ]);
        assert.equal(r.stats.malformed, 1);
    });
});

describe("corpus: declared licences", () => {
    it("reads the Files: * licence of a machine-readable copyright file, and falls back for free-form ones", async () => {
        const {debianLicence} = await import("../../../src/corpus/licence");
        const root = tmpDir();
        const doc = (pkg: string, text: string) => {
            fs.mkdirSync(path.join(root, "usr/share/doc", pkg), {recursive: true});
            fs.writeFileSync(path.join(root, "usr/share/doc", pkg, "copyright"), text);
        };
        doc("a", "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n\nFiles: debian/*\nLicense: GPL-2+\n\nFiles: *\nCopyright: someone\nLicense: MPL-2.0\n");
        doc("b", "This package was debianized by someone.\n\nLicense:\n    Copyright (C) 2003 by someone\n");
        assert.equal(debianLicence(root, "a", "x"), "MPL-2.0");
        assert.equal(debianLicence(root, "b", "GPL-2.0-or-later"), "GPL-2.0-or-later");
        assert.equal(debianLicence(root, "missing", "fallback"), "fallback");
    });
});
