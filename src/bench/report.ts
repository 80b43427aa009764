import fs from "node:fs";
import path from "node:path";
import type {Signature} from "./signature";
import {signatureLine} from "./signature";
import type {SimResult} from "./sweep";
import {tmSection} from "./tmReport";
import {overheadSection, type OverheadResult} from "./overhead";
import type {TmCaseResult, TmRevisionResult} from "./tmResults";
import {loopShare} from "../core/stats";
import {barChart, scatter, type Point} from "./svg";
import {markdownTable} from "./table";
import {GPU_PROFILES} from "./gpu-curves";
import {CostCurve} from "../core/policy";
import {leviathanBound, median} from "../core/stats";
import {PolyspecError} from "../core/errors";
import {resultProblem} from "./resultShape";
import {oneLine} from "../core/shape";

/** A live cell as stored in the results file (metrics computed by src/core/stats when it was written). */
export interface LiveResult {
    kind: "live";
    task: string;
    lang: string;
    /** "greedy" or "T=<temperature>" (absent in older results: greedy) */
    mode?: string;
    /** target model file (absent in older results) */
    model?: string;
    drafter: string;
    /** the simulation cell it corresponds to (drafter id and k), for simulated-vs-live */
    simKey?: string;
    tokensPerSecond: number;
    tokensPerSecondRange: [number, number];
    speedup: number;
    speedupRange: [number, number];
    acceptance: number;
    tokensPerStep: number;
    ttftMs: number;
    identical: boolean;
    /** "yes", "yes, n near-ties (gap <= g)" or "NO" (see divergence.ts) */
    greedy?: string;
    reps: number;
    /**
     * the replay of exactly this cell's live runs (their own outputs, in order; src/bench/replay.ts), timed with the
     * batch costs met in the live runs (`speedup`) and with the curve probed between them (`speedupProbed`)
     */
    simulated?: {speedup: number; speedupProbed?: number; acceptance: number};
    /** Plain decoding's runs of the cell (cases x repetitions) and how many of them the loop guard stopped. */
    looping?: {runs: number; of: number};
    /** The speed-up over the runs whose plain output the loop guard did not stop (median over repetitions, range). */
    nonLooping?: {runs: number; speedup: number; speedupRange: [number, number]};
}

export interface QualityResult {
    kind: "quality"; task: string; lang: string; model: string;
    /** chrF of the outputs as the guarded engine returns them (cut where a repetition began), against the references. */
    chrF?: number;
    /** chrF over the outputs the loop guard did not stop only. */
    chrFNonLooping?: number;
    outputLanguageRate?: number;
    /** Share of the outputs written in the requested script (languages written in more than one). */
    outputScriptRate?: number;
    /** Outputs the loop guard stopped (src/core/stats.ts loopShare = loops / n); absent in older results. */
    loops?: number;
    n: number;
}
export interface CostResult {
    kind: "cost";
    model: string;
    ms: Record<number, number>;
    /**
     * "live": the median of the probes timed between the live runs, n = 1..9; "runs": the mean time of each batch
     * size in the greedy live runs themselves (pooled over runners and cells; `steps` steps), the replay's time model
     */
    during?: "live" | "runs";
    probes?: number;
    steps?: number;
}
export type ResultRecord = (SimResult | LiveResult | QualityResult | CostResult | TmCaseResult | TmRevisionResult | OverheadResult) & {signature?: Signature};

/**
 * The records of a results file (one JSON object a line). A line that is not JSON, or a record of a known kind with
 * a field of the wrong type, is refused with a one-line PolyspecError naming the file and the line: the report
 * would otherwise fail later on that field. Records of other kinds are kept (and ignored by the report).
 */
