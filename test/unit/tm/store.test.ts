import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../../../src/core/errors";
import {decodeTm, encodeTm} from "../../../src/tm/format";
import {TranslationMemory} from "../../../src/tm/memory";
import {loadTm, openTm, saveTm} from "../../../src/tm/store";
import {tmpDir} from "./helpers";

function sample(): TranslationMemory {
    const tm = new TranslationMemory({src: "en", tgt: "de"});
    tm.add([
        {source: "Open the file", target: "Datei öffnen", origin: {kind: "file", file: "/p/de.po", line: 21}, key: "menu", note: "Translator: short", time: 1000},
        {source: "Save the file", target: "Datei speichern", origin: {kind: "file", file: "/p/de.po", line: 25}, time: 1000},
        {source: "Welcome, {name}!", target: "Willkommen, {name}!", origin: {kind: "file", file: "/p/web/de.json", line: 3}, key: "app.greeting", time: 2000},
        {source: "The castle fell.", target: "Die Burg fiel.", origin: {kind: "corpus"}, key: "story-1", time: 3000},
    ]);
    tm.addHistory("Close the window", "Schließe das Fenster", 4000);
    tm.files.set("/p/de.po", {file: "/p/de.po", mtimeMs: 123.5, size: 4567, segments: 2});
    return tm;
}

function rejects(f: () => unknown, re: RegExp, code: string): void {
    assert.throws(f, (e: unknown) => {
        assert.ok(e instanceof PolyspecError, String(e));
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"), "one line");
        assert.equal(e.code, code);
        return true;
    });
}

