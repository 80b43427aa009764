import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {importFiles, pairJson} from "../../../src/tm/import";
import {TranslationMemory} from "../../../src/tm/memory";
import {FIXTURES, snapshot, tmpDir} from "./helpers";

const pair = {src: "en", tgt: "de"};
const rel = (f: string) => path.relative(FIXTURES, f);

describe("tm import", () => {
    it("imports a project folder: every format, the malformed and binary files skipped with file and line, nothing modified", async () => {
        const before = snapshot(FIXTURES);
        const logged: string[] = [];
        let progress = 0;
        const r = await importFiles([FIXTURES], {pair, log: (m) => logged.push(`${m.level} ${rel(m.file)}${m.line ? `:${m.line}` : ""} ${m.message}`), onProgress: () => progress++});
        assert.deepEqual(snapshot(FIXTURES), before, "no file was modified");
        assert.deepEqual(r.files.map((f) => [rel(f.source.file), f.format, f.segments.length]), [
            ["memory.tmx", "tmx", 3],
            ["po/de.po", "po", 9],
            ["web/i18n/de.json", "json", 8],
            ["web/locales/de/common.json", "json", 4],
            ["xliff/app.de.xlf", "xliff", 3],
            ["xliff/messages.de.xlf", "xliff", 3],
        ]);
        const warns = logged.filter((l) => l.startsWith("warn"));
        assert.deepEqual(warns.map((w) => w.split(" skipped")[0]), [
            "warn po/broken.po:10",
            "warn po/image.po",
            "warn web/locales/en/broken.json:4",
            "warn xliff/truncated.xlf:11",
        ]);
        assert.match(warns[1], /binary file/);
        assert.match(warns[2], /not valid JSON.*web\/locales\/de\/broken\.json is skipped too/);
        assert.equal(r.failed, 4);
        assert.ok(logged.some((l) => /^info po\/fr\.po skipped: its Language header is "fr", not de/.test(l)));
        assert.ok(progress > 0);
        const seg = r.files[1].segments[0];
        assert.deepEqual(seg.origin, {kind: "file", file: path.join(FIXTURES, "po/de.po"), line: 21});
        assert.equal(r.files[2].pairedWith, path.join(FIXTURES, "web/i18n/en.json"));

        const tm = new TranslationMemory(pair);
        for (const f of r.files) tm.replaceFile(f.source, f.segments);
        const m = tm.search("Open the files", {k: 1, minScore: 0.6});
        assert.equal(m[0].segment.target, "Datei öffnen");
    });

    it("explicit files: unknown types, templates and missing files are reported; a JSON file finds its counterpart", async () => {
        const r = await importFiles([
            path.join(FIXTURES, "po/template.pot"), path.join(FIXTURES, "web/package.json"), path.join(FIXTURES, "nope.po"),
            path.join(FIXTURES, "web/i18n/en.json"), path.join(FIXTURES, "web/locales/en/common.json"),
        ], {pair});
        assert.deepEqual(r.messages.filter((m) => m.level === "warn").map((m) => `${rel(m.file)}: ${m.message}`), [
            "nope.po: not found",
            "po/template.pot: a .pot file is a template without translations: import the .po files made from it",
            "web/package.json: cannot tell its language: name the file <lang>.json (en.json, de.json) or put it in a <lang>/ folder",
        ]);
        assert.deepEqual(r.files.map((f) => rel(f.source.file)), ["web/i18n/de.json", "web/locales/de/common.json"]);
        assert.deepEqual(pairJson(path.join(FIXTURES, "web/locales/fr/common.json"), {src: "en", tgt: "fr"}),
            {ok: true, source: path.join(FIXTURES, "web/locales/en/common.json"), target: path.join(FIXTURES, "web/locales/fr/common.json")});
    });

    it("size guard for files read whole; XML is streamed at any size; UTF-16 and declared encodings are decoded", async () => {
        const dir = tmpDir();
        fs.copyFileSync(path.join(FIXTURES, "po/de.po"), path.join(dir, "de.po"));
        const guarded = await importFiles([path.join(dir, "de.po")], {pair, maxBytes: 1000});
        assert.match(guarded.messages[0].message, /more than the 0 MiB read whole for a po file/);
        // a large XLIFF, streamed in chunks
        const units = Array.from({length: 20000}, (_, i) => `<trans-unit id="u${i}"><source>Item number ${i} is ready</source><target>Element Nummer ${i} ist bereit</target></trans-unit>`).join("\n");
        fs.writeFileSync(path.join(dir, "big.xlf"), `<?xml version="1.0"?>\n<xliff version="1.2"><file source-language="en" target-language="de"><body>\n${units}\n</body></file></xliff>\n`);
        const big = await importFiles([path.join(dir, "big.xlf")], {pair, maxBytes: 1000});
        assert.equal(big.files[0].segments.length, 20000);
        assert.equal(big.files[0].segments[19999].origin.kind === "file" && big.files[0].segments[19999].origin.line, 20002);
        const xml = "<?xml version=\"1.0\" encoding=\"UTF-16\"?>\n<xliff version=\"2.0\" srcLang=\"en\" trgLang=\"de\"><file id=\"f\"><unit id=\"1\"><segment><source>Größe</source><target>Größe (de)</target></segment></unit></file></xliff>";
        fs.writeFileSync(path.join(dir, "utf16.xlf"), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]));
        fs.writeFileSync(path.join(dir, "latin1.tmx"), Buffer.from("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<tmx version=\"1.4\"><body><tu><tuv xml:lang=\"en\"><seg>Size</seg></tuv><tuv xml:lang=\"de\"><seg>Größe</seg></tuv></tu></body></tmx>", "latin1"));
        const enc = await importFiles([path.join(dir, "utf16.xlf"), path.join(dir, "latin1.tmx")], {pair});
        assert.deepEqual(enc.files.map((f) => f.segments[0].target), ["Größe (de)", "Größe"]);
    });
});
