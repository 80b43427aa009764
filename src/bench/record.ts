import fs from "node:fs";
import path from "node:path";
import {throwIfCancelled, type Cancel} from "../core/errors";
import type {Engine} from "../engine/engine";
import {measure} from "../engine/costs";
import {renderPrompt} from "../engine/prompt";
import type {BenchCase} from "./live";

/** The target's greedy output for one held-out input: what the simulation replays. */
export interface Recording {
    task: string;
    lang: string;
    id: string;
    input: string;
    reference?: string;
    prompt: number[];
    output: number[];
    /** The stop token that ended the output (its last step verified it), if any. */
    stopToken?: number;
    text: string;
    maxTokens: number;
    decodeMs: number;
}

/**
 * Records greedy outputs, cached per model sha256 in one JSONL file (a line per input, appended as it goes, so an
 * interrupted recording resumes). Cases already recorded with the same token limit are not generated again.
 */
export async function recordOutputs(engine: Engine, cases: BenchCase[], o: {file: string; maxTokens: number; cancel?: Cancel; onProgress?: (done: number, total: number, note: string) => void}): Promise<Recording[]> {
    const have = new Map(readRecordings(o.file).map((r) => [key(r), r]));
    fs.mkdirSync(path.dirname(o.file), {recursive: true});
    const out: Recording[] = [];
    let done = 0;
    for (const c of cases) {
        throwIfCancelled(o.cancel);
        const k = key({...c, maxTokens: o.maxTokens});
        let r = have.get(k);
        if (!r) {
            const g = await engine.generate(c.prompt, undefined, {maxTokens: o.maxTokens, k: 0, adaptive: false, cancel: o.cancel});
            r = {task: c.task, lang: c.lang, id: c.id, input: c.input, reference: c.reference, prompt: await renderPrompt(engine.model, c.prompt),
                output: g.tokens, stopToken: g.stopToken, text: g.text, maxTokens: o.maxTokens, decodeMs: g.stats.decodeMs};
            fs.appendFileSync(o.file, JSON.stringify(r) + "\n");
            have.set(k, r);
        }
        out.push(r);
        o.onProgress?.(++done, cases.length, `${c.task} ${c.lang}`);
    }
    return out;
}

export function readRecordings(file: string): Recording[] {
    if (!fs.existsSync(file)) return [];
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).flatMap((l) => {
        try { return [JSON.parse(l) as Recording]; } catch { return []; } // a line cut by an interruption
    });
}

const key = (r: {task: string; lang: string; id: string; maxTokens: number}) => `${r.task}|${r.lang}|${r.id}|${r.maxTokens}`;

/** The full cost curve (every batch size 1..16), measured in this process, cached beside the recordings. */
export async function recordCostCurve(engine: Engine, file: string): Promise<Record<number, number>> {
    if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8"));
    await engine.costCurve(); // makes sure the context holds a prompt
    const ms = Object.fromEntries(await measure(engine.target, Array.from({length: 16}, (_, i) => i + 1)));
    fs.writeFileSync(file, JSON.stringify(ms));
    return ms;
}
