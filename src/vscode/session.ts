import * as vscode from "vscode";
import {summary, type StatsSnapshot} from "../core/stats";
import type {Sampling} from "../core/target";
import {repetitionOptions, type PromptSpec} from "../core/tasks";
import type {Drafter} from "../core/drafter";
import {withMemory} from "../engine/drafters";
import type {Engine, GenerateResult} from "../engine/engine";
import type {Job, JobGate, Priority} from "./common/jobs";
import {LoopDelayProbe, type LoopDelay} from "./common/loopDelay";
import {runLabel} from "./common/memoryUse";
import type {Route, Router} from "./common/router";
import type {Settings} from "./common/settingsModel";
import type {Task} from "./common/statsStore";
import type {DrafterCache} from "./drafterCache";
import type {EngineHost} from "./engineHost";
import type {LiveStats} from "./liveStats";
import {errorMessage, type Log} from "./log";
import type {SettingsService} from "./settings";
import type {StatsService} from "./statsService";
import type {StatusBar} from "./statusBar";

/** What a generation is for: the task and language, how it competes for the engine, and how to name it. */
export interface SessionRequest {
    task: Task;
    lang: string;
    /** "command": refuses while another command runs; "inline": never interrupts a command. */
    priority: Priority;
    /** Short name of the job, for "Polyspec is busy (...)". */
    label: string;
    /** When no model is available: offer one (commands) or just report it (inline suggestions). */
    interactive: boolean;
}

export type Opened = {ok: true; run: SessionRun} | {ok: false; busy?: string};

/**
 * The editor's one generation sequence, shared by Translate Selection, Continue Story and inline suggestions:
 * acquire the engine and the job gate -> route to a drafter -> generate (live numbers on the one live stream) ->
 * record the statistics -> finish (status bar, gate). `open` does the first two; the SessionRun it returns does
 * the rest, so a command can put its progress notification and its document writer around `generate`.
 */
export class EditorSession {
    constructor(private readonly engines: EngineHost, private readonly gate: JobGate, private readonly router: Router,
        private readonly drafters: DrafterCache, private readonly stats: StatsService, private readonly live: LiveStats,
        private readonly status: StatusBar, private readonly settings: SettingsService, private readonly log: Log) {}

    /** A command while another one runs is refused at once (before it asks anything): the running job's name. */
    busyWith(): string | undefined {
        const running = this.gate.running;
        return running?.priority === "command" ? running.label : undefined;
    }

    /** Acquires the engine (loading it first) and the job gate, and picks the drafter. */
    async open(r: SessionRequest): Promise<Opened> {
        const engine = r.interactive ? await this.engines.get(true)
            : this.engines.loaded ?? (this.engines.available(this.engines.modelSpec()) ? await this.engines.get(false) : undefined);
        if (!engine) return {ok: false};
        const acquired = await this.gate.acquire(r.label, r.priority);
        if (!acquired.ok) return {ok: false, busy: acquired.running};
        try {
            const {route, drafter} = await this.routeDrafter(engine, r.lang);
            this.log.info(`${r.task} -> ${r.lang}: drafter ${route.label} (${route.reason})`);
            this.stats.useModel(this.engines.displayName());
            this.status.dispatch({type: "start", job: r.task, lang: r.lang, drafter: route.label});
            this.live.start(r.task, r.lang, route.label);
            return {ok: true, run: new SessionRun(r, engine, acquired.job, route, drafter, this.settings.current, {
                update: (snap) => this.live.update(snap), finish: (label, result, error) => this.finish(r, label, result, error), log: this.log,
                relabel: (label) => { this.live.start(r.task, r.lang, label); this.status.dispatch({type: "progress", drafter: label}); }})};
        } catch (e) {
            acquired.job.done();
            throw e;
        }
    }

    /** The drafter for the language's route; one that cannot be built is reported and replaced by context lookup. */
    private async routeDrafter(engine: Engine, lang: string): Promise<{route: Route; drafter: Drafter | undefined}> {
        const route = this.router.choose(lang);
        try {
            return {route, drafter: await this.drafters.get(engine, route)};
        } catch (e) {
            const msg = errorMessage(e);
            this.log.warn(`drafter ${route.spec} for ${lang} unusable: ${msg}; using context lookup`);
            void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: drafter {0} cannot be used ({1}); using context lookup instead.", route.spec, msg));
            const fallback: Route = {lang, spec: "lookup", label: "lookup", reason: "default"};
            return {route: fallback, drafter: await this.drafters.get(engine, fallback)};
        }
    }

