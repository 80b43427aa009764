/**
 * The long fuzz run of the n-gram table loader (the short one is in `npm run test:unit`, test/unit/fuzz/).
 *
 *   npx tsx tools/fuzz/ngram.ts [--runs 1000000] [--seed 14] [--limit-ms 1000] [--file-every 64] [--json]
 *   npm run fuzz                       (the same with the defaults)
 *
 * Mutated inputs (test/fuzz/ngram.ts) go through the in-memory loader, the table and both drafting modes; every
 * `--file-every`-th also through the file loader (header first) with a tokenizer expectation. The run happens in a
 * worker thread; this process watches it: an input that runs past `--limit-ms` is a hang (the worker is stopped,
 * the input's run index is printed with a command that replays it). Prints inputs, successes, refusals (by kind),
 * crashes (with the first few inputs), hangs, the largest time one input took and the peak resident memory. Exits
 * 1 on any crash or hang.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {parseArgs} from "node:util";
import {Worker, isMainThread, parentPort, workerData} from "node:worker_threads";
import fc from "fast-check";
import * as ngram from "../../test/fuzz/ngram";
import {seedTables, planArb, materialize, checkNgramInput, checkNgramFile, describePlan} from "../../test/fuzz/ngram";
import {Tally} from "../../test/fuzz/outcome";

interface Job { runs: number; seed: number; limitMs: number; fileEvery: number; path?: string; pool: number }
interface Report { lookups: number; lookupHits: number; inputs: number; ok: number; refused: number; crashes: number; slow: number; maxMs: number; reasons: [string, number][]; firstCrashes: string[]; seconds: number }

if (isMainThread) void main();
else void work(workerData as Job & {beat: SharedArrayBuffer; t0: number});

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {
        runs: {type: "string", default: "1000000"}, seed: {type: "string", default: "14"}, "limit-ms": {type: "string", default: "1000"},
        "file-every": {type: "string", default: "64"}, path: {type: "string"}, pool: {type: "string", default: "64"}, json: {type: "boolean"},
        help: {type: "boolean", short: "h"},
    }});
    if (v.help) { console.log("usage: npx tsx tools/fuzz/ngram.ts [--runs N] [--seed S] [--limit-ms MS] [--file-every N] [--path RUN] [--json]"); return; }
    const job: Job = {runs: Number(v.runs), seed: Number(v.seed), limitMs: Number(v["limit-ms"]), fileEvery: Number(v["file-every"]), path: v.path, pool: Number(v.pool)};
    // beat[0]: index of the input being checked; beat[1]: when it started (ms since t0, plus 1; 0 = none running)
    const beat = new SharedArrayBuffer(8);
    const b = new Int32Array(beat);
    const t0 = Date.now();
    // the worker runs this same file through tsx's require hook
    const boot = `require(${JSON.stringify(require.resolve("tsx/cjs"))}); require(${JSON.stringify(__filename)});`;
    const worker = new Worker(boot, {eval: true, workerData: {...job, beat, t0}});
    let last = 0;
    const report = await new Promise<Report | {hang: number; ms: number}>((resolve, reject) => {
        const watch = setInterval(() => {
            const at = Atomics.load(b, 1), started = t0 + at - 1;
            const idx = Atomics.load(b, 0);
            if (at > 0 && Date.now() - started > job.limitMs + 2000) { // the limit, plus slack for a busy machine
                clearInterval(watch);
                void worker.terminate();
                resolve({hang: idx, ms: Date.now() - started});
            }
            if (!v.json && idx - last >= 50_000) { last = idx; process.stderr.write(`  ${idx} inputs, ${((Date.now() - t0) / 1000).toFixed(0)} s\n`); }
        }, 200);
        worker.on("message", (r: Report) => { clearInterval(watch); resolve(r); });
        worker.on("error", (e) => { clearInterval(watch); reject(e); });
    });
    const peakRssMiB = process.resourceUsage().maxRSS / 1024;
    if ("hang" in report) {
        console.log(`HANG: input ${report.hang} ran ${report.ms} ms (limit ${job.limitMs} ms); replay: npx tsx tools/fuzz/ngram.ts --seed ${job.seed} --path ${report.hang} --runs 1`);
        process.exitCode = 1;
        return;
    }
    const figures = {loader: "n-gram table (parseNgramFile, NgramTable, NgramDrafter; NgramTable.load every " + job.fileEvery + ")", seed: job.seed,
        inputs: report.inputs, loaded: report.ok, refused: report.refused, crashes: report.crashes, hangs: 0, overLimit: report.slow, limitMs: job.limitMs,
        maxMsPerInput: Number(report.maxMs.toFixed(2)), seconds: Number(report.seconds.toFixed(1)), peakRssMiB: Number(peakRssMiB.toFixed(0)),
        node: process.version, cpu: os.cpus()[0]?.model};
    if (v.json) console.log(JSON.stringify({...figures, refusals: Object.fromEntries(report.reasons), firstCrashes: report.firstCrashes}, null, 1));
    else {
        console.log(`n-gram loader fuzz (seed ${job.seed}): ${report.inputs} inputs in ${figures.seconds} s: ${report.ok} loaded, ${report.refused} refused, ` +
            `${report.crashes} crashes, 0 hangs, ${report.slow} over ${job.limitMs} ms; max ${figures.maxMsPerInput} ms per input; peak RSS ${figures.peakRssMiB} MiB`);
        console.log("refusals by kind:");
        for (const [r, n] of report.reasons) console.log(`  ${String(n).padStart(8)}  ${r}`);
        for (const c of report.firstCrashes) console.log(`CRASH: ${c}`);
    }
    if (report.crashes > 0 || report.slow > 0) process.exitCode = 1;
}

async function work(job: Job & {beat: SharedArrayBuffer; t0: number}): Promise<void> {
    const b = new Int32Array(job.beat);
    const pool = seedTables(job.pool);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-fuzz-"));
    const tally = new Tally(job.limitMs);
    const t0 = performance.now();
    let i = 0;
    try {
        fc.assert(fc.property(planArb(pool.length), (plan) => {
            Atomics.store(b, 0, i);
            Atomics.store(b, 1, Date.now() - job.t0 + 1);
            const bytes = materialize(plan, pool);
            tally.add(checkNgramInput(bytes), () => describePlan(plan));
            if (job.fileEvery > 0 && i % job.fileEvery === 0) tally.add(checkNgramFile(bytes, dir), () => `(file) ${describePlan(plan)}`);
            i++;
        }), {numRuns: job.runs, seed: job.seed, path: job.path, endOnFailure: true});
    } finally {
        fs.rmSync(dir, {recursive: true, force: true});
    }
    Atomics.store(b, 1, 0);
    const r: Report = {lookups: ngram.lookups, lookupHits: ngram.lookupHits, inputs: tally.inputs, ok: tally.ok, refused: tally.refused, crashes: tally.crashes, slow: tally.slow, maxMs: tally.maxMs,
        reasons: [...tally.reasons.entries()].sort((x, y) => y[1] - x[1]), firstCrashes: tally.firstCrashes, seconds: (performance.now() - t0) / 1000};
    parentPort!.postMessage(r);
}
