// Issue 18's targets on recorded greedy outputs of the default model (the benchmark's and the priors' recordings:
// held-out inputs, no generation here): per language and task, the outputs, the share the loop guard stops, the
// share in the requested language and script (the guarded text, src/core/langid.ts), chrF of translations over all
// and over the non-looping outputs. Recordings are made with the prompt of their time: a language whose prompt
// changed (sr names its script now) is listed by prompt (a recording with another prompt is a separate key).
//   npx tsx tools/quality/rates.ts [--langs de,sk,...] [--split]   (--split: the benchmark's and the priors' recordings apart)
import {parseArgs} from "node:util";
import {guardedOutput, type Recording} from "../../src/bench/record";
import {createLanguageIdentifier, outputVerdict} from "../../src/core/langid";
import {chrF, loopShare} from "../../src/core/stats";
import {defaultModelPath} from "./model";
import {allRecordings, PRIORS, labelKey} from "./recordings";
import {ggufDetokenizer} from "./vocab";

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {langs: {type: "string"}, split: {type: "boolean"}}});
    const detok = await ggufDetokenizer(defaultModelPath());
    const id = createLanguageIdentifier();
    await id.ready();
    const want = v.langs?.split(",");
    const recs = allRecordings().filter((r) => !want || want.includes(r.lang));
    const groups = new Map<string, Recording[]>();
    for (const r of recs) {
        const k = `${r.lang}|${r.task}|${v.split ? (PRIORS.has(labelKey(r)) ? "priors" : "bench") : "all"}`;
        groups.set(k, [...groups.get(k) ?? [], r]);
    }
    const pct = (x: number) => Number.isFinite(x) ? `${(100 * x).toFixed(0)}%` : "-";
    console.log("lang     task       n   loops (guard)   in language+script   other script   other language   chrF   chrF non-looping   (bench + priors recordings)");
    let all = {n: 0, loops: 0, ok: 0, known: 0};
    for (const [k, rs] of [...groups].sort()) {
        const [lang, task, source] = k.split("|");
        const g = rs.map((r) => ({r, ...guardedOutput(r, detok)}));
        const verdicts = g.map((x) => outputVerdict(lang, id.supports(lang) ? id.identify(x.text) : undefined).kind);
        const c = (kind: string) => verdicts.filter((x) => x === kind).length;
        const known = rs.length - c("unknown");
        const refs = g.filter((x) => x.r.reference);
        const score = (xs: typeof g) => xs.length ? chrF(xs.map((x) => x.text), xs.map((x) => x.r.reference!)).toFixed(1) : "-";
        const loops = g.filter((x) => x.looped).length;
        all = {n: all.n + rs.length, loops: all.loops + loops, ok: all.ok + c("ok"), known: all.known + known};
        console.log(`${lang.padEnd(9)}${(v.split ? `${task} ${source}` : task).padEnd(v.split ? 18 : 10)}${String(rs.length).padStart(3)}   ${`${pct(loopShare(loops, rs.length))} (${loops})`.padEnd(16)}${`${pct(c("ok") / known)} (${c("ok")}/${known})`.padEnd(21)}${String(c("script")).padEnd(15)}${String(c("language")).padEnd(17)}${score(refs).padEnd(7)}${score(refs.filter((x) => !x.looped))}` +
            `   [${rs.filter((r) => PRIORS.has(labelKey(r))).length} priors]`);
    }
    console.log(`all: ${all.n} outputs, loops ${pct(all.loops / all.n)}, in the requested language and script ${pct(all.ok / all.known)} of ${all.known} identifiable`);
}

main().catch((e) => { console.error(e); process.exit(1); });
