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
