import type {CostCurve, DraftPolicy} from "../core/policy";
import type {Proposal} from "../drafters/drafter";
import {Stats} from "../core/stats";
import type {Drafter} from "../drafters/drafter";

/** The drafter of plain decoding in a replay: never proposes. */
export const NO_DRAFTER: Drafter = {name: "none", expensive: false, propose: () => ({tokens: []}), observe() {}, reset() {}, describe: () => "none"};

/**
 * Offline replay (as llama.cpp's lookup-stats does): given the target's recorded greedy output for a prompt,
 * run the drafter and the policy exactly as the live loop would, but take the target's choices from the record
 * instead of evaluating it. Under greedy decoding the accepted counts equal the live ones; time is predicted
 * from the measured cost curve (verification) and the measured drafting time.
 */
export function simulate(prompt: readonly number[], recorded: readonly number[], drafter: Drafter, policy: DraftPolicy, cost: CostCurve, stopToken?: number, maxTokens = Infinity): Stats {
    const stats = new Stats();
    // a generation that ended on a stop token: its last step verified that token too (it is not emitted)
    const output = stopToken === undefined ? recorded : [...recorded, stopToken];
    drafter.reset();
    const context = [...prompt];
    let i = 0;
    while (i < output.length) {
        const t0 = performance.now();
        if (policy instanceof OraclePolicy) policy.future = output.slice(i, i + policy.maxK);
        const want = policy.budget(drafter);
        const proposal = want > 0 ? drafter.propose(context, want) : {tokens: []};
        if (proposal instanceof Promise) throw new Error(`${drafter.name}: simulation needs a synchronous drafter`);
        const n = Math.max(0, Math.min(want, policy.trim(drafter, proposal), maxTokens - i - 1)); // as the live loop
        const draftMs = performance.now() - t0;
        let a = 0;
        while (a < n && i + a < output.length && proposal.tokens[a] === output[i + a]) a++;
        const emitted = Math.min(a + 1, output.length - i);
        const verifyMs = cost.at(n + 1);
        drafter.observe(a, n);
        policy.observe(drafter, proposal, n, a, draftMs, verifyMs);
        const stop = stopToken !== undefined && i + emitted === output.length;
        stats.recordStep({proposed: n, accepted: a, emitted: stop ? emitted - 1 : emitted, draftMs, verifyMs});
        stats.decodeMs += draftMs + verifyMs;
        context.push(...output.slice(i, i + emitted));
        i += emitted;
    }
    return stats;
}

/**
 * The best any policy could do with a drafter's proposals (simulation only): it knows the target's next tokens,
 * so it verifies exactly the prefix of the proposal that will be accepted, cut where the cost curve says a batch
 * stops paying, and never verifies a draft that fails. The gap between it and the cost-aware policy is what a
 * better policy could still win; the gap between it and 1.0 is what the drafter can give on this machine at all.
 */
export class OraclePolicy implements DraftPolicy {
    future: readonly number[] = [];
    constructor(readonly cost: CostCurve, readonly maxK = 8) {}
    budget(): number { return this.maxK; }
    trim(_d: unknown, p: Proposal): number {
        let a = 0;
        while (a < Math.min(this.maxK, p.tokens.length) && a < this.future.length && p.tokens[a] === this.future[a]) a++;
        let best = 0, rate = 1 / this.cost.at(1);
        for (let n = 1; n <= a; n++) if ((n + 1) / this.cost.at(n + 1) > rate) { rate = (n + 1) / this.cost.at(n + 1); best = n; }
        return best;
    }
    observe(): void {}
    describe(): string { return `oracle (k <= ${this.maxK})`; }
}
