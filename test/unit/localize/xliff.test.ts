import assert from "node:assert/strict";
import {parseXliff} from "../../../src/tm/parsers/xliff";
import {LocalizeInputError} from "../../../src/localize/document";
import {openXliff, setAttrs} from "../../../src/localize/formats/xliff";
import {fillAll, read} from "./helpers";

describe("localize: XLIFF 1.2 and 2.0", () => {
    const x12 = read("xliff/messages.de.xlf"), x20 = read("xliff/messages.fr.xliff");

    it("writes a file with nothing done byte for byte as it was (LF, CRLF)", () => {
        for (const [t, lang] of [[x12, "de"], [x20, "fr"], [{file: "c.xlf", text: x12.text.replace(/\n/g, "\r\n")}, "de"]] as const) {
            assert.equal(openXliff(t.file, t.text, lang).apply(new Map()).text, t.text);
        }
    });

    it("1.2: fills units without a target, with an empty one, or state new; inline codes verbatim, text escaped, marked for review", () => {
        const doc = openXliff(x12.file, x12.text, "de");
        assert.deepEqual(doc.units.map((u) => [u.key, u.reason]), [["welcome", "missing"], ["bold", "empty"], ["native", "state"], ["cdata", "missing"]]);
        assert.equal(doc.units[0].items[0].source, `Welcome back, <x id="INTERPOLATION" equiv-text="{{ user }}"/>!`);
        assert.equal(doc.units[3].items[0].source, `Use <tags> & "quotes" freely`, "CDATA and entities decoded for the model");
        const r = doc.apply(fillAll(doc));
        const mark = `state="needs-review-translation" state-qualifier="mt-suggestion"`;
        assert.ok(r.text.includes(`        <source>Welcome back, <x id="INTERPOLATION" equiv-text="{{ user }}"/>!</source>\n        <target ${mark}>[de] Welcome back, <x id="INTERPOLATION" equiv-text="{{ user }}"/>!</target>\n        <context-group`), r.text);
        assert.ok(r.text.includes(`<target ${mark}>[de] Click <g id="1" ctype="x-b">here</g> to continue &amp; save.</target>`));
        assert.ok(r.text.includes(`<target state="needs-review-translation" state-qualifier="mt-suggestion">[de] Press <bpt id="1">&lt;b&gt;</bpt>Save<ept id="1">&lt;/b&gt;</ept> now.</target>`));
        assert.ok(r.text.includes(`<target ${mark}>[de] Use &lt;tags&gt; &amp; "quotes" freely</target>`));
        // the rest as it was
        for (const keep of [`<target state="translated">Polyspec Notizen</target>`, `<target state="needs-review-translation">Notiz löschen?</target>`, `<trans-unit id="code" translate="no">\n        <source>polyspec.config.json</source>\n      </trans-unit>`]) assert.ok(r.text.includes(keep), keep);
        // read back by the memory's parser: the new targets are unreviewed (not taken as translations)
        const back = parseXliff(r.text, {includeFuzzy: true});
        assert.equal(back.segments.find((s) => s.key === "bold")?.target, `[de] Click <g id="1" ctype="x-b">here</g> to continue & save.`);
        assert.equal(parseXliff(r.text).segments.length, 1, "only the human translation counts as one");
        doc.validate(r.text);
    });

    it("1.2: with includeFuzzy, units that need review are translated again", () => {
        const doc = openXliff(x12.file, x12.text, "de", {includeFuzzy: true});
        assert.deepEqual(doc.units.map((u) => u.key), ["welcome", "bold", "native", "cdata", "review"]);
    });

    it("2.0: fills segments, marks them translated with subState polyspec:mt", () => {
        const doc = openXliff(x20.file, x20.text, "fr");
        assert.deepEqual(doc.units.map((u) => [u.key, u.reason]), [["greeting/s1", "missing"], ["bold/s1", "empty"], ["bold/s2", "missing"]]);
        const r = doc.apply(fillAll(doc));
        assert.ok(r.text.includes(`      <segment id="s1" state="translated" subState="polyspec:mt">\n        <source>Hello, <ph id="1" dataRef="d1"/>!</source>\n        <target>[fr] Hello, <ph id="1" dataRef="d1"/>!</target>\n      </segment>`), r.text);
        assert.ok(r.text.includes(`<segment id="s1" state="translated" subState="polyspec:mt">\n        <source>Open the <pc id="1" type="fmt" subType="xlf:b">settings</pc> page.</source>\n        <target>[fr] Open the <pc id="1" type="fmt" subType="xlf:b">settings</pc> page.</target>`));
        assert.ok(r.text.includes(`<target>[fr] It is &lt;fast&gt; &amp; private.</target>`));
        assert.ok(r.text.includes(`<segment id="s1" state="initial">\n        <source>Saved.</source>\n        <target>Gespeichert.</target>`), "a draft stays without includeFuzzy");
        doc.validate(r.text);
        assert.deepEqual(openXliff(x20.file, x20.text, "fr", {includeFuzzy: true}).units.map((u) => u.key), ["greeting/s1", "bold/s1", "bold/s2", "draft/s1"]);
    });

    it("escapes the output's text but keeps the source's inline codes; a tag the source does not have is text", () => {
        const doc = openXliff("a.xlf", `<xliff version="1.2"><file source-language="en" target-language="de"><body><trans-unit id="1"><source>A <g id="1">b</g> c</source></trans-unit></body></file></xliff>`, "de");
        const r = doc.apply(new Map([[doc.units[0].id, [`X <g id="1">y</g> <b>z</b> & "q"`]]]));
        assert.ok(r.text.includes(`<target state="needs-review-translation" state-qualifier="mt-suggestion">X <g id="1">y</g> &lt;b&gt;z&lt;/b&gt; &amp; "q"</target>`), r.text);
    });

    it("sets attributes in a start tag", () => {
        assert.equal(setAttrs(`<target state="new">`, {state: "translated", x: "1"}), `<target state="translated" x="1">`);
        assert.equal(setAttrs(`<target/>`, {state: "a"}), `<target state="a"/>`);
        assert.equal(setAttrs(`<segment id='s1' state='initial'>`, {state: "translated"}), `<segment id='s1' state='translated'>`);
    });

    it("refuses malformed XML with file and line, and files that are not XLIFF", () => {
        assert.throws(() => openXliff("m.xlf", `<xliff version="1.2">\n<file>\n<body>\n<trans-unit id="1"><source>a</target>\n</body></file></xliff>`, "de"), (e: unknown) => {
            assert.ok(e instanceof LocalizeInputError, String(e));
            assert.equal(e.line, 4);
            assert.match(e.message, /^m\.xlf:4:\d+: not well-formed XML/);
            return true;
        });
        assert.throws(() => openXliff("m.xlf", `<tmx version="1.4"/>`, "de"), /not an XLIFF file/);
        assert.throws(() => openXliff("m.xlf", `<xliff version="3.0"/>`, "de"), /version "3.0" is not supported/);
    });
});
