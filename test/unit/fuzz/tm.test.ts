/**
 * Fuzzing the translation-memory file (.pstm) loader: valid files of a few segments and files (src/tm/format.ts
 * encodeTm) mutated knowing their layout: header fields set to edge values (counts, sizes, language codes, the
 * blob length), string offsets, origin codes pointing past the file table, bit flips and cuts, with the body size
 * and the checksum recomputed so that the structural checks are reached. Property: the loader returns a memory whose
 * every segment can be searched for and served, or a one-line PolyspecError naming the file; within the time limit.
 */
import assert from "node:assert/strict";
import crypto from "node:crypto";
import fc from "fast-check";
import {decodeTm, encodeTm, TranslationMemory, type Segment} from "../../../src/tm";
import {assertGood, outcome, Tally} from "../../fuzz/outcome";

const LIMIT_MS = 2000;
const SEED = Number(process.env.POLYSPEC_FUZZ_SEED ?? 1414);
const runs = (n: number) => Math.round(n * Number(process.env.POLYSPEC_FUZZ_SCALE ?? 1));
const NAME = "/tmp/fuzz.pstm";

const seg = (source: string, target: string, origin: Segment["origin"], time: number): Segment => ({source, target, srcLang: "en", tgtLang: "de", origin, time});
const VALID = encodeTm({pair: {src: "en", tgt: "de"}, savedAt: 1_700_000_000_000, files: [{file: "/w/de.po", mtimeMs: 1, size: 200, segments: 2}], segments: [
    seg("Open the file.", "Öffnen Sie die Datei.", {kind: "file", file: "/w/de.po", line: 12}, 1),
    seg("Save {name} as %s.", "{name} als %s speichern.", {kind: "file", file: "/w/de.po", line: 20}, 2),
    seg("The old wizard looked at the prince.", "Der alte Zauberer sah den Prinzen an.", {kind: "history"}, 3),
    seg("Select the cells.", "Wählen Sie die Zellen aus.", {kind: "corpus"}, 4),
]});

/** Rewrites the body size and the checksum so that the structure checks behind them are reached. */
function seal(b: Buffer): Buffer {
    if (b.length >= 56) {
        b.writeBigUInt64LE(BigInt(Math.max(0, b.length - 128)), 16);
        crypto.createHash("sha256").update(b.subarray(56)).digest().copy(b, 24);
    }
    return b;
}

const EDGE = [0, 1, 2, 3, 7, 8, 0x7fffffff, 0xffffffff, 0x10000];
const mutation = fc.oneof(
    // a u32 header field (version, header size, counts, blob bytes) or a string offset / origin / line word
    fc.record({kind: fc.constant("u32" as const), at: fc.constantFrom(8, 12, 88, 92, 104, ...Array.from({length: 40}, (_, i) => 128 + 4 * i)), value: fc.constantFrom(...EDGE), seal: fc.boolean()}),
    // a language code, the saved time, a segment time or a file size: any bytes / doubles
    fc.record({kind: fc.constant("f64" as const), at: fc.integer({min: 96, max: VALID.length - 8}), value: fc.constantFrom(NaN, Infinity, -1, 0, 1e300, 2 ** 53), seal: fc.boolean()}),
    fc.record({kind: fc.constant("bytes" as const), at: fc.integer({min: 0, max: VALID.length - 1}), bytes: fc.uint8Array({minLength: 1, maxLength: 16}), seal: fc.boolean()}),
    fc.record({kind: fc.constant("cut" as const), at: fc.integer({min: 0, max: VALID.length}), seal: fc.boolean()}),
    fc.record({kind: fc.constant("grow" as const), bytes: fc.uint8Array({minLength: 1, maxLength: 64}), seal: fc.boolean()}),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(m: Mutation): Buffer {
    let b: Buffer = Buffer.from(VALID);
    if (m.kind === "u32") b.writeUInt32LE(m.value >>> 0, m.at);
    else if (m.kind === "f64") b.writeDoubleLE(m.value, m.at);
    else if (m.kind === "bytes") Buffer.from(m.bytes).copy(b, m.at);
    else if (m.kind === "cut") b = b.subarray(0, m.at);
    else b = Buffer.concat([b, Buffer.from(m.bytes)]);
    return m.seal ? seal(Buffer.from(b)) : b;
}

describe("fuzz: translation-memory file", function () {
    this.timeout(120_000);
    it("every mutated file gives a usable memory or a one-line refusal naming the file", () => {
        const tally = new Tally(LIMIT_MS);
        fc.assert(fc.property(fc.array(mutation, {minLength: 1, maxLength: 3}), (ms) => {
            let b: Buffer = Buffer.from(VALID);
            for (const m of ms) { const next = apply(m); b = next; }
            const o = outcome(NAME, () => decodeTm(b, NAME, {pair: {src: "en", tgt: "de"}}), (c) => {
                const tm = TranslationMemory.fromSegments(c.pair, c.segments);
                for (const s of c.segments) {
                    assert.equal(typeof s.source, "string");
                    assert.ok(Number.isFinite(s.time) && s.time >= 0, `segment time ${s.time}`);
                    tm.search(s.source, {k: 2, minScore: 0.5});
                }
            });
            tally.add(o, () => "");
            assertGood(o, LIMIT_MS);
        }), {numRuns: runs(3000), seed: SEED});
        console.log(`      tm files: ${tally.inputs} inputs, ${tally.ok} loaded, ${tally.refused} refused, ${tally.crashes} crashes, slowest ${tally.maxMs.toFixed(1)} ms`);
        assert.equal(tally.crashes, 0);
        assert.ok(tally.ok > 0 && tally.refused > 0);
    });

    it("regressions found by the fuzzer: a non-finite segment time, a language code with a line break", () => {
        const inf = Buffer.from(VALID);
        // the first segment's time (after the offsets, origin and line columns of 4 segments and 1 file)
        const timeAt = 128 + ((4 * (4 * 4 + 1 + 1) + 7) & ~7) + 16 + 16;
        inf.writeDoubleLE(Infinity, timeAt);
        assert.throws(() => decodeTm(seal(inf), NAME), /is corrupt \(segment 0: time Infinity\)/);
        const lf = Buffer.from(VALID);
        lf.writeUInt8(10, 56);
        assert.throws(() => decodeTm(seal(lf), NAME), (e: Error) => /is corrupt \(language pair/.test(e.message) && !e.message.includes("\n"));
    });
});
