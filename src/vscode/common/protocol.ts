/**
 * The statistics webview's messages, both ways. Pure types plus a guard: the extension checks every message it
 * receives with `isFromWebview`; media/stats.js imports these types through JSDoc and is type-checked against
 * them (`tsc -p media`). Numbers are computed in the extension with src/core/stats.ts only: the webview draws.
 */

/** One language x drafter row of the table. NaN is sent as null (JSON has no NaN). */
export interface StatsRow {
    lang: string;
    /** "German (Deutsch)" */
    langLabel: string;
    drafter: string;
    runs: number;
    /** Runs the loop guard ended (the model started repeating itself), and their share of `runs`. */
    loops: number;
    loopShare: number | null;
    tokens: number;
    /** Draft tokens verified: the evidence behind acceptanceRate. */
    drafted: number;
    acceptanceRate: number | null;
    tokensPerStep: number | null;
    tokensPerSecond: number | null;
    /**
     * Against plain decoding of the same model (drafter "none"); null until both sides hold enough tokens for the
     * ratio to be more than noise (`measuring` then says how far along it is).
     */
    speedup: number | null;
    /** While the speed-up is not shown yet: the tokens the thinner side holds, and the tokens each side needs. */
    measuring: {have: number; need: number} | null;
    /** tokens/s of the most recent runs, oldest first (sparkline). */
    history: number[];
    /** The router's current choice for this language. */
    chosen: boolean;
    /** The row's runs had the translation memory's drafter ahead of this drafter (label "<drafter>+tm"). */
    usedMemory: boolean;
    /**
     * For a memory row: the same drafter's runs in this language without the memory (acceptance with the drafts
     * behind it), so the panel shows acceptance with and without it; null when there are none.
     */
    withoutMemory: {runs: number; acceptanceRate: number | null; drafted: number} | null;
}

/** Event-loop delay of the extension host during one job, in milliseconds. */
export interface LoopDelayView {
    job: string;
    p50: number;
    p99: number;
    max: number;
    mean: number;
    durationMs: number;
}

export interface LiveView {
    task: string;
    lang: string;
    drafter: string;
    tokens: number;
    /** Draft tokens verified so far: the evidence behind acceptanceRate. */
    drafted: number;
    tokensPerSecond: number | null;
    acceptanceRate: number | null;
    tokensPerStep: number | null;
    /** tokens/s after each step of the running generation (live chart). */
    series: number[];
}

export interface StatsView {
    model: string;
    autoTune: boolean;
    rows: StatsRow[];
    live: LiveView | null;
    loopDelay: {generation: LoopDelayView | null; training: LoopDelayView | null};
}

/** Localized UI strings, sent once. */
export type Strings = Record<
    "title" | "model" | "autoTuneOn" | "autoTuneOff" | "language" | "drafter" | "runs" | "tokens" | "acceptance" |
    "tokensPerStep" | "tokensPerSecond" | "speedup" | "live" | "idle" | "empty" | "reset" | "chartSpeed" |
    "chartAcceptance" | "responsiveness" | "generation" | "training" | "p50" | "p99" | "max" | "none" | "chosen" | "measuring" | "ofDrafts" |
    "baselineHint" | "loops" | "loopsHint" | "ofRuns" | "memory" | "withoutMemory",
    string
>;

export type ToWebview =
    | {type: "init"; strings: Strings; view: StatsView}
    | {type: "update"; view: StatsView}
    | {type: "live"; live: LiveView | null};

export type FromWebview =
    | {type: "ready"}
    | {type: "reset"}
    | {type: "openSettings"};

export function isFromWebview(x: unknown): x is FromWebview {
    if (typeof x !== "object" || x === null) return false;
    const t = (x as {type?: unknown}).type;
    return t === "ready" || t === "reset" || t === "openSettings";
}

/** JSON has no NaN or Infinity: send null instead. */
export const num = (x: number): number | null => Number.isFinite(x) ? x : null;
