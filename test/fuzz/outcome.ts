/**
 * What every fuzz harness checks about one input: the loader either succeeds (and what it returned passes the
 * harness's own checks) or throws a PolyspecError whose message is one line naming the file. Anything else (a
 * TypeError, a RangeError from a typed array, an out-of-memory error) is a crash. Each input is timed.
 */
import {PolyspecError} from "../../src/core/errors";

export type Outcome =
    | {kind: "ok"; ms: number}
    | {kind: "refused"; ms: number; message: string}
    | {kind: "crash"; ms: number; error: unknown; why: string};

/**
 * Runs `load` on one input. `name` must appear in a refusal's message; `check` (optional) runs on a success and
 * throws to report a broken result (it counts as a crash: the loader accepted something it cannot serve).
 */
export function outcome<T>(name: string, load: () => T, check?: (v: T) => void): Outcome {
    const t0 = performance.now();
    try {
        const v = load();
        check?.(v);
        return {kind: "ok", ms: performance.now() - t0};
    } catch (e) {
        return classify(name, e, performance.now() - t0);
    }
}

/** Async variant (loaders that read files through promises). */
export async function outcomeAsync<T>(name: string, load: () => Promise<T>, check?: (v: T) => void): Promise<Outcome> {
    const t0 = performance.now();
    try {
        const v = await load();
        check?.(v);
        return {kind: "ok", ms: performance.now() - t0};
    } catch (e) {
        return classify(name, e, performance.now() - t0);
    }
}

/** A thrown value as an outcome: a clear refusal (a one-line PolyspecError naming the file) or a crash. */
function classify(name: string, e: unknown, ms: number): Outcome {
    if (!(e instanceof PolyspecError)) return {kind: "crash", ms, error: e, why: `${(e as Error)?.name ?? typeof e}: ${(e as Error)?.message ?? String(e)}`};
    if (!e.message.includes(name)) return {kind: "crash", ms, error: e, why: `refusal does not name the file ${name}: ${e.message}`};
    if (e.message.includes("\n")) return {kind: "crash", ms, error: e, why: `refusal is not one line: ${JSON.stringify(e.message)}`};
    return {kind: "refused", ms, message: e.message};
}

/** Running figures of a fuzz run. */
export class Tally {
    inputs = 0;
    ok = 0;
    refused = 0;
    crashes = 0;
    /** Inputs over the per-input time limit. */
    slow = 0;
    maxMs = 0;
    /** The refusal messages' kinds (message with numbers and names stripped) and how often each came. */
    readonly reasons = new Map<string, number>();
    readonly firstCrashes: string[] = [];

    constructor(readonly limitMs: number) {}

    add(o: Outcome, describe: () => string): void {
        this.inputs++;
        if (o.ms > this.maxMs) this.maxMs = o.ms;
        if (o.ms > this.limitMs) this.slow++;
        if (o.kind === "ok") this.ok++;
        else if (o.kind === "refused") {
            this.refused++;
            const reason = o.message.replace(/it starts with .*\)/, "it starts with …)").replace(/^\S+ /, "").replace(/\/\S+/g, "FILE")
                .replace(/"[^"]*"/g, "\"…\"").replace(/\b(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/g, "HEX").replace(/\d+/g, "N");
            this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
        } else {
            this.crashes++;
            if (this.firstCrashes.length < 10) this.firstCrashes.push(`${o.why}\n    input: ${describe()}`);
        }
    }
}

/** Throws (for fc.assert) unless the outcome is a success or a clear refusal within the time limit. */
export function assertGood(o: Outcome, limitMs: number): void {
    if (o.kind === "crash") throw new Error(`crash: ${o.why}${o.error instanceof Error && o.error.stack ? `\n${o.error.stack}` : ""}`);
    if (o.ms > limitMs) throw new Error(`input took ${o.ms.toFixed(0)} ms (limit ${limitMs} ms)`);
}
