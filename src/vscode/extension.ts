import path from "node:path";
import * as vscode from "vscode";
import {DrafterRegistry} from "./drafterRegistry";
import {EngineHost} from "./engineHost";
import type {Deps} from "./deps";
import {InlineProvider} from "./inline";
import {JobGate} from "./jobs";
import {createLanguageIdentifier} from "../core/langid";
import {createLog} from "./log";
import {StatsPanel} from "./panel";
import {Router} from "./router";
import {selectModel} from "./selectModel";
import {SettingsService} from "./settings";
import type {Settings} from "./settingsModel";
import {StatsService} from "./statsService";
import {StatusBar} from "./statusBar";
import {continueStory} from "./story";
import {trainDrafter} from "./train";
import {translateSelection} from "./translate";

/**
 * Polyspec's editor layer: builds the services (explicit dependencies, see Deps), registers the commands, the
 * inline suggestion provider and the status bar, and points the model cache at the extension's storage.
 */
let host: EngineHost | undefined;
const ORIGINAL_ENV = {models: process.env.POLYSPEC_MODELS_DIR, cache: process.env.POLYSPEC_CACHE};

/** Models go to polyspec.modelsFolder, else $POLYSPEC_MODELS_DIR if the user set it, else global storage. */
function applyStorage(context: vscode.ExtensionContext, s: Settings): void {
    const storage = context.globalStorageUri.fsPath;
    process.env.POLYSPEC_MODELS_DIR = s.modelsFolder || ORIGINAL_ENV.models || path.join(storage, "models");
    // the cost-curve cache: the extension's own folder is replaced on every update
    process.env.POLYSPEC_CACHE = ORIGINAL_ENV.cache || path.join(storage, "cache");
}

export function activate(context: vscode.ExtensionContext): void {
    const log = createLog();
    const settings = new SettingsService(log);
    applyStorage(context, settings.current);
    const status = new StatusBar();
    const gate = new JobGate();
    const stats = new StatsService(context.globalState);
    const registry = new DrafterRegistry(context.globalState);
    const routerInputs = () => ({configured: settings.current.drafters, trained: registry.all(), autoTune: settings.current.autoTune});
    const router = new Router(routerInputs(), stats.store);
    host = new EngineHost(settings, status, log);
    const h = host;
    const view = () => stats.view(h.displayName(), settings.current.autoTune, (lang) => router.current(lang).label);
    const panel = new StatsPanel(context.extensionUri, stats, view, () => stats.reset());
    const d: Deps = {context, log, settings, status, host, gate, router, stats, registry, langid: createLanguageIdentifier(), panel};
    const inline = new InlineProvider(d);
    let inlineReg: vscode.Disposable | undefined;
    const registerInline = () => {
        inlineReg?.dispose();
        const selector = settings.current.inlineLanguages.flatMap((language) => [{language, scheme: "file"}, {language, scheme: "untitled"}]);
        inlineReg = vscode.languages.registerInlineCompletionItemProvider(selector, inline);
        status.setInline(settings.current.inlineEnabled, true);
    };
    registerInline();

    context.subscriptions.push(
        log, settings, status, stats, registry, panel, {dispose: () => inlineReg?.dispose()},
        vscode.commands.registerCommand("polyspec.translateSelection", (arg?: unknown) => translateSelection(d, arg)),
        vscode.commands.registerCommand("polyspec.continueStory", () => continueStory(d)),
        vscode.commands.registerCommand("polyspec.toggleInline", async () => {
            const on = !settings.current.inlineEnabled;
            await settings.update("inline.enabled", on);
            void vscode.window.setStatusBarMessage(on ? vscode.l10n.t("Polyspec inline suggestions on") : vscode.l10n.t("Polyspec inline suggestions off"), 2500);
        }),
        vscode.commands.registerCommand("polyspec.trainDrafter", (arg?: unknown) => trainDrafter(d, arg)),
        vscode.commands.registerCommand("polyspec.selectModel", () => selectModel(d)),
        vscode.commands.registerCommand("polyspec.showStatistics", () => panel.show()),
        vscode.commands.registerCommand("polyspec.cancel", () => { if (!gate.cancelRunning() && !h.cancelFetch()) void vscode.window.setStatusBarMessage(vscode.l10n.t("Polyspec: nothing to cancel"), 2000); }),
        vscode.commands.registerCommand("polyspec.showLog", () => log.show()),
        settings.onDidChange(async ({changed}) => {
            applyStorage(context, settings.current);
            router.update(routerInputs());
            if (changed("inline.languages") || changed("inline.enabled")) registerInline();
            if (changed("drafters") || changed("inline")) inline.clearCache();
            await h.onSettingsChanged(gate.running !== undefined);
            stats.touch();
        }),
        registry.onDidChange(() => { router.update(routerInputs()); inline.clearCache(); }),
    );
    log.info(`activated; models: ${process.env.POLYSPEC_MODELS_DIR}; trusted workspace: ${vscode.workspace.isTrusted}`);
}

export async function deactivate(): Promise<void> {
    await host?.dispose();
    host = undefined;
}
