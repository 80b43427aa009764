import os from "node:os";
import * as vscode from "vscode";
import type {Log} from "./log";
import {readSettings, resolvePaths, type ReadResult, type Settings} from "./common/settingsModel";

/**
 * Reads polyspec.* through settingsModel (validation, workspace trust) and tells listeners when it changes.
 * Problems and ignored workspace values are logged and shown once each.
 */
export class SettingsService implements vscode.Disposable {
    private result: ReadResult;
    private readonly emitter = new vscode.EventEmitter<{settings: Settings; changed: (key: string) => boolean}>();
    private readonly disposables: vscode.Disposable[] = [this.emitter];
    private shown = new Set<string>();
    readonly onDidChange = this.emitter.event;

    constructor(private readonly log: Log) {
        this.result = this.read();
        this.report();
        this.disposables.push(
            vscode.workspace.onDidChangeConfiguration((e) => {
                if (!e.affectsConfiguration("polyspec")) return;
                this.result = this.read();
                this.report();
                this.emitter.fire({settings: this.result.settings, changed: (k) => e.affectsConfiguration(`polyspec.${k}`)});
            }),
            vscode.workspace.onDidGrantWorkspaceTrust(() => {
                this.result = this.read();
                this.emitter.fire({settings: this.result.settings, changed: () => true});
            }),
        );
    }

    get current(): Settings { return this.result.settings; }

    /** Restricted values that came from an untrusted workspace and were ignored. */
    get ignored(): readonly string[] { return this.result.ignored; }

    private read(): ReadResult {
        const cfg = vscode.workspace.getConfiguration("polyspec");
        const r = readSettings((key) => cfg.inspect(key), vscode.workspace.isTrusted);
        const base = vscode.workspace.workspaceFolders?.[0]?.uri.scheme === "file" ? vscode.workspace.workspaceFolders[0].uri.fsPath : os.homedir();
        return {...r, settings: resolvePaths(r.settings, base, os.homedir())};
    }

    private report(): void {
        for (const p of this.result.problems) {
            this.log.warn(`setting: ${p}`);
            if (!this.shown.has(p)) { this.shown.add(p); void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: invalid setting: {0}", p)); }
        }
        for (const k of this.result.ignored) {
            const msg = vscode.l10n.t("Polyspec: this workspace is not trusted, so its value of {0} is ignored.", k);
            this.log.warn(msg);
            if (!this.shown.has(k)) { this.shown.add(k); void vscode.window.showInformationMessage(msg); }
        }
    }

    /** The user (global) value of polyspec.`key` as stored, before workspace values and path resolution. */
    userValue<T>(key: string): T | undefined {
        return vscode.workspace.getConfiguration("polyspec").inspect<T>(key)?.globalValue;
    }

    async update(key: string, value: unknown, target = vscode.ConfigurationTarget.Global): Promise<void> {
        await vscode.workspace.getConfiguration("polyspec").update(key, value, target);
    }

    dispose(): void { for (const d of this.disposables) d.dispose(); }
}
