import type {Cancel} from "../core/errors";
import type {Engine} from "../engine/engine";
import type {BenchDrafters} from "./drafters";
import type {ResultRecord} from "./report";
import type {Signature} from "./signature";

/** What to run (the CLI parses it from flags). */
export interface BenchOptions {
    /** `overhead`: the step-overhead micro-benchmark (src/bench/overhead.ts), with live runs or alone (--overhead) */
    modes: {record: boolean; simulate: boolean; live: boolean; tm: boolean; overhead: boolean};
    /** translation-memory dimension: held-out segments per match band and language */
    tmPerBand: number;
    quick: boolean;
    model?: string;
    langs: string[];
    liveLangs: string[];
    sweepLangs: string[];
    translations: number;
    stories: number;
    /** live prompts per task and language */
    prompts: number;
    reps: number;
    maxTokens: number;
    /** 0: greedy live runs only */
    temperature: number;
    draftModel: boolean;
    peers: boolean;
    /** also the task-split and self-distilled tables live */
    liveAll: boolean;
    out?: string;
    reportDir?: string;
    /** Use the cost curve recorded in this results file (from an earlier run) instead of measuring one. */
    curveFrom?: string;
}

/** Progress of one stage (the CLI draws it as a progress bar). */
export interface Progress {
    update(done: number, total: number, note?: string): void;
    done(message?: string): void;
}

/** What the benchmark reports along the way: log lines, progress, the live table. */
export interface BenchUi {
    log(line: string): void;
    progress(label: string, total: number, unit: string): Progress;
    /** The live cells as a text table (the CLI prints it unless --json). */
    table(text: string): void;
}

/** Everything one run shares: the engine, its signature, where results go, and how they are written. */
export interface BenchRun {
    engine: Engine;
    o: BenchOptions;
    ui: BenchUi;
    cancel?: Cancel;
    sig: Signature;
    emit(r: ResultRecord): void;
    /** Greedy mismatches that are not near-ties, and replay disagreements: the run fails after writing its results. */
    mismatches: string[];
    /** Cleanup, in order, at the end of the run. */
    disposables: (() => Promise<void>)[];
    tables?: BenchDrafters;
    draftModelFile?: string;
}

export function skip(ui: Pick<BenchUi, "log">) {
    return (e: Error): never[] => { ui.log(`skipped: ${e.message}`); return []; };
}
