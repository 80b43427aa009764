import assert from "node:assert/strict";
import {TmDrafter, tmConfidence} from "../../../src/drafters/tm";
import {tmCandidates} from "../../../src/tm/draft";
import {TranslationMemory} from "../../../src/tm/memory";

const PROMPT = [900, 901, 902, 903];

describe("tm drafter", () => {
    it("proposes the best candidate's start before any output, then continues the longest match of the output", () => {
        const d = new TmDrafter([{tokens: [5, 6, 7, 8, 9], score: 0.9}, {tokens: [1, 2, 3], score: 0.7, kind: "history"}]);
        d.reset();
        const first = d.propose(PROMPT, 3);
        assert.deepEqual(first.tokens, [5, 6, 7]);
        assert.equal(first.source, "memory");
        assert.deepEqual(first.confidence, [tmConfidence(2, 0.9), tmConfidence(3, 0.9), tmConfidence(4, 0.9)]);
        // output so far [.. 6 7]: the docstring example
        const p = d.propose([...PROMPT, 4, 6, 7], 5);
        assert.deepEqual(p.tokens, [8, 9]);
        assert.deepEqual(p.confidence!.map((c) => +c.toFixed(3)), [0.6, 0.643]);
        // the history candidate matches longer
        const h = d.propose([...PROMPT, 4, 6, 7, 1, 2], 5);
        assert.deepEqual(h.tokens, [3]);
        assert.equal(h.source, "history");
    });

    it("needs minMatch tokens of the output (never matches into the prompt) and stops at the candidate's end", () => {
        const d = new TmDrafter([{tokens: [903, 7, 8, 9], score: 1}]);
        d.reset();
        d.propose(PROMPT, 2);
        assert.deepEqual(d.propose([...PROMPT, 7], 4).tokens, [], "one output token is below minMatch 2");
        assert.deepEqual(d.propose([...PROMPT, 7, 8], 4).tokens, [9]);
        assert.deepEqual(d.propose([...PROMPT, 7, 8, 9], 4).tokens, [], "nothing follows the end");
        const one = new TmDrafter([{tokens: [903, 7, 8, 9], score: 1}], {minMatch: 1});
        one.reset();
        one.propose(PROMPT, 1);
        assert.deepEqual(one.propose([...PROMPT, 7], 4).tokens, [8, 9]);
    });

    it("realigns after a divergence (a changed name) and prefers the occurrence the alignment predicts", () => {
        // earlier translation: "Bob kaufte 5 Äpfel , und Bob kaufte 6 Birnen" as ids
        const cand = [10, 11, 12, 13, 14, 15, 10, 11, 16, 17];
        const d = new TmDrafter([{tokens: cand, score: 0.8}]);
        d.reset();
        d.propose(PROMPT, 4);
        // output "Alice kaufte 5" diverged at the name, then re-joins at "kaufte 5"
        assert.deepEqual(d.propose([...PROMPT, 99, 11, 12], 3).tokens, [13, 14, 15]);
        // later "... und Alice kaufte": both "kaufte" (1 and 7) match 1 token; with minMatch 1 the later one is predicted
        const d1 = new TmDrafter([{tokens: cand, score: 0.8}], {minMatch: 1});
        d1.reset();
        d1.propose(PROMPT, 4);
        d1.propose([...PROMPT, 99, 11, 12, 13, 14, 15], 2);
        assert.deepEqual(d1.propose([...PROMPT, 99, 11, 12, 13, 14, 15, 99, 11], 2).tokens, [16, 17]);
    });

    it("confidence grows with the match length and the score, within 0..1; reset forgets the prompt", () => {
        assert.ok(tmConfidence(2, 1) < tmConfidence(5, 1) && tmConfidence(5, 1) < tmConfidence(12, 1));
        assert.ok(tmConfidence(8, 0.6) < tmConfidence(8, 0.9));
        assert.equal(tmConfidence(100, 1), tmConfidence(32, 1));
        assert.ok(tmConfidence(32, 1) < 1 && tmConfidence(0, 0) === 0);
        const d = new TmDrafter([{tokens: [1, 2, 3], score: 1}]);
        d.reset();
        assert.deepEqual(d.propose([7, 7], 2).tokens, [1, 2]);
        d.reset();
        assert.deepEqual(d.propose([7, 7, 1, 2], 2).tokens, [1, 2], "a new request: the whole context is its prompt");
        assert.deepEqual(new TmDrafter([]).propose(PROMPT, 4).tokens, []);
        assert.throws(() => new TmDrafter([], {minMatch: 0}), /minMatch/);
    });

    it("builds candidates from memory matches with a tokenizer, labelling history apart", () => {
        const tm = new TranslationMemory({src: "en", tgt: "de"});
        tm.add([{source: "Open the file", target: "ab", origin: {kind: "corpus"}}]);
        tm.addHistory("Open the file now", "abc");
        const tok = {tokenize: (s: string) => [...s].map((c) => c.charCodeAt(0))};
        const c = tmCandidates(tm.search("Open the file now", {k: 2}), tok);
        assert.deepEqual(c.map((x) => [x.tokens, x.kind, +x.score.toFixed(2)]), [[[97, 98, 99], "history", 1], [[97, 98], "memory", 0.75]]);
    });
});
