import assert from "node:assert/strict";
import {simulate} from "../../../src/bench/simulate";
import {CostAwarePolicy, CostCurve, FixedPolicy, type DraftPolicy} from "../../../src/core/policy";
import {speculate} from "../../../src/core/speculate";
import {Stats} from "../../../src/core/stats";
import type {PositionResult, Target} from "../../../src/core/target";
import {LookupDrafter} from "../../../src/drafters/lookup";
import {cascadeOf} from "../../../src/engine/drafters";
import type {Drafter} from "../../../src/core/drafter";

/**
 * A deterministic toy target: the next token is a fixed function of the last two tokens, or of the last three after
 * an even token (24 symbols, the stop token 0 reachable), so outputs fall into cycles that context lookup drafts
 * well, and leave them.
 */
class ToyTarget implements Target {
    readonly vocabSize = 25;
    readonly fingerprint = "toy";
    readonly stopTokens = new Set([0]);
    context: number[];
    constructor(prompt: number[], private readonly salt: number) { this.context = prompt.slice(0, -1); }
    private next(a: number, b: number, c: number): number {
        const h = Math.imul(c % 2 ? b * 31 + c * 7 + this.salt : a * 961 + b * 31 + c * 7 + this.salt, 2654435761) >>> 0;
        return h % 101 === 0 ? 0 : 1 + (h % 24);
    }
    tokenize(): number[] { return []; }
    detokenize(t: readonly number[]): string { return t.join(" "); }
    async verify(tokens: readonly number[]): Promise<PositionResult[]> {
        this.context.push(...tokens);
        const n = this.context.length;
        const at = (j: number) => this.context[j] ?? 0;
        return tokens.map((_, i) => { const j = n - tokens.length + i; return {token: this.next(at(j - 2), at(j - 1), at(j))}; });
    }
    async rollback(n: number): Promise<void> { this.context.length -= n; }
}

const PROMPTS = Array.from({length: 6}, (_, i) => [3 + i, 5, 7 + i, 11, 2 + i]);

/** Live runs on the toy target (one policy and drafter across the cases, as the engine's profile policy). */
async function live(drafter: Drafter | undefined, policy: DraftPolicy) {
    const stats = new Stats();
    const records: {prompt: number[]; output: number[]; stopToken?: number; maxTokens: number}[] = [];
    for (const [i, prompt] of PROMPTS.entries()) {
        const s = new Stats();
        const r = await speculate(new ToyTarget(prompt, i), drafter, prompt, {maxTokens: 120, policy}, s);
        stats.merge(s.snapshot());
        records.push({prompt, output: r.tokens, stopToken: r.stopToken, maxTokens: 120});
    }
    return {stats: stats.snapshot(), records};
}

describe("one loop: the simulation replays the live loop exactly", () => {
    // on this curve drafting pays only at high acceptance, so the cost-aware policy must decide step by step
    const curve = () => new CostCurve({1: 10, 2: 14, 4: 21, 8: 35, 16: 60}, 16, false);
    const setups: [string, () => Drafter, () => DraftPolicy][] = [
        ["lookup k=3", () => new LookupDrafter(1, 3), () => new FixedPolicy(3)],
        ["lookup cost-aware", () => new LookupDrafter(1, 3), () => new CostAwarePolicy(curve(), 8)],
        ["cascade cost-aware", () => cascadeOf(), () => new CostAwarePolicy(curve(), 8)],
    ];
    for (const [name, drafter, policy] of setups) {
        it(`${name}: same steps, drafts, accepted tokens and batch sizes as the live runs`, async () => {
            const l = await live(drafter(), policy());
            const sim = new Stats();
            const p = policy(), d = drafter();
            for (const r of l.records) sim.merge((await simulate(r, d, p, curve())).snapshot());
            const s = sim.snapshot();
            assert.deepEqual([s.steps, s.drafted, s.accepted, s.tokens, s.stepsByDrafts], [l.stats.steps, l.stats.drafted, l.stats.accepted, l.stats.tokens, l.stats.stepsByDrafts]);
            assert.ok(l.stats.accepted > 0 && l.stats.drafted > l.stats.accepted, `drafts with hits and misses (${l.stats.accepted}/${l.stats.drafted})`);
            assert.ok(l.records.some((r) => r.stopToken === 0), "some outputs end on the stop token");
        });
    }
});
