import type * as NLC from "node-llama-cpp";
import type {PositionResult, Target, VerifyOptions} from "../core/target";
import type {LoadedModel} from "./model";

/**
 * The Target over one node-llama-cpp context sequence. Each verify() is ONE controlledEvaluate call that asks for
 * the next token (and, only when needed, the distribution) at every position; rollback() erases the tail of the
 * KV cache with eraseContextTokenRanges.
 */
export class LlamaTarget implements Target {
    readonly vocabSize: number;
    readonly fingerprint: string;
    readonly stopTokens: ReadonlySet<number>;

    constructor(readonly model: LoadedModel, readonly seq: NLC.LlamaContextSequence) {
        this.vocabSize = model.vocabSize;
        this.fingerprint = model.fingerprint;
        this.stopTokens = model.stopTokens;
    }

    tokenize(text: string, special?: boolean): number[] { return this.model.tokenize(text, special); }
    detokenize(tokens: readonly number[]): string { return this.model.detokenize(tokens); }

    /** Tokens currently held in the KV cache. */
    get contextTokens(): readonly number[] { return this.seq.contextTokens as number[]; }

    /**
     * Makes the KV cache hold exactly `prefix`, reusing the longest common prefix already evaluated (the chat
     * template and system text of the previous request) and evaluating only the rest. Returns the reused count.
     */
    async prepare(prefix: readonly number[]): Promise<number> {
        const have = this.seq.contextTokens;
        let common = 0;
        while (common < have.length && common < prefix.length && have[common] === prefix[common]) common++;
        if (common < have.length) await this.seq.eraseContextTokenRanges([{start: common, end: have.length}]);
        if (common < prefix.length) await this.seq.evaluateWithoutGeneratingNewTokens(prefix.slice(common) as NLC.Token[]);
        return common;
    }

    async verify(tokens: readonly number[], o: VerifyOptions): Promise<PositionResult[]> {
        const s = o.sampling;
        const input = tokens.map((t, i): NLC.ControlledEvaluateInputItem => [t as NLC.Token, {generateNext: {
            token: true,
            probabilities: o.distributions || undefined,
            options: s ? {temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, seed: o.seeds?.[i] ?? s.seed} : undefined,
        }}]);
        const res = await this.seq.controlledEvaluate(input);
        return tokens.map((_, i) => {
            const next = res[i]?.next;
            if (next?.token == null) throw new Error(`the target returned no token at position ${i}`);
            return {token: next.token, dist: next.probabilities as Map<number, number> | undefined};
        });
    }

    async rollback(n: number): Promise<void> {
        if (n <= 0) return;
        const end = this.seq.nextTokenIndex;
        await this.seq.eraseContextTokenRanges([{start: end - n, end}]);
    }
}
