import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import {PolyspecError} from "../../../src/core/errors";
import {loadNgramDrafter} from "../../../src/drafters/ngram";
import {CHECKSUM_AT, CHECKSUM_FROM, HEADER_FIXED, SECTION_ENTRY, sectionLength} from "../../../src/drafters/ngram/format";
import {parseNgramFile} from "../../../src/drafters/ngram/reader";
import {NgramTable} from "../../../src/drafters/ngram/table";
import {checkNgramFile, checkNgramInput, describePlan, materialize, planArb, seedOf, seedTables, type Seed} from "../../fuzz/ngram";
import {assertGood, Tally} from "../../fuzz/outcome";

/** Per-input limit: a hang detector, not a speed requirement (an input takes well under 100 ms). */
const LIMIT_MS = 2000;
/** The short run; the long one (>= 1,000,000 inputs) is `npm run fuzz` (tools/fuzz/ngram.ts). */
const RUNS = Number(process.env.POLYSPEC_FUZZ_RUNS ?? 6000);
const SEED = Number(process.env.POLYSPEC_FUZZ_SEED ?? 1414);

const resum = (b: Buffer) => { crypto.createHash("sha256").update(b.subarray(CHECKSUM_FROM)).digest().copy(b, CHECKSUM_AT); return b; };
/** Offset of order s's continuations (u32 each) in a file. */
const contsAt = (b: Buffer, s: number) => Number(b.readBigUInt64LE(HEADER_FIXED + SECTION_ENTRY * s + 16)) + 4 * b.readUInt32LE(HEADER_FIXED + SECTION_ENTRY * s + 8);

