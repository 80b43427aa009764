import type {Drafter, Proposal} from "../core/drafter";
import type {CostCurve, DraftPolicy} from "../core/policy";
import {RepetitionGuard, type RepetitionOptions} from "../core/repetition";
import {speculate, type LoopTarget} from "../core/speculate";
import {Stats} from "../core/stats";
import type {PositionResult} from "../core/target";

/**
 * A Target that answers from a recorded output instead of evaluating a model (as llama.cpp's lookup-stats does):
 * the target's choice at output position j is the recorded token j (then the stop token that ended the record,
 * if one did). The loop of src/core/speculate.ts runs against it unchanged, so the simulation takes exactly the
 * steps the live loop takes on the same output. Time is virtual for verification: each batch of n tokens advances
 * the clock by `cost.at(n)`; drafting is timed for real.
 */
export class ReplayTarget implements LoopTarget {
    readonly stopTokens: ReadonlySet<number>;
    private readonly output: readonly number[];
    /** Output position of the target's next choice (= tokens evaluated past the prompt's last one). */
    private pos = 0;
    private virtualMs = 0;

    constructor(readonly prompt: readonly number[], recorded: readonly number[], private readonly cost: CostCurve, stopToken?: number) {
        this.output = stopToken === undefined ? recorded : [...recorded, stopToken];
        this.stopTokens = new Set(stopToken === undefined ? [] : [stopToken]);
    }

    /** The loop's clock: real time plus the verification time the cost curve gives. */
    readonly now = (): number => performance.now() + this.virtualMs;

    /** The recorded tokens the target will choose next (what an oracle policy may look at). */
    upcoming(k: number): readonly number[] { return this.output.slice(this.pos, this.pos + k); }

    async verify(tokens: readonly number[]): Promise<PositionResult[]> {
        if (this.pos >= this.output.length) throw new Error(`replay past the end of a recorded output of ${this.output.length} tokens (its token limit must end it)`);
        this.virtualMs += this.cost.at(tokens.length);
        const res = tokens.map((_, i) => ({token: this.output[this.pos + i] ?? -1}));
        this.pos += tokens.length;
        return res;
    }

    async rollback(n: number): Promise<void> { this.pos -= n; }

    detokenize(): string { throw new Error("a replay target has no tokenizer: replay with nonEmpty off"); }
}

/** A recorded output: the prompt, the greedy output, the stop token that ended it (if one did), its token limit. */
export interface Replayable {
    prompt: readonly number[];
    output: readonly number[];
    stopToken?: number;
    maxTokens: number;
}

/**
 * Replays one recorded output through the live loop with `drafter` (undefined: plain decoding) and `policy`,
 * verification timed with `cost`. Under greedy decoding every accepted count is the live one. `onTarget` sees
 * the replay target first (an oracle policy reads the upcoming tokens from it). With `guard` (the task's options,
 * src/core/tasks.ts repetitionOptions, as the engine uses them) the loop guard ends the replay where the engine's
 * would have ended the live run (`looped`); a recording made without the guard (the benchmark records the model's raw
 * outputs) holds every token the guarded run would emit.
 */
export async function simulate(r: Replayable, drafter: Drafter | undefined, policy: DraftPolicy, cost: CostCurve, onTarget?: (t: ReplayTarget) => void,
    guard?: Partial<RepetitionOptions>): Promise<Stats & {looped: boolean}> {
    const target = new ReplayTarget(r.prompt, r.output, cost, r.stopToken);
    onTarget?.(target);
    const stats = new Stats();
    const end = await speculate(target, drafter, r.prompt, {maxTokens: r.maxTokens, policy, clock: target.now, guard: guard ? new RepetitionGuard(r.prompt, guard) : undefined}, stats);
    return Object.assign(stats, {looped: end.finish === "repetition"});
}

/**
 * The best any policy could do with a drafter's proposals (simulation only): it knows the target's next tokens
 * (`future`, the replay target's upcoming tokens), so it verifies exactly the prefix of the proposal that will be
 * accepted, cut where the cost curve says a batch stops paying, and never verifies a draft that fails. The gap
 * between it and the cost-aware policy is what a better policy could still win; the gap between it and 1.0 is
 * what the drafter can give on this machine at all.
 */
export class OraclePolicy implements DraftPolicy {
    constructor(readonly cost: CostCurve, readonly maxK: number, private readonly future: () => readonly number[]) {}
    budget(): number { return this.maxK; }
    trim(_d: unknown, p: Proposal): number {
        const future = this.future();
        let a = 0;
        while (a < Math.min(this.maxK, p.tokens.length) && a < future.length && p.tokens[a] === future[a]) a++;
        let best = 0, rate = 1 / this.cost.at(1);
        for (let n = 1; n <= a; n++) if ((n + 1) / this.cost.at(n + 1) > rate) { rate = (n + 1) / this.cost.at(n + 1); best = n; }
        return best;
    }
    observe(): void {}
    describe(): string { return `oracle (k <= ${this.maxK})`; }
}
