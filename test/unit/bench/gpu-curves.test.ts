import assert from "node:assert/strict";
import {findGpuProfile, GPU_PROFILES, gpuCostCurve, gpuCurvePoints, gpuDraftMsPerToken, ratiosFromThroughput} from "../../../src/bench/gpu-curves";
import {CostAwarePolicy} from "../../../src/core/policy";
import type {Drafter, Proposal} from "../../../src/core/drafter";

describe("GPU cost profiles (published llama.cpp measurements)", () => {
    it("turns a llama-bench throughput table into batch costs: ratio(N) = N * t/s(1) / t/s(N)", () => {
        // a batch of 2 at 1.5x the throughput of one token costs 2/1.5 = 1.333 steps
        assert.deepEqual(ratiosFromThroughput({1: 100, 2: 150, 4: 400}), {1: 1, 2: 1.333, 4: 1});
        assert.throws(() => ratiosFromThroughput({2: 10}), /n = 1/);
        assert.throws(() => ratiosFromThroughput({1: 10, 2: 0}), /positive/);
    });

    it("keeps the figures of the RTX 3090 table (PR 15802) exactly", () => {
        const p = findGpuProfile("rtx3090-8b-q4_0");
        // 2 * 155.02 / 277.36 = 1.1178; 8 * 155.02 / 570.67 = 2.1732
        assert.equal(p.ratio[2], 1.118);
        assert.equal(p.ratio[8], 2.173);
        assert.equal(p.stepMs, 6.45);
    });

    it("every profile has a source with a URL and what was measured, ratio(1) = 1, and says how it was obtained", () => {
        assert.ok(GPU_PROFILES.length >= 4);
        assert.ok(GPU_PROFILES.some((p) => p.gpuClass === "consumer") && GPU_PROFILES.some((p) => p.gpuClass === "datacenter"));
        for (const p of GPU_PROFILES) {
            assert.match(p.source.url, /^https:\/\//, p.id);
            assert.ok(p.source.measured.length > 20, p.id);
            assert.equal(p.ratio[1], 1, p.id);
            for (const [n, r] of Object.entries(p.ratio)) assert.ok(r > 0 && Number(n) >= 1 && Number(n) <= 16, `${p.id} n=${n}`);
            if (p.kind === "assumed") assert.ok(p.note && /upper bound|assum/i.test(p.note + p.label), p.id);
            if (p.draft) { assert.ok(p.draft.ratio > 0 && p.draft.ratio < 1, p.id); assert.match(p.draft.source.url, /^https:\/\//); }
        }
        assert.throws(() => findGpuProfile("h100-fantasy"), /unknown GPU profile.*rtx3090/);
    });

    it("scales a profile to a given decode step and builds a fixed 16-point CostCurve from it", () => {
        const p = findGpuProfile("rtx3090-2b-f16");
        const pts = gpuCurvePoints(p, 10);
        assert.equal(pts[1], 10);
        assert.ok(Math.abs(pts[16] - 10 * 16 * 151.98 / 1740.43) < 0.01);
        const c = gpuCostCurve(p, 10);
        assert.equal(c.at(1), 10);
        assert.ok(c.at(5) > c.at(4) && c.at(5) < c.at(6), "interpolated between published sizes");
        c.observe(2, 1000); // a CPU-timed observation must not move a projection
        assert.equal(c.at(2), pts[2]);
        assert.throws(() => gpuCurvePoints(findGpuProfile("ideal-memory-bound")), /decode step/);
        assert.equal(gpuCostCurve(findGpuProfile("ideal-memory-bound"), 20).at(16), 20);
    });

    it("gives a draft model's per-token time only where a ratio is published", () => {
        assert.equal(gpuDraftMsPerToken(findGpuProfile("a100-34b-q8_0")), undefined);
        const v = findGpuProfile("v100-7b-f16-draft");
        assert.ok(Math.abs(gpuDraftMsPerToken(v, 100)! - 100 * 30.72 / 619.43) < 0.1);
    });

    it("makes the cost-aware policy draft longer on a flat GPU curve than on a steep one, for the same acceptance", () => {
        const drafter: Drafter = {name: "d", expensive: false, observe() {}, reset() {}, describe: () => "d", propose: () => ({tokens: []})};
        const proposal: Proposal = {tokens: [1, 2, 3, 4, 5, 6, 7, 8], confidence: Array(8).fill(0.8)};
        const steep = new CostAwarePolicy(gpuCostCurve(findGpuProfile("rtx3090-8b-q4_0")), 8).trim(drafter, proposal);
        const flat = new CostAwarePolicy(gpuCostCurve(findGpuProfile("ideal-memory-bound"), 6.45), 8).trim(drafter, proposal);
        assert.ok(flat > steep, `flat ${flat} vs steep ${steep}`);
        assert.equal(flat, 8);
    });
});
