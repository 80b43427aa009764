import assert from "node:assert/strict";
import {translationPrompt} from "../../../src/core/tasks";
import {TranslationMemory} from "../../../src/tm/memory";
import {openJson} from "../../../src/localize/formats/json";
import {openPo} from "../../../src/localize/formats/po";
import {runLocalizeJob, type JobEvent, type Translate, type TranslateEntry} from "../../../src/localize/job";
import {translationOrder} from "../../../src/localize/order";
import {strictPrompt} from "../../../src/localize/translate";
import {read} from "./helpers";

/** A translator that "translates" by tagging, keeping the text's placeholders; records what it was asked and saw. */
function recorder(f: (e: TranslateEntry) => string = (e) => `[de] ${e.item.source}`) {
    const calls: {entry: TranslateEntry; matches: string[]}[] = [];
    const translate: Translate = async (entry, memory) => {
        const matches = memory.search(entry.item.source, {k: 3, minScore: 0.5}).map((m) => `${m.segment.origin.kind}:${m.segment.source}`);
        calls.push({entry, matches});
        return {text: f(entry), stats: {tokens: 10, decodeMs: 100}, matches: matches.length ? [{score: 0.8, origin: "history"}] : []};
    };
    return {translate, calls};
}

const de = read("json/de.json"), en = read("json/en.json");

