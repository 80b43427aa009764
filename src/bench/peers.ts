import type * as NLC from "node-llama-cpp";
import {Stats} from "../core/stats";
import type {Engine} from "../engine/engine";
import {LoadedModel} from "../engine/model";
import {nodeLlamaCpp} from "../engine/llama";
import {renderPrompt} from "../engine/prompt";
import type {BenchCase} from "./cases";
import type {RunOutcome, Runner, RunSampling} from "./runner";

/**
 * node-llama-cpp's own generation loop as shipped (the peers): a context sequence generating through
 * `sequence.evaluate`, with no predictor (plain decoding: the reference for our own loop's step overhead) or with
 * one of its token predictors. Counted exactly as our runs are: the prompt but its last token is evaluated first
 * and not timed (our engine's `prepare`); decode time runs from evaluating the last prompt token to the last
 * output token, n steps for n tokens; time to first token includes the prompt. The input-lookup predictor is
 * given the prompt as its input (as node-llama-cpp's LlamaCompletion does: `sequence.evaluate` alone never tells
 * it, and it then predicts nothing). Statistics come from `sequence.tokenPredictions` (validated = accepted
 * predictions, refuted = rejected ones); steps are not observable, so tokens per step is left out for these rows.
 */
export class PeerRunner implements Runner {
    private constructor(readonly id: string, private readonly engine: Engine, private readonly context: NLC.LlamaContext,
        private readonly seq: NLC.LlamaContextSequence, private readonly extra?: {context: NLC.LlamaContext; model: LoadedModel}) {}

    /** Plain decoding through node-llama-cpp's own loop. */
    static async plain(engine: Engine): Promise<PeerRunner> {
        const context = await engine.model.model.createContext({contextSize: 4096, threads: engine.options.threads, batchSize: 512, sequences: 1});
        return new PeerRunner("nlc-plain", engine, context, context.getSequence());
    }

    static async inputLookup(engine: Engine): Promise<PeerRunner> {
        const {InputLookupTokenPredictor} = await nodeLlamaCpp();
        const context = await engine.model.model.createContext({contextSize: 4096, threads: engine.options.threads, batchSize: 512, sequences: 1});
        return new PeerRunner("nlc-input-lookup", engine, context, context.getSequence({tokenPredictor: new InputLookupTokenPredictor()}));
    }

    static async draftSequence(engine: Engine, draftModel: string): Promise<PeerRunner> {
        const {DraftSequenceTokenPredictor} = await nodeLlamaCpp();
        const model = await LoadedModel.open(draftModel);
        const dctx = await model.model.createContext({contextSize: 4096, threads: 1, sequences: 1});
        const context = await engine.model.model.createContext({contextSize: 4096, threads: engine.options.threads, batchSize: 512, sequences: 1});
        const seq = context.getSequence({tokenPredictor: new DraftSequenceTokenPredictor(dctx.getSequence(), {maxTokens: 4})});
        return new PeerRunner("nlc-draft-sequence", engine, context, seq, {context: dctx, model});
    }

    async run(c: BenchCase, maxTokens: number, sampling?: RunSampling): Promise<RunOutcome> {
        const tokens = await renderPrompt(this.engine.model, c.prompt) as NLC.Token[];
        const t0 = performance.now();
        await this.seq.clearHistory();
        await this.seq.evaluateWithoutGeneratingNewTokens(tokens.slice(0, -1));
        this.seq.tokenPredictor?.updateInputTokens?.(tokens);
        const stop = this.engine.model.stopTokens;
        const before = {...this.seq.tokenPredictions};
        const out: number[] = [];
        const tDecode = performance.now();
        let tFirst = 0;
        for await (const t of this.seq.evaluate(tokens.slice(-1), sampling ? {temperature: sampling.temperature, seed: sampling.seed} : {temperature: 0})) {
            if (stop.has(t)) break;
            out.push(t);
            if (out.length === 1) tFirst = performance.now();
            if (out.length >= maxTokens) break;
        }
        const tEnd = performance.now();
        // a draft-sequence predictor keeps predicting in the background: stop it so that it does not take CPU from
        // the next runner (runs are interleaved)
        (this.seq.tokenPredictor as {stop?: () => void} | undefined)?.stop?.();
        const p = this.seq.tokenPredictions;
        const stats = new Stats();
        stats.tokens = out.length;
        stats.accepted = p.validated - before.validated;
        stats.drafted = stats.accepted + (p.refuted - before.refuted);
        stats.decodeMs = tEnd - tDecode;
        stats.ttftMs = (tFirst || tEnd) - t0;
        return {tokens: out, stats: stats.snapshot()};
    }

    async dispose(): Promise<void> {
        await this.context.dispose();
        if (this.extra) { await this.extra.context.dispose(); await this.extra.model.dispose(); }
    }
}