export function readResults(file: string): ResultRecord[] {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (e) {
        const err = e as NodeJS.ErrnoException;
        throw new PolyspecError(err.code === "ENOENT" ? `results file not found: ${file}` : `cannot read results ${file}: ${err.message}`);
    }
    const out: ResultRecord[] = [];
    text.split("\n").forEach((l, i) => {
        if (!l.trim()) return;
        let r: unknown;
        try {
            r = JSON.parse(l);
        } catch (e) {
            throw new PolyspecError(`${file} line ${i + 1} is not a JSON record (${oneLine((e as Error).message)}): is it a benchmark results file (bench --out)?`);
        }
        const problem = resultProblem(r);
        if (problem) throw new PolyspecError(`${file} line ${i + 1}: ${problem}`);
        out.push(r as ResultRecord);
    });
    return out;
}


const f = (x: number | undefined, d = 2) => x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "-";
const pct = (x: number) => Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "-";
/** The loop share with its evidence: "25% (4/16)". */
const loops = (looping: number | undefined, of: number | undefined) => looping === undefined || !of ? "-" : `${pct(loopShare(looping, of))} (${looping}/${of})`;
/** A speed-up over the outputs the loop guard let through, with how many there were. */
const clean = (s: SimResult) => s.nonLooping ? `${f(s.nonLooping.predictedSpeedup)}x (${s.nonLooping.outputs})` : "-";

/**
 * Writes REPORT.md with tables and SVG charts (speed-up by language and drafter; acceptance against drafting cost;
 * achieved against bound; simulated against live) and a standalone REPORT.html beside it. Returns the paths.
 */
