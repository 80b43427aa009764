import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {CancelledError, PolyspecError} from "../../../src/core/errors";
import {NgramTable, expandInputs, trainNgram, type TrainOptions} from "../../../src/drafters/ngram";
import {radixSort} from "../../../src/drafters/ngram/counter";
import {findCut, firstInvalidUtf8} from "../../../src/drafters/ngram/input";
import {CharTokenizer, pseudoText, tmpDir} from "./helpers";

const tk = new CharTokenizer();

function opts(dir: string, o: Partial<TrainOptions> = {}): TrainOptions {
    return {tokenizer: tk, lang: "xx", out: path.join(dir, "out.ngram"), minCount: 2, ...o};
}

async function rejects(p: Promise<unknown>, re: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(e instanceof PolyspecError, `not a PolyspecError: ${e}`);
        assert.match(e.message, re);
        assert.ok(!e.message.includes("\n"), "one line");
        return true;
    });
}

/** Files in a folder, ignoring the given ones. */
const leftovers = (dir: string, keep: string[] = []) => fs.readdirSync(dir).filter((f) => !keep.includes(f));

describe("ngram: training", () => {
    const text = pseudoText(1, 20000);

    it("is deterministic: the same input gives a byte-identical file", async () => {
        const d = tmpDir();
        const a = path.join(d, "a.ngram"), b = path.join(d, "b.ngram");
        await trainNgram([{name: "t", text}], opts(d, {out: a}));
        await trainNgram([{name: "t", text}], opts(d, {out: b}));
        assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
    });

    it("does not depend on chunking (context is carried across chunks) or on reading from a file", async () => {
        const d = tmpDir();
        fs.writeFileSync(path.join(d, "corpus.txt"), text);
        const a = path.join(d, "a.ngram"), b = path.join(d, "b.ngram"), c = path.join(d, "c.ngram");
        await trainNgram([{name: "t", text}], opts(d, {out: a}));
        await trainNgram([{name: "t", text}], opts(d, {out: b, chunkChars: 7}));
        await trainNgram([path.join(d, "corpus.txt")], opts(d, {out: c, chunkChars: 1000}));
        assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
        assert.ok(fs.readFileSync(a).equals(fs.readFileSync(c)));
    });

    it("bounded memory: a tiny counting cap spills sorted runs (and merges runs) and gives the same file", async () => {
        const d = tmpDir();
        const a = path.join(d, "a.ngram"), b = path.join(d, "b.ngram"), c = path.join(d, "c.ngram");
        const small = text.slice(0, 30000);
        const ra = await trainNgram([{name: "t", text: small}], opts(d, {out: a, order: 5, minCount: 1}));
        const rb = await trainNgram([{name: "t", text: small}], opts(d, {out: b, order: 5, minCount: 1, maxEntries: 2000}));
        const rc = await trainNgram([{name: "t", text: small}], opts(d, {out: c, order: 5, minCount: 1, maxEntries: 50}));
        assert.equal(ra.spills, 0);
        assert.ok(rb.spills >= 3, `spills ${rb.spills}`);
        assert.ok(rc.spills > 40, `spills ${rc.spills}`); // more than MAX_OPEN_RUNS: runs were merged on the way
        assert.ok(fs.readFileSync(a).equals(fs.readFileSync(b)));
        assert.ok(fs.readFileSync(a).equals(fs.readFileSync(c)));
        assert.deepEqual(leftovers(d).sort(), ["a.ngram", "b.ngram", "c.ngram"]); // spill folders removed
    });

    it("reports progress in bytes up to the total, and the result's statistics", async () => {
        const d = tmpDir();
        const big = text.repeat(3);
        const seen: [number, number, string][] = [];
        const r = await trainNgram([{name: "t", text: big}], opts(d, {onProgress: (done, total, stage) => seen.push([done, total, stage])}));
        const bytes = Buffer.byteLength(big);
        assert.ok(seen.length >= 3);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0]);
        assert.deepEqual(seen[seen.length - 1], [bytes, bytes, "write"]);
        assert.equal(r.inputBytes, bytes);
        assert.equal(r.trainingTokens, big.length);
        assert.equal(r.bytes, fs.statSync(r.file).size);
        assert.equal(r.ngrams, r.orders.reduce((a, o) => a + o.ngrams, 0));
        assert.ok(r.bytesPerNgram < 12, `${r.bytesPerNgram} bytes per n-gram`);
        const t = NgramTable.load(r.file);
        assert.equal(t.header.lang, "xx");
        assert.equal(t.header.fingerprint, tk.fingerprint);
        assert.equal(t.header.vocabSize, tk.vocabSize);
    });

    it("walks folders in sorted order, skipping hidden entries", async () => {
        const d = tmpDir();
        fs.mkdirSync(path.join(d, "sub"));
        fs.mkdirSync(path.join(d, ".git"));
        for (const f of ["b.txt", "a.txt", "sub/c.txt", ".hidden", ".git/x"]) fs.writeFileSync(path.join(d, f), "abab\n");
        assert.deepEqual((await expandInputs([d])).map((f) => path.relative(d, f)), ["a.txt", "b.txt", path.join("sub", "c.txt")]);
        const r = await trainNgram([d], opts(tmpDir(), {minCount: 1}));
        assert.equal(r.inputFiles, 3);
    });

    it("cuts chunks at line ends, depending only on the text", () => {
        const s = "aaaa\nbbbb\ncccc";
        assert.equal(findCut(s, 0, 8, 128, false), 5); // last newline within the chunk
        assert.equal(findCut(s, 5, 8, 128, false), 10);
        assert.equal(findCut(s, 10, 8, 128, false), -1); // "cccc": needs more text
        assert.equal(findCut(s, 10, 8, 128, true), s.length);
        assert.equal(findCut("x".repeat(20) + "\nyy", 0, 8, 128, false), 21); // first newline after the chunk
        assert.equal(findCut("x".repeat(10) + " " + "x".repeat(200), 0, 8, 64, false), 11); // a long line: at a space
    });

    it("sorts (hi, lo) keys with the radix sort", () => {
        const n = 5000;
        const hi = new Uint32Array(n), lo = new Uint32Array(n), c = new Uint32Array(n);
        let s = 1;
        for (let i = 0; i < n; i++) {
            s = (Math.imul(s, 1103515245) + 12345) >>> 0;
            hi[i] = s % 7;
            lo[i] = Math.imul(s, 2654435761) >>> 0;
            c[i] = i;
        }
        const expect = Array.from({length: n}, (_, i) => i).sort((a, b) => hi[a] - hi[b] || lo[a] - lo[b]);
        const [h, l, cc] = radixSort(n, [hi, lo, c], [new Uint32Array(n), new Uint32Array(n), new Uint32Array(n)]);
        assert.deepEqual(Array.from(cc), expect);
        for (let i = 1; i < n; i++) assert.ok(h[i - 1] < h[i] || (h[i - 1] === h[i] && l[i - 1] <= l[i]));
    });
});

