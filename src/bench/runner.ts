import type {DraftPolicy} from "../core/policy";
import type {StatsSnapshot} from "../core/stats";
import type {Drafter} from "../drafters/drafter";
import type {Engine} from "../engine/engine";
import type {BenchCase} from "./live";

export interface RunOutcome {
    tokens: number[];
    stats: StatsSnapshot;
}

/** Sampling for a live run (the benchmark's sampling mode); absent: greedy. */
export interface RunSampling {
    temperature: number;
    seed: number;
}

/** One way of generating: plain decoding, one of our drafters, or a peer; greedy unless `sampling` is given. */
export interface Runner {
    readonly id: string;
    run(c: BenchCase, maxTokens: number, sampling?: RunSampling): Promise<RunOutcome>;
    dispose(): Promise<void>;
}

/**
 * Our generation path: Engine.generate with the drafter for the case's language (undefined = plain decoding)
 * and the policy `policy()` gives for each run (a fixed-k policy, or the engine's shared cost-aware one).
 */
export class EngineRunner implements Runner {
    constructor(readonly id: string, private readonly engine: Engine, private readonly drafterFor: (lang: string) => Drafter | undefined,
        private readonly policy: (c: BenchCase) => Promise<DraftPolicy | undefined> = async () => undefined) {}
    async run(c: BenchCase, maxTokens: number, sampling?: RunSampling): Promise<RunOutcome> {
        const r = await this.engine.generate(c.prompt, this.drafterFor(c.lang), {maxTokens, k: 0, adaptive: false, policy: await this.policy(c), profile: `${c.task}:${c.lang}`,
            sampling: sampling && {temperature: sampling.temperature, seed: sampling.seed}});
        return {tokens: r.tokens, stats: r.stats};
    }
    async dispose(): Promise<void> {}
}
