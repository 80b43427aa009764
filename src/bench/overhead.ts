import type * as NLC from "node-llama-cpp";
import {median} from "../core/stats";
import type {PromptSpec} from "../core/tasks";
import type {Engine} from "../engine/engine";
import {renderPrompt} from "../engine/prompt";
import {LlamaTarget} from "../engine/target";
import {markdownTable} from "./table";

/**
 * The step-overhead micro-benchmark (issue 17): the time of one plain decode step through each layer, on the same
 * model, prompt and machine, interleaved over repetitions (warm-up excluded):
 * - "node-llama-cpp evaluate": node-llama-cpp's own generation loop (`sequence.evaluate`, greedy): the floor;
 * - "target, direct": our LlamaTarget.verify of one token per step, the direct path (one native sampler);
 * - "target, controlledEvaluate": the same through controlledEvaluate (a native sampler per call);
 * - "Engine.generate": the whole product loop, plain (policy, statistics, streaming text, loop guard, nonEmpty).
 * Each has a context of its own on the same loaded model. Not a timed test: a report section, so that a regression
 * of the per-token overhead shows next to the live cells.
 */
export interface OverheadResult {
    kind: "overhead";
    model: string;
    tokens: number;
    reps: number;
    /** ms per decode step: median and [min, max] over the repetitions, per layer */
    ms: Record<OverheadLayer, {median: number; min: number; max: number}>;
}
export type OverheadLayer = "nlc" | "direct" | "controlled" | "engine";
const LABELS: Record<OverheadLayer, string> = {nlc: "node-llama-cpp evaluate (own loop)", direct: "LlamaTarget.verify, direct", controlled: "LlamaTarget.verify, controlledEvaluate", engine: "Engine.generate (product loop, plain)"};

export async function measureOverhead(engine: Engine, prompt: PromptSpec, o: {tokens: number; reps: number}): Promise<OverheadResult> {
    const tokens = await renderPrompt(engine.model, prompt);
    const make = async () => (await engine.model.model.createContext({contextSize: 2048, threads: engine.options.threads, batchSize: 512, sequences: 1}));
    const contexts: NLC.LlamaContext[] = [];
    try {
        const [c1, c2, c3] = [await make(), await make(), await make()];
        contexts.push(c1, c2, c3);
        const seq = c1.getSequence();
        const direct = new LlamaTarget(engine.model, c2.getSequence());
        const controlled = new LlamaTarget(engine.model, c3.getSequence(), {direct: false});
        const prefix = tokens.slice(0, -1), last = tokens[tokens.length - 1];
        const viaTarget = (t: LlamaTarget) => async () => {
            await t.prepare(prefix);
            let next = last;
            const t0 = performance.now();
            for (let i = 0; i < o.tokens; i++) next = (await t.verify([next], {}))[0].token;
            return (performance.now() - t0) / o.tokens;
        };
        const layers: Record<OverheadLayer, () => Promise<number>> = {
            nlc: async () => {
                await seq.clearHistory();
                await seq.evaluateWithoutGeneratingNewTokens(prefix as NLC.Token[]);
                let n = 0;
                const t0 = performance.now();
                for await (const _ of seq.evaluate([last as NLC.Token], {temperature: 0})) if (++n >= o.tokens) break;
                return (performance.now() - t0) / n;
            },
            direct: viaTarget(direct),
            controlled: viaTarget(controlled),
            engine: async () => {
                const r = await engine.generate(prompt, undefined, {maxTokens: o.tokens, k: 0, adaptive: false, nonEmpty: false});
                return r.stats.decodeMs / Math.max(1, r.stats.steps);
            },
        };
        const names = Object.keys(layers) as OverheadLayer[];
        for (const n of names) await layers[n](); // warm-up
        const ms = Object.fromEntries(names.map((n) => [n, [] as number[]])) as Record<OverheadLayer, number[]>;
        for (let r = 0; r < o.reps; r++) for (const n of (r % 2 ? [...names].reverse() : names)) ms[n].push(await layers[n]());
        direct.dispose();
        return {kind: "overhead", model: engine.model.path.split("/").pop()!, tokens: o.tokens, reps: o.reps,
            ms: Object.fromEntries(names.map((n) => [n, {median: median(ms[n]), min: Math.min(...ms[n]), max: Math.max(...ms[n])}])) as OverheadResult["ms"]};
    } finally {
        for (const c of contexts) await c.dispose();
    }
}

/** The report's section: each layer's ms per step and its overhead over node-llama-cpp's own loop. */
export function overheadSection(rs: readonly OverheadResult[]): string[] {
    if (!rs.length) return [];
    const md = ["## Step overhead (plain decoding, ms per token)", "",
        "One decode step through each layer on the same model and prompt, interleaved over repetitions in one process (warm-up excluded): node-llama-cpp's own loop is the floor; " +
        "\"direct\" is the verification path the engine uses (one native sampler for the engine's life), \"controlledEvaluate\" the public API it replaced (a sampler per call); " +
        "Engine.generate adds the product loop (policy, statistics, streaming, loop guard). Overhead = median / the floor's median - 1.", ""];
    for (const r of rs) {
        const floor = r.ms.nlc.median;
        md.push(`${r.model}, ${r.tokens} tokens a run, ${r.reps} repetitions:`, "",
            markdownTable(["layer", "ms/token median [min-max]", "overhead vs node-llama-cpp"], (Object.keys(LABELS) as OverheadLayer[]).map((k) =>
                [LABELS[k], `${r.ms[k].median.toFixed(2)} [${r.ms[k].min.toFixed(2)}-${r.ms[k].max.toFixed(2)}]`, k === "nlc" ? "-" : `${(((r.ms[k].median / floor) - 1) * 100).toFixed(1)}%`])), "");
    }
    return md;
}
