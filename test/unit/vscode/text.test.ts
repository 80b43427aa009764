import assert from "node:assert/strict";
import {LANGUAGES} from "../../../src/core/languages";
import {dropBrokenTail, belowInsertion, joinContinuation, languagePickItems, lineEnded, orderLanguages, paragraphEnded, pushRecent, storyContext, stripEcho, translationBudget, trimContinuation} from "../../../src/vscode/common/text";

describe("editor text helpers", () => {
    it("orders languages: recent first, then the table; unknown codes skipped", () => {
        const o = orderLanguages(["zh", "xx", "de", "zh"]);
        assert.deepEqual(o.slice(0, 3).map((l) => l.code), ["zh", "de", "en"]);
        assert.equal(o.length, LANGUAGES.length);
    });

    it("pick items are searchable by English and native name and mark recent ones", () => {
        const items = languagePickItems(["ja"], "recent");
        assert.equal(items[0].label, "Japanese");
        assert.match(items[0].description, /日本語 · recent/);
        const de = items.find((i) => i.code === "de")!;
        assert.deepEqual([de.label, de.description, de.recent], ["German", "Deutsch", false]);
        assert.equal(items.find((i) => i.code === "en")!.description, "");
    });

    it("keeps a short most-recent-first list", () => {
        assert.deepEqual(pushRecent(["de", "fr", "es"], "fr", 3), ["fr", "de", "es"]);
        assert.deepEqual(pushRecent(["a", "b", "c"], "d", 3), ["d", "a", "b"]);
    });

    it("story context starts at a paragraph or sentence boundary", () => {
        const text = "First paragraph that is old.\n\nSecond paragraph. It goes on and on.";
        assert.equal(storyContext(text, 1000), text);
        assert.equal(storyContext(text, 45), "Second paragraph. It goes on and on.");
        assert.equal(storyContext("aaaa. bbbbbbbbbbbbbbbbbbbbbb", 24), "bbbbbbbbbbbbbbbbbbbbbb");
        // a blank line at the end stays (a new paragraph is wanted); other trailing whitespace goes
        assert.equal(storyContext("  He left.\n\n  "), "He left.\n\n");
        assert.equal(storyContext("He left.  \n"), "He left.");
    });

    it("stops: paragraph end for stories, line end for inline suggestions", () => {
        assert.equal(paragraphEnded("\n\nHe left."), false);
        assert.equal(paragraphEnded("He left.\n\nThe"), true);
        assert.equal(lineEnded("\nHe"), false);
        assert.equal(lineEnded("He left.\n"), true);
        assert.equal(trimContinuation("\n\nHe left.  \n\nThe next", "paragraph"), "He left.");
        assert.equal(trimContinuation("went home.\nNext line", "line"), "went home.");
        // cut off by the token limit: back to the last whole sentence
        assert.equal(trimContinuation("He left. She stayed and", "paragraph"), "He left.");
        assert.equal(trimContinuation("他走了。她留下来", "paragraph"), "他走了。");
        assert.equal(trimContinuation("no sentence end yet", "paragraph"), "no sentence end yet");
        assert.equal(trimContinuation("went home and", "line"), "went home and");
    });

    it("joins continuations with a space only where the language and context need one", () => {
        assert.equal(joinContinuation("He opened the door", "and stepped out.", false), " and stepped out.");
        assert.equal(joinContinuation("He opened the door ", " and stepped out.", false), "and stepped out.");
        assert.equal(joinContinuation("He opened the door", ", slowly.", false), ", slowly.");
        assert.equal(joinContinuation("他打开了门", " 走了出去。", true), "走了出去。");
        assert.equal(joinContinuation("", "Once upon a time", false), "Once upon a time");
    });

    it("drops an echo of the context's last sentence", () => {
        const before = "The night was cold. The wind howled over the hills.";
        assert.equal(stripEcho(before, " The wind howled over the hills. Then silence."), " Then silence.");
        assert.equal(stripEcho(before, "Then silence."), "Then silence.");
        assert.equal(joinContinuation(before, "The wind howled over the hills. Then silence.", false), " Then silence.");
    });

    it("translation budget grows with the input and is capped", () => {
        assert.equal(translationBudget(10, 512), 62);
        assert.equal(translationBudget(1000, 512), 512);
        assert.equal(translationBudget(0, 512), 32);
        assert.equal(belowInsertion("text", "Übersetzung"), "\nÜbersetzung");
        assert.equal(belowInsertion("", "Übersetzung"), "Übersetzung");
    });

    it("drops a character cut off by Cancel", () => {
        assert.equal(dropBrokenTail("灯台守は\uFFFD"), "灯台守は");
        assert.equal(dropBrokenTail("ok 👍"), "ok 👍");
    });
});
