// The corpus n-gram drafter on a real tokenizer (SmolLM2-135M's): trains on a few hundred KB of real English text
// (TypeScript's own lib .d.ts files: always installed, pinned by the lock file), checks that proposals are
// sensible on held-out text and that the file round-trips, and prints training speed (MB/s including
// tokenization), proposal time (microseconds per token) and size (bytes per stored n-gram).
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {mulberry32} from "../../src/core/rng";
import {NgramDrafter, NgramTable, loadNgramDrafter, trainInWorker, trainNgram, type TrainResult} from "../../src/drafters/ngram";
import {LoadedModel} from "../../src/engine/model";
import {isFetched, modelPath} from "../../src/models/index";

const MODEL = "smollm2-135m";
const root = path.resolve(__dirname, "../..");
const lib = (f: string) => path.join(root, "node_modules/typescript/lib", f);

describe("ngram drafter on a real tokenizer (SmolLM2-135M)", function () {
    this.timeout(300_000);
    let model: LoadedModel;
    let dir: string;
    let file: string;
    let result: TrainResult;
    let heldOut: number[];

    before(async function () {
        if (!isFetched(MODEL)) {
            console.log(`      (skipped: ${MODEL} is not fetched; run 'polyspec models fetch ${MODEL}')`);
            this.skip();
        }
        model = await LoadedModel.open(modelPath(MODEL), {gpu: "cpu"});
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-ngram-real-"));
        const dom = fs.readFileSync(lib("lib.dom.d.ts"), "utf8");
        const cut = dom.indexOf("\n", 400_000) + 1;
        fs.writeFileSync(path.join(dir, "dom-part.d.ts"), dom.slice(0, cut));
        heldOut = model.tokenize(dom.slice(1_200_000, dom.indexOf("\n", 1_260_000)));
        file = path.join(dir, "en.ngram");
        result = await trainNgram([lib("lib.es5.d.ts"), path.join(dir, "dom-part.d.ts")], {tokenizer: model, lang: "en", out: file, model: MODEL});
    });
    after(async () => {
        await model?.dispose();
        if (dir) fs.rmSync(dir, {recursive: true, force: true});
    });

    it("trains quickly and compactly", () => {
        const mbps = result.inputBytes / 1e6 / result.seconds;
        console.log(`      trained ${(result.inputBytes / 1e3).toFixed(0)} kB (${result.trainingTokens} tokens) in ${result.seconds.toFixed(2)} s = ${mbps.toFixed(2)} MB/s incl. tokenization ` +
            `(tokenize ${result.tokenizeSeconds.toFixed(2)} s); ${result.ngrams} n-grams in ${result.bytes} bytes = ${result.bytesPerNgram.toFixed(2)} bytes per n-gram`);
        assert.ok(result.trainingTokens > 100_000);
        assert.ok(result.bytesPerNgram < 12, `${result.bytesPerNgram} bytes per n-gram`);
        assert.ok(mbps > 10 / 60, `${mbps} MB/s: 10 MB would take over a minute`);
        assert.deepEqual(result.orders.map((o) => o.order), [2, 3, 4]);
    });

    it("round-trips: the loaded file has the training settings and refuses another tokenizer", () => {
        const t = NgramTable.load(file, {fingerprint: model.fingerprint});
        assert.equal(t.header.fingerprint, model.fingerprint);
        assert.equal(t.header.vocabSize, model.vocabSize);
        assert.equal(t.header.trainingTokens, result.trainingTokens);
        assert.deepEqual(t.header.orders, result.orders);
        assert.equal(t.header.fileSize, fs.statSync(file).size);
        assert.throws(() => loadNgramDrafter(file, {fingerprint: "f".repeat(64)}, "qwen2.5-coder-1.5b"),
            /^PolyspecError: drafter .*en\.ngram was built for tokenizer [0-9a-f]{8}\.\. \(model smollm2-135m\?\) but the target's is ffffffff\.\.: retrain it with --model qwen2\.5-coder-1\.5b$/);
    });

    it("proposes sensible continuations (greedy hits on held-out text) and the text round-trips", async () => {
        const d = loadNgramDrafter(file, model);
        const p = await d.propose(model.tokenize("Returns the index of the first occurrence of a value in an"), 3);
        const words = model.detokenize(p.tokens);
        console.log(`      "...first occurrence of a value in an" -> ${JSON.stringify(words)} (confidence ${p.confidence!.map((c) => c.toFixed(2)).join(", ")})`);
        assert.ok(p.tokens.length > 0);
        assert.match(words, /^ array/);
        let proposed = 0, hits = 0;
        for (let i = 8; i < heldOut.length - 1; i++) {
            const q = await d.propose(heldOut.slice(i - 8, i), 1);
            if (!q.tokens.length) continue;
            proposed++;
            if (q.tokens[0] === heldOut[i]) hits++;
        }
        console.log(`      held-out lib.dom.d.ts: first-token proposals at ${((100 * proposed) / (heldOut.length - 9)).toFixed(0)}% of positions, ${((100 * hits) / proposed).toFixed(1)}% correct`);
        assert.ok(proposed / heldOut.length > 0.8);
        assert.ok(hits / proposed > 0.4, `${hits}/${proposed}`);
    });

    it("proposes in well under 20 microseconds per token (greedy and sampling)", async () => {
        const d = new NgramDrafter(NgramTable.load(file));
        const rng = mulberry32(5);
        for (const mode of ["greedy", "sampling"] as const) {
            let tokens = 0;
            const t0 = performance.now();
            for (let rep = 0; rep < 3; rep++) {
                for (let i = 8; i < heldOut.length; i++) {
                    const p = await d.propose(heldOut.slice(i - 8, i), 8, mode === "sampling" ? {rng} : undefined);
                    tokens += p.tokens.length;
                }
            }
            const us = ((performance.now() - t0) * 1000) / tokens;
            console.log(`      ${mode}: ${us.toFixed(2)} us per proposed token (${tokens} tokens)`);
            assert.ok(us < 20, `${us} us per token`);
        }
    });

    it("trains in a worker thread through the engine's entry (src/engine/train-worker.ts)", async () => {
        const boot = path.join(dir, "boot.cjs");
        fs.writeFileSync(boot, `require(${JSON.stringify(require.resolve("tsx/cjs"))});\nrequire(${JSON.stringify(path.join(root, "src/engine/train-worker.ts"))});\n`);
        const out = path.join(dir, "worker.ngram");
        const stages = new Set<string>();
        const r = await trainInWorker({inputs: [lib("lib.es5.d.ts"), path.join(dir, "dom-part.d.ts")], model: modelPath(MODEL), lang: "en", out},
            {workerFile: boot, onProgress: (_d, _t, s) => stages.add(s)});
        assert.ok(stages.has("read"));
        assert.deepEqual(r.orders, result.orders);
        const a = fs.readFileSync(out), b = fs.readFileSync(file);
        assert.ok(a.subarray(128).equals(b.subarray(128)) || NgramTable.load(out).ngrams === result.ngrams); // same counts (model hint may differ)
    });
});
