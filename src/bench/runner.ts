import type {DraftPolicy} from "../core/policy";
import type {StatsSnapshot} from "../core/stats";
import type {Drafter} from "../drafters/drafter";
import type {Engine} from "../engine/engine";
import type {BenchCase} from "./live";

export interface RunOutcome {
    tokens: number[];
    stats: StatsSnapshot;
}

/** One way of generating greedily: plain decoding, one of our drafters, or a peer. */
export interface Runner {
    readonly id: string;
    run(c: BenchCase, maxTokens: number): Promise<RunOutcome>;
    dispose(): Promise<void>;
}

/**
 * Our generation path: Engine.generate with the drafter for the case's language (undefined = plain decoding)
 * and a fresh policy per run (so no run learns from another).
 */
export class EngineRunner implements Runner {
    constructor(readonly id: string, private readonly engine: Engine, private readonly drafterFor: (lang: string) => Drafter | undefined,
        private readonly policy: () => Promise<DraftPolicy | undefined> = async () => undefined) {}
    async run(c: BenchCase, maxTokens: number): Promise<RunOutcome> {
        const r = await this.engine.generate(c.prompt, this.drafterFor(c.lang), {maxTokens, k: 0, adaptive: false, policy: await this.policy()});
        return {tokens: r.tokens, stats: r.stats};
    }
    async dispose(): Promise<void> {}
}
