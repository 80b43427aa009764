import assert from "node:assert/strict";
import type {Drafter, Proposal} from "../../src/core/drafter";
import {repetitionOptions} from "../../src/core/tasks";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

/** Proposes a fixed script of tokens (the unguarded plain output: an oracle that drafts the loop's tokens). */
class ScriptDrafter implements Drafter {
    readonly name = "script";
    readonly expensive = false;
    constructor(private readonly script: number[], private readonly promptLen: number) {}
    propose(context: readonly number[], k: number): Proposal { const at = context.length - this.promptLen; return {tokens: this.script.slice(at, at + k)}; }
    observe(): void {}
    reset(): void {}
    describe(): string { return "script"; }
}

/**
 * The loop guard on the real generation path (Engine.generate over node-llama-cpp) with a tiny F32 model that spells
 * the alphabet for ever (exact, no near-ties): a greedy generation that loops ends with finish "repetition", the
 * output cut where the repetition began; speculative decoding (any drafter, any k) stops at the same token with the
 * same output as plain decoding.
 */
describe("loop guard on a looping tiny F32 model (Engine.generate)", function () {
    this.timeout(120_000);
    let engine: Engine;
    before(async () => { engine = await Engine.create({model: tinyModel({mode: "cycle", sharpness: 0.3}), gpu: "cpu", contextSize: 1024}); });
    after(async () => { await engine?.dispose(); });
    const prompt = {text: "hello"};

    it("ends a looping greedy generation with finish 'repetition' and keeps the text before the loop", async () => {
        const raw = await engine.generate(prompt, undefined, {maxTokens: 120, k: 0, adaptive: false, repetition: false, nonEmpty: false});
        assert.equal(raw.finish, "length");
        assert.match(raw.text, /(abcdefghijklmnopqrstuvwxyz ){3}/, "the model loops");
        const streamed: string[] = [];
        const g = await engine.generate(prompt, undefined, {maxTokens: 120, k: 0, adaptive: false, nonEmpty: false, onText: (d) => streamed.push(d)});
        assert.equal(g.finish, "repetition");
        assert.ok(g.repetition && !g.repetition.echo && g.repetition.distance === 27, `a loop of period 27: ${JSON.stringify(g.repetition)}`);
        assert.deepEqual([...g.tokens, ...g.repetition!.cut], raw.tokens.slice(0, g.repetition!.at + 1), "a guarded run is a prefix of the unguarded one");
        assert.equal(g.tokens.length, g.repetition!.start);
        assert.equal(g.text, engine.model.detokenize(g.tokens));
        assert.equal(g.stats.tokens, g.repetition!.at + 1, "the statistics count every token the target emitted");
        assert.equal(g.text, raw.text.slice(0, 27), "one turn of the alphabet (27 characters, one token each) is kept");
        assert.equal(new Set(g.text).size, 27, `each letter once: ${JSON.stringify(g.text)}`);
        assert.ok(streamed.join("").startsWith(g.text) && streamed.join("").length > g.text.length, "the stream ran into the repetition; the result is cut");
        // a translation's options wait for the span to be repeated in full
        const t = await engine.generate(prompt, undefined, {maxTokens: 120, k: 0, adaptive: false, nonEmpty: false, repetition: repetitionOptions("translate")});
        assert.equal(t.finish, "repetition");
        assert.equal(t.repetition!.at, t.repetition!.start + 26);
        assert.deepEqual(t.tokens, g.tokens);
    });

    it("speculative decoding stops at the same token with the same output as plain decoding", async () => {
        const raw = await engine.generate(prompt, undefined, {maxTokens: 120, k: 0, adaptive: false, repetition: false, nonEmpty: false});
        const plain = await engine.generate(prompt, undefined, {maxTokens: 120, k: 0, adaptive: false, nonEmpty: false});
        for (const make of [() => new LookupDrafter(), () => new ScriptDrafter(raw.tokens, raw.promptTokens)]) for (const k of [1, 3, 8]) {
            const d = make();
            const r = await engine.generate(prompt, d, {maxTokens: 120, k, adaptive: false, nonEmpty: false});
            const what = `${d.name} k=${k}`;
            assert.equal(r.finish, "repetition", what);
            assert.deepEqual(r.tokens, plain.tokens, what);
            assert.deepEqual(r.repetition, plain.repetition, what);
            assert.equal(r.text, plain.text, what);
            assert.equal(r.stats.tokens, plain.stats.tokens, `${what}: the same tokens emitted`);
            assert.ok(r.stats.accepted > 0 && r.stats.steps < plain.stats.steps, `${what} drafted (${r.stats.accepted} accepted in ${r.stats.steps} steps)`);
        }
    });
});
