import assert from "node:assert/strict";
import path from "node:path";
import {mulberry32} from "../../../src/core/rng";
import {NgramDrafter, NgramTable, trainNgram} from "../../../src/drafters/ngram";
import {CharTokenizer, ch, ids, pseudoText, tmpDir} from "./helpers";

const tk = new CharTokenizer();

async function drafter(text: string, o: {order?: number; minCount?: number; topM?: number} = {}): Promise<NgramDrafter> {
    const out = path.join(tmpDir(), "d.ngram");
    await trainNgram([{name: "t", text}], {tokenizer: tk, lang: "xx", out, minCount: 1, ...o});
    return new NgramDrafter(NgramTable.load(out));
}

const str = (t: number[]) => t.map(ch).join("");
const round = (a: number[] | undefined) => a?.map((x) => Math.round(x * 1e6) / 1e6);

describe("ngram drafter", () => {
    it("greedy: chains the most frequent continuation, confidence = its probability", async () => {
        const d = await drafter("abcabcabd", {order: 3});
        assert.equal(d.name, "ngram:xx");
        assert.equal(d.expensive, false);
        const ctx = ids("zab");
        const p = await d.propose(ctx, 5);
        assert.equal(str(p.tokens), "cabca");
        assert.deepEqual(round(p.confidence), [0.666667, 1, 1, 0.666667, 1]);
        assert.equal(p.dists, undefined);
        assert.deepEqual(ctx, ids("zab")); // the context is not touched
    });

    it("stops early when no stored context matches", async () => {
        const d = await drafter("abcd", {order: 2});
        assert.equal(str((await d.propose(ids("a"), 8)).tokens), "bcd");
        assert.deepEqual((await d.propose(ids("q"), 8)).tokens, []);
        assert.deepEqual((await d.propose([], 8)).tokens, []);
        assert.deepEqual((await d.propose(ids("a"), 0)).tokens, []);
    });

    it("sampling: returns q at every step; each token is drawn from it; confidence = q(token)", async () => {
        const d = await drafter(pseudoText(7, 5000), {order: 4, minCount: 2});
        const rng = mulberry32(11);
        const ctx = ids("the cat ");
        for (let rep = 0; rep < 50; rep++) {
            const p = await d.propose(ctx, 6, {rng});
            assert.ok(p.tokens.length > 0);
            assert.equal(p.dists!.length, p.tokens.length);
            const ext = [...ctx];
            p.tokens.forEach((t, i) => {
                const q = p.dists![i];
                assert.deepEqual(q, d.table.lookup(ext));
                assert.ok(q.has(t));
                assert.equal(p.confidence![i], q.get(t));
                let sum = 0;
                for (const v of q.values()) sum += v;
                assert.ok(Math.abs(sum - 1) < 1e-12);
                ext.push(t);
            });
        }
    });

    it("sampling frequencies match q (chi-square), greedy takes the argmax", async () => {
        // after "x": a 4, b 3, c 3, d 1, e 2  ->  q = (4, 3, 3, 1, 2) / 13
        const d = await drafter("xaxaxaxaxbxbxbxcxcxcxdxexe", {order: 2});
        const q: Record<string, number> = {a: 4 / 13, b: 3 / 13, c: 3 / 13, d: 1 / 13, e: 2 / 13};
        assert.equal(str((await d.propose(ids("x"), 1)).tokens), "a");
        const rng = mulberry32(2024);
        const n = 20000;
        const seen: Record<string, number> = {a: 0, b: 0, c: 0, d: 0, e: 0};
        for (let i = 0; i < n; i++) seen[str((await d.propose(ids("x"), 1, {rng})).tokens)]++;
        let chi2 = 0;
        for (const k of Object.keys(q)) chi2 += (seen[k] - n * q[k]) ** 2 / (n * q[k]);
        assert.ok(chi2 < 18.47, `chi2 ${chi2.toFixed(2)} (4 df, p=0.001 critical 18.47): ${JSON.stringify(seen)}`);

        // two steps: the second token's frequencies follow q(. | first token)
        const d2 = await drafter("xa1xa1xa2xb2xb2xb2", {order: 2}); // x->a .5 b .5; a->1 2/3, 2 1/3; b->2 1
        const pairs: Record<string, number> = {};
        for (let i = 0; i < n; i++) {
            const s = str((await d2.propose(ids("x"), 2, {rng})).tokens);
            pairs[s] = (pairs[s] ?? 0) + 1;
        }
        const expect: Record<string, number> = {a1: 1 / 3, a2: 1 / 6, b2: 1 / 2};
        chi2 = 0;
        for (const k of Object.keys(expect)) chi2 += ((pairs[k] ?? 0) - n * expect[k]) ** 2 / (n * expect[k]);
        assert.deepEqual(Object.keys(pairs).sort(), ["a1", "a2", "b2"]);
        assert.ok(chi2 < 13.82, `chi2 ${chi2.toFixed(2)} (2 df): ${JSON.stringify(pairs)}`);
    });

    it("observe() keeps running totals; reset() is harmless", async () => {
        const d = await drafter("abab", {order: 2});
        d.observe(2, 3);
        d.observe(0, 1);
        d.reset();
        assert.deepEqual([d.acceptedTokens, d.proposedTokens], [2, 4]);
    });
});
