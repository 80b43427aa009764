import {acceptanceRate, median, tokensPerStep} from "../core/stats";
import type {CellSummary} from "./live";

const f = (x: number, d = 2) => Number.isFinite(x) ? x.toFixed(d) : "-";
const range = (a: number[], d = 2) => {
    const s = a.filter(Number.isFinite);
    return s.length ? `${f(median(s), d)} [${f(Math.min(...s), d)}-${f(Math.max(...s), d)}]` : "-";
};

export const TABLE_HEADER = ["task", "lang", "mode", "drafter", "TTFT ms", "tok/s (median [min-max])", "accept", "tok/step", "speed-up (median [min-max])", "non-looping", "greedy ="];

/**
 * Rows of the live table, metrics from src/core/stats only. `clean(c)`: the same cell over the cases whose plain
 * output the loop guard did not stop.
 */
export function tableRows(cells: CellSummary[], clean: (c: CellSummary) => CellSummary | undefined = () => undefined): string[][] {
    return cells.map((c) => [c.task, c.lang, c.mode, c.runner, f(median(c.ttftMs), 0), range(c.tps, 1),
        Number.isNaN(acceptanceRate(c.stats)) ? "-" : `${(acceptanceRate(c.stats) * 100).toFixed(0)}%`,
        c.runner.startsWith("nlc-") ? "-" : f(tokensPerStep(c.stats)), range(c.speedups), range(clean(c)?.speedups ?? []), greedyCell(c)]);
}

/**
 * "yes" (token-identical), "yes, n near-ties (gap <= g)" (quantized rounding at near-tied candidates), or "NO";
 * "sampled" in the sampling mode (not compared: losslessness under sampling is a statistical test, not a benchmark).
 */
export function greedyCell(c: Pick<CellSummary, "identical" | "nearTies" | "maxGap"> & {mode?: string}): string {
    if (c.mode && c.mode !== "greedy") return "sampled";
    if (!c.identical) return "NO";
    return c.nearTies ? `yes, ${c.nearTies} near-tie${c.nearTies > 1 ? "s" : ""} (gap <= ${c.maxGap.toFixed(3)})` : "yes";
}

/** A plain-text table for the terminal. */
export function textTable(header: string[], rows: string[][]): string {
    const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const line = (r: string[]) => r.map((x, i) => x.padEnd(w[i])).join("  ");
    return [line(header), w.map((n) => "-".repeat(n)).join("  "), ...rows.map(line)].join("\n");
}

/** A Markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
    return [`| ${header.join(" | ")} |`, `| ${header.map(() => "---").join(" | ")} |`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
}

