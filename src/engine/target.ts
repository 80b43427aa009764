import type * as NLC from "node-llama-cpp";
import {throwIfCancelled, type Cancel} from "../core/errors";
import type {PositionResult, Restriction, Target, VerifyOptions} from "../core/target";

import type {LoadedModel} from "./model";

/** Prompt tokens evaluated per call while preparing (a cancel waits for at most one such chunk). */
const PREPARE_CHUNK = 256;

/**
 * The parts of node-llama-cpp 3.21.1's LlamaContextSequence that the direct verify path uses (the version is
 * pinned; `directVerify` checks each one when the target is made and falls back to controlledEvaluate if one is
 * missing). controlledEvaluate makes a native sampler (an n_vocab candidate buffer) for every call and disposes
 * it after; the direct path decodes the same batch through the same sequence method and samples every position
 * with ONE sampler that lives as long as the target.
 */
interface SequenceInternals {
    _decodeTokens(tokens: NLC.Token[], logits: boolean[], priority: undefined, meter: unknown, shift: {size: unknown; strategy: unknown},
        map: (batchLogitIndex: number, tokenIndex: number) => Promise<PositionResult>, after: unknown): Promise<PositionResult[]>;
    _resolveSamplerConfig(o: object): object;
    _contextShift: {size: unknown; strategy: unknown};
    _tokenMeter: unknown;
    _tokenPredictor?: unknown;
    _takeIntervalCheckpointIfNeededAfterBatch: unknown;
    _context: {_ctx: {sampleToken(batchLogitIndex: number, sampler: unknown, probabilities: boolean, confidence: boolean): Promise<[number, number[] | undefined, number | undefined]>}};
}
interface NativeSampler { applyConfig(config: object): void; dispose(): void }

/** The direct path's sequence internals and sampler, or the reason it cannot be used (then controlledEvaluate). */
function directVerify(model: LoadedModel, seq: NLC.LlamaContextSequence): {seq: SequenceInternals; sampler: NativeSampler} | string {
    const s = seq as unknown as Partial<SequenceInternals>;
    if (typeof s._decodeTokens !== "function" || typeof s._resolveSamplerConfig !== "function" || s._contextShift == null ||
        typeof s._context?._ctx?.sampleToken !== "function" || !("_takeIntervalCheckpointIfNeededAfterBatch" in s)) return "node-llama-cpp's sequence internals changed";
    if (s._tokenPredictor != null) return "the sequence has a token predictor";
    const m = model.model as unknown as {_llama?: {_bindings?: {AddonSampler?: new (m: unknown) => NativeSampler}}; _model?: unknown};
    const Sampler = m._llama?._bindings?.AddonSampler;
    if (typeof Sampler !== "function") return "node-llama-cpp's native sampler is not reachable";
    return {seq: s as SequenceInternals, sampler: new Sampler(m._model)};
}

/**
 * The Target over one node-llama-cpp context sequence. Each verify() is ONE controlledEvaluate call that asks for
 * the next token (and, only when needed, the distribution) at every position; rollback() erases the tail of the
 * KV cache with eraseContextTokenRanges.
 */
export class LlamaTarget implements Target {
    readonly vocabSize: number;
    readonly fingerprint: string;
    readonly stopTokens: ReadonlySet<number>;

    /** The direct verify path (one sampler for the target's life), or why controlledEvaluate is used instead. */
    readonly direct: {seq: SequenceInternals; sampler: NativeSampler} | undefined;
    readonly directUnavailable: string | undefined;

    constructor(readonly model: LoadedModel, readonly seq: NLC.LlamaContextSequence, o: {direct?: boolean} = {}) {
        this.vocabSize = model.vocabSize;
        this.fingerprint = model.fingerprint;
        this.stopTokens = model.stopTokens;
        const d = o.direct === false ? "turned off" : directVerify(model, seq);
        this.direct = typeof d === "string" ? undefined : d;
        this.directUnavailable = typeof d === "string" ? d : undefined;
    }

