import assert from "node:assert/strict";
import path from "node:path";
import {DEQUANT, contextHash, hashFinal, hashStep, HASH_SEED, quantizeCount} from "../../../src/drafters/ngram/format";
import {NgramTable, trainNgram} from "../../../src/drafters/ngram";
import {CharTokenizer, ch, ids, pseudoText, tmpDir} from "./helpers";

const tk = new CharTokenizer();

async function table(text: string | string[], o: {order?: number; minCount?: number | number[]; topM?: number} = {}): Promise<NgramTable> {
    const out = path.join(tmpDir(), "t.ngram");
    const texts = typeof text === "string" ? [text] : text;
    await trainNgram(texts.map((t, i) => ({name: `text${i}`, text: t})), {tokenizer: tk, lang: "xx", out, ...o});
    return NgramTable.load(out, {fingerprint: tk.fingerprint});
}

/** The stored continuations of one context as "token:count" (dequantized), most frequent first. */
function stored(t: NgramTable, context: string): string[] | undefined {
    const c = ids(context);
    const order = c.length + 1;
    const s = t.section(order);
    const ci = t.findContext(order, contextHash(c, c.length, c.length));
    if (ci < 0) return undefined;
    const start = t.contStart(order, ci);
    return Array.from(s.conts.subarray(start, start + s.nCont[ci]), (x) => `${ch(x & 0xffffff)}:${DEQUANT[x >>> 24]}`);
}

function dist(t: NgramTable, context: string): Record<string, number> | undefined {
    const d = t.lookup(ids(context));
    return d && Object.fromEntries([...d].map(([k, p]) => [ch(k), Math.round(p * 1e6) / 1e6]));
}

describe("ngram: hashing and quantization", () => {
    it("contextHash folds the newest token first, so one backward pass gives every order", () => {
        const toks = [5, 6, 7, 8];
        let h = HASH_SEED;
        for (let c = 1; c <= 3; c++) {
            h = hashStep(h, toks[4 - c]);
            assert.equal(hashFinal(h, c), contextHash(toks, 4, c));
        }
        assert.notEqual(contextHash([1, 2], 2, 2), contextHash([2, 1], 2, 2));
        assert.notEqual(contextHash([0, 2], 2, 1), contextHash([0, 2], 2, 2));
    });

    it("counts up to 32 are exact; above, log steps keep the error under 4.5% up to 2^32", () => {
        for (let c = 1; c <= 32; c++) assert.equal(DEQUANT[quantizeCount(c)], c);
        let prev = 0;
        for (let c = 1; c < 2 ** 32; c = Math.ceil(c * 1.013) + 1) {
            const q = quantizeCount(c);
            assert.ok(q >= prev && q >= 1 && q <= 255);
            prev = q;
            assert.ok(Math.abs(DEQUANT[q] - c) / c < 0.045, `count ${c} -> ${DEQUANT[q]}`);
        }
        assert.equal(quantizeCount(2 ** 40), 255);
    });
});