export function writeReport(records: ResultRecord[], outDir: string, title = "Polyspec benchmark", name = "REPORT", intro = ""): {markdown: string; html: string} {
    fs.mkdirSync(outDir, {recursive: true});
    const sims = records.filter((r): r is SimResult => r.kind === "sim" && !r.projection);
    const projected = records.filter((r): r is SimResult => r.kind === "sim" && !!r.projection);
    const lives = records.filter((r): r is LiveResult & {signature?: Signature} => r.kind === "live");
    const quality = records.filter((r): r is QualityResult => r.kind === "quality");
    // one cost curve per model (several results files of one model carry the same cached curve)
    const allCosts = records.filter((r): r is CostResult => r.kind === "cost");
    const costs = allCosts.filter((c) => !c.during).filter((c, i, all) => all.findIndex((x) => x.model === c.model) === i);
    const sig = records.find((r) => r.signature)?.signature;
    // several target models (e.g. Q4_K_M and its Q4_0 requantization) in one report: label rows with the model
    const models = new Set(costs.map((c) => c.model));
    const label = (drafter: string, model?: string) => models.size > 1 && model ? `${drafter} [${shortModel(model)}]` : drafter;
    const charts: {name: string; svg: string}[] = [];
    const md: string[] = [`# ${title}`, "", sig ? `Signature: \`${signatureLine(sig)}\`` : "", "", ...(intro ? [intro, ""] : [])];

    for (const c of costs) {
        const ks = Object.keys(c.ms).map(Number).sort((a, b) => a - b);
        const live = allCosts.find((x) => x.during === "live" && x.model === c.model);
        const runs = allCosts.find((x) => x.during === "runs" && x.model === c.model);
        const row = (name: string, ms: Record<number, number>) => [name, ...ks.map((k) => ms[k] ? f(ms[k] / ms[1]) : "")];
        md.push(`## Cost curve (${c.model})`, "", "Time of one batched evaluation of n tokens, as a multiple of one decode step (" + f(c.ms[1], 1) + " ms), measured before the live runs" +
            (live ? `; "probed": timed between the live runs (median of ${live.probes} probes; step ${f(live.ms[1], 1)} ms)` : "") +
            (runs ? `; "in the runs": the mean of each batch size in the greedy live runs (${runs.steps} steps; step ${f(runs.ms[1], 1)} ms), the time model of their replay` : "") + ":", "",
            markdownTable(["n", ...ks.map(String)], [row("x step", c.ms), ...(live ? [row("probed", live.ms)] : []), ...(runs ? [row("in the runs", runs.ms)] : [])]), "");
    }

    // best simulated cell per task, language and drafter kind
    if (sims.length) {
        const best = new Map<string, SimResult>();
        const cellKey = (s: SimResult) => `${s.task}|${s.lang}|${s.drafter}|${s.model}`;
        const oracle = new Map(sims.filter((s) => s.k === "oracle").map((s) => [cellKey(s), s.predictedSpeedup]));
        const adaptive = new Map(sims.filter((s) => s.k === "adaptive").map((s) => [cellKey(s), s.predictedSpeedup]));
        for (const s of sims) {
            if (s.k === "oracle") continue; // an upper bound, not a configuration: its own column
            const k = cellKey(s);
            const b = best.get(k);
            if (!b || s.predictedSpeedup > b.predictedSpeedup) best.set(k, s);
        }
        const rows = [...best.values()].map((s) => ({...s, drafter: label(s.drafter, s.model), oracle: oracle.get(cellKey(s)), adaptive: adaptive.get(cellKey(s))})).sort((a, b) => a.task.localeCompare(b.task) || a.lang.localeCompare(b.lang) || b.predictedSpeedup - a.predictedSpeedup);
        // the headline: per task and language, the winning configuration, the cost-aware cascade and the oracle
        const cells = [...new Set(rows.map((r) => `${r.task}|${r.lang}|${r.model}`))];
        md.push("## Summary: the best drafter per task and language (simulated)", "",
            "Best = the highest predicted speed-up over every drafter and fixed k or the cost-aware policy; \"of bound\" = its share of the Leviathan bound for its acceptance and k; 1.00x means plain decoding is best. " +
            "Every replay runs the loop guard, as the engine does; \"loops\" = the outputs it stopped, \"non-looping\" = the best drafter's speed-up over the other outputs only (their number in brackets): a loop is easy to draft, so the speed-up over every output flatters.", "",
            markdownTable(["task", "lang", "best drafter", "k", "accept", "speed-up", "non-looping", "loops", "of bound", "cascade cost-aware", "cascade oracle", "lookup oracle"],
                cells.map((cell) => {
                    const rs = rows.filter((r) => `${r.task}|${r.lang}|${r.model}` === cell);
                    const top = rs.reduce((a, b) => b.predictedSpeedup > a.predictedSpeedup ? b : a);
                    const cascade = rs.find((r) => r.drafter.startsWith("cascade"));
                    const lookup = rs.find((r) => r.drafter.startsWith("lookup"));
                    return [top.task, top.lang, top.drafter, String(top.k), pct(top.acceptance), f(top.predictedSpeedup) + "x", clean(top), loops(top.looping, top.outputs), pct(top.boundFraction),
                        cascade?.adaptive === undefined ? "-" : f(cascade.adaptive) + "x", cascade?.oracle === undefined ? "-" : f(cascade.oracle) + "x",
                        lookup?.oracle === undefined ? "-" : f(lookup.oracle) + "x"];
                })), "");
        md.push("## Simulated (replay of the target's recorded greedy outputs), best k per drafter", "",
            "\"cost-aware\": the engine's policy (k chosen per step); \"oracle\": a policy that knows the target's next tokens and verifies exactly what will be accepted where the cost curve says it pays: the most any policy can get from that drafter on this machine.", "",
            markdownTable(["task", "lang", "drafter", "k", "accept", "accept by pos (1..4)", "tok/step", "draft ms/tok", "verify ms/step", "pred. speed-up", "non-looping", "bound", "of bound", "cost-aware", "oracle"],
                rows.map((s) => [s.task, s.lang, s.drafter, String(s.k), pct(s.acceptance), s.acceptanceByPosition.slice(0, 4).map(pct).join(" "), f(s.tokensPerStep),
                    f(s.draftMsPerToken, 4), f(s.verifyMsPerStep, 1), f(s.predictedSpeedup) + "x", clean(s), f(s.bound) + "x", pct(s.boundFraction),
                    s.adaptive === undefined ? "-" : f(s.adaptive) + "x", s.oracle === undefined ? "-" : f(s.oracle) + "x"])), "");
        const tasks = [...new Set(rows.map((r) => r.task))];
        for (const task of tasks) {
            const rs = rows.filter((r) => r.task === task);
            const drafters = [...new Set(rs.map((r) => r.drafter))];
            const langs = [...new Set(rs.map((r) => r.lang))];
            charts.push({name: `speedup-${task}`, svg: barChart(`Predicted speed-up by language and drafter (${task})`, drafters,
                langs.map((l) => ({label: l, values: drafters.map((d) => rs.find((r) => r.lang === l && r.drafter === d)?.predictedSpeedup)})), {yLabel: "speed-up (x)", refLine: 1})});
        }
        charts.push({name: "acceptance-vs-cost", svg: scatter("Acceptance against drafting cost", rows.filter((r) => r.draftMsPerToken > 0).map((r): Point =>
            ({x: r.draftMsPerToken * 1000, y: r.acceptance, label: `${r.task} ${r.lang} ${r.drafter}`, series: r.drafter})), {xLabel: "drafting µs per token (log)", yLabel: "acceptance", logX: true})});
        charts.push({name: "achieved-vs-bound", svg: scatter("Achieved (predicted) speed-up against the Leviathan bound", rows.map((r): Point =>
            ({x: r.bound, y: r.predictedSpeedup, label: `${r.task} ${r.lang} ${r.drafter}`, series: r.drafter})), {xLabel: "bound (x)", yLabel: "speed-up (x)", diagonal: true})});
    }

    if (lives.length) {
        md.push("## Live (real generation path, interleaved, medians over repetitions)", "",
            "The loop guard is on, as in the product. \"loops\": plain decoding's runs of the cell that it stopped; \"non-looping\": the speed-up over the runs of the other cases only.", "",
            markdownTable(["task", "lang", "mode", "drafter", "TTFT ms", "tok/s [min-max]", "accept", "tok/step", "speed-up [min-max]", "non-looping [min-max]", "loops", "greedy ="],
                lives.map((l) => [l.task, l.lang, l.mode ?? "greedy", label(l.drafter, l.model), f(l.ttftMs, 0), `${f(l.tokensPerSecond, 1)} [${f(l.tokensPerSecondRange[0], 1)}-${f(l.tokensPerSecondRange[1], 1)}]`,
                    pct(l.acceptance), f(l.tokensPerStep), `${f(l.speedup)}x [${f(l.speedupRange[0])}-${f(l.speedupRange[1])}]`,
                    l.nonLooping ? `${f(l.nonLooping.speedup)}x [${f(l.nonLooping.speedupRange[0])}-${f(l.nonLooping.speedupRange[1])}]` : "-", loops(l.looping?.runs, l.looping?.of),
                    l.greedy ?? (l.identical ? "yes" : "NO")])), "");
        const pairs: (Point & {simAccept: number; liveAccept: number; same: boolean; probed?: number})[] = [];
        for (const l of lives) {
            if ((l.mode ?? "greedy") !== "greedy") continue; // the simulation replays greedy outputs
            // prefer the replay of the live runs themselves; else the cell's simulation over all recorded inputs
            const s = l.simulated ?? (() => {
                const x = sims.find((x) => l.simKey && `${x.drafter}|${x.k}` === l.simKey && x.task === l.task && x.lang === l.lang && x.model === l.model);
                return x && {speedup: x.predictedSpeedup, acceptance: x.acceptance};
            })();
            if (s) pairs.push({x: s.speedup, y: l.speedup, label: `${l.task} ${l.lang} ${label(l.drafter, l.model)}`, series: l.drafter,
                simAccept: s.acceptance, liveAccept: l.acceptance, same: !!l.simulated, probed: l.simulated?.speedupProbed});
        }
        if (pairs.length) {
            charts.push({name: "simulated-vs-live", svg: scatter("Simulated against live speed-up", pairs, {xLabel: "simulated (x)", yLabel: "live (x)", diagonal: true})});
            const within = (xs: number[], ys: number[]) => xs.filter((x, i) => Math.abs(ys[i] - x) <= 0.1 * ys[i]).length;
            const probed = pairs.filter((p) => p.probed !== undefined);
            md.push("Simulated against live (same cells). \"live outputs\": the simulation replayed the live runs' own outputs in the order they ran, with the " +
                "same fixed cost curve, so its acceptance must equal the live one exactly (the benchmark fails otherwise) and the speed-ups differ only " +
                "by the time model and the machine's noise. \"sim.\" times each replayed step with the batch costs the live runs met (pooled over all runners " +
                "and cells), \"sim. (probed)\" with the curve probed between the runs; \"all recorded\": the cell's simulation over every recorded input. " +
                `Within 10% of live: ${within(pairs.map((p) => p.x), pairs.map((p) => p.y))} of ${pairs.length}` +
                (probed.length ? `; with the probed curve ${within(probed.map((p) => p.probed!), probed.map((p) => p.y))} of ${probed.length}.` : "."), "",
                markdownTable(["cell", "replayed", "accept sim.", "accept live", "speed-up sim.", "sim. (probed)", "speed-up live", "difference", "difference (probed)"],
                    pairs.map((p) => [p.label, p.same ? "live outputs" : "all recorded", pct(p.simAccept), pct(p.liveAccept), f(p.x) + "x", p.probed === undefined ? "-" : f(p.probed) + "x",
                        f(p.y) + "x", pct((p.y - p.x) / p.y), p.probed === undefined ? "-" : pct((p.y - p.probed) / p.y)])), "");
        }
    }

    if (models.size > 1) md.push(...formatSection(costs, quality, sims, lives), "");

    if (quality.length) {
        md.push("## Quality", "", "Outputs as the guarded engine returns them (cut where a repetition began). \"loops\": the outputs the loop guard stopped; " +
            "\"chrF non-looping\": chrF over the others only; \"in the requested script\": for languages written in more than one script.", "",
            markdownTable(["task", "lang", "model", "chrF", "chrF non-looping", "loops", "output in the requested language", "in the requested script", "n"],
                quality.map((q) => [q.task, q.lang, q.model, f(q.chrF, 1), f(q.chrFNonLooping, 1), loops(q.loops, q.n), q.outputLanguageRate === undefined ? "-" : pct(q.outputLanguageRate),
                    q.outputScriptRate === undefined ? "-" : pct(q.outputScriptRate), String(q.n)])), "");
    }

    md.push(...overheadSection(records.filter((r): r is OverheadResult => r.kind === "overhead")));
    md.push(...projectionSection(projected, sims, lives));

    const tm = tmSection(records.filter((r): r is (TmCaseResult | TmRevisionResult) & {signature?: Signature} => r.kind === "tm" || r.kind === "tm-revision"));
    md.push(...tm.md);
    charts.push(...tm.charts);

    md.push("## Charts", "");
    for (const c of charts) {
        c.name = c.name.replace(/[^\w.-]+/g, "_"); // a task name from the results file must not pick the path
        fs.mkdirSync(path.join(outDir, `${name}-charts`), {recursive: true});
        fs.writeFileSync(path.join(outDir, `${name}-charts`, `${c.name}.svg`), c.svg);
        md.push(`![${c.name}](${name}-charts/${c.name}.svg)`, "");
    }
    const markdown = path.join(outDir, `${name}.md`);
    fs.writeFileSync(markdown, md.join("\n"));
    const html = path.join(outDir, `${name}.html`);
    fs.writeFileSync(html, toHtml(title, md.join("\n"), charts));
    return {markdown, html};
}

