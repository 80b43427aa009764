import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {detectVram} from "../engine/vram";
import {isFetched, listModels, modelsDir, resolveModel} from "../models";
import {catalogOptions, draftersAfterPick, type CatalogOption, type GpuMemory} from "./common/catalogPick";
import type {JobGate} from "./common/jobs";
import type {EngineHost} from "./engineHost";
import {busyMessage, refuseIfBusy} from "./generation";
import {errorMessage, type Log} from "./log";
import type {ModelDownloads} from "./modelDownloads";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";

type Item = vscode.QuickPickItem & {action: "default" | "catalog" | "file" | "hf"; name?: string; option?: CatalogOption};

/**
 * "Select Model...": a default model (fetched with progress and cancel if needed), a pair of the GPU catalog
 * (target and same-tokenizer draft, marked by what fits the detected GPU memory; one that does not fit asks first),
 * a local GGUF file, or an hf: URI (node-llama-cpp downloads it). The model is loaded before it becomes
 * polyspec.model, so a file that does not load is reported and the previous model stays; a catalog pair's draft then
 * becomes polyspec.drafters["*"]. Resolves true when a model was selected and loaded.
 */
export async function selectModel(d: {session: EditorSession; engines: EngineHost; downloads: ModelDownloads; gate: JobGate; settings: SettingsService; log: Log}): Promise<boolean> {
    if (refuseIfBusy(d.session)) return false;
    const current = d.engines.modelSpec();
    const items = async (): Promise<Item[]> => [
        {label: vscode.l10n.t("Default models"), kind: vscode.QuickPickItemKind.Separator, action: "default"},
        ...listModels().filter((m) => m.role !== "draft").map((m): Item => ({
            label: `${m.fetched ? "$(check)" : "$(cloud-download)"} ${m.name}`,
            description: `${(m.size / 1e9).toFixed(2)} GB${m.name === current ? " · " + vscode.l10n.t("current") : ""}${m.fetched ? "" : " · " + vscode.l10n.t("download")}`,
            detail: m.description, action: "default", name: m.name,
        })),
        {label: vscode.l10n.t("GPU catalog (download)"), kind: vscode.QuickPickItemKind.Separator, action: "catalog"},
        ...await catalogItems(d.settings.current.gpu, current, d.log),
        {label: vscode.l10n.t("Other"), kind: vscode.QuickPickItemKind.Separator, action: "file"},
        {label: "$(file) " + vscode.l10n.t("Local GGUF file..."), action: "file"},
        {label: "$(globe) " + vscode.l10n.t("Hugging Face model (hf: URI)..."), action: "hf", detail: vscode.l10n.t("e.g. hf:bartowski/Qwen2.5-1.5B-Instruct-GGUF:Q4_K_M (downloaded by node-llama-cpp)")},
    ];
    // the picker opens at once and shows its busy bar while node-llama-cpp reports the GPU memory
    const pick = await vscode.window.showQuickPick(items(), {placeHolder: vscode.l10n.t("Model for Polyspec (current: {0})", d.engines.displayName(current)), matchOnDetail: true});
    if (!pick) return false;
    let spec: string | undefined;
    let drafter: string | undefined;
    if (pick.action === "default") {
        if (!(await d.downloads.fetch(pick.name!))) return false;
        spec = pick.name!;
    } else if (pick.action === "catalog") {
        const o = pick.option!;
        const anyway = vscode.l10n.t("Download Anyway");
        if (o.confirm && (await vscode.window.showWarningMessage(o.confirm, {modal: true}, anyway)) !== anyway) return false;
        if (!(await d.downloads.fetchCatalog(o.id, d.engines.displayName(current)))) return false;
        spec = o.model;
        drafter = o.drafter;
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
        const before = d.settings.userValue<Record<string, string>>("drafters");
        const drafters = draftersAfterPick(before, drafter);
        if (drafters) await d.settings.update("drafters", drafters);
        d.log.info(`model selected: ${spec}${drafters ? `; polyspec.drafters: ${JSON.stringify(drafters)}` : ""}`);
        const name = d.engines.displayName(spec);
        void vscode.window.showInformationMessage(
            drafter ? vscode.l10n.t("Polyspec: using {0}, drafted by {1} in every language (polyspec.drafters \"*\").", name, drafter.replace(/^model:/, ""))
                : drafters ? vscode.l10n.t("Polyspec: using {0}. The catalog draft model {1} was removed from polyspec.drafters: it drafts only for its catalog models.", name, before!["*"].replace(/^model:/, ""))
                    : vscode.l10n.t("Polyspec: using {0}.", name));
        return true;
    } catch (e) {
        d.log.error(`model ${spec}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not load the model: {0}", errorMessage(e)));
        return false;
    } finally {
        acquired.job.done();
    }
}

/** The GPU catalog's items for the detected GPU memory (polyspec.gpu's backend); a failed detection is said, not hidden. */
async function catalogItems(gpu: Parameters<typeof detectVram>[0], current: string, log: Log): Promise<Item[]> {
    const memory: GpuMemory = await detectVram(gpu).catch((e: unknown) => {
        log.warn(`reading the GPU memory for the catalog: ${errorMessage(e)}`);
        return {error: errorMessage(e).split("\n")[0]};
    });
    const cached = (p: {registry: string} | {file: string}) => "registry" in p ? isFetched(p.registry) : fs.existsSync(path.join(modelsDir(), p.file));
    return catalogOptions(memory, {t: vscode.l10n.t, cached, current}).map((o): Item => ({
        label: o.label, description: o.description, detail: o.detail, action: "catalog", option: o,
    }));
}
