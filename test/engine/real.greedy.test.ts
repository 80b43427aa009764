import assert from "node:assert/strict";
import {storyPrompt, translationPrompt} from "../../src/core/tasks";
import {CascadeDrafter} from "../../src/drafters/cascade";
import {LookupDrafter} from "../../src/drafters/lookup";
import {DraftModelDrafter} from "../../src/engine/draft-model";
import {Engine} from "../../src/engine/engine";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {loadNgramDrafter, trainNgram} from "../../src/drafters/ngram";
import {compareGreedy} from "../helpers/divergence";
import {requireModel} from "../helpers/models";

import {NEAR_TIE} from "../../src/bench/divergence";

const PROMPTS = [
    translationPrompt("The old wizard looked at the young prince and said: we must leave the city before the orcs arrive.", "de"),
    translationPrompt("Select the cells that you want to copy, then choose Edit - Copy.", "zh"),
    storyPrompt("Der Wind heulte über die Hügel, als Konrad das alte Tor erreichte. Hinter ihm brannten die Feuer der Orks.", "de"),
];

for (const name of ["smollm2-135m", "qwen2.5-coder-1.5b"]) {
    describe(`greedy speculation on a real quantized model: ${name}`, function () {
        this.timeout(900_000);
        let engine: Engine;
        before(async function () { engine = await Engine.create({model: requireModel(this, name)}); });
        after(async () => { await engine?.dispose(); });

        it("is token-identical to plain decoding for every drafter, or diverges only at near-ties", async () => {
            // an n-gram table trained (with this model's tokenizer) on text the target wrote itself: it drafts often
            const own = [];
            for (const p of PROMPTS) own.push((await engine.generate(p, undefined, {maxTokens: 48, k: 0, adaptive: false})).text);
            const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-real-")), "self.ngram");
            await trainNgram([{name: "self", text: own.join("\n")}], {tokenizer: engine.model, lang: "de", out: file, minCount: 1});
            const ngram = loadNgramDrafter(file, engine.model);
            const drafters = [new LookupDrafter(), ngram, new CascadeDrafter([new LookupDrafter(1, 3), ngram])];
            let runs = 0, divergences = 0, accepted = 0;
            for (const prompt of PROMPTS) {
                const plain = (await engine.generate(prompt, undefined, {maxTokens: 48, k: 0, adaptive: false})).tokens;
                for (const d of drafters) for (const k of [2, 5]) {
                    const c = await compareGreedy(engine, prompt, d, {maxTokens: 48, k, adaptive: false}, plain);
                    runs++;
                    accepted += c.accepted;
                    if (!c.identical) {
                        divergences++;
                        assert.ok(c.gap! < NEAR_TIE, `${d.name} k=${k} diverged at ${c.at} with gap ${c.gap}: not a near-tie`);
                    }
                }
            }
            assert.ok(accepted > 50, `the drafters had drafts accepted (${accepted})`);
            console.log(`      ${name}: ${divergences} divergences (all near-ties) in ${runs} runs, ${accepted} draft tokens accepted`);
        });
    });
}

describe("draft-model drafter", function () {
    this.timeout(900_000);
    it("drafts for the 1.5B target with the 0.5B model, greedy output identical or near-tie", async function () {
        const engine = await Engine.create({model: requireModel(this, "qwen2.5-coder-1.5b")});
        try {
            const dm = await DraftModelDrafter.open(requireModel(this, "qwen2.5-coder-0.5b"), engine.model);
            const c = await compareGreedy(engine, PROMPTS[0], dm, {maxTokens: 32, k: 3, adaptive: false});
            assert.ok(c.identical || c.gap! < NEAR_TIE);
            await dm.dispose();
        } finally { await engine.dispose(); }
    });
    it("refuses a draft model with another tokenizer", async function () {
        const engine = await Engine.create({model: requireModel(this, "smollm2-135m")});
        try {
            await assert.rejects(DraftModelDrafter.open(requireModel(this, "gemma3-270m"), engine.model), /cannot draft for this target/);
        } finally { await engine.dispose(); }
    });
});

describe("prompt rendering with the model's chat template", function () {
    this.timeout(120_000);
    it("opens an empty assistant turn after a user message, and leaves a last assistant message open to be continued", async function () {
        const {LoadedModel} = await import("../../src/engine/model");
        const {renderPrompt} = await import("../../src/engine/prompt");
        const m = await LoadedModel.open(requireModel(this, "qwen2.5-coder-1.5b"), {vocabOnly: true});
        try {
            const opening = "Der Wind heulte über die Hügel.\n\n";
            const asked = await renderPrompt(m, translationPrompt("Hello there.", "de"));
            const story = await renderPrompt(m, storyPrompt(opening, "de"));
            const endOfTurn = m.tokenize("<|im_end|>", true);
            assert.equal(endOfTurn.length, 1);
            // the user turn is closed and an assistant turn opened: the prompt ends with "<|im_start|>assistant\n"
            assert.equal(m.detokenize(asked.slice(-3)).trim(), "assistant");
            // the story opening is the start of the assistant's reply, not closed by an end-of-turn token
            const tail = m.tokenize(opening);
            assert.deepEqual(story.slice(-tail.length), tail);
            assert.equal(story.filter((t) => t === endOfTurn[0]).length, 2, "only the system and user turns are closed");
        } finally { await m.dispose(); }
    });
});

describe("divergence explanation (benchmark's near-tie check)", function () {
    this.timeout(300_000);
    it("treats an output that ended early as the choice of a stop token, with the target's probability of stopping", async function () {
        const {divergence} = await import("../../src/bench/divergence");
        const engine = await Engine.create({model: requireModel(this, "smollm2-135m")});
        try {
            const prompt = translationPrompt("The old wizard looked at the young prince.", "de");
            const full = (await engine.generate(prompt, undefined, {maxTokens: 24, k: 0, adaptive: false})).tokens;
            assert.ok(full.length > 6);
            const cut = full.slice(0, 5); // as if this run had ended its turn after 5 tokens
            const d = (await divergence(engine, prompt, full, cut))!;
            assert.equal(d.at, 5);
            // the same numbers by hand: p(next token of the longer output) against p(stop) at that point
            const {renderPrompt} = await import("../../src/engine/prompt");
            const ctx = [...await renderPrompt(engine.model, prompt), ...cut];
            await engine.target.prepare(ctx.slice(0, -1));
            const [r] = await engine.target.verify([ctx[ctx.length - 1]], {distributions: true});
            await engine.target.rollback(1);
            const pStop = Math.max(...[...engine.target.stopTokens].map((t) => r.dist!.get(t) ?? 0));
            assert.ok(Math.abs(d.gap - Math.abs((r.dist!.get(full[5]) ?? 0) - pStop)) < 1e-9);
            assert.equal(d.nearTie, d.gap < 0.1);
            assert.equal(await divergence(engine, prompt, full, full), undefined);
        } finally { await engine.dispose(); }
    });
});
