// Chooses and checks the loop guard's thresholds (src/core/repetition.ts) on recorded greedy outputs of the default
// model (the benchmark's <cache>/bench/record-<sha12>.jsonl and the priors' recordings, tools/quality/record.ts).
//   npx tsx tools/quality/loops.ts --dump FILE        every output as text, for labelling by hand (no detector output)
//   npx tsx tools/quality/loops.ts [--labels tools/quality/loop-labels.json] [--grid]
//       precision and recall of the guard (defaults, or a grid of thresholds) against the hand labels, per task;
//       the loop share of every language and task; the false positives and negatives with their text.
// No model is evaluated (the vocabulary is read from the GGUF file): no model lock needed.
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import type {Recording} from "../../src/bench/record";
import {repetitionOptions} from "../../src/core/tasks";
import {DEFAULT_REPETITION, findRepetition, type RepetitionOptions} from "../../src/core/repetition";
import {corpusPaths, readJsonl} from "../../src/corpus";
import {defaultModelPath} from "./model";
import {allRecordings, labelKey} from "./recordings";
import {ggufDetokenizer, ggufTokenizer} from "./vocab";

/** loop and echo are what the guard should stop (echo: stories only); copy and ok are not. */
export type Label = "loop" | "echo" | "copy" | "ok";
/** The guard's options per task: a translation may copy names, numbers and code from its source, so no echo check. */
export const optionsFor = (task: string, o: Partial<RepetitionOptions>): Partial<RepetitionOptions> => task === "translate" ? {...o, echoTokens: 0} : o;
const positive = (l: Label | undefined) => l === "loop" || l === "echo";
async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {dump: {type: "string"}, labels: {type: "string"}, grid: {type: "boolean"}, human: {type: "string"}, n: {type: "string"}, options: {type: "string"}}});
    const chosen: Partial<RepetitionOptions> = v.options ? JSON.parse(v.options) : {};
    const humanLangs = (v.human ?? "").split(",").filter(Boolean);
    const detok = await ggufDetokenizer(defaultModelPath());
    if (humanLangs.length && !v.grid) return human(humanLangs, Number(v.n ?? 100), detok, chosen);
    const recs = allRecordings();
    if (v.dump) {
        const out = recs.map((r) => `## ${labelKey(r)}\nIN: ${r.input.replace(/\n/g, "⏎")}\nOUT: ${detok(r.output).replace(/\n/g, "⏎")}\n`);
        fs.writeFileSync(v.dump, out.join("\n"));
        console.log(`${recs.length} outputs -> ${v.dump}`);
        return;
    }
    const file = JSON.parse(fs.readFileSync(v.labels ?? path.join(import.meta.dirname, "loop-labels.json"), "utf8"));
    const labels: Record<string, Label> = file.labels;
    const tuning = new Set<string>(file.tuning ?? []);
    const labelled = recs.filter((r) => labels[labelKey(r)]);
    const count = (l: Label) => labelled.filter((r) => labels[labelKey(r)] === l).length;
    console.log(`${recs.length} recorded outputs, ${labelled.length} labelled: ${count("loop")} loops, ${count("echo")} echoes, ${count("copy")} copies, ${count("ok")} ok`);
    const score = (o: Partial<RepetitionOptions>, rs: Recording[]) => {
        let tp = 0, fp = 0, fn = 0, tn = 0;
        for (const r of rs) {
            const hit = !!findRepetition(r.output, r.prompt, optionsFor(r.task, o));
            const loop = positive(labels[labelKey(r)]);
            if (hit && loop) tp++; else if (hit) fp++; else if (loop) fn++; else tn++;
        }
        return {tp, fp, fn, tn, precision: tp / (tp + fp), recall: tp / (tp + fn)};
    };
    const line = (name: string, s: ReturnType<typeof score>) =>
        `${name.padEnd(48)} precision ${(100 * s.precision).toFixed(1)}% (${s.tp}/${s.tp + s.fp})  recall ${(100 * s.recall).toFixed(1)}% (${s.tp}/${s.tp + s.fn})  tn ${s.tn}`;
    if (v.grid) {
        // with --human: the stops on human-written passages too (all false positives)
        const ps = humanLangs.length ? await humanPassages(humanLangs, Number(v.n ?? 100)) : [];
        for (const task of ["translate", "story"]) {
            console.log(`\n${task}:${ps.length ? ` (human: stops on ${ps.length} human-written passages)` : ""}`);
            for (const minTokens of [16, 20, 24]) for (const minRepeats of [0.5, 0.75, 1]) for (const echoTokens of task === "story" ? [0, 16, 20, 24] : [0]) for (const echoWithin of echoTokens ? [8, 16] : [0]) for (const echoTail of echoTokens ? [6, 8, 10, 99] : [0]) {
                const o = optionsFor(task, {...DEFAULT_REPETITION, minTokens, minRepeats, echoTokens, echoWithin, echoTail});
                const reps = ps.map((p) => findRepetition(p.out, p.prompt, o)).filter((r) => r);
                console.log(line(JSON.stringify({minTokens, minRepeats, echoTokens, echoWithin, echoTail}), score(o, labelled.filter((r) => r.task === task))) +
                    (ps.length ? `  human ${reps.length} (${reps.filter((r) => r!.echo).length} echoes)` : ""));
            }
        }
        return;
    }
    // the product's options per task (src/core/tasks.ts repetitionOptions), or --options for both tasks
    const o = {...DEFAULT_REPETITION, ...chosen};
    const opt = (task: string) => v.options ? optionsFor(task, o) : {...DEFAULT_REPETITION, ...repetitionOptions(task)};
    console.log(`options ${JSON.stringify(o)}`);
    for (const task of ["translate", "story"]) console.log(line(`  ${task} ${JSON.stringify(opt(task))}`, score(opt(task), labelled.filter((r) => r.task === task))));
    // the tuning set (the benchmark's recordings) and the test set (the priors' recordings, labelled afterwards)
    for (const [set, pick] of [["tuning set", (r: Recording) => tuning.has(labelKey(r))], ["test set", (r: Recording) => !tuning.has(labelKey(r))]] as const)
        for (const task of ["translate", "story"]) console.log(line(`  ${set} ${task}`, score(opt(task), labelled.filter((r) => r.task === task && pick(r)))));
    for (const r of labelled) {
        const rep = findRepetition(r.output, r.prompt, opt(r.task));
        const loop = positive(labels[labelKey(r)]);
        if (!!rep === loop) continue;
        const text = rep ? `${detok(r.output.slice(0, rep.start))}⟦${detok(r.output.slice(rep.start, rep.at + 1))}⟧${detok(r.output.slice(rep.at + 1))}` : detok(r.output);
        console.log(`\n${rep ? "FALSE POSITIVE" : "MISSED"} ${labelKey(r)}${rep ? ` (distance ${rep.distance}${rep.echo ? ", echo" : ""})` : ""}\n  ${text.replace(/\n/g, "⏎")}`);
    }
    console.log("\nloop share (all recorded outputs, defaults):");
    const groups = new Map<string, Recording[]>();
    for (const r of recs) groups.set(`${r.task} ${r.lang}`, [...(groups.get(`${r.task} ${r.lang}`) ?? []), r]);
    for (const [g, rs] of [...groups].sort()) {
        const n = rs.filter((r) => findRepetition(r.output, r.prompt, opt(r.task))).length;
        console.log(`  ${g.padEnd(14)} ${n}/${rs.length} (${(100 * n / rs.length).toFixed(0)}%)`);
    }
}

