import * as crypto from "node:crypto";
import * as vscode from "vscode";
import {panelHtml} from "./common/panelHtml";
import {isFromWebview, type Strings, type ToWebview} from "./common/protocol";
import type {LiveStats} from "./liveStats";
import type {StatsService} from "./statsService";
import type {StatsView} from "./common/protocol";

/**
 * "Show Speculation Statistics": one webview panel. Strict Content-Security-Policy (nothing but media/ scripts
 * with a nonce and media/ styles; no remote content), typed messages both ways (protocol.ts), theme colours from
 * VS Code's CSS variables, live updates while a generation runs.
 */
export class StatsPanel implements vscode.Disposable {
    private panel?: vscode.WebviewPanel;
    private readonly subs: vscode.Disposable[] = [];
    constructor(private readonly extensionUri: vscode.Uri, stats: StatsService, live: LiveStats, private readonly view: () => StatsView,
        private readonly onReset: () => void) {
        this.subs.push(
            stats.onDidChange(() => this.post({type: "update", view: this.view()})),
            live.onDidChange((v) => this.post({type: "live", live: v})), // throttled by the stream itself
        );
    }

    get visible(): boolean { return !!this.panel?.visible; }

    show(): void {
        if (this.panel) { this.panel.reveal(vscode.ViewColumn.Beside); return; }
        const media = vscode.Uri.joinPath(this.extensionUri, "media");
        const panel = vscode.window.createWebviewPanel("polyspec.statistics", vscode.l10n.t("Polyspec Statistics"), vscode.ViewColumn.Beside, {
            enableScripts: true, localResourceRoots: [media], retainContextWhenHidden: false,
        });
        panel.iconPath = vscode.Uri.joinPath(media, "icon.png");
        panel.webview.html = this.html(panel.webview, media);
        panel.webview.onDidReceiveMessage((m: unknown) => {
            if (!isFromWebview(m)) return; // typed messages only
            switch (m.type) {
                case "ready": this.post({type: "init", strings: strings(), view: this.view()}); break;
                case "reset": this.onReset(); break;
                case "openSettings": void vscode.commands.executeCommand("workbench.action.openSettings", "polyspec"); break;
            }
        }, undefined, this.subs);
        panel.onDidDispose(() => { this.panel = undefined; }, undefined, this.subs);
        this.panel = panel;
    }

    private post(m: ToWebview): void {
        if (this.panel) void this.panel.webview.postMessage(m);
    }

    private html(webview: vscode.Webview, media: vscode.Uri): string {
        const src = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, f)).toString();
        return panelHtml({nonce: crypto.randomBytes(18).toString("base64"), cspSource: webview.cspSource, styleUri: src("stats.css"), scriptUri: src("stats.js"),
            lang: vscode.env.language, title: vscode.l10n.t("Polyspec Statistics")});
    }

    dispose(): void {
        this.panel?.dispose();
        for (const s of this.subs) s.dispose();
    }
}

function strings(): Strings {
    const t = vscode.l10n.t;
    return {
        title: t("Speculation statistics"), model: t("Model"), autoTuneOn: t("auto-tuning on"), autoTuneOff: t("auto-tuning off"),
        language: t("Language"), drafter: t("Drafter"), runs: t("Runs"), tokens: t("Tokens"), acceptance: t("Acceptance"),
        tokensPerStep: t("Tokens/step"), tokensPerSecond: t("Tokens/s"), speedup: t("Speed-up"), live: t("Generating now"), idle: t("Idle"),
        empty: t("No generations yet. Translate a selection or continue a story, and the numbers appear here."), reset: t("Reset"),
        chartSpeed: t("Tokens per second by language and drafter (line: plain decoding)"), chartAcceptance: t("Draft acceptance rate"),
        responsiveness: t("Extension host responsiveness (event-loop delay)"), generation: t("last generation"), training: t("last training"),
        p50: t("median"), p99: t("p99"), max: t("max"), none: t("not measured yet"), chosen: t("chosen by the router"),
        baselineHint: t("A speed-up is shown once this drafter and plain decoding (drafter none) of this model have each generated enough tokens for it to be more than noise; auto-tuning makes plain runs."),
        measuring: t("measuring… {0} of {1} tokens"), ofDrafts: t("of {0} drafts"),
        loops: t("Loops"), ofRuns: t("{0} of {1} runs"),
        loopsHint: t("Runs the loop guard stopped because the model started repeating itself (or the text it was given); the text before the repetition was kept."),
        memory: t("with the translation memory's drafter (Translate Selection with TM matches)"), withoutMemory: t("without TM: {0}"),
    };
}