/** A standalone page: the tables rendered from the Markdown, the SVGs inline; no scripts, no remote content. */
function toHtml(title: string, md: string, charts: {name: string; svg: string}[]): string {
    const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
    const out: string[] = [];
    const lines = md.split("\n");
    for (let i = 0; i < lines.length; i++) {
        const l = lines[i];
        if (l.startsWith("# ")) out.push(`<h1>${esc(l.slice(2))}</h1>`);
        else if (l.startsWith("## ")) out.push(`<h2>${esc(l.slice(3))}</h2>`);
        else if (l.startsWith("|")) {
            const rows: string[][] = [];
            for (; i < lines.length && lines[i].startsWith("|"); i++) if (!/^\|\s*---/.test(lines[i])) rows.push(lines[i].slice(1, -1).split("|").map((c) => c.trim()));
            i--;
            out.push(`<table><thead><tr>${rows[0].map((c) => `<th>${esc(c)}</th>`).join("")}</tr></thead><tbody>${rows.slice(1).map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`).join("")}</tbody></table>`);
        } else if (l.startsWith("![")) {
            const name = /\((.*)\.svg\)/.exec(l)?.[1];
            const c = charts.find((x) => x.name === name);
            if (c) out.push(`<figure>${c.svg}</figure>`);
        } else if (l.trim()) out.push(`<p>${esc(l).replace(/`([^`]+)`/g, "<code>$1</code>")}</p>`);
    }
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;max-width:1200px;margin:2em auto;padding:0 1em}table{border-collapse:collapse;margin:1em 0;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}th{background:#f3f3f3}td:first-child,td:nth-child(2),td:nth-child(3){text-align:left}figure{margin:1em 0}</style></head><body>
${out.join("\n")}
</body></html>`;
}

const shortModel = (m: string) => /q4_0/i.test(m) ? "Q4_0" : /q4_k_m/i.test(m) ? "Q4_K_M" : m.replace(/\.gguf$/, "");

/**
 * The target format as a dimension: the same model in several quantizations side by side: decode step and batch
 * costs, plain decoding speed, the cost-aware cascade's simulated speed-up, and quality (chrF of translations,
 * output-language rate), so the numbers decide the default.
 */
function formatSection(costs: CostResult[], quality: QualityResult[], sims: SimResult[], lives: LiveResult[]): string[] {
    const mean = (a: number[]) => { const v = a.filter(Number.isFinite); return v.length ? v.reduce((x, y) => x + y, 0) / v.length : NaN; };
    // compare on the same cells: the (task, language) pairs every format has, and the live cells every format ran
    const models = [...new Set(costs.map((c) => c.model))];
    const common = <T extends {task: string; lang: string; model?: string}>(xs: T[]) => {
        const key = (x: T) => `${x.task}|${x.lang}`;
        const keep = new Set([...new Set(xs.map(key))].filter((k) => models.every((m) => xs.some((x) => x.model === m && key(x) === k))));
        return xs.filter((x) => keep.has(key(x)));
    };
    const qualityC = common(quality), cascadeC = common(sims.filter((s) => s.k === "adaptive" && s.drafter === "cascade"));
    const livesC = common(lives.filter((l) => (l.mode ?? "greedy") === "greedy" && (l.drafter === "none" || l.drafter === "cascade")));
    const rows = costs.map((c) => {
        const q = qualityC.filter((x) => x.model === c.model);
        const plain = livesC.filter((l) => l.model === c.model && l.drafter === "none");
        const cascade = cascadeC.filter((s) => s.model === c.model);
        const liveCascade = livesC.filter((l) => l.model === c.model && l.drafter === "cascade");
        return [shortModel(c.model), f(c.ms[1], 1), [2, 4, 8].map((n) => f(c.ms[n] / c.ms[1])).join(" / "),
            plain.length ? f(mean(plain.map((l) => l.tokensPerSecond)), 1) : f(1000 / c.ms[1], 1) + " (1/step)",
            f(mean(cascade.map((s) => s.predictedSpeedup))) + "x", cascade.some((s) => s.nonLooping) ? f(mean(cascade.map((s) => s.nonLooping?.predictedSpeedup ?? NaN))) + "x" : "-", liveCascade.length ? f(mean(liveCascade.map((l) => l.speedup))) + "x" : "-",
            f(mean(q.filter((x) => x.task === "translate").map((x) => x.chrF ?? NaN)), 1),
            pct(mean(q.map((x) => x.outputLanguageRate ?? NaN))), String(new Set(q.map((x) => x.lang)).size)];
    });
    return ["## Target format", "", "The same target in each quantization, measured in the same way on the same machine (means over the task and language cells that every format has):", "",
        markdownTable(["format", "step ms", "batch 2 / 4 / 8 (x step)", "plain tok/s", "cascade cost-aware (sim.)", "cascade non-looping (sim.)", "cascade (live)", "chrF (translate)", "output in requested language", "languages"], rows)];
}

/**
 * The GPU projection: the CPU recordings replayed on published GPU cost curves (src/bench/gpu-curves.ts, each with
 * its source), per profile and task the median over languages of each drafter's best speed-up, and the draft model
 * projected analytically from its live acceptance. Labelled a projection: nothing here ran on a GPU.
 */
function projectionSection(projected: SimResult[], cpu: SimResult[], lives: LiveResult[]): string[] {
    if (!projected.length) return [];
    const md: string[] = ["## GPU projection (simulated on published GPU cost curves, not measured)", "",
        "The same recorded outputs and drafters as the CPU simulation above, with verification timed by published llama.cpp batch costs on GPUs instead of this machine's (the profiles and their sources below). " +
        "Acceptance is what the drafters achieve on these outputs; drafting time is the CPU-measured time of the table drafters (microseconds). Per task: the median over languages of each drafter's best speed-up (fixed k or cost-aware).", ""];
    const drafters = ["lookup", "ngram-mono", "cascade"];
    const best = (rs: SimResult[], task: string, d: string) => median([...new Set(rs.filter((r) => r.task === task).map((r) => r.lang))]
        .map((l) => Math.max(...rs.filter((r) => r.task === task && r.lang === l && r.drafter === d && r.k !== "oracle").map((r) => r.predictedSpeedup))));
    const rows: string[][] = [];
    for (const task of ["translate", "story"]) {
        const times = (x: number) => Number.isFinite(x) ? `${f(x)}x` : "-";
        rows.push([`CPU (this machine, measured curve)`, task, ...drafters.map((d) => times(best(cpu, task, d)))]);
        for (const p of GPU_PROFILES) rows.push([`${p.label}${p.kind === "assumed" ? " (assumed)" : ""}`, task, ...drafters.map((d) => times(best(projected.filter((r) => r.projection === p.id), task, d)))]);
    }
    md.push(markdownTable(["curve", "task", ...drafters.map((d) => `${d} (median best)`)], rows), "");
    // the seed paper's claim: corpus n-gram drafts win where drafting is nearly free
    const wins = GPU_PROFILES.map((p) => {
        const rs = projected.filter((r) => r.projection === p.id);
        const n = best(rs, "translate", "ngram-mono"), l = best(rs, "translate", "lookup");
        return `${p.id}: n-gram ${f(n)}x vs lookup ${f(l)}x on translation`;
    });
    md.push(`Does the corpus n-gram drafter win where drafting is nearly free? ${wins.join("; ")}.`, "");
    const dm = lives.filter((l) => l.drafter.startsWith("draft-model") && (l.mode ?? "greedy") === "greedy");
    const withDraft = GPU_PROFILES.filter((p) => p.draft);
    if (dm.length && withDraft.length) {
        md.push("Draft model, projected analytically from its live acceptance a: the best k of E[tokens](a, k) / (batch(k + 1) + k x draft cost), both in target decode steps:", "",
            markdownTable(["cell", "live acceptance", ...withDraft.map((p) => `${p.id} (draft ${p.draft!.ratio} step)`)],
                dm.map((l) => [`${l.task} ${l.lang}`, pct(l.acceptance), ...withDraft.map((p) => {
                    const c = new CostCurve(p.ratio, 16, false);
                    return f(Math.max(...Array.from({length: 8}, (_, i) => leviathanBound(l.acceptance, i + 1, 1, c.at(i + 2), p.draft!.ratio)))) + "x";
                })])), "");
    }
    md.push("Profiles:", "", ...GPU_PROFILES.map((p) => `- ${p.label} (${p.kind}): ${p.source.measured}. Source: ${p.source.url}.${p.note ? ` ${p.note}` : ""}${p.draft ? ` Draft: ${p.draft.what} (${p.draft.source.url}).` : ""}`), "");
    return md;
}
