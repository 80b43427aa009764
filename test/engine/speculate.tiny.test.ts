import assert from "node:assert/strict";
import {acceptanceRate, tokensPerStep} from "../../src/core/stats";
import type {Drafter, Proposal} from "../../src/core/drafter";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

/** Proposes a fixed script of tokens (an oracle when the script is the plain output). */
class ScriptDrafter implements Drafter {
    readonly name = "script";
    readonly expensive = false;
    constructor(private readonly script: number[], private readonly promptLen: number, private readonly corrupt = 0) {}
    propose(context: readonly number[], k: number): Proposal {
        const at = context.length - this.promptLen;
        const tokens = this.script.slice(at, at + k).map((t, i) => (this.corrupt && (at + i) % this.corrupt === 0 ? (t + 1) % 256 : t));
        return {tokens};
    }
    observe(): void {}
    reset(): void {}
    describe(): string { return "script"; }
}

describe("speculative loop on tiny F32 models (exact)", function () {
    this.timeout(120_000);
    let engine: Engine;
    before(async () => { engine = await Engine.create({model: tinyModel({mode: "random", seed: 7}), gpu: "cpu", contextSize: 1024}); });
    after(async () => { await engine?.dispose(); });

    const prompt = {text: "the cat sat on the mat. the cat sat on the"};

    it("greedy output is token-identical with every drafter and draft length", async () => {
        const plain = await engine.generate(prompt, undefined, {maxTokens: 80, adaptive: false, k: 0});
        assert.equal(plain.tokens.length, 80);
        assert.equal(plain.stats.steps, 80);
        const promptLen = plain.promptTokens;
        const drafters: Drafter[] = [new LookupDrafter(), new ScriptDrafter(plain.tokens, promptLen), new ScriptDrafter(plain.tokens, promptLen, 3)];
        for (const d of drafters) for (const k of [1, 2, 5, 8]) {
            const r = await engine.generate(prompt, d, {maxTokens: 80, adaptive: false, k});
            assert.deepEqual(r.tokens, plain.tokens, `${d.name} k=${k}`);
            assert.equal(r.text, plain.text);
        }
    });

    it("an oracle draft is fully accepted and needs few target steps; a corrupted one is rolled back", async () => {
        const plain = await engine.generate(prompt, undefined, {maxTokens: 60, adaptive: false, k: 0});
        const oracle = await engine.generate(prompt, new ScriptDrafter(plain.tokens, plain.promptTokens), {maxTokens: 60, adaptive: false, k: 5});
        assert.equal(acceptanceRate(oracle.stats), 1);
        assert.equal(oracle.stats.steps, 10);
        assert.equal(tokensPerStep(oracle.stats), 6);
        const bad = await engine.generate(prompt, new ScriptDrafter(plain.tokens, plain.promptTokens, 4), {maxTokens: 60, adaptive: false, k: 5});
        assert.deepEqual(bad.tokens, plain.tokens);
        assert.ok(acceptanceRate(bad.stats) < 1 && acceptanceRate(bad.stats) > 0.2);
        // every token in the KV cache is a prompt or output token at its place: nothing rejected is left behind
        const kv = [...engine.target.contextTokens].slice(bad.promptTokens);
        assert.ok(kv.length >= bad.tokens.length - 1);
        assert.deepEqual(kv.slice(0, bad.tokens.length - 1), bad.tokens.slice(0, -1));
        const full = await engine.generate(prompt, new ScriptDrafter(plain.tokens, plain.promptTokens, 4), {maxTokens: 59, adaptive: false, k: 1});
        assert.deepEqual(full.tokens, plain.tokens.slice(0, 59));
    });

    it("reuses the KV cache of a shared prompt prefix across requests", async () => {
        await engine.generate({text: "a shared prefix that is long enough: the cat"}, undefined, {maxTokens: 4, k: 0, adaptive: false});
        const r = await engine.generate({text: "a shared prefix that is long enough: the dog"}, undefined, {maxTokens: 4, k: 0, adaptive: false});
        assert.ok(r.reusedPromptTokens >= r.promptTokens - 4, `reused ${r.reusedPromptTokens} of ${r.promptTokens}`);
        assert.ok(r.stats.ttftMs !== null && r.stats.ttftMs > 0);
    });
});