    /** Frees the direct path's sampler (the sequence itself belongs to the engine's context). */
    dispose(): void {
        this.direct?.sampler.dispose();
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
        if (this.direct) return this.verifyDirect(this.direct, tokens, o);
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

    /**
     * verify() without controlledEvaluate's per-call sampler: the same sequence method decodes the batch (logits at
     * every position, the sequence's context shift, token meter and checkpoints as controlledEvaluate passes them),
     * and every position is sampled with the target's one sampler, configured per position exactly as
     * controlledEvaluate configures its own (same resolver, same options). The target is its sequence's only user
     * and the engine runs one request at a time, so the sequence's evaluation lock is not needed.
     */
    private async verifyDirect(d: {seq: SequenceInternals; sampler: NativeSampler}, tokens: readonly number[], o: VerifyOptions): Promise<PositionResult[]> {
        const s = o.sampling;
        const configs = tokens.map((_, i) => {
            const r = o.restrict?.[i];
            if (!s) return this.greedyConfig(d, r); // the same every step: resolved once
            return d.seq._resolveSamplerConfig({temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, seed: o.seeds?.[i] ?? s.seed, tokenBias: r ? this.ban(r) : undefined});
        });
        const probabilities = !!o.distributions;
        const res = await d.seq._decodeTokens(tokens as NLC.Token[], tokens.map(() => true), undefined, d.seq._tokenMeter, d.seq._contextShift, async (batchLogitIndex, i) => {
            d.sampler.applyConfig(configs[i]);
            const [token, probs] = await d.seq._context._ctx.sampleToken(batchLogitIndex, d.sampler, probabilities, false);
            return {token, dist: probabilities ? pairsToMap(probs) : undefined};
        }, d.seq._takeIntervalCheckpointIfNeededAfterBatch);
        return tokens.map((_, i) => {
            const r = res[i];
            if (r == null || r.token == null || r.token === -1) throw new Error(`the target returned no token at position ${i}`);
            return r;
        });
    }

    private readonly greedy = new Map<Restriction | undefined, object>();
    private greedyConfig(d: {seq: SequenceInternals}, r: Restriction | undefined): object {
        let c = this.greedy.get(r);
        if (!c) this.greedy.set(r, c = d.seq._resolveSamplerConfig({tokenBias: r ? this.ban(r) : undefined}));
        return c;
    }

    private readonly bans = new Map<Restriction, NLC.TokenBias>();
    /**
     * A token bias that rules out every stop token ("stop"), or every stop token and every token without a visible
     * character ("blank"), and/or every token that writes part of a code fence ("fence"). node-llama-cpp's TokenBias.set() ignores end-of-generation tokens on purpose, so the
     * bias is written into its map directly (node-llama-cpp is pinned; an engine test checks that a banned token
     * is never chosen, so a change of that internal fails the tests).
     */
    private ban(r: Restriction): NLC.TokenBias {
        let bias = this.bans.get(r);
        if (!bias) {
            bias = this.model.tokenBias();
            const map = (bias as unknown as {_biases: Map<number, number>})._biases;
            if (!(map instanceof Map)) throw new Error("node-llama-cpp's TokenBias changed: cannot rule out stop tokens");
            const classes = r.split("+");
            if (classes.includes("stop") || classes.includes("blank")) for (const t of this.stopTokens) map.set(t, -Infinity);
            if (classes.includes("blank")) for (const t of this.model.blankTokens) map.set(t, -Infinity);
            if (classes.includes("fence")) for (const t of this.model.fenceTokens) map.set(t, -Infinity);
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

/** node-llama-cpp's flat [token, probability, token, probability, ...] array as a Map (as controlledEvaluate revives it). */
function pairsToMap(flat: number[] | undefined): Map<number, number> | undefined {
    if (flat == null) return undefined;
    const m = new Map<number, number>();
    for (let i = 1; i < flat.length; i += 2) m.set(flat[i - 1], flat[i]);
    return m;
}
