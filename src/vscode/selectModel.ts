import * as vscode from "vscode";
import {listModels, resolveModel} from "../models";
import type {JobGate} from "./common/jobs";
import type {EngineHost} from "./engineHost";
import {busyMessage, refuseIfBusy} from "./generation";
import {errorMessage, type Log} from "./log";
import type {ModelDownloads} from "./modelDownloads";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";

type Item = vscode.QuickPickItem & {action: "default" | "file" | "hf"; name?: string};

/**
 * "Select Model...": a default model (fetched with progress and cancel if needed), a local GGUF file, or an hf:
 * URI (node-llama-cpp downloads it). The model is loaded before it becomes polyspec.model, so a file that does
 * not load is reported and the previous model stays. Resolves true when a model was selected and loaded.
 */
export async function selectModel(d: {session: EditorSession; engines: EngineHost; downloads: ModelDownloads; gate: JobGate; settings: SettingsService; log: Log}): Promise<boolean> {
    if (refuseIfBusy(d.session)) return false;
    const current = d.engines.modelSpec();
    const items: Item[] = [
        {label: vscode.l10n.t("Default models"), kind: vscode.QuickPickItemKind.Separator, action: "default"},
        ...listModels().filter((m) => m.role !== "draft").map((m): Item => ({
            label: `${m.fetched ? "$(check)" : "$(cloud-download)"} ${m.name}`,
            description: `${(m.size / 1e9).toFixed(2)} GB${m.name === current ? " · " + vscode.l10n.t("current") : ""}${m.fetched ? "" : " · " + vscode.l10n.t("download")}`,
            detail: m.description, action: "default", name: m.name,
        })),
        {label: vscode.l10n.t("Other"), kind: vscode.QuickPickItemKind.Separator, action: "file"},
        {label: "$(file) " + vscode.l10n.t("Local GGUF file..."), action: "file"},
        {label: "$(globe) " + vscode.l10n.t("Hugging Face model (hf: URI)..."), action: "hf", detail: vscode.l10n.t("e.g. hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M (downloaded by node-llama-cpp)")},
    ];
    const pick = await vscode.window.showQuickPick(items, {placeHolder: vscode.l10n.t("Model for Polyspec (current: {0})", d.engines.displayName(current)), matchOnDetail: true});
    if (!pick) return false;
    let spec: string | undefined;
    if (pick.action === "default") {
        if (!(await d.downloads.fetch(pick.name!))) return false;
        spec = pick.name!;
    } else if (pick.action === "file") {
        const files = await vscode.window.showOpenDialog({canSelectMany: false, filters: {GGUF: ["gguf"]}, openLabel: vscode.l10n.t("Use this model")});
        if (!files?.length) return false;
        try {
            spec = await resolveModel(files[0].fsPath); // checks the GGUF magic
        } catch (e) {
            void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec: {0}", errorMessage(e)));
            return false;
        }
    } else {
        spec = await vscode.window.showInputBox({prompt: vscode.l10n.t("Hugging Face model URI"), placeHolder: "hf:user/repo:Q4_K_M", ignoreFocusOut: true,
            validateInput: (v) => /^(hf|huggingface):[^/\s]+\/\S+$/i.test(v.trim()) ? undefined : vscode.l10n.t("Use the form hf:user/repo or hf:user/repo:quant")});
        spec = spec?.trim();
        if (!spec) return false;
    }
    const acquired = await d.gate.acquire(vscode.l10n.t("loading a model"), "command");
    if (!acquired.ok) { void vscode.window.showWarningMessage(busyMessage(acquired.running)); return false; }
    try {
        await d.engines.load(spec); // checks that it loads before it becomes the setting
        await d.settings.update("model", spec);
        d.log.info(`model selected: ${spec}`);
        void vscode.window.showInformationMessage(vscode.l10n.t("Polyspec: using {0}.", d.engines.displayName(spec)));
        return true;
    } catch (e) {
        d.log.error(`model ${spec}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not load the model: {0}", errorMessage(e)));
        return false;
    } finally {
        acquired.job.done();
    }
}
