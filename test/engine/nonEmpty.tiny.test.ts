import assert from "node:assert/strict";
import type {Drafter, Proposal} from "../../src/core/drafter";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

/** Proposes the given continuation of the prompt (an oracle when it is the plain output). */
const script = (tokens: number[], promptLen: number): Drafter => ({
    name: "script", expensive: false, observe() {}, reset() {}, describe: () => "script",
    propose: (context: readonly number[], k: number): Proposal => ({tokens: tokens.slice(context.length - promptLen, context.length - promptLen + k)}),
});

describe("never empty: no stop token before visible text (tiny F32 model, exact)", function () {
    this.timeout(120_000);
    let engine: Engine;
    // a model that spells "abc" and then wants to end: after "c" its choice is the end-of-sequence token
    before(async () => { engine = await Engine.create({model: tinyModel({mode: "cycle", cycle: "abc", eosAfter: "c", seed: 3}), gpu: "cpu", contextSize: 1024}); });
    after(async () => { await engine?.dispose(); });
    const prompt = {text: "abc"};

    it("without the rule the model ends at once; with it (the default) the output holds a visible character first", async () => {
        const bare = await engine.generate(prompt, undefined, {maxTokens: 12, k: 0, adaptive: false, nonEmpty: false});
        assert.equal(bare.tokens.length, 0, "the model's own choice is to end");
        assert.equal(bare.finish, "stop");
        const r = await engine.generate(prompt, undefined, {maxTokens: 12, k: 0, adaptive: false});
        assert.ok(/\S/.test(r.text), `visible text: ${JSON.stringify(r.text)}`);
        // a banned token was never chosen: no stop token before the first visible character
        const firstVisible = [...r.text].findIndex((ch) => /\S/.test(ch));
        assert.ok(firstVisible >= 0);
    });

    it("speculative decoding under the rule equals plain decoding token for token", async () => {
        const plain = await engine.generate(prompt, undefined, {maxTokens: 24, k: 0, adaptive: false});
        for (const d of [new LookupDrafter(), script(plain.tokens, plain.promptTokens)]) for (const k of [1, 3, 6]) {
            const r = await engine.generate(prompt, d, {maxTokens: 24, k, adaptive: false});
            assert.deepEqual(r.tokens, plain.tokens, `${d.name} k=${k}`);
        }
    });
});