describe("tm store", () => {
    let dir: string;
    before(() => { dir = tmpDir(); });

    it("round-trips every field, and the file is deterministic", () => {
        const tm = sample();
        const file = path.join(dir, "en-de.pstm");
        saveTm(tm, file, 42);
        const back = loadTm(file, {src: "en", tgt: "de"});
        assert.deepEqual([...back.all()], [...tm.all()]);
        assert.deepEqual([...back.files.values()].sort((a, b) => a.file.localeCompare(b.file)), [
            {file: "/p/de.po", mtimeMs: 123.5, size: 4567, segments: 2},
            {file: "/p/web/de.json", mtimeMs: 0, size: 0, segments: 0},
        ]);
        const again = path.join(dir, "again.pstm");
        saveTm(back, again, 42);
        assert.ok(fs.readFileSync(file).equals(fs.readFileSync(again)));
        assert.equal(back.search("Open the files", {k: 1})[0].segment.target, "Datei öffnen");
    });

    it("an empty memory round-trips", () => {
        const file = path.join(dir, "empty.pstm");
        saveTm(new TranslationMemory({src: "en", tgt: "ja"}), file);
        assert.equal(loadTm(file, {src: "en", tgt: "ja"}).size, 0);
    });

    it("refuses corrupt, truncated, foreign and other-version files with one-line errors", () => {
        const good = encodeTm({pair: {src: "en", tgt: "de"}, segments: [...sample().all()], files: [], savedAt: 1});
        const name = "x.pstm";
        rejects(() => decodeTm(Buffer.alloc(0), name), /x\.pstm is not a Polyspec translation-memory file \(it is empty\)/, "E_TM_FILE");
        rejects(() => decodeTm(Buffer.from("{\"json\": true}"), name), /is not a Polyspec translation-memory file \(it starts with/, "E_TM_FILE");
        rejects(() => decodeTm(good.subarray(0, 5), name), /is truncated \(5 bytes\)/, "E_TM_FILE");
        rejects(() => decodeTm(good.subarray(0, 100), name), /is truncated \(100 bytes, the header alone has 128\)/, "E_TM_FILE");
        rejects(() => decodeTm(good.subarray(0, good.length - 8), name), /is truncated \(\d+ bytes, expected \d+\): rebuild it/, "E_TM_FILE");
        rejects(() => decodeTm(Buffer.concat([good, Buffer.alloc(3)]), name), /has 3 bytes of garbage after its end/, "E_TM_FILE");
        const flipped = Buffer.from(good);
        flipped[good.length - 20] ^= 0x40;
        rejects(() => decodeTm(flipped, name), /is corrupt \(checksum mismatch\): rebuild it/, "E_TM_FILE");
        const v2 = Buffer.from(good);
        v2.writeUInt32LE(2, 8);
        rejects(() => decodeTm(v2, name), /is translation-memory format version 2, but this Polyspec reads version 1: update Polyspec or rebuild it/, "E_TM_FILE");
        rejects(() => decodeTm(good, name, {pair: {src: "en", tgt: "fr"}}), /x\.pstm is a translation memory for en -> de, not en -> fr/, "E_TM_PAIR");
        assert.equal(decodeTm(good, name, {pair: {src: "en", tgt: "de"}}).segments.length, 5);
    });

    it("loadTm names a missing file; memories refuse segments and files of another pair", () => {
        rejects(() => loadTm(path.join(dir, "nope.pstm")), /nope\.pstm does not exist: build it with 'polyspec tm build'/, "E_TM_MISSING");
        const tm = new TranslationMemory({src: "en", tgt: "de"});
        rejects(() => tm.expectPair({src: "en", tgt: "fr"}), /is a translation memory for English -> German \(en-de\), not English -> French \(en-fr\)/, "E_TM_PAIR");
        rejects(() => encodeTm({pair: {src: "en", tgt: "fr"}, segments: [...sample().all()], files: [], savedAt: 0}), /segment of pair en-de in a en-fr memory/, "E_TM_PAIR");
    });

    it("openTm: new when absent, loads when valid, moves a corrupt file aside and rebuilds it, never rebuilds another pair's", async () => {
        const file = path.join(dir, "open.pstm");
        const fresh = await openTm(file, {src: "en", tgt: "de"});
        assert.equal(fresh.state, "new");
        saveTm(sample(), file);
        assert.equal((await openTm(file, {src: "en", tgt: "de"})).state, "loaded");
        const buf = fs.readFileSync(file);
        fs.writeFileSync(file, buf.subarray(0, buf.length - 100));
        await assert.rejects(openTm(file, {src: "en", tgt: "de"}), /is truncated/);
        const r = await openTm(file, {src: "en", tgt: "de"}, {rebuild: (tm) => { tm.addHistory("Rebuilt", "Neu gebaut"); }});
        assert.equal(r.state, "rebuilt");
        assert.match(r.reason!, /truncated/);
        assert.ok(fs.existsSync(r.movedTo!), "the corrupt file is kept");
        assert.equal(fs.statSync(r.movedTo!).size, buf.length - 100);
        assert.equal(loadTm(file).size, 1);
        await assert.rejects(openTm(file, {src: "en", tgt: "fr"}, {rebuild: () => undefined}), (e: unknown) => e instanceof PolyspecError && e.code === "E_TM_PAIR");
    });

    it("memory: the same pair from the same origin is one segment; replaceFile swaps a file's segments; search dedupes", () => {
        const tm = new TranslationMemory({src: "en", tgt: "de"});
        const origin = {kind: "file" as const, file: "/p/a.po", line: 1};
        assert.deepEqual(tm.add([{source: "Open", target: "Öffnen", origin}, {source: "Open", target: "Öffnen", origin}, {source: " ", target: "x", origin}]), {added: 1, updated: 1, empty: 1});
        tm.add([{source: "Open", target: "Öffnen", origin: {kind: "file", file: "/p/b.po", line: 4}}]);
        assert.equal(tm.size, 2);
        assert.equal(tm.search("Open", {k: 5}).length, 1, "the same pair from two files is one match");
        tm.replaceFile({file: "/p/a.po", mtimeMs: 5, size: 10, segments: 0}, [{source: "Close", target: "Schließen", origin}]);
        assert.deepEqual([...tm.all()].map((s) => s.source).sort(), ["Close", "Open"]);
        assert.equal(tm.files.get("/p/a.po")!.segments, 1);
        assert.equal(tm.removeFile("/p/b.po"), 1);
        assert.deepEqual([...tm.all()].map((s) => s.source), ["Close"]);
        const h1 = tm.addHistory("Close it", "Schließe es", 10);
        const h2 = tm.addHistory("Close it", "Mach es zu", 20);
        assert.equal(h1.added + h2.added, 2);
        assert.equal(tm.search("Close it", {k: 1})[0].segment.target, "Mach es zu", "ties go to the newer");
    });
});
