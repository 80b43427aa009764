import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../../../src/core/errors";
import {NgramTable, mergeNgramFiles, trainNgram, type TrainOptions} from "../../../src/drafters/ngram";
import {DEQUANT, MAX_TOKEN} from "../../../src/drafters/ngram/format";
import {CharTokenizer, pseudoText, tmpDir} from "./helpers";

const tk = new CharTokenizer();

describe("ngram: merging", () => {
    let dir: string;
    beforeEach(() => { dir = tmpDir(); });
    const train = async (name: string, texts: string[], o: Partial<TrainOptions> = {}) => {
        const out = path.join(dir, name);
        await trainNgram(texts.map((text, i) => ({name: `${name}-${i}`, text})), {tokenizer: tk, lang: "de", out, model: "m", minCount: 1, topM: 255, ...o});
        return out;
    };

    it("equals training on all the texts together (byte-identical while counts are exact)", async () => {
        const a = "der hund lief zum haus. die katze sass.\n", b = "die katze lief zum baum. der hund sass.\n", c = "ein baum.\n";
        const both = await train("both.ngram", [a, b, c]);
        const merged = path.join(dir, "merged.ngram");
        const r = await mergeNgramFiles([await train("a.ngram", [a]), await train("b.ngram", [b]), await train("c.ngram", [c])], {out: merged});
        assert.ok(fs.readFileSync(merged).equals(fs.readFileSync(both)));
        assert.equal(r.trainingTokens, a.length + b.length + c.length);
        assert.equal(r.inputs.length, 3);
    });

    it("equals training together up to quantization when counts are large", async () => {
        const a = pseudoText(1, 6000), b = pseudoText(2, 6000);
        const both = NgramTable.load(await train("both.ngram", [a, b], {order: 3}));
        const mergedFile = path.join(dir, "m.ngram");
        await mergeNgramFiles([await train("a.ngram", [a], {order: 3}), await train("b.ngram", [b], {order: 3})], {out: mergedFile});
        const merged = NgramTable.load(mergedFile);
        assert.deepEqual(merged.header.orders, both.header.orders);
        let large = 0;
        for (const order of [2, 3]) {
            const s = both.section(order), m = merged.section(order);
            assert.deepEqual(m.hashes, s.hashes);
            assert.deepEqual(m.nCont, s.nCont);
            for (let j = 0; j < s.conts.length; j++) {
                const [cb, cm] = [DEQUANT[s.conts[j] >>> 24], DEQUANT[m.conts[j] >>> 24]];
                if (cb > 32) large++;
                if ((s.conts[j] & MAX_TOKEN) === (m.conts[j] & MAX_TOKEN)) assert.ok(Math.abs(cm - cb) / cb < 0.1, `${cm} vs ${cb}`);
                else assert.ok(Math.abs(cm - cb) / cb < 0.1); // near-equal counts may swap places
            }
        }
        assert.ok(large > 100, `${large} counts above 32`);
    });

    it("re-applies the minimum count and top-M to the summed counts", async () => {
        const a = await train("a.ngram", ["xaxaxb"], {order: 2}); // x: a 2, b 1
        const b = await train("b.ngram", ["xbxbxc"], {order: 2}); // x: b 2, c 1
        const out = path.join(dir, "m.ngram");
        await mergeNgramFiles([a, b], {out, minCount: 2, topM: 1});
        const t = NgramTable.load(out);
        const d = t.lookup([..."x"].map((c) => c.codePointAt(0)!))!;
        assert.deepEqual([...d.keys()].map((k) => String.fromCodePoint(k)), ["b"]); // b 3 > a 2 > c 1
        assert.equal(t.header.topM, 1);
        assert.deepEqual(t.header.orders.map((o) => o.minCount), [2]);
    });

    it("merges tables of different orders, and may overwrite an input", async () => {
        const a = await train("a.ngram", ["abcabc"], {order: 2});
        const b = await train("b.ngram", ["abcabc"], {order: 4});
        const r = await mergeNgramFiles([a, b], {out: a});
        assert.equal(r.maxOrder, 4);
        const t = NgramTable.load(a);
        assert.equal(t.header.maxOrder, 4);
        assert.equal(t.lookup([..."ab"].map((c) => c.codePointAt(0)!))!.size, 1);
    });

    it("refuses files for different tokenizers, mixed languages without --lang, fewer than two files", async () => {
        const a = await train("a.ngram", ["abcabc"]);
        const other = path.join(dir, "o.ngram");
        await trainNgram([{name: "o", text: "abcabc"}], {tokenizer: new CharTokenizer("other"), lang: "de", out: other, model: "other-model", minCount: 1});
        const out = path.join(dir, "m.ngram");
        await assert.rejects(mergeNgramFiles([a, other], {out}), (e: unknown) => {
            assert.ok(e instanceof PolyspecError);
            assert.match(e.message, /^cannot merge .*o\.ngram \(tokenizer [0-9a-f]{8}\.\., model other-model\) with .*a\.ngram \(tokenizer [0-9a-f]{8}\.\., model m\): they were built for different tokenizers; retrain one with the other's --model$/);
            return true;
        });
        const fr = await train("fr.ngram", ["abcabc"], {lang: "fr"});
        await assert.rejects(mergeNgramFiles([a, fr], {out}), /^PolyspecError: cannot merge tables of different languages \(de, fr\) without saying the result's language \(--lang\)$/);
        await assert.rejects(mergeNgramFiles([a], {out}), /at least two n-gram files/);
        assert.equal(fs.existsSync(out), false);
        const r = await mergeNgramFiles([a, fr], {out, lang: "fr"});
        assert.equal(r.lang, "fr");
    });
});
