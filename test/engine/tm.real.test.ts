import assert from "node:assert/strict";
import {compareGreedy} from "../helpers/divergence";
import {NEAR_TIE} from "../../src/bench/divergence";
import {FixedPolicy} from "../../src/core/policy";
import {cascadeOf, withMemory} from "../../src/engine/drafters";
import {Engine} from "../../src/engine/engine";
import {TranslationMemory, translationRequest} from "../../src/tm";
import {requireModel} from "../helpers/models";

// a small memory of earlier English -> German translations, and new texts close to them
const MEMORY: [string, string][] = [
    ["The old wizard looked at the young prince and said: we must leave the city before the orcs arrive.", "Der alte Zauberer sah den jungen Prinzen an und sagte: Wir müssen die Stadt verlassen, bevor die Orks kommen."],
    ["Select the cells that you want to copy, then choose Edit - Copy.", "Wählen Sie die Zellen aus, die Sie kopieren möchten, und wählen Sie dann Bearbeiten - Kopieren."],
];
const TEXTS = [
    "The old wizard looked at the young princess and said: we must leave the city before the trolls arrive.",
    "Select the rows that you want to copy, then choose Edit - Copy.",
];

describe("translation memory on the default model", function () {
    this.timeout(900_000);
    let engine: Engine;
    before(async function () { engine = await Engine.create({model: requireModel(this, "qwen2.5-coder-1.5b")}); });
    after(async () => { await engine?.dispose(); });
    const memory = TranslationMemory.fromSegments({src: "en", tgt: "de"}, MEMORY.map(([source, target], i) => ({source, target, srcLang: "en", tgtLang: "de", origin: {kind: "history"}, time: i})));

    it("draft mode: the prompt is today's, the memory drafts, and the output equals plain decoding", async () => {
        let accepted = 0;
        for (const text of TEXTS) {
            const req = translationRequest(text, "de", engine.model, {memory});
            assert.equal(req.mode, "draft");
            assert.ok(req.matches.length > 0 && req.drafter, `a match for "${text}"`);
            const plain = await engine.generate(translationRequest(text, "de", engine.model).prompt, undefined, {maxTokens: 48, k: 0, adaptive: false});
            assert.deepEqual(req.prompt, translationRequest(text, "de", engine.model).prompt, "the prompt is byte-identical to the plain one");
            for (const k of [2, 6]) {
                const c = await compareGreedy(engine, req.prompt, withMemory(req.drafter, cascadeOf())!, {maxTokens: 48, k, adaptive: false}, plain.tokens);
                accepted += c.accepted;
                if (!c.identical) assert.ok(c.gap! < NEAR_TIE, `diverged at ${c.at} with gap ${c.gap}: not a near-tie`);
            }
        }
        assert.ok(accepted > 10, `the memory's drafts were accepted (${accepted})`);
    });

    it("examples mode: speculative output equals plain decoding of the same TM prompt", async () => {
        for (const text of TEXTS) {
            const req = translationRequest(text, "de", engine.model, {memory, mode: "examples"});
            assert.ok(req.matches.length > 0);
            assert.match(JSON.stringify(req.prompt), /Example 1/);
            const plain = await engine.generate(req.prompt, undefined, {maxTokens: 48, k: 0, adaptive: false});
            const c = await compareGreedy(engine, req.prompt, withMemory(req.drafter, cascadeOf())!, {maxTokens: 48, policy: new FixedPolicy(4)}, plain.tokens);
            if (!c.identical) assert.ok(c.gap! < NEAR_TIE, `diverged at ${c.at} with gap ${c.gap}: not a near-tie`);
        }
    });
});
