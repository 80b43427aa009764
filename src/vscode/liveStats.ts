import * as vscode from "vscode";
import {acceptanceRate, tokensPerSecondSoFar, tokensPerStep, type StatsSnapshot} from "../core/stats";
import {num, type LiveView} from "./common/protocol";

/** At most this often (ms) a running generation's numbers go out: a few updates a second are enough for eyes. */
const THROTTLE_MS = 150;
const LIVE_POINTS = 120;

/**
 * The running generation's live numbers: ONE stream with one throttle. The status bar, the statistics panel and
 * the progress notification subscribe to it; every number comes from src/core/stats.ts. A generation's start and
 * end go out at once; updates in between at most every THROTTLE_MS (the last one is never dropped).
 */
export class LiveStats implements vscode.Disposable {
    private view: LiveView | null = null;
    private lastSent = 0;
    private timer?: NodeJS.Timeout;
    private readonly emitter = new vscode.EventEmitter<LiveView | null>();
    readonly onDidChange = this.emitter.event;

    get current(): LiveView | null { return this.view; }

    start(task: string, lang: string, drafter: string): void {
        this.view = {task, lang, drafter, tokens: 0, drafted: 0, tokensPerSecond: null, acceptanceRate: null, tokensPerStep: null, series: []};
        this.send();
    }

    update(s: StatsSnapshot): void {
        if (!this.view) return;
        const tps = num(tokensPerSecondSoFar(s));
        this.view = {...this.view, tokens: s.tokens, drafted: s.drafted, tokensPerSecond: tps, acceptanceRate: num(acceptanceRate(s)), tokensPerStep: num(tokensPerStep(s)),
            series: [...this.view.series, tps ?? 0].slice(-LIVE_POINTS)};
        const wait = this.lastSent + THROTTLE_MS - performance.now();
        if (wait <= 0) this.send();
        else this.timer ??= setTimeout(() => this.send(), wait);
    }

    end(): void {
        this.view = null;
        this.send();
    }

    private send(): void {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.lastSent = performance.now();
        this.emitter.fire(this.view);
    }

    dispose(): void {
        clearTimeout(this.timer);
        this.emitter.dispose();
    }
}
