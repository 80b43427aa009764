import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {CostCurve, FixedPolicy} from "../../src/core/policy";
import {acceptanceRate, tokensPerStep} from "../../src/core/stats";
import {recordOutputs} from "../../src/bench/record";
import {simulate} from "../../src/bench/simulate";
import type {BenchCase} from "../../src/bench/live";
import {LookupDrafter} from "../../src/drafters/lookup";
import {loadNgramDrafter, trainNgram} from "../../src/drafters/ngram";
import type {Drafter} from "../../src/drafters/drafter";
import {Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

describe("simulated and live speculation agree (greedy, exact F32 model)", function () {
    this.timeout(300_000);
    let engine: Engine;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-agree-"));
    before(async () => { engine = await Engine.create({model: tinyModel({mode: "random", seed: 5}), gpu: "cpu", contextSize: 1024}); });
    after(async () => { await engine?.dispose(); });

    it("gives the same acceptance, steps and tokens per step for every drafter and k", async () => {
        const cases: BenchCase[] = ["the cat sat on the mat and the cat", "abc abc abc ab", "once upon a time there was a time"].map((text, i) =>
            ({task: "story", lang: "en", id: String(i), input: text, prompt: {text}}));
        const recs = await recordOutputs(engine, cases, {file: path.join(dir, "rec.jsonl"), maxTokens: 40});
        // a table trained on two of the target's own outputs (the random model's text is bytes, so the table is
        // trained on the token ids directly, through a tokenizer that reads them back): it accepts some, not all
        const ngramFile = path.join(dir, "self.ngram");
        const ids = {vocabSize: engine.model.vocabSize, fingerprint: engine.model.fingerprint, tokenize: (t: string) => t.split(/\s+/).filter(Boolean).map(Number)};
        await trainNgram([{name: "self", text: recs.slice(0, 2).map((r) => r.output.join(" ")).join("\n")}], {tokenizer: ids, lang: "en", out: ngramFile, minCount: 1});
        const makers: [string, () => Drafter][] = [["lookup", () => new LookupDrafter(1, 3)], ["ngram", () => loadNgramDrafter(ngramFile, engine.model)]];
        const curve = new CostCurve({1: 10, 2: 12, 4: 15, 8: 20, 16: 30});
        for (const [name, make] of makers) for (const k of [1, 3, 6]) {
            let simAcc = 0, simDrafted = 0, simSteps = 0, liveAcc = 0, liveDrafted = 0, liveSteps = 0;
            for (const [i, r] of recs.entries()) {
                const sim = simulate(r.prompt, r.output, make(), new FixedPolicy(k), curve, r.stopToken, r.maxTokens);
                const live = await engine.generate(cases[i].prompt, make(), {maxTokens: 40, policy: new FixedPolicy(k)});
                assert.deepEqual(live.tokens, r.output);
                simAcc += sim.accepted; simDrafted += sim.drafted; simSteps += sim.steps;
                liveAcc += live.stats.accepted; liveDrafted += live.stats.drafted; liveSteps += live.stats.steps;
                assert.equal(tokensPerStep(sim), tokensPerStep(live.stats), `${name} k=${k} case ${i}`);
                assert.equal(acceptanceRate(sim), acceptanceRate(live.stats), `${name} k=${k} case ${i}`);
            }
            assert.deepEqual([simAcc, simDrafted, simSteps], [liveAcc, liveDrafted, liveSteps], `${name} k=${k}`);
            assert.ok(simDrafted > 0 && simAcc > 0, `${name} drafted and got some accepted`);
        }
    });
});