describe("fuzz: n-gram table loader", function () {
    this.timeout(120_000);
    let pool: Seed[];
    let dir: string;
    before(() => {
        pool = seedTables(32);
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-fuzz-"));
    });
    after(() => fs.rmSync(dir, {recursive: true, force: true}));

    it(`${RUNS} mutated files: each loads into a usable table or is refused with a one-line error naming the file`, () => {
        let i = 0;
        const tally = new Tally(LIMIT_MS);
        const judge = (o: ReturnType<typeof checkNgramInput>) => { tally.add(o, () => ""); assertGood(o, LIMIT_MS); };
        fc.assert(fc.property(planArb(pool.length), (plan) => {
            const input = materialize(plan, pool);
            judge(checkNgramInput(input));
            if (i++ % 32 === 0) judge(checkNgramFile(input, dir));
        }), {numRuns: RUNS, seed: SEED, reporter: (r) => { if (r.failed) throw new Error(`${fc.defaultReportMessage(r)}\nplan: ${r.counterexample ? describePlan(r.counterexample[0]) : "?"}`); }});
        console.log(`      ${tally.inputs} inputs: ${tally.ok} loaded, ${tally.refused} refused, ${tally.crashes} crashes, max ${tally.maxMs.toFixed(1)} ms per input`);
    });

    // ---- regressions: what the harness found ----

    // a small table: "a b a c a b" over a vocabulary of 4 tokens
    const small = () => Buffer.from(seedOf({maxOrder: 2, topM: 4, vocab: 4, text: [0, 1, 0, 2, 0, 1]}).bytes);
    const refusal = (b: Buffer, re: RegExp) => assert.throws(() => parseNgramFile(b, "x.ngram"), (e: unknown) => e instanceof PolyspecError && re.test(e.message) && e.message.startsWith("x.ngram "));

    it("refuses a continuation whose count byte is 0 (its context's probabilities were 0/0 = NaN)", () => {
        const b = small();
        b[contsAt(b, 0) + 3] = 0; // the first continuation's quantized count
        refusal(resum(b), /is corrupt \(order 2: continuation 0 has a count of 0\)/);
    });

    it("refuses a token outside the declared vocabulary (it was drafted into the target)", () => {
        const b = small();
        b.writeUInt32LE((b.readUInt32LE(contsAt(b, 0)) & 0xff000000 | 4) >>> 0, contsAt(b, 0)); // token 4 of a 4-token vocabulary
        refusal(resum(b), /is corrupt \(order 2: token 4 is outside the vocabulary of 4 tokens\)/);
        const good = small();
        assert.throws(() => loadNgramDrafterFrom(good, 3), (e: unknown) => e instanceof PolyspecError && e.code === "E_NGRAM_TOKENIZER" && /declares a vocabulary of 4 tokens, but the target has 3/.test(e.message));
        assert.ok(loadNgramDrafterFrom(good, 4));
    });

    it("a token stored twice in one context still gives probabilities that sum to 1", () => {
        const b = small();
        // context "a" (token 0) holds b (x2) and c (x1): make the second continuation another b
        const t = NgramTable.fromBuffer(b, "x.ngram");
        const ci = t.findContext(2, t.section(2).hashes[[...t.section(2).hashes].findIndex((_, i) => t.section(2).nCont[i] === 2)]!);
        const at = contsAt(b, 0) + 4 * (t.contStart(2, ci) + 1);
        b.writeUInt32LE((b.readUInt32LE(at) & 0xff000000 | 1) >>> 0, at);
        const d = NgramTable.fromBuffer(resum(b), "x.ngram").lookup([0])!;
        assert.deepEqual([...d.keys()], [1]);
        assert.ok(Math.abs(d.get(1)! - 1) < 1e-12);
    });

    it("tells two tokenizers apart even when their fingerprints share the first 8 hex digits", () => {
        const b = small();
        const fp = b.subarray(56, 88).toString("hex");
        const near = fp.slice(0, 8) + (fp[8] === "0" ? "1" : "0") + fp.slice(9);
        assert.throws(() => parseNgramFile(b, "x.ngram", {fingerprint: near}), (e: unknown) =>
            e instanceof PolyspecError && e.message.includes(`tokenizer ${fp.slice(0, 16)}..`) && e.message.includes(`target's is ${near.slice(0, 16)}..`));
    });

    it("a header claiming 2^32 - 1 contexts or a 2^40-byte body allocates nothing", () => {
        const b = small();
        const e = HEADER_FIXED;
        b.writeUInt32LE(0xffffffff, e + 8);
        b.writeBigUInt64LE(BigInt(sectionLength(0xffffffff, 0)), e + 24);
        b.writeBigUInt64LE(BigInt(sectionLength(0xffffffff, 0)), 16);
        const before = process.memoryUsage().arrayBuffers;
        refusal(resum(b), /is truncated \(\d+ bytes, expected \d+\)/);
        b.writeBigUInt64LE(1n << 40n, 16);
        refusal(resum(b), /is truncated \(\d+ bytes, expected 10995116\d+\)/);
        assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20);
    });

    it("NgramTable.load refuses a large file by its header, without reading it into memory", () => {
        // a 1.5 GB sparse file: a GGUF model handed over as a drafter, and an n-gram header claiming 2^40 bytes
        const gguf = path.join(dir, "model.gguf");
        fs.writeFileSync(gguf, "GGUF\x03\0\0\0");
        fs.truncateSync(gguf, 1.5e9);
        const claims = path.join(dir, "claims.ngram");
        const b = small();
        b.writeBigUInt64LE(1n << 40n, 16);
        fs.writeFileSync(claims, b);
        fs.truncateSync(claims, 1.5e9);
        const before = process.memoryUsage().arrayBuffers;
        assert.throws(() => NgramTable.load(gguf), /model\.gguf is not a Polyspec n-gram file \(it starts with "GGUF/);
        assert.throws(() => NgramTable.load(claims), /claims\.ngram is truncated \(1500000000 bytes, expected 10995116\d+\)/);
        assert.ok(process.memoryUsage().arrayBuffers - before < 1 << 20, "the body was read");
        fs.rmSync(gguf);
        fs.rmSync(claims);
    });

    function loadNgramDrafterFrom(b: Buffer, vocabSize: number) {
        const f = path.join(dir, "v.ngram");
        fs.writeFileSync(f, b);
        return loadNgramDrafter(f, {fingerprint: "fuzz-vocabulary", vocabSize});
    }
});