interface Passage { lang: string; what: string; prompt: number[]; out: number[] }

/**
 * Human-written text does not loop: every stop of the guard on it is a false positive. Per language, `n` passages of
 * the held-out references (Wesnoth dialogue and narration, LibreOffice help) and `n` of the monolingual text (Debian
 * package descriptions with their lists, fortunes with their poems and refrains, Wesnoth), each ~100-250 tokens of
 * consecutive segments, with the three segments before it as the prompt (so quoting them counts as an echo).
 */
async function humanPassages(langs: string[], n: number): Promise<Passage[]> {
    const tok = await ggufTokenizer(defaultModelPath());
    const out: Passage[] = [];
    for (const lang of langs) {
        const p = corpusPaths(lang);
        const sources: [string, string[]][] = [];
        if (fs.existsSync(p.testStory)) sources.push(["references", readJsonl<{ref: string}>(p.testStory).map((r) => r.ref)]);
        if (fs.existsSync(p.mono)) sources.push(["monolingual", fs.readFileSync(p.mono, "utf8").split("\n").filter((l) => l.trim()).slice(0, 20000)]);
        for (const [what, segs] of sources) {
            const step = Math.max(1, Math.floor(segs.length / n));
            for (let i = step, k = 0; i < segs.length && k < n; i += step, k++) {
                let text = "", j = i;
                while (j < segs.length && tok(text).length < 100) text += (text ? "\n" : "") + segs[j++];
                out.push({lang, what, out: tok(text).slice(0, 250), prompt: tok(segs.slice(Math.max(0, i - 3), i).join("\n"))});
            }
        }
    }
    return out;
}

async function human(langs: string[], n: number, detok: (t: readonly number[]) => string, chosen: Partial<RepetitionOptions>): Promise<void> {
    const tok = await ggufTokenizer(defaultModelPath());
    const recs = allRecordings();
    const same = recs.filter((r) => tok(detok(r.output)).join() === r.output.join()).length;
    console.log(`tokenizer check: ${same} of ${recs.length} recorded outputs tokenize back to the same tokens (the others: non-canonical greedy tokens)`);
    const ps = await humanPassages(langs, n);
    const stops = {story: 0, translate: 0};
    const shown: string[] = [];
    const bySource = new Map<string, number>();
    for (const p of ps) bySource.set(p.what, (bySource.get(p.what) ?? 0) + 1);
    for (const p of ps) for (const task of ["story", "translate"] as const) {
        const rep = findRepetition(p.out, p.prompt, Object.keys(chosen).length ? optionsFor(task, {...DEFAULT_REPETITION, ...chosen}) : {...DEFAULT_REPETITION, ...repetitionOptions(task)});
        if (!rep) continue;
        stops[task]++;
        bySource.set(`${task} stops in ${p.what}`, (bySource.get(`${task} stops in ${p.what}`) ?? 0) + 1);
        if (shown.length < 60) shown.push(`${task} ${p.lang} ${p.what}${rep.echo ? " (echo)" : ""}: ${detok(p.out.slice(0, rep.start)).slice(-100)}⟦${detok(p.out.slice(rep.start, rep.at + 1))}⟧`.replace(/\n/g, "⏎"));
    }
    console.log(`${ps.length} human passages (${ps.reduce((a, p) => a + p.out.length, 0)} tokens) of ${langs.join(",")}: the guard stops ${stops.story} with the story options, ${stops.translate} with the translation options`);
    console.log([...bySource].map(([k, n]) => `${k}: ${n}`).join("; "));
    for (const s of shown) console.log(`  ${s}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
