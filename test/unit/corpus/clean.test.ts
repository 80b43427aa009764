import assert from "node:assert/strict";
import {cleanText, dedupe, hasPlaceholders, isTextSegment, stripMarkup} from "../../../src/corpus/clean";
import {findContamination, HeldOut, normKey} from "../../../src/corpus/decontaminate";
import {isNarrativeEnglish, isNarrativeTarget} from "../../../src/corpus/prompts";

describe("corpus: cleaning", () => {
    it("normalizes to NFC, strips markup, decodes entities and collapses whitespace", () => {
        const decomposed = "Cafe\u0301 <i>au</i>\n  lait &amp; cr&#232;me&nbsp;br\u00fbl\u00e9e";
        const s = cleanText(decomposed);
        assert.equal(s, "Café au lait & crème brûlée");
        assert.equal(s, s.normalize("NFC"));
        assert.ok(!s.includes("\u0301"));
        assert.equal(stripMarkup("<span color='#f00'>Red</span><br/>text"), "Red text");
        assert.equal(cleanText("a\u0000b\u200bc\ufeff"), "abc");
        assert.ok(!cleanText("line one\nline two\r\nline three").includes("\n"));
    });

    it("flags template leftovers", () => {
        for (const s of ["$unit.name| attacks", "{MACRO}", "[tag]x", "%s files", "see https://x.org"]) assert.ok(hasPlaceholders(s), s);
        assert.ok(!hasPlaceholders("The knight costs 20 gold (or more)."));
    });

    it("keeps text segments by script", () => {
        assert.ok(isTextSegment("Die Nacht war kalt.", false));
        assert.ok(!isTextSegment("OK", false));
        assert.ok(!isTextSegment("12345 67890 !!!", false));
        assert.ok(isTextSegment("夜は寒かった", true));
        assert.ok(!isTextSegment("夜は", true));
    });

    it("dedupes keeping the first occurrence", () => {
        assert.deepEqual(dedupe(["b", "a", "b", "c", "a"]), ["b", "a", "c"]);
    });
});

describe("corpus: decontamination key", () => {
    it("lower-cases and removes punctuation, symbols and spaces, Unicode aware", () => {
        assert.equal(normKey("Hello, World!"), "helloworld");
        assert.equal(normKey("  hello world  "), normKey("HELLO—WORLD…"));
        assert.equal(normKey("Ça va ?"), normKey("ça va"));
        assert.equal(normKey("«Привет, мир!»"), "приветмир");
        assert.equal(normKey("こんにちは、世界。"), normKey("こんにちは 世界"));
        assert.equal(normKey("ＡＢＣ！"), "abc"); // full-width folds by NFKC
        assert.equal(normKey("Straße"), "straße");
        assert.notEqual(normKey("Die Nacht war kalt."), normKey("Die Nacht war warm."));
    });

    it("finds training lines that are held out or near-duplicates of held-out text", () => {
        const held = new HeldOut();
        held.add("The night was cold.");
        held.add("夜は寒かった。");
        const found = findContamination(held, [
            {file: "de/mono.txt", line: 1, text: "Something else entirely."},
            {file: "de/mono.txt", line: 2, text: "the NIGHT — was cold"},
            {file: "ja/mono.txt", line: 7, text: "夜は、寒かった！"},
        ]);
        assert.deepEqual(found.map((f) => `${f.file}:${f.line}`), ["de/mono.txt:2", "ja/mono.txt:7"]);
    });
});

describe("corpus: story prompt filter", () => {
    it("keeps narration and dialogue, drops objectives, gameplay and templates", () => {
        assert.ok(isNarrativeEnglish("In the twenty-eighth year of the reign of Garard, the kingdom was plunged into a bitter war."));
        assert.ok(isNarrativeEnglish("“We must find a way underground before we are overwhelmed,” said the dwarf."));
        assert.ok(!isNarrativeEnglish("Defeat all enemy leaders"));
        assert.ok(!isNarrativeEnglish("Move Konrad to the signpost at the end of the road before turns run out."));
        assert.ok(!isNarrativeEnglish("Each village gives you 2 gold per turn, so capture as many as you can."));
        assert.ok(!isNarrativeEnglish("$unit.name| found a chest of gold hidden under the old bridge."));
        assert.ok(!isNarrativeEnglish("Too short to tell."));
        assert.ok(isNarrativeTarget("Die Gruppe rastete drei Tage, dann kehrte ein alter Freund zurück.", "The party rested for three days, after which an old friend returned.", false));
        assert.ok(isNarrativeTarget("一行は三日間休んだ。", "The party rested for three days, after which an old friend returned.", true));
        assert.ok(!isNarrativeTarget("Die Gruppe rastete drei Tage", "The party rested for three days, after which an old friend returned.", false));
    });
});
