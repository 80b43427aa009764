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
import {readRecordings, type Recording} from "../../src/bench/record";
import {DEFAULT_REPETITION, findRepetition, type RepetitionOptions} from "../../src/core/repetition";
import {cacheRoot} from "../../src/corpus";
import {defaultModelPath} from "./model";
import {ggufDetokenizer} from "./vocab";

export type Label = "loop" | "ok";
export const labelKey = (r: Pick<Recording, "task" | "lang" | "id" | "maxTokens">) => `${r.task}|${r.lang}|${r.id}|${r.maxTokens}`;

/** Every recording of the default model (benchmark and priors), one per key (the latest). */
export function allRecordings(): Recording[] {
    const dir = path.join(cacheRoot(), "bench");
    const files = fs.readdirSync(dir).filter((f) => /^(priors-)?record-[0-9a-f]{12}\.jsonl$/.test(f)).map((f) => path.join(dir, f));
    const by = new Map<string, Recording>();
    for (const f of files) for (const r of readRecordings(f)) by.set(labelKey(r), r);
    return [...by.values()];
}

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {dump: {type: "string"}, labels: {type: "string"}, grid: {type: "boolean"}}});
    const detok = await ggufDetokenizer(defaultModelPath());
    const recs = allRecordings();
    if (v.dump) {
        const out = recs.map((r) => `## ${labelKey(r)}\nIN: ${r.input.replace(/\n/g, "⏎")}\nOUT: ${detok(r.output).replace(/\n/g, "⏎")}\n`);
        fs.writeFileSync(v.dump, out.join("\n"));
        console.log(`${recs.length} outputs -> ${v.dump}`);
        return;
    }
    const labels: Record<string, Label> = JSON.parse(fs.readFileSync(v.labels ?? path.join(import.meta.dirname, "loop-labels.json"), "utf8")).labels;
    const labelled = recs.filter((r) => labels[labelKey(r)]);
    console.log(`${recs.length} recorded outputs, ${labelled.length} labelled (${labelled.filter((r) => labels[labelKey(r)] === "loop").length} loops)`);
    const score = (o: Partial<RepetitionOptions>, rs: Recording[]) => {
        let tp = 0, fp = 0, fn = 0, tn = 0;
        for (const r of rs) {
            const hit = !!findRepetition(r.output, r.prompt, o);
            const loop = labels[labelKey(r)] === "loop";
            if (hit && loop) tp++; else if (hit) fp++; else if (loop) fn++; else tn++;
        }
        return {tp, fp, fn, tn, precision: tp / (tp + fp), recall: tp / (tp + fn)};
    };
    const line = (name: string, s: ReturnType<typeof score>) =>
        `${name.padEnd(48)} precision ${(100 * s.precision).toFixed(1)}% (${s.tp}/${s.tp + s.fp})  recall ${(100 * s.recall).toFixed(1)}% (${s.tp}/${s.tp + s.fn})  tn ${s.tn}`;
    if (v.grid) {
        for (const minTokens of [8, 10, 12, 16, 20, 24, 32]) for (const minRepeats of [0.5, 1, 1.5, 2]) for (const echoTokens of [0, 8, 12, 16, 24]) {
            const o = {minTokens, minRepeats, echoTokens};
            console.log(line(JSON.stringify(o), score(o, labelled)));
        }
        return;
    }
    const o = DEFAULT_REPETITION;
    console.log(`defaults ${JSON.stringify(o)}`);
    for (const task of ["translate", "story"]) console.log(line(`  ${task}`, score(o, labelled.filter((r) => r.task === task))));
    console.log(line("  all", score(o, labelled)));
    for (const r of labelled) {
        const rep = findRepetition(r.output, r.prompt, o);
        const loop = labels[labelKey(r)] === "loop";
        if (!!rep === loop) continue;
        const text = rep ? `${detok(r.output.slice(0, rep.start))}⟦${detok(r.output.slice(rep.start, rep.at + 1))}⟧${detok(r.output.slice(rep.at + 1))}` : detok(r.output);
        console.log(`\n${rep ? "FALSE POSITIVE" : "MISSED"} ${labelKey(r)}${rep ? ` (distance ${rep.distance}${rep.echo ? ", echo" : ""})` : ""}\n  ${text.replace(/\n/g, "⏎")}`);
    }
    console.log("\nloop share (all recorded outputs, defaults):");
    const groups = new Map<string, Recording[]>();
    for (const r of recs) groups.set(`${r.task} ${r.lang}`, [...(groups.get(`${r.task} ${r.lang}`) ?? []), r]);
    for (const [g, rs] of [...groups].sort()) {
        const n = rs.filter((r) => findRepetition(r.output, r.prompt, o)).length;
        console.log(`  ${g.padEnd(14)} ${n}/${rs.length} (${(100 * n / rs.length).toFixed(0)}%)`);
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
