import * as vscode from "vscode";
import {INITIAL, present, transition, type StatusEvent, type StatusState} from "./common/statusState";

/**
 * The status bar items, driven by the pure state machine in statusState.ts:
 *  - the main item (state + compact readout while generating; click: statistics),
 *  - a Cancel item shown while a command runs,
 *  - the inline-suggestion toggle.
 */
export class StatusBar implements vscode.Disposable {
    private state: StatusState = INITIAL;
    private readonly main: vscode.StatusBarItem;
    private readonly cancel: vscode.StatusBarItem;
    private readonly inline: vscode.StatusBarItem;
    private readonly listeners: ((s: StatusState) => void)[] = [];

    constructor() {
        this.main = vscode.window.createStatusBarItem("polyspec.status", vscode.StatusBarAlignment.Right, 100);
        this.main.name = "Polyspec";
        this.cancel = vscode.window.createStatusBarItem("polyspec.cancel", vscode.StatusBarAlignment.Right, 99);
        this.cancel.name = vscode.l10n.t("Polyspec: Cancel");
        this.cancel.text = "$(stop-circle)";
        this.cancel.tooltip = vscode.l10n.t("Cancel the running Polyspec job");
        this.cancel.command = "polyspec.cancel";
        this.cancel.accessibilityInformation = {label: vscode.l10n.t("Cancel the running Polyspec job")};
        this.inline = vscode.window.createStatusBarItem("polyspec.inline", vscode.StatusBarAlignment.Right, 98);
        this.inline.name = vscode.l10n.t("Polyspec: Inline Suggestions");
        this.inline.command = "polyspec.toggleInline";
        this.render();
        this.main.show();
    }

    get current(): StatusState { return this.state; }

    onDidChange(l: (s: StatusState) => void): void { this.listeners.push(l); }

    dispatch(e: StatusEvent): void {
        const next = transition(this.state, e);
        if (next === this.state) return;
        this.state = next;
        this.render();
        for (const l of this.listeners) l(next);
    }

    setInline(enabled: boolean, visible: boolean): void {
        this.inline.text = enabled ? "$(lightbulb-sparkle) " + vscode.l10n.t("Inline") : "$(circle-slash) " + vscode.l10n.t("Inline");
        this.inline.tooltip = enabled ? vscode.l10n.t("Polyspec inline story suggestions are on. Click to turn them off.") : vscode.l10n.t("Polyspec inline story suggestions are off. Click to turn them on.");
        this.inline.accessibilityInformation = {label: enabled ? "Polyspec inline on" : "Polyspec inline off"};
        if (visible) this.inline.show(); else this.inline.hide();
    }

    private render(): void {
        const v = present(this.state, vscode.l10n.t);
        this.main.text = v.text;
        this.main.tooltip = v.tooltip;
        this.main.command = v.command;
        // the accessible label carries the state kind: screen readers hear it, end-to-end tests wait on it
        this.main.accessibilityInformation = {label: `Polyspec ${this.state.kind}: ${v.tooltip.split("\n")[0]}`};
        this.main.backgroundColor = v.severity === "error" ? new vscode.ThemeColor("statusBarItem.errorBackground")
            : v.severity === "warning" ? new vscode.ThemeColor("statusBarItem.warningBackground") : undefined;
        if (v.cancellable) this.cancel.show(); else this.cancel.hide();
    }

    dispose(): void {
        this.main.dispose();
        this.cancel.dispose();
        this.inline.dispose();
    }
}
