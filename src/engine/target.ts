import type * as NLC from "node-llama-cpp";
import {throwIfCancelled, type Cancel} from "../core/errors";
import type {PositionResult, Restriction, Target, VerifyOptions} from "../core/target";

/** Prompt tokens evaluated per call while preparing (a cancel waits for at most one such chunk). */
const PREPARE_CHUNK = 256;
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
     * template and system text of the previous request) and evaluating only the rest, in chunks of PREPARE_CHUNK
     * tokens so that a cancel takes effect within one chunk (the cache then holds a prefix of `prefix`, which the
     * next request reuses or erases). Returns the reused count.
     */
    async prepare(prefix: readonly number[], cancel?: Cancel): Promise<number> {
        const have = this.seq.contextTokens;
        let common = 0;
        while (common < have.length && common < prefix.length && have[common] === prefix[common]) common++;
        if (common < have.length) await this.seq.eraseContextTokenRanges([{start: common, end: have.length}]);
        for (let at = common; at < prefix.length; at += PREPARE_CHUNK) {
            throwIfCancelled(cancel);
            await this.seq.evaluateWithoutGeneratingNewTokens(prefix.slice(at, at + PREPARE_CHUNK) as NLC.Token[]);
        }
        return common;
    }

    async verify(tokens: readonly number[], o: VerifyOptions): Promise<PositionResult[]> {
        const s = o.sampling;
        const input = tokens.map((t, i): NLC.ControlledEvaluateInputItem => {
            const r = o.restrict?.[i];
            const bias = r ? {tokenBias: this.ban(r)} : undefined;
            const options = s ? {temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, seed: o.seeds?.[i] ?? s.seed, ...bias} : bias;
            return [t as NLC.Token, {generateNext: {token: true, probabilities: o.distributions || undefined, options}}];
        });
        const res = await this.seq.controlledEvaluate(input);
        return tokens.map((_, i) => {
            const next = res[i]?.next;
            if (next?.token == null) throw new Error(`the target returned no token at position ${i}`);
            return {token: next.token, dist: next.probabilities as Map<number, number> | undefined};
        });
    }

    private readonly bans = new Map<Restriction, NLC.TokenBias>();
    /**
     * A token bias that rules out every stop token ("stop"), or every stop token and every token without a visible
     * character ("blank"). node-llama-cpp's TokenBias.set() ignores end-of-generation tokens on purpose, so the
     * bias is written into its map directly (node-llama-cpp is pinned; an engine test checks that a banned token
     * is never chosen, so a change of that internal fails the tests).
     */
    private ban(r: Restriction): NLC.TokenBias {
        let bias = this.bans.get(r);
        if (!bias) {
            bias = this.model.tokenBias();
            const map = (bias as unknown as {_biases: Map<number, number>})._biases;
            if (!(map instanceof Map)) throw new Error("node-llama-cpp's TokenBias changed: cannot rule out stop tokens");
            for (const t of this.stopTokens) map.set(t, -Infinity);
            if (r === "blank") for (const t of this.model.blankTokens) map.set(t, -Infinity);
            this.bans.set(r, bias);
        }
        return bias;
    }

    async rollback(n: number): Promise<void> {
        if (n <= 0) return;
        const end = this.seq.nextTokenIndex;
        await this.seq.eraseContextTokenRanges([{start: end - n, end}]);
    }
}
