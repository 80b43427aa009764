import type {DraftPolicy} from "../core/policy";
import type {StatsSnapshot} from "../core/stats";
import type {Drafter} from "../core/drafter";
import type {Engine} from "../engine/engine";
import {repetitionOptions} from "../core/tasks";
import type {BenchCase} from "./cases";

export interface RunOutcome {
    tokens: number[];
    stats: StatsSnapshot;
    /** The stop token that ended the output (our runners; absent when the limit ended it, or unknown). */
    stopToken?: number;
    /** The loop guard ended it (our runners: `tokens` then runs to the token that completed the repetition). */
    looped?: boolean;
}

/** Sampling for a live run (the benchmark's sampling mode); absent: greedy. */
export interface RunSampling {
    temperature: number;
    seed: number;
}

/** One way of generating: plain decoding, one of our drafters, or a peer; greedy unless `sampling` is given. */
export interface Runner {
    readonly id: string;
    /** `warmup`: a run whose outcome is thrown away; it must not teach the policy of the case's profile anything. */
    run(c: BenchCase, maxTokens: number, sampling?: RunSampling, warmup?: boolean): Promise<RunOutcome>;
    dispose(): Promise<void>;
}

/** The request profile of a case ("story:de"), as the editor passes it; warm-up runs get a profile of their own. */
export const profileOf = (c: BenchCase, warmup = false): string => warmup ? "bench-warm-up" : `${c.task}:${c.lang}`;

/**
 * Our generation path: Engine.generate with the drafter for the case's language (undefined = plain decoding)
 * and the policy `policy()` gives for each run (a fixed-k policy, or the engine's shared cost-aware one for the
 * run's profile).
 */
export class EngineRunner implements Runner {
    constructor(readonly id: string, private readonly engine: Engine, private readonly drafterFor: (lang: string) => Drafter | undefined,
        private readonly policy: (c: BenchCase, profile: string) => Promise<DraftPolicy | undefined> = async () => undefined) {}
    async run(c: BenchCase, maxTokens: number, sampling?: RunSampling, warmup = false): Promise<RunOutcome> {
        const profile = profileOf(c, warmup);
        const r = await this.engine.generate(c.prompt, this.drafterFor(c.lang), {maxTokens, k: 0, adaptive: false, policy: await this.policy(c, profile), profile, repetition: repetitionOptions(c.task),
            sampling: sampling && {temperature: sampling.temperature, seed: sampling.seed}});
        // every token the target emitted (a repetition's cut tail included): the replay of this run needs them
        return {tokens: r.repetition ? [...r.tokens, ...r.repetition.cut] : r.tokens, stats: r.stats, stopToken: r.stopToken, looped: r.finish === "repetition"};
    }
    async dispose(): Promise<void> {}
}
