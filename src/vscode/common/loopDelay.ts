import {monitorEventLoopDelay, type IntervalHistogram} from "node:perf_hooks";

/**
 * How responsive the extension host stayed during a job: perf_hooks' event-loop delay histogram, sampled every
 * RESOLUTION_MS while the job runs. A delay of d ms means a timer (a keystroke's handler, a UI request) waited d ms
 * longer than asked. No vscode here: unit-testable.
 */
export interface LoopDelay {
    p50: number;
    p99: number;
    max: number;
    mean: number;
    /** How long the probe ran. */
    durationMs: number;
}

const RESOLUTION_MS = 10;
/** The histogram records each sampling interval (ns); the delay is what exceeds the resolution (ms, 2 decimals). */
const ms = (ns: number) => Math.max(0, Math.round(ns / 1e4) / 100 - RESOLUTION_MS);

export class LoopDelayProbe {
    private h: IntervalHistogram;
    private t0 = performance.now();

    constructor() {
        this.h = monitorEventLoopDelay({resolution: RESOLUTION_MS});
        this.h.enable();
    }

    /** Stops sampling and returns the delays in milliseconds. */
    stop(): LoopDelay {
        this.h.disable();
        const durationMs = performance.now() - this.t0;
        if (this.h.count === 0) return {p50: 0, p99: 0, max: 0, mean: 0, durationMs};
        const r = (x: number) => Math.round(x * 100) / 100;
        return {p50: r(ms(this.h.percentile(50))), p99: r(ms(this.h.percentile(99))), max: r(ms(this.h.max)), mean: r(ms(this.h.mean)), durationMs: Math.round(durationMs)};
    }
}

export function formatLoopDelay(job: string, d: LoopDelay): string {
    return `event-loop delay during ${job} (${(d.durationMs / 1000).toFixed(1)} s): p50 ${d.p50.toFixed(1)} ms, p99 ${d.p99.toFixed(1)} ms, max ${d.max.toFixed(1)} ms`;
}
