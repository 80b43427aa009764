import fs from "node:fs";
import path from "node:path";
import type {Signature} from "./signature";
import {signatureLine} from "./signature";
import type {SimResult} from "./sweep";
import {barChart, scatter, type Point} from "./svg";
import {markdownTable} from "./table";

/** A live cell as stored in the results file (metrics computed by src/core/stats when it was written). */
export interface LiveResult {
    kind: "live";
    task: string;
    lang: string;
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
}

export interface QualityResult { kind: "quality"; task: string; lang: string; model: string; chrF?: number; outputLanguageRate?: number; n: number }
export interface CostResult { kind: "cost"; model: string; ms: Record<number, number> }
export type ResultRecord = (SimResult | LiveResult | QualityResult | CostResult) & {signature?: Signature};

export function readResults(file: string): ResultRecord[] {
    return fs.readFileSync(file, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l) as ResultRecord);
}

const f = (x: number | undefined, d = 2) => x !== undefined && Number.isFinite(x) ? x.toFixed(d) : "-";
const pct = (x: number) => Number.isFinite(x) ? `${(x * 100).toFixed(0)}%` : "-";

/**
 * Writes REPORT.md with tables and SVG charts (speed-up by language and drafter; acceptance against drafting cost;
 * achieved against bound; simulated against live) and a standalone REPORT.html beside it. Returns the paths.
 */
export function writeReport(records: ResultRecord[], outDir: string, title = "Polyspec benchmark", name = "REPORT", intro = ""): {markdown: string; html: string} {
    fs.mkdirSync(outDir, {recursive: true});
    const sims = records.filter((r): r is SimResult => r.kind === "sim");
    const lives = records.filter((r): r is LiveResult & {signature?: Signature} => r.kind === "live");
    const quality = records.filter((r): r is QualityResult => r.kind === "quality");
    const costs = records.filter((r): r is CostResult => r.kind === "cost");
    const sig = records.find((r) => r.signature)?.signature;
    const charts: {name: string; svg: string}[] = [];
    const md: string[] = [`# ${title}`, "", sig ? `Signature: \`${signatureLine(sig)}\`` : "", "", ...(intro ? [intro, ""] : [])];

    for (const c of costs) {
        const ks = Object.keys(c.ms).map(Number).sort((a, b) => a - b);
        md.push(`## Cost curve (${c.model})`, "", "Time of one batched evaluation of n tokens, as a multiple of one decode step (" + f(c.ms[1], 1) + " ms):", "",
            markdownTable(["n", ...ks.map(String)], [["x step", ...ks.map((k) => f(c.ms[k] / c.ms[1]))]]), "");
    }

    // best simulated cell per task, language and drafter kind
    if (sims.length) {
        const best = new Map<string, SimResult>();
        for (const s of sims) {
            const k = `${s.task}|${s.lang}|${s.drafter}`;
            const b = best.get(k);
            if (!b || s.predictedSpeedup > b.predictedSpeedup) best.set(k, s);
        }
        const rows = [...best.values()].sort((a, b) => a.task.localeCompare(b.task) || a.lang.localeCompare(b.lang) || b.predictedSpeedup - a.predictedSpeedup);
        md.push("## Simulated (replay of the target's recorded greedy outputs), best k per drafter", "",
            markdownTable(["task", "lang", "drafter", "k", "accept", "accept by pos (1..4)", "tok/step", "draft ms/tok", "verify ms/step", "pred. speed-up", "bound", "of bound"],
                rows.map((s) => [s.task, s.lang, s.drafter, String(s.k), pct(s.acceptance), s.acceptanceByPosition.slice(0, 4).map(pct).join(" "), f(s.tokensPerStep),
                    f(s.draftMsPerToken, 4), f(s.verifyMsPerStep, 1), f(s.predictedSpeedup) + "x", f(s.bound) + "x", pct(s.boundFraction)])), "");
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
            markdownTable(["task", "lang", "drafter", "TTFT ms", "tok/s [min-max]", "accept", "tok/step", "speed-up [min-max]", "greedy ="],
                lives.map((l) => [l.task, l.lang, l.drafter, f(l.ttftMs, 0), `${f(l.tokensPerSecond, 1)} [${f(l.tokensPerSecondRange[0], 1)}-${f(l.tokensPerSecondRange[1], 1)}]`,
                    pct(l.acceptance), f(l.tokensPerStep), `${f(l.speedup)}x [${f(l.speedupRange[0])}-${f(l.speedupRange[1])}]`, l.greedy ?? (l.identical ? "yes" : "NO")])), "");
        const pairs: Point[] = [];
        for (const l of lives) {
            const s = sims.find((x) => l.simKey && `${x.drafter}|${x.k}` === l.simKey && x.task === l.task && x.lang === l.lang);
            if (s) pairs.push({x: s.predictedSpeedup, y: l.speedup, label: `${l.task} ${l.lang} ${l.drafter}`, series: l.drafter});
        }
        if (pairs.length) {
            charts.push({name: "simulated-vs-live", svg: scatter("Simulated against live speed-up", pairs, {xLabel: "simulated (x)", yLabel: "live (x)", diagonal: true})});
            md.push("Simulated against live (same cells):", "", markdownTable(["cell", "simulated", "live", "difference"],
                pairs.map((p) => [p.label, f(p.x) + "x", f(p.y) + "x", pct((p.y - p.x) / p.y)])), "");
        }
    }

    if (quality.length) {
        md.push("## Quality", "", markdownTable(["task", "lang", "model", "chrF", "output in the requested language", "n"],
            quality.map((q) => [q.task, q.lang, q.model, f(q.chrF, 1), q.outputLanguageRate === undefined ? "-" : pct(q.outputLanguageRate), String(q.n)])), "");
    }

    md.push("## Charts", "");
    for (const c of charts) {
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
