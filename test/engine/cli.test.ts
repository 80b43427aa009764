import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {tinyModel} from "../helpers/tiny-model";
import {requireModel} from "../helpers/models";

const root = path.resolve(__dirname, "../..");
const cli = path.join(root, "bin/polyspec.js");
function polyspec(...args: string[]) {
    const r = spawnSync(process.execPath, [cli, ...args], {encoding: "utf8", cwd: root, timeout: 300_000});
    return {code: r.status, out: r.stdout, err: r.stderr.trim()};
}
/** A clear one-line error (the first stderr line starts with "polyspec:") and a non-zero exit. */
function assertCleanError(r: ReturnType<typeof polyspec>, re: RegExp) {
    assert.notEqual(r.code, 0, `expected failure, got: ${r.out}`);
    const first = r.err.split("\n")[0];
    assert.match(first, /^polyspec: /);
    assert.match(first, re);
    assert.doesNotMatch(r.err, /\n\s+at /, "no stack trace");
}

describe("polyspec CLI (built bundle, real GGUF files)", function () {
    this.timeout(600_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-cli-"));
    before(function () { if (!fs.existsSync(path.join(root, "dist/cli.js"))) throw new Error("run npm run build first"); });

    it("generates with every drafter on a tiny model and prints statistics as JSON", () => {
        const model = tinyModel({mode: "cycle", seed: 3});
        const plain = JSON.parse(polyspec("generate", "--model", model, "--max-tokens", "30", "--json", "abcabc").out);
        for (const d of ["lookup", "cascade"]) {
            const r = JSON.parse(polyspec("generate", "--model", model, "--drafter", d, "--k", "4", "--fixed-k", "--max-tokens", "30", "--json", "abcabc").out);
            assert.equal(r.text, plain.text);
            assert.ok(r.stats.accepted > 0, `${d} accepted drafts on a repetitive model`);
            assert.ok(r.tokensPerStep > 1);
        }
    });

    it("missing and non-GGUF model files get a clear error", () => {
        assertCleanError(polyspec("generate", "--model", path.join(dir, "nope.gguf"), "hi"), /not found/);
        const junk = path.join(dir, "junk.gguf");
        fs.writeFileSync(junk, "this is not a model");
        assertCleanError(polyspec("generate", "--model", junk, "hi"), /not a GGUF/);
        const truncated = path.join(dir, "truncated.gguf");
        fs.writeFileSync(truncated, fs.readFileSync(tinyModel({mode: "random", seed: 2})).subarray(0, 5000));
        assertCleanError(polyspec("generate", "--model", truncated, "hi"), /cannot load model|GGUF/);
    });

    it("invalid flags get a usage error", () => {
        assertCleanError(polyspec("generate", "--k=-3", "hi"), /--k must be/);
        assertCleanError(polyspec("generate", "--bogus", "hi"), /Unknown option/);
        assertCleanError(polyspec("generate", "--drafter", "psychic", "--model", tinyModel({mode: "random", seed: 2}), "hi"), /unknown drafter/);
        assertCleanError(polyspec("frobnicate"), /unknown command/);
        assertCleanError(polyspec("models", "path", "no-such-model"), /no-such-model/);
        // the benchmark checks its flags before it loads a model (exit 2: a usage error)
        for (const [flags, re] of [[["--temperature", "abc"], /--temperature must be a number from 0/], [["--temperature", "3"], /--temperature must be/], [["--reps", "0"], /--reps must be/]] as const) {
            const r = polyspec("bench", "--model", "/nonexistent.gguf", ...flags);
            assertCleanError(r, re);
            assert.equal(r.code, 2);
        }
    });

    it("n-gram drafters: trained for one tokenizer, refused by another; bad corpora and files refused", function () {
        const smol = requireModel(this, "smollm2-135m");
        const text = path.join(dir, "de.txt");
        fs.writeFileSync(text, "Der alte Zauberer sah den jungen Prinzen an.\nDie Stadt liegt am Fluss.\n".repeat(200));
        const out = path.join(dir, "de.ngram");
        const t = polyspec("ngram", "train", text, "--lang", "de", "--model", smol, "--out", out, "--json");
        assert.equal(t.code, 0, t.err);
        const info = JSON.parse(polyspec("ngram", "info", out, "--json").out);
        assert.equal(info.lang ?? info.header?.lang, "de");
        // works for its own tokenizer
        const ok = polyspec("generate", "--model", smol, "--drafter", `ngram:${out}`, "--max-tokens", "8", "Der alte");
        assert.equal(ok.code, 0, ok.err);
        // refused for another tokenizer
        assertCleanError(polyspec("generate", "--model", tinyModel({mode: "random", seed: 2}), "--drafter", `ngram:${out}`, "hi"), /tokenizer/);
        // truncated, foreign, wrong version
        const bytes = fs.readFileSync(out);
        fs.writeFileSync(path.join(dir, "trunc.ngram"), bytes.subarray(0, bytes.length - 10));
        assertCleanError(polyspec("ngram", "info", path.join(dir, "trunc.ngram")), /truncated|size/i);
        fs.writeFileSync(path.join(dir, "foreign.ngram"), Buffer.from("PK\u0003\u0004 definitely a zip file, not n-grams ".repeat(20)));
        assertCleanError(polyspec("ngram", "info", path.join(dir, "foreign.ngram")), /not a Polyspec n-gram file/);
        // corpora: empty, binary, not UTF-8
        fs.writeFileSync(path.join(dir, "empty.txt"), "");
        assertCleanError(polyspec("ngram", "train", path.join(dir, "empty.txt"), "--lang", "de", "--model", smol, "--out", path.join(dir, "x.ngram")), /empty/i);
        fs.writeFileSync(path.join(dir, "bin.txt"), Buffer.from([0, 1, 2, 3, 0, 0, 255, 0, 7, 8]));
        assertCleanError(polyspec("ngram", "train", path.join(dir, "bin.txt"), "--lang", "de", "--model", smol, "--out", path.join(dir, "x.ngram")), /binary/i);
        fs.writeFileSync(path.join(dir, "latin1.txt"), Buffer.from("Gr\xfc\xdfe aus M\xfcnchen, sch\xf6ne Stra\xdfe\n".repeat(50), "latin1"));
        assertCleanError(polyspec("ngram", "train", path.join(dir, "latin1.txt"), "--lang", "de", "--model", smol, "--out", path.join(dir, "x.ngram")), /UTF-8/i);
        assert.equal(fs.existsSync(path.join(dir, "x.ngram")), false, "nothing half-written");
    });
});
