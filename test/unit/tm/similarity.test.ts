import assert from "node:assert/strict";
import {editDistance, matchTokens, similarity, wordChanges} from "../../../src/tm/similarity";

describe("tm similarity", () => {
    it("tokenizes words, markup and placeholders; ignores punctuation and case", () => {
        assert.deepEqual(matchTokens("Hello, World! Don't panic."), ["hello", "world", "don", "t", "panic"]);
        assert.deepEqual(matchTokens("Click <g id=\"1\">here</g> for %s and {name} or %1$d, ${x}, {{ count }}"),
            ["click", "<g id=\"1\">", "here", "</g>", "for", "%s", "and", "{name}", "or", "%1$d", "${x}", "{{ count }}"]);
        assert.deepEqual(matchTokens("100% discount"), ["100", "discount"]);
        assert.deepEqual(matchTokens("Ｆｕｌｌwidth"), ["fullwidth"]); // NFKC
    });

    it("compares Chinese and Japanese by characters", () => {
        assert.deepEqual(matchTokens("打开文件。", true), ["打", "开", "文", "件"]);
        assert.deepEqual(matchTokens("ファイルを開く", true), ["フ", "ァ", "イ", "ル", "を", "開", "く"]);
        assert.equal(similarity("打开文件", "打开文件夹", true), 0.8);
    });

    it("is 1 - word edit distance / the longer length", () => {
        assert.equal(editDistance([1, 2, 3], [1, 3]), 1);
        assert.equal(editDistance([], [4, 5]), 2);
        assert.equal(editDistance([1, 2, 3, 4], [2, 1, 3, 5]), 3);
        assert.equal(similarity("Open the file.", "open the file"), 1);
        assert.equal(similarity("Open the file", "Open a file"), 1 - 1 / 3);
        assert.equal(similarity("Open the file now", "Open file"), 0.5);
        assert.equal(similarity("a b c d e", "v w x y z"), 0);
        assert.equal(similarity("...", "..."), 1);
        assert.equal(similarity("...", "!!!"), 0);
    });

    it("lists the changed words of a new text against an earlier one, with the unchanged words around them", () => {
        assert.deepEqual(wordChanges("Bob bought 5 apples at the market.", "Alice bought 7 apples at the market."),
            [{was: "Bob", now: "Alice", after: "bought"}, {was: "5", now: "7", before: "bought", after: "apples"}]);
        assert.deepEqual(wordChanges("Open the file", "Open the big file now"), [{was: "", now: "big", before: "the", after: "file"}, {was: "", now: "now", before: "file"}]);
        assert.deepEqual(wordChanges("Delete all old files", "Delete files"), [{was: "all old", now: "", before: "Delete", after: "files"}]);
        assert.deepEqual(wordChanges("same words", "Same words!"), []);
        assert.deepEqual(wordChanges("打开文件", "打开文件夹", true), [{was: "", now: "夹", before: "件"}]);
    });
});
