import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {Engine} from "../../src/engine/engine";
import {nodeLlamaCpp} from "../../src/engine/llama";
import {LoadedModel} from "../../src/engine/model";
import {resolveModel} from "../../src/models/index";
import {requantizeModel} from "../../src/models/requantize";
import {requireModel} from "../helpers/models";

// GGML type ids (ggml.h).
const F32 = 0, Q4_0 = 2, Q8_0 = 8;

/**
 * Requantizes gemma3-270m (Q4_K_M with Q5_0/Q6_K/Q8_0 parts) to Q4_0 with tools/requantize (gguf-py in its own
 * venv under <cache>/tools, created on first use: needs Python 3 with venv and pip), then loads the result.
 * The source is linked into a temporary folder so that the result (made next to its source) stays out of the
 * models cache.
 */
describe("requantize to Q4_0 (gemma3-270m)", function () {
    this.timeout(900_000);
    let dir: string;
    let source: string;
    let out: string;
    before(function () {
        const model = requireModel(this, "gemma3-270m");
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-requant-"));
        source = path.join(dir, path.basename(model));
        fs.symlinkSync(model, source);
    });
    after(() => { if (dir) fs.rmSync(dir, {recursive: true, force: true}); });

    it("`PATH@q4_0` makes <basename>.q4_0.gguf next to it with a sha256 stamp; a second call reuses it", async () => {
        const stages = new Set<string>();
        out = await resolveModel(`${source}@q4_0`, {onProgress: (_d, _t, stage) => stages.add(stage.replace(/\d+\/\d+/, "N"))});
        assert.equal(out, path.join(dir, "gemma-3-270m-q4_k_m.q4_0.gguf"));
        assert.ok(stages.has("tensor N"), [...stages].join(", "));
        assert.ok(!fs.existsSync(out + ".partial") && !fs.existsSync(out + ".lock"));
        const stamp = JSON.parse(fs.readFileSync(out + ".sha256", "utf8"));
        assert.match(stamp.sha256, /^[0-9a-f]{64}$/);
        const {mtimeMs, size} = fs.statSync(out);
        assert.equal(stamp.size, size);
        const t0 = Date.now();
        assert.equal(await requantizeModel(source, {type: "q4_0"}), out);
        assert.ok(Date.now() - t0 < 5_000, "the cached file is returned without requantizing");
        assert.equal(fs.statSync(out).mtimeMs, mtimeMs);
        await assert.rejects(resolveModel(`${source}@q3_k`), /unknown model format "@q3_k"/);
    });

    it("writes Q4_0 matrices, a Q8_0 token embedding, F32 norms, the same metadata with file_type 2", async () => {
        const {readGgufFileInfo} = await nodeLlamaCpp();
        const [a, b] = await Promise.all([readGgufFileInfo(source), readGgufFileInfo(out)]);
        const types = new Map(b.fullTensorInfo!.map((t) => [t.name, t.ggmlType as number]));
        assert.deepEqual(b.fullTensorInfo!.map((t) => t.name), a.fullTensorInfo!.map((t) => t.name), "tensor order");
        for (const t of b.fullTensorInfo!) {
            const want = t.dimensions.length === 1 ? F32 : t.name === "token_embd.weight" ? Q8_0 : Q4_0;
            assert.equal(t.ggmlType, want, `${t.name} [${t.dimensions.join(", ")}]`);
        }
        assert.ok([...types.values()].filter((t) => t === Q4_0).length >= 100);
        assert.equal(b.metadata.general.file_type, 2);
        const strip = (m: unknown) => JSON.stringify({...(m as object), general: {...(m as {general: object}).general, file_type: 0}});
        assert.equal(strip(b.metadata), strip(a.metadata), "metadata other than general.file_type is unchanged");
        assert.ok(fs.statSync(out).size < fs.statSync(source).size);
    });

    it("loads and generates like the original (same first greedy tokens)", async () => {
        const m = await LoadedModel.open(out);
        assert.ok(m.vocabSize > 200_000);
        await m.dispose();
        const prompt = {text: "The capital of France is Paris. The capital of Germany is"};
        const gen = async (model: string) => {
            const engine = await Engine.create({model, contextSize: 256});
            try {
                return await engine.generate(prompt, undefined, {maxTokens: 12, k: 0, adaptive: false});
            } finally {
                await engine.dispose();
            }
        };
        const [orig, q] = [await gen(source), await gen(out)];
        console.log(`      Q4_K_M: ${JSON.stringify(orig.text)}\n      Q4_0:   ${JSON.stringify(q.text)}`);
        assert.ok(q.tokens.length > 0 && q.text.trim().length > 0);
        assert.match(q.text, /Berlin/);
        assert.deepEqual(q.tokens.slice(0, 2), orig.tokens.slice(0, 2));
    });
});