describe("localize: the job", () => {
    it("translates every text, reports each one, and sums up", async () => {
        const doc = openJson(de.file, de.text, "de", {source: en});
        const events: JobEvent[] = [];
        const {translate, calls} = recorder((e) => e.item.restore ? `[de] ${e.item.source}` : `[de] ${e.item.source}`);
        const r = await runLocalizeJob(doc, {translate, onEvent: (e) => events.push(e), order: "file"});
        const items = doc.units.reduce((a, u) => a + u.items.length, 0);
        assert.equal(calls.length, items);
        assert.deepEqual(events[0], {type: "start", units: doc.units.length, items});
        assert.equal(events.filter((e) => e.type === "item").length, items);
        assert.deepEqual(events.filter((e) => e.type === "item").map((e) => (e as {done: number}).done), [...Array(items).keys()].map((i) => i + 1));
        assert.equal(events.at(-1)!.type, "done");
        assert.equal(r.done.size, doc.units.length);
        assert.deepEqual(r.done.get(doc.units.find((u) => u.key === "inbox")!.id), ["[de] No new messages", "[de] You have # new message", "[de] You have # new messages"], "sample numbers restored");
        const s = r.summary;
        assert.equal(s.translated, doc.units.length);
        assert.equal(s.requests, items);
        assert.equal(s.tokens, 10 * items);
        assert.equal(s.tokensPerSecond, 100);
        assert.equal(s.flagged + s.skipped + s.retries, 0);
        assert.equal(s.plain, undefined, "no speed-up without a measurement");
        assert.ok(s.placeholders.items >= 4 && s.placeholders.kept === s.placeholders.items);
    });

    it("orders similar texts one after another (greedy nearest neighbour), else file order", () => {
        const texts = ["Open the file", "Quit the program", "Save the file", "Quit the program now", "Open the file again", "Save the file as"];
        assert.deepEqual(translationOrder(texts, "similar"), [0, 4, 2, 5, 1, 3]);
        assert.deepEqual(translationOrder(texts, "file"), [0, 1, 2, 3, 4, 5]);
    });

    it("grows its memory as it goes: a later similar text sees the earlier translation as a history match", async () => {
        const doc = {srcLang: "en", lang: "de", memory: [{source: "Open the file", target: "Öffne die Datei", origin: {kind: "file" as const, file: "de.po", line: 3}}],
            units: ["Save the file", "Quit the program", "Save the file as"].map((s, i) => ({id: `u${i}`, key: s, line: i, reason: "empty" as const, source: s, items: [{id: `u${i}#0`, unitId: `u${i}`, source: s}], render: (t: readonly string[]) => t[0]}))};
        const {translate, calls} = recorder();
        await runLocalizeJob(doc, {translate});
        assert.deepEqual(calls.map((c) => c.entry.item.source), ["Save the file", "Save the file as", "Quit the program"], "similar first");
        assert.deepEqual(calls[0].matches, ["file:Open the file"]);
        assert.deepEqual(calls[1].matches, ["history:Save the file", "file:Open the file"]);
    });

    it("takes exact matches without the model: the file's own translations, repeated texts, an external memory", async () => {
        const external = new TranslationMemory({src: "en", tgt: "de"});
        external.add([{source: "Quit", target: "Beenden", origin: {kind: "corpus"}}]);
        const doc = {srcLang: "en", lang: "de", memory: [{source: "Open", target: "Öffnen", origin: {kind: "file" as const, file: "x", line: 1}}],
            units: ["Open", "Close", "Quit", "Close", "Hello {name}"].map((s, i) => ({id: `u${i}`, key: `k${i}`, line: i, reason: "missing" as const, source: s, items: [{id: `u${i}#0`, unitId: `u${i}`, source: s}], render: (t: readonly string[]) => t[0]}))};
        const {translate, calls} = recorder();
        const r = await runLocalizeJob(doc, {translate, memory: external, order: "file"});
        assert.deepEqual(calls.map((c) => c.entry.item.source), ["Close", "Hello {name}"]);
        assert.deepEqual([...r.done.values()].map((t) => t[0]), ["Öffnen", "[de] Close", "Beenden", "[de] Close", "[de] Hello {name}"]);
        assert.equal(r.summary.reused, 3);
        assert.equal(r.summary.tmByOrigin.corpus, 1);
        // reuseExact: false asks the model for everything
        const all = recorder();
        await runLocalizeJob(doc, {translate: all.translate, memory: external, reuseExact: false});
        assert.equal(all.calls.length, 5);
        // a known translation (a side file's pending entry) is taken as it is
        const known = recorder();
        const k = await runLocalizeJob(doc, {translate: known.translate, known: new Map([["k1\u0000Close", "Schließen"]]), order: "file"});
        assert.deepEqual(known.calls.map((c) => c.entry.item.source), ["Quit", "Hello {name}"], "no external memory this time");
        assert.equal(k.done.get("u1")![0], "Schließen");
    });

    it("after the retry, translates a text with line-level markup part by part, keeping the markup and line breaks verbatim", async () => {
        const src = {file: "/ws/en.json", text: JSON.stringify({hush: "<i>(motions for silence)</i>\n\n<small>What was that noise?</small>", bye: "Bye."}, null, 2)};
        const doc = openJson("/ws/de.json", "{}", "de", {source: src});
        const {translate, calls} = recorder((e) => e.item.source.includes("<i>") ? "(Bitte um Ruhe) Was war das?" : `[de] ${e.item.source}`);
        const r = await runLocalizeJob(doc, {translate, order: "file"});
        const hush = calls.filter((c) => c.entry.unit.key === "hush");
        assert.deepEqual(hush.map((c) => [c.entry.attempt, c.entry.item.source]), [
            [1, "<i>(motions for silence)</i>\n\n<small>What was that noise?</small>"], [2, "<i>(motions for silence)</i>\n\n<small>What was that noise?</small>"],
            [1, "(motions for silence)"], [1, "What was that noise?"]]);
        assert.equal(r.flagged.length, 0);
        assert.equal(r.summary.retries, 2);
        assert.equal(JSON.parse(doc.apply(r.done).text).hush, "<i>[de] (motions for silence)</i>\n\n<small>[de] What was that noise?</small>");
        // a part that still loses a placeholder: flagged as before, nothing written
        const lossy = recorder((e) => e.item.source.startsWith("What") ? "Was war das?" : e.item.source.includes("<i>") ? "x" : `[de] ${e.item.source}`);
        const src2 = {file: "/ws/en.json", text: JSON.stringify({hush: "<i>(quiet)</i>\n<small>What was that, {name}?</small>"})};
        const doc2 = openJson("/ws/de.json", "{}", "de", {source: src2});
        const r2 = await runLocalizeJob(doc2, {translate: lossy.translate, order: "file"});
        assert.deepEqual(r2.flagged.map((f) => f.unit.key), ["hush"]);
        assert.match(r2.flagged[0].problems.join(), /\{name\}/);
    });

    it("retries a lost placeholder once with the placeholders named, then flags the entry and writes nothing for it", async () => {
        const doc = openJson(de.file, de.text, "de", {source: en});
        let retried = false;
        const {translate, calls} = recorder((e) => {
            if (e.item.source.includes("{name}") || e.item.source.includes("{folder}")) return "Gelöscht.";             // always loses it
            if (e.item.source.includes("{{user}}") && e.attempt === 1) return "Willkommen zurück!";                   // loses, then keeps
            if (e.attempt === 2) retried = true;
            return `[de] ${e.item.source}`;
        });
        const r = await runLocalizeJob(doc, {translate, order: "file"});
        assert.ok(retried);
        const welcome = calls.filter((c) => c.entry.unit.key === "welcome");
        assert.deepEqual(welcome.map((c) => c.entry.attempt), [1, 2]);
        assert.deepEqual(welcome[1].entry.keep, ["<b>", "{{user}}", "</b>", "{{count}}"]);
        assert.match(welcome[1].entry.problems!.join(), /missing <b>, \{\{user\}\}, <\/b>, \{\{count\}\}/);
        assert.deepEqual(r.flagged.map((f) => f.unit.key), ["deleted"]);
        assert.equal(calls.filter((c) => c.entry.unit.key === "deleted").length, 2, "one retry, then the unit's other texts are not asked");
        assert.equal(r.summary.flagged, 1);
        assert.equal(r.summary.retries, 2);
        assert.ok(!r.done.has(r.flagged[0].unit.id));
        const text = doc.apply(r.done).text;
        assert.ok(!("deleted" in JSON.parse(text)));
        assert.equal(JSON.parse(text).welcome, "[de] Welcome back, <b>{{user}}</b>. You have {{count}} reminders.");
    });

    it("stops when cancelled: finished units are written whole, the file stays valid, the rest is skipped", async () => {
        const po = read("po/ru.po");
        for (const stopAfter of [0, 1, 2, 3, 4]) {
            const doc = openPo(po.file, po.text, "ru");
            const cancel = {cancelled: false};
            let n = 0;
            const translate: Translate = async (e) => {
                if (++n > stopAfter) { cancel.cancelled = true; return {text: "", cancelled: true}; }
                return {text: `[ru] ${e.item.source}`};
            };
            const r = await runLocalizeJob(doc, {translate, cancel, order: "file"});
            assert.equal(r.summary.cancelled, true);
            assert.equal(r.done.size, stopAfter >= 3 ? 1 : 0, `after ${stopAfter} texts`);
            assert.equal(r.skipped.length, 2 - r.done.size);
            const out = doc.apply(r.done).text;
            doc.validate(out);
            if (r.done.size) assert.ok(out.includes(`msgstr[2] "[ru] %d files selected"`), out);
            else assert.equal(out, po.text);
        }
    });

    it("sums plain-decoding measurements into a speed-up only when the translator measured them", async () => {
        const doc = openPo("x.po", `msgid "a"\nmsgstr ""\n\nmsgid "b"\nmsgstr ""\n`, "de");
        const translate: Translate = async (e) => ({text: `[de] ${e.item.source}`, stats: {tokens: 20, decodeMs: 100, wallMs: 150, plain: {tokens: 20, decodeMs: 200, wallMs: 300, identical: true}}});
        const r = await runLocalizeJob(doc, {translate});
        assert.deepEqual(r.summary.plain, {requests: 2, tokens: 40, decodeMs: 400, wallMs: 600, tokensPerSecond: 100, speedup: 2, endToEndSpeedup: 2, identical: 2});
    });

    it("the retry's prompt names the placeholders before the text", () => {
        const p = strictPrompt(translationPrompt("Hello {name}", "de"), "Hello {name}", ["{name}"], ["missing {name}"]) as {messages: {content: string}[]};
        assert.match(p.messages[1].content, /Reply with the translation only\. The text contains placeholders .*"\{name\}".*rejected: missing \{name\}\.\n\nHello \{name\}$/s);
    });
});
