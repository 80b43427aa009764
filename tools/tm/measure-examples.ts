/**
 * How many translation-memory examples the examples mode should give (issue 12: its end-to-end speed is bound by
 * prompt evaluation on a CPU, and every example lengthens the prompt). For held-out segments whose best match is
 * >= 0.6 (the benchmark's own case choice, src/bench/tmStage.ts pickCases, `--per-band` per band), each language's
 * segments are translated plain, with the best 2 matches as examples (today's default), with the best 1, and with
 * 1 where the best match is >= 0.9 and 2 below ("adaptive"); greedy, one process, the conditions interleaved with a
 * rotating order, each after the same condition's request for the previous segment (PreviousRequests: the KV cache
 * as a user's next request finds it), the same generation path and drafter as the benchmark's examples mode. Prints per condition chrF
 * against the references, the median prompt length, and decode / end-to-end speed-ups against plain decoding of the
 * plain prompt (pooled, as the benchmark's report), per band and overall.
 *
 *   flock /tmp/polyspec-model.lock npx tsx tools/tm/measure-examples.ts [--langs de,fr,ja,ru,sk,zh] [--per-band 2] [--out F.jsonl]
 */
import fs from "node:fs";
import {parseArgs} from "node:util";
import {pickCases, PreviousRequests, timed, type Timed} from "../../src/bench/tmStage";
import {bandOf} from "../../src/bench/tmResults";
import {decodeSpeedup, e2eSpeedup} from "../../src/bench/tmReport";
import {chrF, median} from "../../src/core/stats";
import {translationPrompt} from "../../src/core/tasks";
import {BenchDrafters} from "../../src/bench/drafters";
import {cascadeOf, withMemory} from "../../src/engine/drafters";
import {Engine} from "../../src/engine/engine";
import {DEFAULT_TARGET} from "../../src/models/registry";
import {readCorpusPairs, TranslationMemory, translationRequest} from "../../src/tm";

const {values: v} = parseArgs({options: {langs: {type: "string"}, "per-band": {type: "string"}, out: {type: "string"}}});
const LANGS = (v.langs ?? "de,fr,ja,ru,sk,zh").split(",");
const PER_BAND = Number(v["per-band"] ?? 2);
const CONDS = ["plain", "ex2", "ex1", "adaptive"] as const;
type Cond = typeof CONDS[number];
interface Row { lang: string; band: string; score: number; ref: string; runs: Record<Cond, Timed["run"]> }

(async () => {
    const engine = await Engine.create({model: DEFAULT_TARGET});
    const bd = new BenchDrafters(engine.model);
    const rows: Row[] = [];
    let turn = 0;
    try {
        for (const lang of LANGS) {
            const memory = TranslationMemory.fromSegments({src: "en", tgt: lang}, []);
            memory.add((await readCorpusPairs(lang)).segments);
            await bd.mono(lang);
            const ngram = bd.drafter(bd.file(`mono|${lang}`));
            const cases = pickCases(lang, memory, PER_BAND).filter((c) => (c.score ?? 0) >= 0.6);
            const before = new PreviousRequests(lang);
            for (const [i, c] of cases.entries()) {
                const jobs: [Cond, () => Promise<Timed>][] = CONDS.map((cond) => [cond, () => {
                    if (cond === "plain") { const p = translationPrompt(c.src, lang); return timed(engine, p, undefined, "translate-plain", 256, before.next(cond, p)); }
                    const k = cond === "ex2" ? 2 : cond === "ex1" ? 1 : (c.score ?? 0) >= 0.9 ? 1 : 2;
                    const req = translationRequest(c.src, lang, engine.model, {memory, mode: "examples", k});
                    return timed(engine, req.prompt, withMemory(req.drafter, cascadeOf({ngram})), `${req.profile}:k${k}`, 256, before.next(cond, req.prompt));
                }]);
                const rot = turn++ % jobs.length;
                const order = [...jobs.slice(rot), ...jobs.slice(0, rot)];
                const runs = {} as Row["runs"];
                for (const [cond, job] of order) runs[cond] = (await job()).run;
                const row = {lang, band: bandOf(c.score), score: c.score!, ref: c.ref, runs};
                rows.push(row);
                if (v.out) fs.appendFileSync(v.out, JSON.stringify(row) + "\n");
                process.stderr.write(`\r${lang} ${i + 1}/${cases.length}   `);
            }
        }
    } finally {
        await engine.dispose();
    }
    process.stderr.write("\n");
    const report = (label: string, rs: Row[]) => {
        if (!rs.length) return;
        const base = rs.map((r) => r.runs.plain);
        const line = CONDS.map((cond) => {
            const xs = rs.map((r) => r.runs[cond]);
            const e2e = e2eSpeedup(xs, base), dec = decodeSpeedup(xs, base);
            return `${cond} chrF ${chrF(xs.map((r) => r.text), rs.map((r) => r.ref)).toFixed(1)} prompt ${median(xs.map((r) => r.promptTokens))} tok, decode ${dec.toFixed(2)}x, e2e ${e2e.toFixed(2)}x`;
        });
        console.log(`${label} (${rs.length} segments)\n  ${line.join("\n  ")}`);
    };
    report("all", rows);
    for (const band of ["0.5-0.7", "0.7-0.9", ">=0.9"]) report(`band ${band}`, rows.filter((r) => r.band === band));
    for (const lang of LANGS) report(lang, rows.filter((r) => r.lang === lang));
})().catch((e) => { console.error(e); process.exit(1); });
