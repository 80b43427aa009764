import * as vscode from "vscode";
import type {LoopDelay} from "./common/loopDelay";
import type {LiveView, LoopDelayView, StatsView} from "./common/protocol";
import {StatsStore, type RunRecord} from "./common/statsStore";

const KEY = "polyspec.statistics";

/**
 * The statistics the editor keeps: the persisted per-language/drafter store (one per model: switching models
 * starts a new one) and the event-loop delay of the last generation and training. Fires onDidChange for the panel.
 * (The running generation's numbers are a stream of their own: liveStats.ts.)
 */
export class StatsService implements vscode.Disposable {
    readonly store: StatsStore;
    private loop: {generation: LoopDelayView | null; training: LoopDelayView | null} = {generation: null, training: null};
    private readonly changed = new vscode.EventEmitter<void>();
    readonly onDidChange = this.changed.event;
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

    setLoopDelay(kind: "generation" | "training", job: string, d: LoopDelay): void {
        this.loop = {...this.loop, [kind]: {job, ...d}};
        this.changed.fire();
    }

    /** Something the view shows changed (e.g. the auto-tuning setting). */
    touch(): void { this.changed.fire(); }

    get loopDelay(): StatsView["loopDelay"] { return this.loop; }

    view(model: string, autoTune: boolean, chosen: (lang: string) => string | undefined, live: LiveView | null): StatsView {
        return {model, autoTune, rows: this.store.rows(chosen), live, loopDelay: this.loop};
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
    }
}
