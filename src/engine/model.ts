import crypto from "node:crypto";
import fs from "node:fs";
import type * as NLC from "node-llama-cpp";
import {PolyspecError} from "../core/errors";
import type {Tokenizer} from "../core/target";
import {resolveModel} from "../models";
import {resolveCatalogModel} from "./catalog-download";
import {getLlamaInstance, nodeLlamaCpp, type GpuChoice} from "./llama";

export interface OpenModelOptions {
    gpu?: GpuChoice;
    /** Progress of a download when `spec` names a default model that is not fetched yet. */
    onProgress?: (done: number, total: number, stage: string) => void;
    /** Load only the vocabulary (tokenize/detokenize, no weights): fast and small, e.g. for n-gram training. */
    vocabOnly?: boolean;
}

/** A loaded GGUF model and its tokenizer. */
export class LoadedModel implements Tokenizer {
    readonly vocabSize: number;
    readonly fingerprint: string;
    private constructor(readonly model: NLC.LlamaModel, readonly path: string, private readonly lib: typeof NLC) {
        const tokens = model.fileInfo.metadata.tokenizer?.ggml?.tokens as unknown as string[] | undefined;
        if (tokens && tokens.length > 0) {
            this.vocabSize = tokens.length;
            this.fingerprint = crypto.createHash("sha256").update(tokens.join("\u0000")).digest("hex");
        } else { // metadata without the token list: hash the detokenized vocabulary
            this.vocabSize = Number(model.fileInfo.metadata.tokenizer?.ggml?.tokens?.length ?? 0) || guessVocab(model);
            const h = crypto.createHash("sha256");
            for (let i = 0; i < this.vocabSize; i++) h.update(model.detokenize([i as NLC.Token], true) + "\u0000");
            this.fingerprint = h.digest("hex");
        }
    }

    static async open(spec: string, o: OpenModelOptions = {}): Promise<LoadedModel> {
        // a catalog id or a catalog file's hf: URI: downloaded by node-llama-cpp and sha256-checked (catalog-download.ts)
        const path = (await resolveCatalogModel(spec, {onProgress: o.onProgress})) ?? await resolveModel(spec, {onProgress: o.onProgress});
        const llama = await getLlamaInstance(o.gpu);
        let modelPath = path;
        if (path.startsWith("hf:")) { // untestable offline: node-llama-cpp downloads the file from the hub
            const {resolveModelFile} = await nodeLlamaCpp();
            modelPath = await resolveModelFile(path, {cli: false, onProgress: o.onProgress && ((s) => o.onProgress!(s.downloadedSize, s.totalSize, "download"))});
        }
        if (!fs.existsSync(modelPath)) throw new PolyspecError(`model file not found: ${modelPath}`);
        try {
            return new LoadedModel(await llama.loadModel({modelPath, vocabOnly: o.vocabOnly}), modelPath, await nodeLlamaCpp());
        } catch (e) {
            throw new PolyspecError(`cannot load model ${modelPath}: ${(e as Error).message.split("\n")[0]} (is it a complete GGUF file? re-fetch it or pick another)`);
        }
    }

    tokenize(text: string, specialTokens = false): number[] {
        return this.model.tokenize(text, specialTokens) as number[];
    }

    detokenize(tokens: readonly number[]): string {
        return this.model.detokenize(tokens as NLC.Token[], false);
    }

    /** An empty token bias for this model's tokenizer. */
    tokenBias(): NLC.TokenBias { return new this.lib.TokenBias(this.model.tokenizer); }

    get bos(): number | null { return this.model.tokens.bos; }
    get eos(): number | null { return this.model.tokens.eos; }
    get eot(): number | null { return this.model.tokens.eot; }
    private stops?: Set<number>;
    /** Tokens that end a generation (llama.cpp's end-of-generation set: EOS, EOT, <|im_end|> ...). */
    get stopTokens(): Set<number> {
        if (!this.stops) {
            this.stops = new Set<number>();
            for (const t of [this.eos, this.eot]) if (t != null) this.stops.add(t);
            for (let t = 0; t < this.vocabSize; t++) if (this.model.isEogToken(t as NLC.Token)) this.stops.add(t);
        }
        return this.stops;
    }

    private blanks?: number[];
    /** Tokens whose text has no visible character (spaces, line breaks, empty control pieces), stop tokens aside. */
    get blankTokens(): readonly number[] {
        if (!this.blanks) {
            this.blanks = [];
            for (let t = 0; t < this.vocabSize; t++) if (!this.stopTokens.has(t) && !/\S/u.test(this.detokenize([t]))) this.blanks.push(t);
        }
        return this.blanks;
    }

    private fences?: number[];
    /** Tokens whose text holds two backticks in a row (a code fence is written with them; prose never is). */
    get fenceTokens(): readonly number[] {
        if (!this.fences) {
            this.fences = [];
            for (let t = 0; t < this.vocabSize; t++) if (!this.stopTokens.has(t) && this.detokenize([t]).includes("``")) this.fences.push(t);
        }
        return this.fences;
    }

    async dispose(): Promise<void> {
        await this.model.dispose();
    }
}

function guessVocab(model: NLC.LlamaModel): number {
    const v = (model as unknown as {_model?: {getVocabSize?(): number}})._model?.getVocabSize?.();
    if (!v) throw new PolyspecError(`cannot read the vocabulary of ${model.filename ?? "the model"}`);
    return v;
}
