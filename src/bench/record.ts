import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {CancelledError, throwIfCancelled, type Cancel} from "../core/errors";
import {shapeProblem, type Shape} from "../core/shape";
import type {ExcludedTokens} from "../core/target";
import type {Engine} from "../engine/engine";
import {findRepetition, sentenceCut} from "../core/repetition";
import {repetitionOptions} from "../core/tasks";
import {median} from "../core/stats";
import {measure} from "../engine/costs";
import {renderPrompt} from "../engine/prompt";
import type {BenchCase} from "./cases";

/** The target's greedy output for one held-out input: what the simulation replays. */
export interface Recording {
    task: string;
    lang: string;
    id: string;
    input: string;
    reference?: string;
    prompt: number[];
    /** The prompt's excluded tokens (PromptSpec.exclude) the output was generated under. */
    exclude?: ExcludedTokens;
    output: number[];
    /** The stop token that ended the output (its last step verified it), if any. */
    stopToken?: number;
    text: string;
    maxTokens: number;
    decodeMs: number;
}

/**
 * Records greedy outputs, without the loop guard (the model's raw output, up to the token limit or its stop token:
 * the simulation replays them with the guard, which stops where the engine's would; `guardedOutput` gives the
 * text the engine returns), cached per model sha256 in one JSONL file (a line per input, appended as it goes, so an
 * interrupted recording resumes). Cases already recorded with the same token limit and prompt are not generated again.
 */
export async function recordOutputs(engine: Engine, cases: BenchCase[], o: {file: string; maxTokens: number; cancel?: Cancel; onProgress?: (done: number, total: number, note: string) => void}): Promise<Recording[]> {
    const have = new Map(readRecordings(o.file).map((r) => [key(r), r]));
    fs.mkdirSync(path.dirname(o.file), {recursive: true});
    const out: Recording[] = [];
    let done = 0;
    for (const c of cases) {
        throwIfCancelled(o.cancel);
        const prompt = await renderPrompt(engine.model, c.prompt);
        const k = key({...c, prompt, maxTokens: o.maxTokens, exclude: c.prompt.exclude});
        let r = have.get(k);
        if (!r) {
            const g = await engine.generate(c.prompt, undefined, {maxTokens: o.maxTokens, k: 0, adaptive: false, cancel: o.cancel, repetition: false});
            if (g.cancelled) throw new CancelledError(); // a cut output is not a recording: never cache it
            r = {task: c.task, lang: c.lang, id: c.id, input: c.input, reference: c.reference, prompt, exclude: c.prompt.exclude,
                output: g.tokens, stopToken: g.stopToken, text: g.text, maxTokens: o.maxTokens, decodeMs: g.stats.decodeMs};
            appendRecording(o.file, r);
            have.set(k, r);
        }
        out.push(r);
        o.onProgress?.(++done, cases.length, `${c.task} ${c.lang}`);
    }
    return out;
}

/**
 * A recorded (unguarded) output as the guarded engine returns it: cut where the loop guard finds a repetition (the
 * guard only stops, so a guarded generation is a prefix of the unguarded one). `looped`: the guard stopped it.
 */
export function guardedOutput(r: Pick<Recording, "task" | "prompt" | "output" | "text">, detokenize: (tokens: readonly number[]) => string): {text: string; tokens: number[]; looped: boolean} {
    const rep = findRepetition(r.output, r.prompt, repetitionOptions(r.task));
    if (!rep) return {text: r.text, tokens: [...r.output], looped: false};
    const start = sentenceCut(r.output.slice(0, rep.at + 1), rep, detokenize); // as the engine cuts
    return {text: detokenize(r.output.slice(0, start)), tokens: r.output.slice(0, start), looped: true};
}


const RECORDING: Shape = {obj: {
    task: "string", lang: "string", id: "string", input: "string", reference: {opt: "string"}, prompt: {array: "token"}, exclude: {opt: {literal: ["fence"]}},
    output: {array: "token"}, stopToken: {opt: "token"}, text: "string", maxTokens: "count", decodeMs: "metric",
}};

/**
 * The recordings cached in `file` (a cache: recordOutputs records again whatever is missing). A line that is not a
 * whole recording is left out, so its input is recorded again: a line cut by an interruption, a damaged one (not
 * JSON, a field of the wrong type), or an output that neither reached its token limit nor ended with a stop token
 * (a generation cut short, which the replay could not finish). Nothing else reaches the simulation.
 */
export function readRecordings(file: string): Recording[] {
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).flatMap((l) => {
        try {
            const r: unknown = JSON.parse(l);
            return isWhole(r) ? [r] : [];
        } catch {
            return [];
        }
    });
}

function isWhole(r: unknown): r is Recording {
    if (shapeProblem(r, RECORDING)) return false;
    const {output, maxTokens, stopToken} = r as Recording;
    return stopToken === undefined ? output.length === maxTokens : output.length <= maxTokens;
}

/** Appends one recording; first ends a line an interruption left unfinished, so the new one is not glued to it. */
export function appendRecording(file: string, r: Recording): void {
    const line = JSON.stringify(r);
    let cut = false;
    try {
        const fd = fs.openSync(file, "r");
        try {
            const size = fs.fstatSync(fd).size;
            const last = Buffer.alloc(1);
            cut = size > 0 && fs.readSync(fd, last, 0, 1, size - 1) === 1 && last[0] !== 0x0a;
        } finally {
            fs.closeSync(fd);
        }
    } catch { /* no file yet */ }
    fs.appendFileSync(file, (cut ? "\n" : "") + line + "\n");
}

/** A recording is reused only for the same input, token limit and rendered prompt (a changed prompt template re-records). */
const key = (r: {task: string; lang: string; id: string; maxTokens: number; prompt: readonly number[]; exclude?: string}) =>
    `${r.task}|${r.lang}|${r.id}|${r.maxTokens}|${crypto.createHash("sha1").update(r.prompt.join(",")).digest("hex")}${r.exclude ? `|${r.exclude}` : ""}`;

/**
 * The full cost curve (every batch size 1..16; median of `passes` passes), measured in this process every run (about
 * half a minute on a 2-core CPU): the simulation and the live runs then use the machine as it is now, not as it was
 * when an earlier run measured it.
 */
export async function recordCostCurve(engine: Engine, passes = 3): Promise<Record<number, number>> {
    await engine.costCurve(); // makes sure the context holds a prompt
    // three passes over all sizes, the median per size: one busy moment of a shared machine cannot skew a point
    const sizes = Array.from({length: 16}, (_, i) => i + 1);
    const runs: Map<number, number>[] = [];
    for (let i = 0; i < passes; i++) runs.push(await measure(engine.target, sizes));
    return Object.fromEntries(sizes.map((n) => [n, median(runs.map((p) => p.get(n)!))]));
}
