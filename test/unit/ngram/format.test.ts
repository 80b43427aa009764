import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../../../src/core/errors";
import {NgramTable, loadNgramDrafter, readHeaderQuick, trainNgram} from "../../../src/drafters/ngram";
import {CharTokenizer, ids, pseudoText, tmpDir} from "./helpers";

const tk = new CharTokenizer();
const other = new CharTokenizer("another-vocabulary");

describe("ngram: file format and refusals", () => {
    let dir: string, file: string, bytes: Buffer;
    before(async () => {
        dir = tmpDir();
        file = path.join(dir, "de.ngram");
        await trainNgram([{name: "t", text: pseudoText(5, 3000)}], {tokenizer: tk, lang: "de", out: file, model: "chars-model"});
        bytes = fs.readFileSync(file);
    });
    const variant = (name: string, data: Buffer) => {
        const p = path.join(dir, name);
        fs.writeFileSync(p, data);
        return p;
    };
    const refuses = (p: string, re: RegExp, expect?: {fingerprint: string; model?: string}) => {
        assert.throws(() => NgramTable.load(p, expect), (e: unknown) => {
            assert.ok(e instanceof PolyspecError, String(e));
            assert.match(e.message, re);
            assert.ok(!e.message.includes("\n"));
            return true;
        });
    };

    it("round-trips the header", () => {
        const t = NgramTable.load(file, {fingerprint: tk.fingerprint});
        const h = t.header;
        assert.equal(h.version, 1);
        assert.equal(h.lang, "de");
        assert.equal(h.model, "chars-model");
        assert.equal(h.fingerprint, tk.fingerprint);
        assert.equal(h.maxOrder, 4);
        assert.equal(h.topM, 8);
        assert.equal(h.fileSize, bytes.length);
        assert.deepEqual(h.orders.map((o) => o.order), [2, 3, 4]);
        assert.ok(bytes.subarray(0, 8).equals(Buffer.from("PSNGRAM\0", "latin1")));
        assert.deepEqual(readHeaderQuick(file), {version: 1, fingerprint: tk.fingerprint, lang: "de", model: "chars-model"});
        assert.equal(readHeaderQuick(__filename), undefined);
    });

    it("reads from an unaligned Buffer (a copy is made) without turning it into objects", () => {
        const unaligned = Buffer.concat([Buffer.alloc(3), bytes]).subarray(3);
        assert.equal(unaligned.byteOffset % 4 !== 0, true);
        const t = NgramTable.fromBuffer(unaligned, "mem");
        const t0 = NgramTable.load(file);
        const ctx = ids("the cat ");
        assert.deepEqual(t.lookup(ctx), t0.lookup(ctx));
        assert.ok(t.section(2).hashes instanceof Uint32Array);
    });

    it("refuses a file that is not an n-gram file", () => {
        refuses(variant("text.ngram", Buffer.from("hello world, this is text")), /text\.ngram is not a Polyspec n-gram file \(it starts with "hello wo"\)$/);
        refuses(variant("empty.ngram", Buffer.alloc(0)), /empty\.ngram is not a Polyspec n-gram file \(it is empty\)$/);
        refuses(variant("gguf.ngram", Buffer.from("GGUF\x03\0\0\0more", "latin1")), /is not a Polyspec n-gram file \(it starts with "GGUF/);
        refuses(dir, /is a directory, not an n-gram drafter file$/);
        refuses(path.join(dir, "missing.ngram"), /^n-gram drafter file not found: .*missing\.ngram$/);
    });

    it("refuses a truncated file", () => {
        for (const n of [bytes.length - 1, bytes.length - 100, 300, 200, 12, 5]) {
            refuses(variant(`trunc${n}.ngram`, bytes.subarray(0, n)), new RegExp(`trunc${n}\\.ngram is truncated \\(${n} bytes.*\\): rebuild it`));
        }
        refuses(variant("long.ngram", Buffer.concat([bytes, Buffer.from("xyz")])), /long\.ngram has 3 bytes of garbage after its end/);
    });

    it("refuses another format version", () => {
        const b = Buffer.from(bytes);
        b.writeUInt32LE(2, 8);
        refuses(variant("v2.ngram", b), /v2\.ngram is n-gram format version 2, but this Polyspec reads version 1: update Polyspec or retrain it with 'polyspec ngram train'$/);
        b.writeUInt32LE(0, 8);
        refuses(variant("v0.ngram", b), /v0\.ngram is n-gram format version 0, but this Polyspec reads version 1: retrain it/);
    });

    it("refuses a corrupt file (checksum over the header fields and the body)", () => {
        for (const at of [bytes.length - 1, bytes.length >> 1, 112 /* language */, 60 /* fingerprint */]) {
            const b = Buffer.from(bytes);
            b[at] ^= 0x40;
            refuses(variant(`bad${at}.ngram`, b), new RegExp(`bad${at}\\.ngram is corrupt \\(checksum mismatch\\): rebuild it or copy it again$`));
        }
    });

    it("refuses a file built for another tokenizer, naming both and the model to retrain with", () => {
        const fp = tk.fingerprint.slice(0, 8), ofp = other.fingerprint.slice(0, 8);
        refuses(file, new RegExp(`^drafter ${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} was built for tokenizer ${fp}\\.\\. \\(model chars-model\\?\\) but the target's is ${ofp}\\.\\.: retrain it with --model qwen2\\.5-coder-1\\.5b$`),
            {fingerprint: other.fingerprint, model: "qwen2.5-coder-1.5b"});
        assert.throws(() => loadNgramDrafter(file, Object.assign(new CharTokenizer("x"), {path: "/m/model.gguf"})), /retrain it with --model \/m\/model\.gguf$/);
        const d = loadNgramDrafter(file, tk);
        assert.equal(d.name, "ngram:de");
        assert.equal(d.expensive, false);
        assert.match(d.describe(), /^corpus n-gram de \(orders 2\.\.4, \d+ n-grams from \d+ tokens, .*de\.ngram\)$/);
    });
});