describe("ngram: bad corpora are refused with one-line errors naming the file", () => {
    let d: string;
    beforeEach(() => { d = tmpDir(); });
    const file = (name: string, data: string | Buffer) => {
        const p = path.join(d, name);
        fs.writeFileSync(p, data);
        return p;
    };

    it("an empty corpus", async () => {
        const e = file("empty.txt", "");
        await rejects(trainNgram([e], opts(d)), /^the corpus is empty: no text in .*empty\.txt$/);
        await rejects(trainNgram([{name: "mem", text: ""}], opts(d)), /^the corpus is empty: no text in mem$/);
        await rejects(trainNgram([], opts(d)), /^the corpus is empty: no input files$/);
        await rejects(trainNgram([e, file("e2.txt", "")], opts(d)), /^the corpus is empty: no text in 2 inputs \(.*empty\.txt, .*e2\.txt\)$/);
    });

    it("a corpus where no n-gram reaches the minimum count", async () => {
        await rejects(trainNgram([{name: "m", text: "abcdefg"}], opts(d, {minCount: 2})), /^no n-gram occurs at least 2 times in the corpus \(7 tokens\): give more text or lower --min-count$/);
    });

    it("a binary file (NUL bytes)", async () => {
        const good = file("good.txt", "hello hello\n");
        const bin = file("image.png", Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]));
        await rejects(trainNgram([good, bin], opts(d)), /^.*image\.png is a binary file \(NUL byte at offset 8\), not text: give text files$/);
    });

    it("a mostly non-text file (control characters)", async () => {
        const f = file("ctrl.dat", Buffer.from(Array.from({length: 3000}, (_, i) => (i % 3 === 0 ? 0x01 : 0x41))));
        await rejects(trainNgram([f], opts(d)), /ctrl\.dat looks binary \(33% control characters\), not text: give text files$/);
    });

    it("non-UTF-8 text, with the offset of the first bad byte", async () => {
        const f = file("latin1.txt", Buffer.concat([Buffer.from("caf"), Buffer.from([0xe9]), Buffer.from(" au lait\n")]));
        await rejects(trainNgram([f], opts(d)), /latin1\.txt is not UTF-8 text \(invalid byte sequence at offset 3\): convert it to UTF-8$/);
        const g = file("cut.txt", Buffer.concat([Buffer.from("abc abc "), Buffer.from([0xe2, 0x82])]));
        await rejects(trainNgram([g], opts(d)), /cut\.txt is not UTF-8 text \(it ends inside a multi-byte character\)/);
        const u16 = file("utf16.txt", Buffer.from("\ufeffhello", "utf16le"));
        await rejects(trainNgram([u16], opts(d)), /utf16\.txt is UTF-16 text, not UTF-8: convert it first/);
        assert.equal(firstInvalidUtf8(Buffer.from([0x61, 0xc3, 0xa9, 0x62, 0xff])), 4);
        assert.equal(firstInvalidUtf8(Buffer.from([0xa9, 0x61, 0xc0, 0x80])), 2); // leading continuation skipped; overlong refused
    });

    it("a missing file", async () => {
        await rejects(trainNgram([path.join(d, "nope.txt")], opts(d)), /^corpus file not found: .*nope\.txt$/);
    });

    it("accepts a UTF-8 BOM and multi-byte text split across reads", async () => {
        const s = "\ufeff" + "grüße 你好 🙂 ".repeat(100000);
        const f = file("u.txt", s);
        const r = await trainNgram([f], opts(d));
        assert.equal(r.trainingTokens, Array.from(s).length - 1);
    });
});