    /** A run's end: statistics (under the run's label), live stream, status bar. */
    private finish(r: SessionRequest, label: string, result: Pick<GenerateResult, "stats" | "finish"> | undefined, error?: unknown): void {
        if (result) this.stats.record({task: r.task, lang: r.lang, drafter: label, stats: result.stats, at: Date.now(), looped: result.finish === "repetition"});
        this.live.end();
        if (error !== undefined && r.priority === "command") this.status.dispatch({type: "fail", message: errorMessage(error)});
        else this.status.dispatch({type: "finish"});
    }
}

/** What a run reports to its session. */
interface RunHooks {
    update(s: StatsSnapshot): void;
    finish(label: string, result: Pick<GenerateResult, "stats" | "finish"> | undefined, error?: unknown): void;
    /** The run's drafter label changed before it generated (the memory's drafter joined the routed one). */
    relabel(label: string): void;
    log: Log;
}

/** What one generation asks for beyond the prompt. */
export interface GenerateRequest {
    maxTokens: number;
    stopWhen?: (text: string) => boolean;
    onText?: (delta: string) => void;
    /** A translation memory's drafter for this request: it leads the routed drafter (withMemory); label "+tm". */
    memory?: Drafter;
    /** The cost-aware policy's profile (default "<task>:<lang>"; a memory request has its own, src/tm/use.ts). */
    profile?: string;
}

/** One acquired generation: `generate` once, then `close` (always, also after an error). */
export class SessionRun {
    private result?: GenerateResult;
    private closed = false;
    /** The event-loop delay of the extension host while it generated. */
    loopDelay?: LoopDelay;
    /** The statistics label of the run: the route's, "+tm" when a memory drafter joined it. */
    label: string;

    constructor(readonly request: SessionRequest, readonly engine: Engine, readonly job: Job, readonly route: Route,
        private readonly drafter: Drafter | undefined, private readonly s: Settings, private readonly hooks: RunHooks) {
        this.label = route.label;
    }

    /** Cancels the generation (at its next step). */
    cancel(): void { this.job.cancel.cancel(); }

    async generate(prompt: PromptSpec, o: GenerateRequest): Promise<GenerateResult> {
        if (o.memory) {
            this.label = runLabel(this.route.label, true);
            this.hooks.relabel(this.label);
        }
        const probe = new LoopDelayProbe();
        try {
            this.result = await this.engine.generate(prompt, withMemory(o.memory, this.drafter), {
                maxTokens: o.maxTokens, k: this.s.k, adaptive: true, sampling: sampling(this.s), cancel: this.job.cancel, stopWhen: o.stopWhen,
                profile: o.profile ?? `${this.request.task === "inline" ? "story" : this.request.task}:${this.request.lang}`, repetition: repetitionOptions(this.request.task),
                onText: o.onText, onStats: (snap) => this.hooks.update(snap),
            });
        } finally {
            this.loopDelay = probe.stop();
        }
        const rep = this.result.repetition;
        this.hooks.log.info(`${this.request.task} [${this.label}] ${summary(this.result.stats)}${this.result.cancelled ? " (cancelled)" : ""}` +
            `${rep ? ` (loop guard: ${rep.echo ? "echo of the prompt" : `repetition at distance ${rep.distance}`}, ${rep.cut.length} tokens cut)` : ""}; event-loop p99 ${this.loopDelay.p99} ms`);
        return this.result;
    }

    /** Records the run's statistics (if it generated), ends the live numbers and the job. */
    close(error?: unknown): void {
        if (this.closed) return;
        this.closed = true;
        try {
            this.hooks.finish(this.label, this.result, error);
        } finally {
            this.job.done();
        }
    }
}

/** The sampling settings of a request: greedy at temperature 0, else a fresh seed. */
export function sampling(s: Settings): Sampling | undefined {
    return s.temperature > 0 ? {temperature: s.temperature, topK: 40, topP: 0.95, seed: Math.floor(Math.random() * 2 ** 31)} : undefined;
}
