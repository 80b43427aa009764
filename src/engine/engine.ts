import type * as NLC from "node-llama-cpp";
import {CancelledError, PolyspecError, type Cancel} from "../core/errors";
import {CostAwarePolicy, FixedPolicy, type AcceptancePriors, type CostCurve, type DraftPolicy} from "../core/policy";
import shipped from "../core/priors.json";
import {RepetitionGuard, sentenceCut, type Repetition, type RepetitionOptions} from "../core/repetition";
import {speculate} from "../core/speculate";
import {Stats, type StatsSnapshot} from "../core/stats";
import {TextStreamer} from "../core/stream";
import type {Sampling} from "../core/target";
import type {PromptSpec} from "../core/tasks";
import type {Drafter} from "../core/drafter";
import {costCurve} from "./costs";
import {cores, type GpuChoice} from "./llama";
import {LoadedModel} from "./model";
import {renderPrompt} from "./prompt";
import {LlamaTarget} from "./target";

export interface EngineOptions {
    /** A default model name, a GGUF path or an hf: URI. */
    model: string;
    gpu?: GpuChoice;
    /** Target threads (default: the machine's cores). */
    threads?: number;
    contextSize?: number;
    onProgress?: (done: number, total: number, stage: string) => void;
    /**
     * How a verification batch is evaluated: "direct" (default: one native sampler for the engine's life, see
     * LlamaTarget) or "controlled" (node-llama-cpp's controlledEvaluate, a sampler per call; the step-overhead
     * benchmark compares the two).
     */
    verify?: "direct" | "controlled";
}

export interface GenerateOptions {
    maxTokens?: number;
    /** Maximum draft length; with `adaptive` the cost-aware policy picks up to this many per step. */
    k?: number;
    /** Cost-aware policy (default) or always verify k drafts. */
    adaptive?: boolean;
    sampling?: Sampling;
    cancel?: Cancel;
    /** Streamed text: only whole characters (a CJK or emoji character split over tokens waits for its last byte). */
    onText?: (delta: string) => void;
    /** Live statistics after each step. */
    onStats?: (s: StatsSnapshot) => void;
    stopWhen?: (text: string) => boolean;
    /** Never end before the output holds a visible character (default true; see LoopOptions.nonEmpty). */
    nonEmpty?: boolean;
    /**
     * The loop guard (src/core/repetition.ts; default on, with its measured thresholds): the generation ends where the
     * output starts repeating itself or the prompt, and the output is cut where the repetition began (finish
     * "repetition"). false: off (the benchmark records the model's raw outputs and applies the guard in its replay).
     */
    repetition?: Partial<RepetitionOptions> | false;
    /** Policy override (benchmarks). */
    policy?: DraftPolicy;
    /**
     * What kind of request this is, e.g. "translate:de" or "story:zh": the cost-aware policy learns each drafter's
     * acceptance per profile (a lookup match that continues a story is often wrong in a translation).
     */
    profile?: string;
}

export interface GenerateResult {
    text: string;
    tokens: number[];
    promptTokens: number;
    /** Prompt tokens whose KV cache was reused from the previous request (shared chat template and system text). */
    reusedPromptTokens: number;
    stats: StatsSnapshot;
    cancelled: boolean;
    /**
     * Why generation ended: a stop token (end of turn), the token limit, the stop condition, the loop guard
     * ("repetition": the model started repeating itself or the prompt; `text` and `tokens` hold what came before), or
     * cancellation.
     */
    finish: "stop" | "length" | "condition" | "repetition" | "cancelled";
    /** The stop token that ended it (finish = "stop"). */
    stopToken?: number;
    /**
     * finish = "repetition": where the repetition began and was found, and the tokens cut off (`[...tokens,
     * ...repetition.cut]` is everything the target emitted: what a replay of this run needs).
     */
    repetition?: Repetition & {cut: number[]};
    drafter: string;
}

/**
 * The product's cost-aware policy for a request profile ("translate:de", "story:zh"): it starts from the shipped
 * acceptance priors of the profile's task (src/core/priors.json, tools/learn-priors.ts). The engine makes one per
 * profile; the benchmark's simulation and replay make theirs here too, so they decide as the live policy does.
 */
export function defaultPolicy(curve: CostCurve, maxK = 8, profile = "default"): CostAwarePolicy {
    const priors = (shipped as {priors: Record<string, AcceptancePriors>}).priors;
    return new CostAwarePolicy(curve, maxK, 0.05, priors[profile.split(":")[0]]);
}

/**
 * The one generation path: the CLI, the editor and the benchmark all call Engine.generate. Holds the target model,
 * one context sequence whose KV cache keeps the previous prompt (so a shared prefix is not evaluated again),
 * and the machine's cost curve for the cost-aware policy. One generation at a time (`busy`).
 */
export class Engine {
    private curve?: CostCurve;
    private readonly shared = new Map<string, CostAwarePolicy>();
    private running?: {done: Promise<void>; resolve: () => void};

    private constructor(readonly model: LoadedModel, readonly context: NLC.LlamaContext, readonly target: LlamaTarget, readonly options: EngineOptions & {threads: number}) {}