describe("ngram: counts and back-off (worked example)", () => {
    // a b c a b c a b d
    //   order 2: a->b 3 | b->c 2, b->d 1 | c->a 2
    //   order 3: ab->c 2, ab->d 1 | bc->a 2 | ca->b 2
    it("stores exact counts per order, most frequent first", async () => {
        const t = await table("abcabcabd", {order: 3, minCount: 1});
        assert.deepEqual(stored(t, "a"), ["b:3"]);
        assert.deepEqual(stored(t, "b"), ["c:2", "d:1"]);
        assert.deepEqual(stored(t, "c"), ["a:2"]);
        assert.equal(stored(t, "d"), undefined);
        assert.deepEqual(stored(t, "ab"), ["c:2", "d:1"]);
        assert.deepEqual(stored(t, "bc"), ["a:2"]);
        assert.deepEqual(stored(t, "ca"), ["b:2"]);
        assert.equal(stored(t, "bd"), undefined);
        assert.deepEqual(t.header.orders.map((o) => [o.order, o.contexts, o.ngrams]), [[2, 3, 4], [3, 3, 4]]);
        assert.equal(t.header.trainingTokens, 9);
    });

    it("backs off from the longest stored context to shorter ones", async () => {
        const t = await table("abcabcabd", {order: 3, minCount: 1});
        assert.deepEqual(dist(t, "zab"), {c: 0.666667, d: 0.333333}); // order 3 "ab"
        assert.deepEqual(dist(t, "xb"), {c: 0.666667, d: 0.333333}); // "xb" unknown -> order 2 "b"
        assert.deepEqual(dist(t, "db"), {c: 0.666667, d: 0.333333});
        assert.deepEqual(dist(t, "zc"), {a: 1});
        assert.equal(t.match(ids("zc"))!.order, 2);
        assert.equal(t.match(ids("bc"))!.order, 3);
        assert.equal(dist(t, "xd"), undefined); // nothing ever followed d
        assert.equal(dist(t, ""), undefined);
        assert.deepEqual(dist(t, "b"), {c: 0.666667, d: 0.333333}); // a context shorter than the highest order
    });

    it("prunes n-grams below the minimum count, per order when given a list", async () => {
        const t = await table("abcabcabd", {order: 3, minCount: 2});
        assert.deepEqual(stored(t, "b"), ["c:2"]);
        assert.deepEqual(stored(t, "ab"), ["c:2"]);
        assert.deepEqual(t.header.orders.map((o) => o.minCount), [2, 2]);
        const t2 = await table("abcabcabd", {order: 3, minCount: [1, 3]});
        assert.deepEqual(stored(t2, "b"), ["c:2", "d:1"]);
        assert.equal(stored(t2, "ab"), undefined);
        assert.equal(t2.header.orders[1].ngrams, 0);
        assert.deepEqual(dist(t2, "ab"), {c: 0.666667, d: 0.333333}); // order 3 empty: backs off to order 2
        const t3 = await table("abcabcabd", {order: 4, minCount: [1, 2]}); // the last value repeats
        assert.deepEqual(t3.header.orders.map((o) => o.minCount), [1, 2, 2]);
    });

    it("keeps the top M continuations, ties broken by the smaller token id", async () => {
        // after x: a x4, b x3, c x3, d x1, e x2
        const text = "xaxaxaxaxbxbxbxcxcxcxdxexe";
        const t = await table(text, {order: 2, minCount: 1, topM: 3});
        assert.deepEqual(stored(t, "x"), ["a:4", "b:3", "c:3"]);
        const t1 = await table(text, {order: 2, minCount: 1, topM: 1});
        assert.deepEqual(stored(t1, "x"), ["a:4"]);
        assert.deepEqual(dist(t1, "x"), {a: 1});
    });

    it("files are separate sequences: no n-gram spans two inputs", async () => {
        const t = await table(["ab", "cd"], {order: 2, minCount: 1});
        assert.equal(stored(t, "b"), undefined);
        assert.deepEqual(stored(t, "a"), ["b:1"]);
    });

    it("probabilities are real and sum to 1 for every context", async () => {
        const text = pseudoText(3, 4000);
        const t = await table(text, {order: 4, minCount: 2, topM: 5});
        let checked = 0;
        for (let i = 1; i < 3000; i += 7) {
            const d = t.lookup(ids(text.slice(0, i)));
            if (!d) continue;
            checked++;
            let sum = 0;
            for (const p of d.values()) {
                assert.ok(p > 0 && p <= 1);
                sum += p;
            }
            assert.ok(Math.abs(sum - 1) < 1e-12);
            assert.ok(d.size <= 5);
        }
        assert.ok(checked > 300);
    });

    it("counts above 32 are stored log-quantized", async () => {
        const t = await table("ab".repeat(1000), {order: 2, minCount: 1});
        const [a] = stored(t, "a")!;
        const n = Number(a.split(":")[1]);
        assert.ok(Math.abs(n - 1000) / 1000 < 0.045, a);
    });
});
