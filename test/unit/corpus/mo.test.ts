import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {MoFormatError, parseMo, writeMo} from "../../../src/corpus/mo";
import {localeDir, readWesnothLocale, stripCaretContext} from "../../../src/corpus/wesnoth";
import {tmpDir} from "./fixture";

describe("corpus: gettext .mo reader", () => {
    const mo = writeMo([
        {id: "Hello, world", str: "Hallo, Welt"},
        {context: "menu", id: "Open", str: "Öffnen"},
        {id: "One orc", str: "Ein Ork", plural: ["$n orcs", "$n Orks"]},
    ], "Plural-Forms: nplurals=2; plural=(n != 1);\n");

    it("reads header, entries and context prefixes, and skips plural entries", () => {
        const cat = parseMo(mo);
        assert.match(cat.header, /^Plural-Forms/);
        assert.equal(cat.plurals, 1);
        assert.deepEqual(cat.entries, [
            {id: "Hello, world", str: "Hallo, Welt"},
            {context: "menu", id: "Open", str: "Öffnen"},
        ]);
    });

    it("reads a big-endian catalogue", () => {
        const le = Buffer.from(mo);
        const be = Buffer.from(le);
        // swap every 32-bit header and table word: header (7 words) and both tables (3 entries + header = 4 each)
        const n = le.readUInt32LE(8);
        const words = [0, 4, 8, 12, 16, 20, 24];
        for (let i = 0; i < n * 2; i++) {
            words.push(le.readUInt32LE(12) + i * 4, le.readUInt32LE(16) + i * 4);
        }
        for (const off of words) be.writeUInt32BE(le.readUInt32LE(off), off);
        assert.deepEqual(parseMo(be).entries, parseMo(le).entries);
    });

    it("rejects malformed files with MoFormatError", () => {
        assert.throws(() => parseMo(Buffer.from("short")), MoFormatError);
        assert.throws(() => parseMo(Buffer.from("not a catalogue, but long enough to hold a header")), /bad magic/);
        const truncated = Buffer.from(mo).subarray(0, 40);
        assert.throws(() => parseMo(truncated), MoFormatError);
        const badUtf8 = Buffer.from(writeMo([{id: "abc", str: "xyz"}]));
        const off = badUtf8.indexOf(Buffer.from("xyz"));
        badUtf8[off] = 0xff;
        assert.throws(() => parseMo(badUtf8), /not UTF-8/);
    });

    it("strips Wesnoth's caret context", () => {
        assert.equal(stripCaretContext("female^Should she pick up the sword?"), "Should she pick up the sword?");
        assert.equal(stripCaretContext("race+plural^Dwarves"), "Dwarves");
        assert.equal(stripCaretContext("holy water^Drink it"), "Drink it");
        assert.equal(stripCaretContext("No caret here ^ at all"), "No caret here ^ at all");
    });

    it("reads a locale's catalogues, skipping a malformed one with a count", () => {
        const root = tmpDir();
        const dir = localeDir(root, "de");
        fs.mkdirSync(dir, {recursive: true});
        fs.writeFileSync(path.join(dir, "wesnoth-a.mo"), mo);
        fs.writeFileSync(path.join(dir, "wesnoth-b.mo"), Buffer.from("garbage garbage garbage garbage"));
        fs.writeFileSync(path.join(dir, "wesnoth-c.mo"), writeMo([
            {id: "<i>The night was cold.</i>", str: "<i>Die Nacht war kalt.</i>"},
            {id: "Konrad", str: "Konrad"},
            {context: "female", id: "female^She smiled.", str: "female^Sie lächelte."},
        ]));
        const r = readWesnothLocale(root, "de");
        assert.equal(r.stats.files, 3);
        assert.equal(r.stats.malformed, 1);
        assert.match(r.stats.malformedFiles[0]!, /wesnoth-b\.mo/);
        assert.equal(r.stats.plurals, 1);
        assert.equal(r.stats.untranslated, 1);
        assert.deepEqual(r.pairs.map((p) => [p.en, p.tgt, p.origin]), [
            ["Hello, world", "Hallo, Welt", "wesnoth-a"],
            ["Open", "Öffnen", "wesnoth-a"],
            ["The night was cold.", "Die Nacht war kalt.", "wesnoth-c"],
            ["She smiled.", "Sie lächelte.", "wesnoth-c"],
        ]);
        assert.deepEqual(readWesnothLocale(root, "xx").pairs, []);
    });
});
