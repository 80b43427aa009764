import assert from "node:assert/strict";
import {DEFAULT_REPETITION, findRepetition, RepetitionGuard} from "../../../src/core/repetition";

/** Distinct "words" of a few tokens each, so that nothing repeats by accident. */
const words = (n: number, base = 1000) => Array.from({length: n}, (_, i) => base + i);
const times = (span: number[], n: number) => Array.from({length: n}, () => span).flat();

describe("loop guard (src/core/repetition.ts)", () => {
    it("stops a word repeated until the token limit and keeps the first copy", () => {
        const text = [...words(10), ...times([7, 8, 9], 12)]; // "... otočný otočný otočný ..."
        const r = findRepetition(text)!;
        assert.ok(r, "a loop of one word");
        assert.equal(r.start, 13, "cut after the first copy");
        assert.equal(r.distance, 3);
        assert.equal(r.at, 13 + DEFAULT_REPETITION.minTokens - 1, "stops as soon as the copy is long enough");
        assert.equal(r.echo, false);
    });
    it("stops a sentence written again back to back, cut where the second copy begins", () => {
        const sentence = words(18, 2000);
        const text = [...words(6), ...sentence, ...sentence, ...sentence];
        const r = findRepetition(text)!;
        assert.equal(r.start, 6 + 18);
        assert.equal(r.distance, 18);
        assert.equal(r.at, 6 + 18 + 17, "one full repeat of a long sentence is enough");
    });
    it("keeps refrains, short repetitions and lists", () => {
        // "row, row, row your boat", "ha ha ha ha", "no, no, no, no!"
        assert.equal(findRepetition([...words(5), 1, 2, 1, 2, 1, 2, 3, 4, ...words(5, 3000)]), undefined);
        assert.equal(findRepetition([...words(5), ...times([9], 8), ...words(5, 3000)]), undefined);
        assert.equal(findRepetition([...words(5), ...times([5, 6], 6), ...words(5, 3000)]), undefined);
        // a list: "- item one\n- item two\n..." shares its bullet and structure, not its items
        const list = Array.from({length: 10}, (_, i) => [50, 51, 100 + 3 * i, 101 + 3 * i, 102 + 3 * i, 52]).flat();
        assert.equal(findRepetition(list), undefined);
        // a refrain that comes back after a verse (a song's chorus) is not back to back
        const chorus = words(12, 4000);
        assert.equal(findRepetition([...words(20, 5000), ...chorus, ...words(20, 6000), ...chorus, ...words(20, 7000), ...chorus]), undefined);
        // a short sentence repeated once ("Hello? Hello?")
        const call = words(6, 8000);
        assert.equal(findRepetition([...call, ...call, ...words(10, 9000)]), undefined);
    });
    it("finds an echo: the output writes out the prompt's last sentence instead of continuing", () => {
        const opening = words(20, 2000);
        const prompt = [1, 2, 3, ...words(10, 500), ...opening];
        // a preamble ("Here is your story:") and then the opening again
        const r = findRepetition([40, 41, 42, 43, ...opening, 44], prompt)!;
        assert.ok(r?.echo, "an echo");
        assert.equal(r.start, 4, "everything before the copy is kept");
        assert.equal(r.at, 4 + DEFAULT_REPETITION.echoTokens - 1);
        // without the prompt (or with echoes off) that output is no loop
        assert.equal(findRepetition([40, 41, 42, 43, ...opening, 44]), undefined);
        assert.equal(findRepetition([40, 41, 42, 43, ...opening, 44], prompt, {echoTokens: 0}), undefined);
        // a continuation that reuses a short phrase of the opening is no echo
        assert.equal(findRepetition([...words(8, 7000), ...opening.slice(3, 9), ...words(20, 7100)], prompt), undefined);
    });
    it("is incremental: push reports the repetition once, at the token that completes it", () => {
        const g = new RepetitionGuard();
        const text = [...words(4), ...times([7, 8], 12)];
        const hits = text.map((t) => g.push(t));
        const at = hits.findIndex((h) => h);
        assert.equal(hits.filter((h) => h).length, 1);
        assert.equal(at, g.repetition!.at);
        assert.equal(g.length, text.length);
    });
    it("looks at most maxDistance tokens back", () => {
        const para = words(40, 2000);
        assert.ok(findRepetition([...para, ...para]));
        assert.equal(findRepetition([...para, ...para], [], {maxDistance: 32}), undefined);
        assert.throws(() => new RepetitionGuard([], {minTokens: 0}));
    });
});
