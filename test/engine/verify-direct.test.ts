import assert from "node:assert/strict";
import {storyPrompt, translationPrompt} from "../../src/core/tasks";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {requireModel} from "../helpers/models";
import {tinyModel} from "../helpers/tiny-model";

/**
 * The direct verify path (one native sampler for the engine's life, node-llama-cpp's sequence internals) against
 * controlledEvaluate (a sampler per call): the same tokens, the same distributions, with restrictions, greedy and
 * seeded sampling, plain and speculative. Two engines on the same model, one per path.
 */
describe("direct verification equals controlledEvaluate", function () {
    this.timeout(300_000);
    const pair = async (model: string) => Promise.all([Engine.create({model, gpu: "cpu", contextSize: 1024}), Engine.create({model, gpu: "cpu", contextSize: 1024, verify: "controlled"})]);

    it("is used on the pinned node-llama-cpp (and turned off on request)", async () => {
        const [direct, controlled] = await pair(tinyModel({mode: "random", seed: 5}));
        try {
            assert.ok(direct.target.direct, `direct path unavailable: ${direct.target.directUnavailable}`);
            assert.equal(controlled.target.direct, undefined);
            assert.equal(controlled.target.directUnavailable, "turned off");
        } finally { await direct.dispose(); await controlled.dispose(); }
    });

    it("tiny F32 model: identical tokens greedy and sampled, plain and with drafts, under the nonEmpty rule; identical distributions", async () => {
        const [a, b] = await pair(tinyModel({mode: "random", seed: 9}));
        try {
            const prompt = {text: "the cat sat on the mat. the cat sat on the"};
            for (const sampling of [undefined, {temperature: 0.9, seed: 4}]) for (const [k, drafter] of [[0, undefined], [4, new LookupDrafter()]] as const) {
                const o = {maxTokens: 40, k, adaptive: false, sampling};
                const x = await a.generate(prompt, drafter, o), y = await b.generate(prompt, drafter, o);
                assert.deepEqual(x.tokens, y.tokens, `sampling ${!!sampling}, k ${k}`);
                assert.deepEqual(x.stats.steps, y.stats.steps);
            }
            const tokens = a.model.tokenize("the cat sat");
            await a.target.prepare(tokens.slice(0, -1)); await b.target.prepare(tokens.slice(0, -1));
            const sampling = {temperature: 0.8, seed: 1};
            const [ra] = await a.target.verify(tokens.slice(-1), {sampling, distributions: true, seeds: [3], restrict: ["blank"]});
            const [rb] = await b.target.verify(tokens.slice(-1), {sampling, distributions: true, seeds: [3], restrict: ["blank"]});
            assert.equal(ra.token, rb.token);
            assert.deepEqual([...ra.dist!.entries()], [...rb.dist!.entries()]);
            assert.ok(ra.dist!.size > 1);
            for (const t of a.model.stopTokens) assert.ok(!ra.dist!.has(t) || ra.dist!.get(t) === 0, "a banned stop token has no probability");
        } finally { await a.dispose(); await b.dispose(); }
    });

    it("SmolLM2-135M (quantized): identical greedy output on translation and story prompts, plain and with lookup drafts", async function () {
        const [a, b] = await pair(requireModel(this, "smollm2-135m"));
        try {
            for (const prompt of [translationPrompt("The river is high and the bridges are broken.", "de"), storyPrompt("The wind howled over the hills.", "en")]) {
                for (const [k, drafter] of [[0, undefined], [4, new LookupDrafter()]] as const) {
                    const o = {maxTokens: 32, k, adaptive: false};
                    assert.deepEqual((await a.generate(prompt, drafter, o)).tokens, (await b.generate(prompt, drafter, o)).tokens, `k ${k}`);
                }
            }
        } finally { await a.dispose(); await b.dispose(); }
    });
});