    static async create(o: EngineOptions): Promise<Engine> {
        const model = await LoadedModel.open(o.model, {gpu: o.gpu, onProgress: o.onProgress});
        const threads = o.threads ?? cores();
        const context = await model.model.createContext({contextSize: o.contextSize ?? 4096, threads, batchSize: 512, sequences: 1});
        const target = new LlamaTarget(model, context.getSequence(), {direct: o.verify !== "controlled"});
        return new Engine(model, context, target, {...o, threads});
    }

    get busy(): boolean { return !!this.running; }

    /** Resolves when no generation runs (at once when none does): the editor waits on it before it disposes an engine. */
    whenIdle(): Promise<void> { return this.running?.done ?? Promise.resolve(); }
    get gpu(): string | false { return this.model.model.llama.gpu; }

    /** The machine's verification cost curve (measured once, then cached on disk). */
    async costCurve(): Promise<CostCurve> {
        if (!this.curve) {
            if (this.target.contextTokens.length === 0) await this.target.prepare(await renderPrompt(this.model, {text: "Speculative decoding drafts tokens cheaply and verifies them in one batch."}));
            this.curve = await costCurve(this.target, {modelPath: this.model.path, threads: this.options.threads, gpu: this.gpu});
        }
        return this.curve;
    }

    /**
     * Replaces the cost curve of the policies made from now on and forgets the learned ones. The benchmark hands
     * over the curve it measured (fixed, not adaptive), so that its live runs and its simulation of the same
     * outputs take the same decisions.
     */
    useCostCurve(curve: CostCurve): void {
        this.curve = curve;
        this.shared.clear();
    }

    /**
     * The engine's cost-aware policy for a request profile ("translate:de", "story:zh"...): one instance per profile
     * for the engine's lifetime, so what it learns about each drafter's acceptance (per drafter, source and
     * confidence bin) carries over from request to request of the same kind; all share the one cost curve.
     */
    async policy(maxK = 8, profile = "default"): Promise<CostAwarePolicy> {
        const key = `${profile}|${maxK}`;
        let p = this.shared.get(key);
        if (!p) this.shared.set(key, p = defaultPolicy(await this.costCurve(), maxK, profile));
        return p;
    }

    async generate(prompt: PromptSpec, drafter: Drafter | undefined, o: GenerateOptions = {}): Promise<GenerateResult> {
        if (this.running) throw new PolyspecError("a generation is already running: wait for it to finish or cancel it", "E_BUSY");
        let resolve!: () => void;
        const running = this.running = {done: new Promise<void>((r) => { resolve = r; }), resolve: () => resolve()};
        try {
            return await this.run(prompt, drafter, o);
        } finally {
            this.running = undefined;
            running.resolve();
        }
    }

    private async run(prompt: PromptSpec, drafter: Drafter | undefined, o: GenerateOptions): Promise<GenerateResult> {
        const t0 = performance.now();
        const tokens = await renderPrompt(this.model, prompt);
        const room = this.context.contextSize - tokens.length - (o.k ?? 8) - 2;
        if (room < 1) throw new PolyspecError(`the prompt has ${tokens.length} tokens, more than the context of ${this.context.contextSize} allows: shorten the text`);
        const maxTokens = Math.min(o.maxTokens ?? 512, room);
        const k = o.k ?? 8;
        const policy = o.policy ?? (o.adaptive === false ? new FixedPolicy(k) : await this.policy(k, o.profile));
        const stats = new Stats();
        const streamer = new TextStreamer((t) => this.model.detokenize(t));
        let cancelled = false, reused = 0;
        const out: number[] = [];
        let end: Pick<GenerateResult, "finish" | "stopToken" | "repetition"> & {tokens?: number[]} = {finish: "cancelled"};
        try {
            reused = await this.target.prepare(tokens.slice(0, -1), o.cancel);
            end = await speculate(this.target, drafter, tokens, {
                maxTokens, sampling: o.sampling, policy, cancel: o.cancel, nonEmpty: o.nonEmpty ?? true, exclude: prompt.exclude,
                guard: o.repetition === false ? undefined : new RepetitionGuard(tokens, o.repetition),
                onTokens: (fresh) => {
                    stats.ttftMs ??= performance.now() - t0;
                    out.push(...fresh);
                    const delta = streamer.push(fresh);
                    if (delta) o.onText?.(delta);
                    o.onStats?.(stats.snapshot());
                },
                stopWhen: o.stopWhen && (() => o.stopWhen!(streamer.text)),
            }, stats);
        } catch (e) {
            if (!(e instanceof CancelledError)) throw e;
            cancelled = true;
        }
        const tail = streamer.flush();
        if (tail) o.onText?.(tail);
        // a repetition was streamed up to the token that completed it; the result keeps the text before it, to the
        // last sentence end in its first copy
        if (end.repetition) {
            const start = sentenceCut(out, end.repetition, (t) => this.model.detokenize(t));
            end = {...end, tokens: out.slice(0, start), repetition: {...end.repetition, start, cut: out.slice(start)}};
        }
        const kept = end.repetition ? end.tokens! : out;
        return {text: end.repetition ? this.model.detokenize(kept) : streamer.text, tokens: kept, promptTokens: tokens.length, reusedPromptTokens: reused, stats: stats.snapshot(), cancelled,
            finish: end.finish, stopToken: end.stopToken, repetition: end.repetition, drafter: drafter?.name ?? "none"};
    }

    async dispose(): Promise<void> {
        this.target.dispose();
        await this.context.dispose();
        await this.model.dispose();
    }
}

