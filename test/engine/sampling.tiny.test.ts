import assert from "node:assert/strict";
import {FixedPolicy} from "../../src/core/policy";
import {sampleFrom} from "../../src/core/rng";
import type {Sampling} from "../../src/core/target";
import type {Drafter, Proposal, ProposeOptions} from "../../src/core/drafter";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {tinyModel} from "../helpers/tiny-model";

/** A drafter with a distribution: samples each token from a fixed sparse q (the same at every position). */
class FixedQDrafter implements Drafter {
    readonly name = "fixed-q";
    readonly expensive = false;
    constructor(private readonly q: Map<number, number>) {}
    propose(_c: readonly number[], k: number, o?: ProposeOptions): Proposal {
        if (!o?.rng) return {tokens: Array(k).fill([...this.q.entries()].sort((a, b) => b[1] - a[1])[0][0])};
        const tokens = Array.from({length: k}, () => sampleFrom(this.q, o.rng!));
        return {tokens, dists: tokens.map(() => this.q)};
    }
    observe(): void {}
    reset(): void {}
    describe(): string { return "fixed q"; }
}

/** Pearson chi-square of observed counts against expected probabilities (cells with tiny expectation merged). */
function chiSquare(counts: Map<number, number>, p: Map<number, number>, n: number): {stat: number; df: number} {
    let stat = 0, df = -1, restO = 0, restE = 0;
    for (const [t, pt] of p) {
        const e = pt * n, o = counts.get(t) ?? 0;
        if (e < 5) { restO += o; restE += e; continue; }
        stat += (o - e) ** 2 / e; df++;
    }
    for (const [t, o] of counts) if (!p.has(t)) restO += o; // tokens the target never gives: must be 0
    if (restE > 0 || restO > 0) { stat += (restO - restE) ** 2 / Math.max(restE, 1e-9); df++; }
    return {stat, df};
}
// chi-square critical values at alpha = 0.001
const CRIT = [10.83, 13.82, 16.27, 18.47, 20.52, 22.46, 24.32, 26.12, 27.88, 29.59];

describe("lossless sampling on a tiny model", function () {
    this.timeout(300_000);
    let engine: Engine;
    const sampling: Sampling = {temperature: 1, topK: 6, seed: 0};
    const prompt = {text: "once upon a time"};
    before(async () => { engine = await Engine.create({model: tinyModel({mode: "random", seed: 11}), gpu: "cpu", contextSize: 512}); });
    after(async () => { await engine?.dispose(); });

    it("with a deterministic draft, seeded sampling gives exactly the plain sampled output", async () => {
        for (const seed of [1, 2, 3]) {
            const s = {...sampling, seed};
            const plain = await engine.generate(prompt, undefined, {maxTokens: 40, sampling: s, adaptive: false, k: 0});
            const spec = await engine.generate(prompt, new LookupDrafter(1, 3), {maxTokens: 40, sampling: s, adaptive: false, k: 4});
            assert.deepEqual(spec.tokens, plain.tokens);
            assert.ok(spec.stats.drafted > 0);
        }
    });

    it("with a distribution draft (accept / residual rule) the generated tokens follow the target's distribution", async () => {
        // the target's own distribution of the first token
        const tokens = engine.target.tokenize(prompt.text);
        await engine.target.prepare([engine.model.bos!, ...tokens.slice(0, -1)]);
        const [r0] = await engine.target.verify([tokens.at(-1)!], {sampling, distributions: true, seeds: [0]});
        await engine.target.rollback(1);
        const p0 = r0.dist!;
        const ranked = [...p0.entries()].sort((a, b) => b[1] - a[1]);
        // q favours the 2nd most likely token and proposes one the target never picks: exercises accept, reject and residual
        const q = new Map([[ranked[1][0], 0.5], [ranked[0][0], 0.3], [ranked.at(-1)![0] + 1, 0.2]]);
        const drafter = new FixedQDrafter(q);
        const N = 500;
        const first = new Map<number, number>(), pairsSpec = new Map<string, number>(), pairsPlain = new Map<string, number>();
        let drafted = 0, accepted = 0;
        for (let i = 0; i < N; i++) {
            const s = {...sampling, seed: 1000 + i};
            const r = await engine.generate(prompt, drafter, {maxTokens: 2, sampling: s, policy: new FixedPolicy(3)});
            drafted += r.stats.drafted; accepted += r.stats.accepted;
            first.set(r.tokens[0], (first.get(r.tokens[0]) ?? 0) + 1);
            const key = r.tokens.join(",");
            pairsSpec.set(key, (pairsSpec.get(key) ?? 0) + 1);
            const pl = await engine.generate(prompt, undefined, {maxTokens: 2, sampling: {...sampling, seed: 50_000 + i}, adaptive: false, k: 0});
            pairsPlain.set(pl.tokens.join(","), (pairsPlain.get(pl.tokens.join(",")) ?? 0) + 1);
        }
        assert.ok(accepted > 0 && accepted < drafted, `some drafts accepted, some rejected (${accepted}/${drafted})`);
        const {stat, df} = chiSquare(first, p0, N);
        assert.ok(stat < CRIT[df - 1], `first token: chi2=${stat.toFixed(1)} df=${df}`);
        // pairs: two-sample chi-square between speculative and plain sampling
        let stat2 = 0, df2 = -1;
        for (const key of new Set([...pairsSpec.keys(), ...pairsPlain.keys()])) {
            const a = pairsSpec.get(key) ?? 0, b = pairsPlain.get(key) ?? 0;
            if (a + b < 10) continue;
            stat2 += (a - b) ** 2 / (a + b); df2++;
        }
        assert.ok(df2 >= 1 && stat2 < CRIT[Math.min(df2, CRIT.length) - 1] * (df2 > 10 ? df2 / 10 : 1), `pairs: chi2=${stat2.toFixed(1)} df=${df2}`);
    });
});
