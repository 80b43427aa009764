import * as vscode from "vscode";
import {acceptanceRate, tokensPerSecondSoFar, tokensPerStep, type StatsSnapshot} from "../core/stats";
import type {LoopDelay} from "./loopDelay";
import {num, type LiveView, type LoopDelayView, type StatsView} from "./protocol";
import {StatsStore, type RunRecord, type Task} from "./statsStore";

const KEY = "polyspec.statistics";
const LIVE_POINTS = 120;

/**
 * The statistics the editor shows: the persisted per-language/drafter store (one per model: switching models
 * starts a new one), the running generation's live numbers, and the event-loop delay of the last generation and
 * training. Fires onDidChange (everything) and onLive (the running generation) for the panel.
 */
export class StatsService implements vscode.Disposable {
    readonly store: StatsStore;
    private live: LiveView | null = null;
    private loop: {generation: LoopDelayView | null; training: LoopDelayView | null} = {generation: null, training: null};
    private readonly changed = new vscode.EventEmitter<void>();
    private readonly liveChanged = new vscode.EventEmitter<LiveView | null>();
    readonly onDidChange = this.changed.event;
    readonly onLive = this.liveChanged.event;
    private saveTimer?: NodeJS.Timeout;

    constructor(private readonly memento: vscode.Memento) {
        this.store = StatsStore.fromJSON(memento.get(KEY));
    }

    useModel(model: string): void {
        if (this.store.model === model) return;
        this.store.clear();
        this.store.model = model;
        this.save();
        this.changed.fire();
    }

    record(r: RunRecord): void {
        this.store.record(r);
        this.save();
        this.changed.fire();
    }

    /** Live numbers of a running generation. */
    progress(task: Task, lang: string, drafter: string, s: StatsSnapshot): {tokensPerSecond: number; acceptance: number} {
        const tps = tokensPerSecondSoFar(s);
        const series = this.live && this.live.task === task && this.live.lang === lang && this.live.drafter === drafter ? this.live.series : [];
        this.live = {task, lang, drafter, tokens: s.tokens, tokensPerSecond: num(tps), acceptanceRate: num(acceptanceRate(s)), tokensPerStep: num(tokensPerStep(s)),
            series: [...series, num(tps) ?? 0].slice(-LIVE_POINTS)};
        this.liveChanged.fire(this.live);
        return {tokensPerSecond: tps, acceptance: acceptanceRate(s)};
    }

    startLive(task: Task, lang: string, drafter: string): void {
        this.live = {task, lang, drafter, tokens: 0, tokensPerSecond: null, acceptanceRate: null, tokensPerStep: null, series: []};
        this.liveChanged.fire(this.live);
    }

    endLive(): void {
        this.live = null;
        this.liveChanged.fire(null);
    }

    get liveView(): LiveView | null { return this.live; }

    setLoopDelay(kind: "generation" | "training", job: string, d: LoopDelay): void {
        this.loop = {...this.loop, [kind]: {job, ...d}};
        this.changed.fire();
    }

    /** Something the view shows changed (e.g. the auto-tuning setting). */
    touch(): void { this.changed.fire(); }

    get loopDelay(): StatsView["loopDelay"] { return this.loop; }

    view(model: string, autoTune: boolean, chosen: (lang: string) => string | undefined): StatsView {
        return {model, autoTune, rows: this.store.rows(chosen), live: this.live, loopDelay: this.loop};
    }

    reset(): void {
        this.store.clear();
        this.save();
        this.changed.fire();
    }

    private save(): void {
        clearTimeout(this.saveTimer);
        this.saveTimer = setTimeout(() => void this.memento.update(KEY, this.store.toJSON()), 500);
    }

    dispose(): void {
        clearTimeout(this.saveTimer);
        void this.memento.update(KEY, this.store.toJSON());
        this.changed.dispose();
        this.liveChanged.dispose();
    }
}
