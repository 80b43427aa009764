import assert from "node:assert/strict";
import {simulate} from "../../../src/bench/simulate";
import {CostAwarePolicy, CostCurve, FixedPolicy, type DraftPolicy} from "../../../src/core/policy";
import {RepetitionGuard, type RepetitionOptions} from "../../../src/core/repetition";
import {speculate} from "../../../src/core/speculate";
import {repetitionOptions} from "../../../src/core/tasks";
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

describe("one loop with the loop guard: speculation and plain decoding stop at the same token, and so does the replay", () => {
    const curve = () => new CostCurve({1: 10, 2: 14, 4: 21, 8: 35, 16: 60}, 16, false);
    /** Live runs with a fresh guard per request; every emitted token kept for the replay. */
    async function guarded(drafter: Drafter | undefined, policy: DraftPolicy, options: Partial<RepetitionOptions>) {
        const stats = new Stats();
        const runs: {prompt: number[]; output: number[]; kept: number[]; finish: string; at?: number; stopToken?: number; maxTokens: number}[] = [];
        for (const [i, prompt] of PROMPTS.entries()) {
            const s = new Stats();
            const r = await speculate(new ToyTarget(prompt, i), drafter, prompt, {maxTokens: 120, policy, guard: new RepetitionGuard(prompt, options)}, s);
            stats.merge(s.snapshot());
            runs.push({prompt, output: [...r.tokens, ...r.repetition?.cut ?? []], kept: r.tokens, finish: r.finish, at: r.repetition?.at, stopToken: r.stopToken, maxTokens: 120});
        }
        return {stats: stats.snapshot(), runs};
    }
    for (const [task, options] of [["story", repetitionOptions("story")], ["translate", repetitionOptions("translate")]] as const) {
        it(`${task} options`, async () => {
            const plain = await guarded(undefined, new FixedPolicy(0), options);
            assert.ok(plain.runs.some((r) => r.finish === "repetition"), "the toy target's cycles are loops");
            for (const [name, d, p] of [["lookup k=4", new LookupDrafter(1, 3), new FixedPolicy(4)], ["cascade cost-aware", cascadeOf(), new CostAwarePolicy(curve(), 8)]] as const) {
                const spec = await guarded(d, p, options);
                assert.deepEqual(spec.runs.map((r) => [r.finish, r.at, r.kept]), plain.runs.map((r) => [r.finish, r.at, r.kept]), `${name}: same stop, same output`);
                assert.equal(spec.stats.tokens, plain.stats.tokens, `${name}: the same tokens emitted`);
                assert.ok(spec.stats.accepted > 0, `${name} drafted`);
                // the replay of these runs (their emitted tokens) with the same guard takes the live steps exactly
                const sim = new Stats();
                const replayDrafter = name.startsWith("lookup") ? new LookupDrafter(1, 3) : cascadeOf();
                const replayPolicy = name.startsWith("lookup") ? new FixedPolicy(4) : new CostAwarePolicy(curve(), 8);
                for (const r of spec.runs) {
                    const s = await simulate(r, replayDrafter, replayPolicy, curve(), undefined, options);
                    assert.equal(s.looped, r.finish === "repetition");
                    sim.merge(s.snapshot());
                }
                const s = sim.snapshot();
                assert.deepEqual([s.steps, s.drafted, s.accepted, s.tokens], [spec.stats.steps, spec.stats.drafted, spec.stats.accepted, spec.stats.tokens], `${name}: replay = live`);
            }
        });
    }
});
