import assert from "node:assert/strict";
import type {RunRecord} from "../../../src/bench/live";
import {replayLive} from "../../../src/bench/replay";
import {CostCurve, FixedPolicy} from "../../../src/core/policy";
import {Stats} from "../../../src/core/stats";
import type {Drafter} from "../../../src/core/drafter";

/** Proposes the continuation of `truth` after the context's output part (the prompt is 2 tokens long). */
const oracleDrafter = (truth: number[], wrongAt = new Set<number>()): Drafter => ({
    name: "known", expensive: false, observe() {}, reset() {}, describe: () => "known",
    propose: (ctx, k) => ({tokens: truth.slice(ctx.length - 2, ctx.length - 2 + k).map((t, i) => wrongAt.has(ctx.length - 2 + i) ? t + 100 : t)}),
});

const rec = (runner: string, rep: number, tokens: number[]): RunRecord =>
    ({task: "story", lang: "de", case: "c1", runner, rep, mode: "greedy", stats: new Stats().snapshot(), tokens, identical: true});

describe("replayLive (simulating exactly the live runs of a cell)", () => {
    const out = [1, 2, 3, 4, 5, 6];
    const records = [rec("none", 0, out), rec("k2", 0, out), rec("none", 1, out), rec("k2", 1, out), {...rec("k2", 0, out), mode: "T=0.7"}];
    const curve = new CostCurve({1: 10, 3: 15}, 16, false);

    it("predicts each repetition's speed-up from the cost curve, against plain decoding of the baseline's outputs", async () => {
        // k = 2, always right: 2 steps of 3 tokens (15 ms each) against 6 plain steps (10 ms each): 2x, less the
        // (real, sub-millisecond) drafting time
        const r = (await replayLive(records, {task: "story", lang: "de", runner: "k2", baseline: "none"}, () => [7, 8], oracleDrafter(out), new FixedPolicy(2), [curve], 6))!;
        assert.equal(r.speedups.length, 2, "one per repetition; the sampled run is not replayed");
        for (const s of r.speedups) assert.ok(s > 1.9 && s <= 2, `speed-up ${s}`);
        assert.deepEqual([r.stats.steps, r.stats.drafted, r.stats.accepted, r.stats.tokens], [4, 8, 8, 12]);
        assert.equal(r.acceptance, 1);
        // one replay, timed with several cost curves: where a batch of 3 costs 3 steps, drafting gains nothing
        const two = (await replayLive(records, {task: "story", lang: "de", runner: "k2", baseline: "none"}, () => [7, 8], oracleDrafter(out), new FixedPolicy(2), [curve, new CostCurve({1: 10, 3: 30})], 6))!;
        assert.ok(two.byTime[0] > 1.9 && two.byTime[0] <= 2 && two.byTime[1] > 0.95 && two.byTime[1] <= 1, `${two.byTime}`);
    });

    it("counts rejected drafts as the live loop does, and is undefined for a cell without runs", async () => {
        // the draft for output position 1 is wrong: step 1 accepts 1 of 2 (emits 2), then 2 of 2 (3), then 1 token left
        const r = (await replayLive(records.slice(0, 2), {task: "story", lang: "de", runner: "k2", baseline: "none"}, () => [7, 8], oracleDrafter(out, new Set([1])), new FixedPolicy(2), [curve], 6))!;
        assert.deepEqual([r.stats.steps, r.stats.drafted, r.stats.accepted, r.stats.tokens], [3, 4, 3, 6]);
        assert.equal(await replayLive(records, {task: "story", lang: "zh", runner: "k2", baseline: "none"}, () => [7, 8], oracleDrafter(out), new FixedPolicy(2), [curve], 6), undefined);
    });
});
