import type * as NLC from "node-llama-cpp";
import {PolyspecError} from "../core/errors";
import type {Tokenizer} from "../core/target";
import type {Drafter, Proposal} from "../core/drafter";
import {LoadedModel} from "./model";

/**
 * Draft-model drafter: a second, smaller GGUF with the target's vocabulary proposes tokens greedily.
 * It keeps its own KV cache in step with the accepted text by itself: each proposal first makes its cache hold the
 * given context (reusing the common prefix, erasing what the target rejected, evaluating what was added), so no
 * bookkeeping is needed between steps. 1 thread: a tiny model pays ~15 ms of thread hand-off per call with 2.
 * Its proposals are deterministic (argmax), so the matching rule keeps sampling lossless without asking the
 * draft model for full probability maps; its confidence is the draft model's own probability of the token.
 */
export class DraftModelDrafter implements Drafter {
    readonly expensive = true;
    readonly name: string;

    private constructor(readonly draft: LoadedModel, readonly context: NLC.LlamaContext, readonly seq: NLC.LlamaContextSequence) {
        this.name = `model:${draft.path.split(/[\\/]/).pop()!.replace(/\.gguf$/i, "")}`;
    }

    static async open(spec: string, target: Tokenizer, o: {threads?: number; contextSize?: number} = {}): Promise<DraftModelDrafter> {
        const draft = await LoadedModel.open(spec);
        const mismatch = vocabularyMismatch(draft, target);
        if (mismatch) {
            await draft.dispose();
            throw new PolyspecError(`draft model ${spec} cannot draft for this target: ${mismatch}; use a draft model of the same family (same tokenizer)`);
        }
        const context = await draft.model.createContext({contextSize: o.contextSize ?? 4096, threads: o.threads ?? 1, sequences: 1});
        return new DraftModelDrafter(draft, context, context.getSequence());
    }

    async propose(context: readonly number[], k: number): Promise<Proposal> {
        const have = this.seq.contextTokens;
        const upTo = context.length - 1; // the last token is fed with the first generation call
        let common = 0;
        while (common < have.length && common < upTo && have[common] === context[common]) common++;
        if (common < have.length) await this.seq.eraseContextTokenRanges([{start: common, end: have.length}]);
        if (common < upTo) await this.seq.evaluateWithoutGeneratingNewTokens(context.slice(common, upTo) as NLC.Token[]);
        const tokens: number[] = [], confidence: number[] = [];
        let last = context[context.length - 1];
        for (let i = 0; i < k; i++) {
            const [r] = await this.seq.controlledEvaluate([[last as NLC.Token, {generateNext: {token: true, confidence: true}}]]);
            const t = r?.next.token;
            if (t == null || this.draft.stopTokens.has(t)) break;
            tokens.push(t);
            confidence.push(r!.next.confidence ?? 0.5);
            last = t;
        }
        return {tokens, confidence};
    }

    observe(): void {}
    reset(): void {}
    describe(): string { return `draft model ${this.draft.path}`; }
    async dispose(): Promise<void> {
        await this.context.dispose();
        await this.draft.dispose();
    }
}

/** Why two tokenizers differ (undefined when the draft's vocabulary matches the target's for every id it has). */
export function vocabularyMismatch(draft: LoadedModel, target: Tokenizer): string | undefined {
    if (draft.fingerprint === target.fingerprint) return undefined;
    // Same family models may pad the vocabulary differently: compare the texts of the shared ids
    const n = Math.min(draft.vocabSize, target.vocabSize);
    if (Math.abs(draft.vocabSize - target.vocabSize) > 1024) return `its vocabulary has ${draft.vocabSize} tokens, the target's ${target.vocabSize}`;
    const probe = [0, 1, 2, 100, 1000, 5000, Math.floor(n / 2), n - 300].filter((i) => i >= 0 && i < n);
    for (const i of probe) {
        if (draft.detokenize([i]) !== target.detokenize([i])) return `token ${i} is "${draft.detokenize([i])}" for the draft but "${target.detokenize([i])}" for the target`;
    }
    const sample = "Übersetzung: 你好，世界! The quick brown fox.";
    if (draft.tokenize(sample).join() !== target.tokenize(sample).join()) return "the two tokenizers split the same text differently";
    return undefined;
}
