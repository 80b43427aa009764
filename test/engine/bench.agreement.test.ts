import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {CostCurve, FixedPolicy} from "../../src/core/policy";
import {acceptanceRate, tokensPerStep} from "../../src/core/stats";
import {recordOutputs, type Recording} from "../../src/bench/record";
import {simulate} from "../../src/bench/simulate";
import {runLive, summarize} from "../../src/bench/live";
import type {BenchCase} from "../../src/bench/cases";
import {replayLive} from "../../src/bench/replay";
import {EngineRunner} from "../../src/bench/runner";
import {CascadeDrafter} from "../../src/drafters/cascade";
import {renderPrompt} from "../../src/engine/prompt";
import {LookupDrafter} from "../../src/drafters/lookup";
import {loadNgramDrafter, trainNgram} from "../../src/drafters/ngram";
import type {Drafter} from "../../src/core/drafter";
import {defaultPolicy, Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

describe("simulated and live speculation agree (greedy, exact F32 model)", function () {
    this.timeout(300_000);
    let engine: Engine;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-agree-"));
    const cases: BenchCase[] = ["the cat sat on the mat and the cat", "abc abc abc ab", "once upon a time there was a time"].map((text, i) =>
        ({task: "story", lang: "en", id: String(i), input: text, prompt: {text}}));
    const ngramFile = path.join(dir, "self.ngram");
    let recs: Recording[];
    before(async () => {
        engine = await Engine.create({model: tinyModel({mode: "random", seed: 5}), gpu: "cpu", contextSize: 1024});
        recs = await recordOutputs(engine, cases, {file: path.join(dir, "rec.jsonl"), maxTokens: 40});
        // a table trained on two of the target's own outputs (the random model's text is bytes, so the table is
        // trained on the token ids directly, through a tokenizer that reads them back): it accepts some, not all
        const ids = {vocabSize: engine.model.vocabSize, fingerprint: engine.model.fingerprint, tokenize: (t: string) => t.split(/\s+/).filter(Boolean).map(Number)};
        await trainNgram([{name: "self", text: recs.slice(0, 2).map((r) => r.output.join(" ")).join("\n")}], {tokenizer: ids, lang: "en", out: ngramFile, minCount: 1});
    });
    after(async () => { await engine?.dispose(); });

    it("gives the same acceptance, steps and tokens per step for every drafter and k", async () => {
        const makers: [string, () => Drafter][] = [["lookup", () => new LookupDrafter(1, 3)], ["ngram", () => loadNgramDrafter(ngramFile, engine.model)]];
        const curve = new CostCurve({1: 10, 2: 12, 4: 15, 8: 20, 16: 30});
        for (const [name, make] of makers) for (const k of [1, 3, 6]) {
            let simAcc = 0, simDrafted = 0, simSteps = 0, liveAcc = 0, liveDrafted = 0, liveSteps = 0;
            for (const [i, r] of recs.entries()) {
                const sim = await simulate(r, make(), new FixedPolicy(k), curve);
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

    it("replays the benchmark's live cost-aware cascade runs with exactly the live decisions", async () => {
        const cascade = () => new CascadeDrafter([new LookupDrafter(1, 3), loadNgramDrafter(ngramFile, engine.model)]);
        // a fixed curve on which long drafts pay only when they are likely to be accepted: the policy must choose
        const curve = new CostCurve({1: 10, 2: 13, 4: 19, 8: 31, 16: 55}, 16, false);
        engine.useCostCurve(curve);
        const live = cascade();
        const runners = [new EngineRunner("none", engine, () => undefined), new EngineRunner("cascade", engine, () => live, (_c, profile) => engine.policy(8, profile))];
        const records = await runLive(cases, runners, {reps: 3, maxTokens: 40, baseline: "none", mustMatch: () => true});
        const cell = summarize(records, "none").find((c) => c.runner === "cascade")!;
        const prompts = new Map<string, number[]>();
        for (const c of cases) prompts.set(c.id, await renderPrompt(engine.model, c.prompt));
        const sim = (await replayLive(records, {task: "story", lang: "en", runner: "cascade", baseline: "none"}, (id) => prompts.get(id)!, cascade(), defaultPolicy(curve, 8, "story:en"), [curve], 40))!;
        assert.deepEqual([sim.stats.accepted, sim.stats.drafted, sim.stats.steps, sim.stats.tokens],
            [cell.stats.accepted, cell.stats.drafted, cell.stats.steps, cell.stats.tokens]);
        assert.ok(cell.stats.accepted > 0 && cell.stats.accepted < cell.stats.drafted, `the policy drafted, with hits and misses (${cell.stats.accepted}/${cell.stats.drafted})`);
        assert.equal(sim.speedups.length, 3);
        // predicted time: the fixed curve's cost of each step; plain decoding: one step per token
        assert.ok(sim.speedup > 1, `cheap batches and accepted drafts: predicted ${sim.speedup}`);
    });
});
