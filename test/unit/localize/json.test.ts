import assert from "node:assert/strict";
import {parse as parseIcu} from "@formatjs/icu-messageformat-parser";
import {LocalizeInputError} from "../../../src/localize/document";
import {openJson} from "../../../src/localize/formats/json";
import {fillAll, read} from "./helpers";

const en = read("json/en.json"), de = read("json/de.json");

function open(target: {file: string; text: string}, source = en, lang = "de") {
    return openJson(target.file, target.text, lang, {source});
}

/** Every string leaf of a parsed JSON value by key path. */
function leaves(v: unknown, p = "", out = new Map<string, unknown>()): Map<string, unknown> {
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) leaves(x, p ? `${p}.${k}` : k, out);
    else out.set(p, v);
    return out;
}

describe("localize: i18n JSON", () => {
    it("writes a file with nothing done byte for byte as it was (2 and 4 spaces, tabs, no trailing newline, CRLF, BOM)", () => {
        const common = read("json/locales/de/common.json");
        for (const [t, s] of [[de, en], [common, read("json/locales/en/common.json")], [read("json/i18next/ru.json"), read("json/i18next/en.json")],
            [{file: "c.json", text: de.text.replace(/\n/g, "\r\n")}, en], [{file: "b.json", text: "\ufeff" + de.text}, en]] as const) {
            const doc = openJson(t.file, t.text, t.file.includes("ru") ? "ru" : "de", {source: s});
            assert.equal(doc.apply(new Map()).text, t.text);
        }
    });

    it("finds missing and empty strings in source order, ICU plurals by branch with sample counts", () => {
        const doc = open(de);
        assert.deepEqual(doc.units.map((u) => [u.key, u.reason]), [
            ["app.tagline", "empty"], ["menu.open", "missing"], ["menu.recent", "missing"], ["inbox", "missing"], ["deleted", "missing"],
            ["welcome", "missing"], ["settings.theme.dark", "missing"], ["settings.theme.light", "missing"], ["footer", "missing"],
        ]);
        assert.deepEqual(doc.units[3].items.map((i) => i.source), ["No new messages", "You have 1 new message", "You have 2 new messages"]);
        assert.deepEqual(doc.units[2].items.map((i) => i.source), ["Last week"], "the array's missing item");
        assert.ok(doc.memory.some((m) => m.source === "Hello, {name}!" && m.target === "Hallo, {name}!" && m.key === "greeting"));
    });

    it("fills only those keys, in the source's order and the file's layout; everything else stays as it was", () => {
        const doc = open(de);
        const r = doc.apply(fillAll(doc));
        assert.equal(r.text, `{
  "app": {
    "title": "Polyspec Notizen",
    "tagline": "[de] Your notes, everywhere."
  },
  "menu": {
    "file": "Datei",
    "open": "[de] Open…",
    "save": "Speichern",
    "recent": ["Heute", "Gestern", "[de] Last week"]
  },
  "greeting": "Hallo, {name}!",
  "inbox": "{count, plural, =0 {[de] No new messages} one {[de] You have # new message} other {[de] You have # new messages}}",
  "deleted": "{count, plural, one {[de] Deleted # note from {folder}.} other {[de] Deleted # notes from {folder}.}}",
  "welcome": "[de] Welcome back, <b>{{user}}</b>. You have {{count}} reminders.",
  "settings": {
    "title": "Einstellungen",
    "theme": {
      "dark": "[de] Dark theme",
      "light": "[de] Light theme"
    },
    "maxItems": 20
  },
  "footer": "[de] © 2024 Polyspec – see %s for details"
}`);
        const before = leaves(JSON.parse(de.text)), after = leaves(JSON.parse(r.text));
        for (const [k, v] of before) if (v !== "") assert.equal(after.get(k), v, k);
        for (const m of ["inbox", "deleted"]) parseIcu(JSON.parse(r.text)[m]);
        doc.validate(r.text);
    });

    it("copies 4-space indentation, fills an empty object, keeps a missing trailing newline", () => {
        const t = read("json/locales/de/common.json");
        const doc = openJson(t.file, t.text, "de", {source: read("json/locales/en/common.json")});
        assert.equal(doc.apply(fillAll(doc)).text, `{
    "nav": {
        "home": "Startseite",
        "about": "[de] About us",
        "contact": "[de] Contact"
    },
    "errors": {
        "notFound": "[de] The page {path} was not found.",
        "server": "[de] Something went wrong. Please try again later."
    },
    "cart": "[de] Items in cart: %1$d of %2$d"
}`);
    });

    it("gives i18next plural keys the target language's categories, tabs kept", () => {
        const t = read("json/i18next/ru.json");
        const doc = openJson(t.file, t.text, "ru", {source: read("json/i18next/en.json")});
        assert.deepEqual(doc.units.map((u) => [u.key, u.items[0].source]), [["files_one", "1 file"], ["files_few", "2 files"], ["files_many", "5 files"], ["files_other", "{{count}} files"]]);
        const out = doc.apply(fillAll(doc, (i) => (i.restore ? `${i.source.replace(/\d+/, i.restore.to)} (ru)` : `${i.source} (ru)`))).text;
        assert.equal(out, `{\n\t"files_one": "{{count}} file (ru)",\n\t"files_few": "{{count}} files (ru)",\n\t"files_many": "{{count}} files (ru)",\n\t"files_other": "{{count}} files (ru)",\n\t"title": "Файлы"\n}\n`);
        // a language without "one" (Japanese) gets no files_one
        const ja = openJson("ja.json", "{}\n", "ja", {source: read("json/i18next/en.json")});
        assert.deepEqual(ja.units.map((u) => u.key), ["files_other", "title"]);
        assert.match(ja.notes.join("\n"), /categories one are not used in ja/);
    });

    it("writes into a new (empty) target with the source's layout, inline objects inline, CRLF, \\u escapes", () => {
        const doc = openJson("new.json", "{}\n", "de", {source: read("json/locales/en/common.json")});
        const out = doc.apply(fillAll(doc)).text;
        assert.deepEqual(JSON.parse(out).nav, {home: "[de] Home", about: "[de] About us", contact: "[de] Contact"});
        assert.ok(out.startsWith(`{\n    "nav": {\n        "home": "[de] Home",`), out);
        const inline = openJson("i.json", `{"a": {"x": "X"}, "c": "C"}`, "de", {source: {file: "en.json", text: `{"a": {"x": "x", "y": "y"}, "b": "b", "c": "c"}`}});
        assert.equal(inline.apply(fillAll(inline)).text, `{"a": {"x": "X", "y": "[de] y"}, "b": "[de] b", "c": "C"}`);
        const crlf = openJson("c.json", "{\r\n  \"a\": \"A\"\r\n}\r\n", "de", {source: {file: "en.json", text: `{"a": "a", "b": "b"}`}});
        assert.equal(crlf.apply(fillAll(crlf)).text, "{\r\n  \"a\": \"A\",\r\n  \"b\": \"[de] b\"\r\n}\r\n");
        const esc = openJson("e.json", `{\n  "a": "Gr\\u00fc\\u00dfe"\n}`, "de", {source: {file: "en.json", text: `{"a": "Greetings", "b": "Bye"}`}});
        assert.equal(esc.apply(fillAll(esc, () => "Tschüß")).text, `{\n  "a": "Gr\\u00fc\\u00dfe",\n  "b": "Tsch\\u00fc\\u00df"\n}`);
        const colon = openJson("k.json", `{\n  "a":"A"\n}`, "de", {source: {file: "en.json", text: `{"a": "a", "b": "b"}`}});
        assert.equal(colon.apply(fillAll(colon)).text, `{\n  "a":"A",\n  "b":"[de] b"\n}`);
    });

    it("unwraps {\"en\": ...} / {\"de\": ...} files", () => {
        const doc = openJson("de.json", `{\n  "de": {\n    "a": "A"\n  }\n}\n`, "de", {source: {file: "en.json", text: `{"en": {"a": "a", "b": "b"}}`}});
        assert.deepEqual(doc.units.map((u) => u.key), ["b"]);
        assert.equal(doc.apply(fillAll(doc)).text, `{\n  "de": {\n    "a": "A",\n    "b": "[de] b"\n  }\n}\n`);
        const fresh = openJson("de.json", "{}", "de", {source: {file: "en.json", text: `{"en": {"a": "a"}}`}});
        assert.deepEqual(JSON.parse(fresh.apply(fillAll(fresh)).text), {de: {a: "[de] a"}});
    });

    it("leaves a key alone where the target holds something else, and says so", () => {
        const doc = openJson("de.json", `{"a": 5, "b": "B"}`, "de", {source: {file: "en.json", text: `{"a": "a", "b": "b", "c": {"d": "d"}}`}});
        assert.deepEqual(doc.units.map((u) => u.key), ["c.d"]);
        assert.match(doc.notes.join("\n"), /"a": the target has a number where the source has a string/);
    });

    it("refuses invalid JSON with file, line and column", () => {
        const bad = (text: string, line: number, re: RegExp) => assert.throws(() => openJson("de.json", text, "de", {source: en}), (e: unknown) => {
            assert.ok(e instanceof LocalizeInputError, String(e));
            assert.equal(e.line, line, e.message);
            assert.match(e.message, re);
            return true;
        });
        bad(`{\n  "a": "A",\n  "b": "B"\n  "c": "C"\n}`, 4, /^de\.json:4:3: not valid JSON: a comma is missing/);
        bad(`{\n  "a": "A",\n}`, 3, /trailing comma/);
        bad(`{\n  // comment\n  "a": "A"\n}`, 2, /comments are not allowed/);
        bad(`["a"]`, 1, /top level is not an object/);
        assert.throws(() => openJson("de.json", "{}", "de", {source: {file: "en.json", text: "{\n\"a\": }"}}), /^Error: en\.json:2|en\.json:2/);
    });
});