describe("ngram: atomic output", () => {
    it("leaves no file (final, temporary or spill) after a failure", async () => {
        const d = tmpDir();
        fs.writeFileSync(path.join(d, "a.txt"), pseudoText(2, 5000));
        fs.writeFileSync(path.join(d, "b.bin"), Buffer.from([1, 2, 0, 3]));
        const out = path.join(d, "out.ngram");
        await assert.rejects(trainNgram([path.join(d, "a.txt"), path.join(d, "b.bin")], opts(d, {out, maxEntries: 100})), PolyspecError);
        assert.deepEqual(leftovers(d).sort(), ["a.txt", "b.bin"]);
    });

    it("leaves no file after a cancel, and keeps an existing file intact", async () => {
        const d = tmpDir();
        const out = path.join(d, "out.ngram");
        fs.writeFileSync(out, "previous");
        const cancel = {cancelled: false};
        await assert.rejects(trainNgram([{name: "t", text: pseudoText(4, 100000)}], opts(d, {out, cancel, maxEntries: 500, chunkChars: 1000,
            onProgress: (done) => { if (done > 100000) cancel.cancelled = true; }})), CancelledError);
        assert.deepEqual(leftovers(d), ["out.ngram"]);
        assert.equal(fs.readFileSync(out, "utf8"), "previous");
    });

    it("removes the temporary file when the final rename fails", async () => {
        const d = tmpDir();
        const out = path.join(d, "out.ngram");
        fs.mkdirSync(out); // rename onto a folder fails
        fs.writeFileSync(path.join(out, "x"), "");
        await assert.rejects(trainNgram([{name: "t", text: "abab abab"}], opts(d, {out})));
        assert.deepEqual(leftovers(d), ["out.ngram"]);
        assert.ok(fs.statSync(out).isDirectory());
    });

    it("refuses bad settings", async () => {
        const d = tmpDir();
        await rejects(trainNgram([{name: "t", text: "abab"}], opts(d, {order: 9})), /^n-gram order must be an integer from 2 to 8, got 9$/);
        await rejects(trainNgram([{name: "t", text: "abab"}], opts(d, {order: 1})), /order must be an integer from 2 to 8/);
        await rejects(trainNgram([{name: "t", text: "abab"}], opts(d, {minCount: 0})), /^min count must be a positive integer, got 0$/);
        await rejects(trainNgram([{name: "t", text: "abab"}], opts(d, {topM: 256})), /top-M .* from 1 to 255/);
        await rejects(trainNgram([{name: "t", text: "abab"}], opts(d, {lang: "a-very-long-language-tag"})), /language "a-very-long-language-tag" is too long/);
        assert.deepEqual(leftovers(d), []);
    });
});
