import {shapeProblem, type Shape} from "../core/shape";

/**
 * The fields the report reads from each kind of result record (src/bench/report.ts), as shapes (core/shape.ts).
 * Metrics may be null: JSON writes NaN (no drafts, no time) as null.
 */
const SIGNATURE: Shape = {obj: {
    model: "string", modelSha256: "string", drafterSha256: {opt: "string"}, polyspec: "string", nodeLlamaCpp: "string", threads: "number",
    gpu: {either: ["string", {literal: [false]}]}, cpu: "string", cores: "number", memoryGiB: "number", date: "string",
}};

const KINDS: Record<string, Shape> = {
    sim: {obj: {
        model: {opt: "string"}, task: "string", lang: "string", drafter: "string", k: {either: ["number", {literal: ["adaptive", "oracle"]}]},
        acceptance: "metric", acceptanceByPosition: {array: "metric"}, tokensPerStep: "metric", draftMsPerToken: "metric", verifyMsPerStep: "metric",
        tokensPerSecond: "metric", predictedSpeedup: "metric", bound: "metric", boundFraction: "metric",
    }},
    live: {obj: {
        task: "string", lang: "string", mode: {opt: "string"}, model: {opt: "string"}, drafter: "string", simKey: {opt: "string"},
        tokensPerSecond: "metric", tokensPerSecondRange: {tuple: ["metric", "metric"]}, speedup: "metric", speedupRange: {tuple: ["metric", "metric"]},
        acceptance: "metric", tokensPerStep: "metric", ttftMs: "metric", identical: "boolean", greedy: {opt: "string"}, reps: "count",
        simulated: {opt: {obj: {speedup: "metric", speedupProbed: {opt: "metric"}, acceptance: "metric"}}},
    }},
    quality: {obj: {task: "string", lang: "string", model: "string", chrF: {opt: "metric"}, outputLanguageRate: {opt: "metric"}, n: "count"}},
    cost: {obj: {model: "string", ms: {record: "metric"}, during: {opt: {literal: ["live", "runs"]}}, probes: {opt: "count"}, steps: {opt: "count"}}},
    overhead: {obj: {model: "string", tokens: "count", reps: "count", ms: {obj: Object.fromEntries(["nlc", "direct", "controlled", "engine"].map((k) => [k, {obj: {median: "metric", min: "metric", max: "metric"}}]))}}},
};

/** Why a parsed line is not a usable result record, or undefined. */
export function resultProblem(r: unknown): string | undefined {
    if (typeof r !== "object" || r === null || Array.isArray(r)) return `a record must be a JSON object (got ${JSON.stringify(r)?.slice(0, 40)})`;
    const kind = (r as {kind?: unknown}).kind;
    if (typeof kind !== "string") return "a record needs a \"kind\" (sim, live, quality or cost)";
    const shape = Object.hasOwn(KINDS, kind) ? KINDS[kind] : undefined; // "__proto__" is a kind too, to a lookup
    const p = (shape && shapeProblem(r, shape)) ?? shapeProblem((r as {signature?: unknown}).signature, {opt: SIGNATURE}, "signature");
    return p && `${kind} record: ${p}`;
}
