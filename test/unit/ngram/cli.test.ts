import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import path from "node:path";
import {run} from "../../../src/cli/ngram";
import {capture, usageErrors} from "../cliHarness";
import {trainNgram} from "../../../src/drafters/ngram";
import {CharTokenizer, pseudoText, tmpDir} from "./helpers";

const usageError = usageErrors(run);

describe("ngram CLI", () => {
    let dir: string, a: string, b: string;
    before(async () => {
        dir = tmpDir();
        a = path.join(dir, "a.ngram");
        b = path.join(dir, "b.ngram");
        const tokenizer = new CharTokenizer();
        await trainNgram([{name: "a", text: pseudoText(1, 3000)}], {tokenizer, lang: "de", out: a, model: "chars"});
        await trainNgram([{name: "b", text: pseudoText(2, 3000)}], {tokenizer, lang: "de", out: b, model: "chars"});
    });

    it("refuses invalid flags and arguments with one-line usage errors (before loading any model)", async () => {
        await usageError([], /^missing ngram command: use train, info or merge/);
        await usageError(["frob"], /^unknown ngram command "frob"/);
        await usageError(["train", "--bogus"], /^Unknown option '--bogus'.*\(see 'polyspec ngram --help'\)$/);
        await usageError(["train", "x.txt"], /^--lang is required/);
        await usageError(["train", "x.txt", "--lang", "de", "--order", "9"], /^--order must be an integer from 2 to 8, got "9"$/);
        await usageError(["train", "x.txt", "--lang", "de", "--order", "3.5"], /^--order must be an integer/);
        await usageError(["train", "x.txt", "--lang", "de", "--min-count", "0"], /^--min-count must be an integer from 1/);
        await usageError(["train", "x.txt", "--lang", "de", "--min-count", "2,x"], /^--min-count must be an integer/);
        await usageError(["train", "x.txt", "--lang", "de", "--top", "300"], /^--top must be an integer from 1 to 255/);
        await usageError(["train", "x.txt", "--lang", "de", "--memory", "1"], /^--memory must be an integer from 16/);
        await usageError(["train", "x.txt", "--lang", "not a lang"], /^--lang must be a language code/);
        await usageError(["train", "--lang", "qq"], /^unknown language "qq" for the built-in corpus/);
        await usageError(["train", "x.txt", "--lang", "de", "--out", dir], /^--out must be a file path/);
        await usageError(["train", path.join(dir, "missing.txt"), "--lang", "de"], /^corpus file not found: .*missing\.txt$/, "E_CORPUS");
        await usageError(["info"], /^ngram info takes one file/);
        await usageError(["info", a, b], /^ngram info takes one file/);
        await usageError(["merge", a], /^ngram merge needs at least two files/);
        await usageError(["merge", a, b], /^ngram merge needs --out FILE$/);
        await usageError(["merge", a, b, "--out", path.join(dir, "m.ngram"), "--top", "0"], /^--top must be an integer from 1 to 255/);
        await usageError(["info", __filename], /cli\.test\.ts is not a Polyspec n-gram file/, "E_NGRAM_FILE");
    });

    it("info prints the header and counts (text and --json)", async () => {
        const text = (await capture(() => run(["info", a]))).out;
        assert.match(text, /a\.ngram: Polyspec n-gram table, format version 1, checksum ok/);
        assert.match(text, /language de, tokenizer [0-9a-f]{64} \(1114112 tokens, model chars\)/);
        assert.match(text, /order 4: \d+ contexts, \d+ n-grams, min count 2/);
        assert.match(text, /bytes per n-gram/);
        const j = JSON.parse((await capture(() => run(["info", a, "--json"]))).out);
        assert.equal(j.lang, "de");
        assert.equal(j.maxOrder, 4);
        assert.ok(j.bytesPerNgram > 0 && j.bytesPerNgram < 12);
        assert.equal(j.ngrams, j.orders.reduce((s: number, o: {ngrams: number}) => s + o.ngrams, 0));
    });

    it("merge writes the merged file and reports it", async () => {
        const out = path.join(dir, "m.ngram");
        const j = JSON.parse((await capture(() => run(["merge", a, b, "--out", out, "--json"]))).out);
        assert.equal(j.file, out);
        assert.equal(j.inputs.length, 2);
        const text = (await capture(() => run(["merge", a, b, "--out", out, "--min-count", "3,4"]))).out;
        assert.match(text, /^wrote .*m\.ngram: .* n-grams, .* bytes per n-gram, from 2 files/);
        assert.match(text, /order 3: \d+ n-grams in \d+ contexts \(min count 4\)/);
    });

    it("exits non-zero with a one-line message (bin)", function () {
        this.timeout(30000);
        const root = path.resolve(__dirname, "../../..");
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "ngram", "info", path.join(dir, "none.ngram")], {cwd: root, encoding: "utf8"});
        assert.equal(r.status, 1);
        assert.equal(r.stderr.trim(), `polyspec: n-gram drafter file not found: ${path.join(dir, "none.ngram")}`);
        const u = spawnSync(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "ngram", "train", "--order", "x"], {cwd: root, encoding: "utf8"});
        assert.equal(u.status, 2);
        assert.equal(u.stderr.trim().split("\n").length, 1);
    });
});
