import path from "node:path";
import * as vscode from "vscode";
import {createLanguageIdentifier} from "../core/langid";
import {JobGate} from "./common/jobs";
import {Router} from "./common/router";
import type {Settings} from "./common/settingsModel";
import {DrafterCache} from "./drafterCache";
import {DrafterRegistry} from "./drafterRegistry";
import {EngineHost} from "./engineHost";
import {InlineProvider} from "./inline";
import {KeptService} from "./keptService";
import {translateMissingEntries} from "./localize";
import {LiveStats} from "./liveStats";
import {createLog} from "./log";
import {MemoryService} from "./memoryService";
import {ModelDownloads} from "./modelDownloads";
import {StatsPanel} from "./panel";
import {selectModel} from "./selectModel";
import {EditorSession} from "./session";
import {SettingsService} from "./settings";
import {StatsService} from "./statsService";
import {StatusBar} from "./statusBar";
import {continueStory} from "./story";
import {trainDrafter} from "./train";
import {pickLanguage, translateSelection} from "./translate";
import {isLanguageCode} from "../core/languages";

/**
 * Polyspec's editor layer: builds the services (each with the few dependencies it needs), registers the commands,
 * the inline suggestion provider and the status bar, and points the model cache at the extension's storage.
 */
/** What deactivate does (set by activate): the window is closing or the extension is being disabled. */
let shutdown: (() => Promise<void>) | undefined;
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
    const memento = context.globalState;
    const status = new StatusBar();
    const gate = new JobGate();
    const stats = new StatsService(memento);
    const live = new LiveStats();
    const registry = new DrafterRegistry(memento);
    const routerInputs = () => ({configured: settings.current.drafters, trained: registry.all(), autoTune: settings.current.autoTune});
    const router = new Router(routerInputs(), stats.store);
    const drafters = new DrafterCache();
    const downloads = new ModelDownloads(status, log);
    const engines = new EngineHost(settings, status, log, downloads, drafters);
    const session = new EditorSession(engines, gate, router, drafters, stats, live, status, settings, log);
    const langid = createLanguageIdentifier();
    const view = () => stats.view(engines.displayName(), settings.current.autoTune, (lang) => router.current(lang).label, live.current);
    const panel = new StatsPanel(context.extensionUri, stats, live, view, () => stats.reset());
    const memory = new MemoryService(settings, log, context.asAbsolutePath(path.join("dist", "tm-worker.js")), context.storageUri);
    const kept = new KeptService(memory, log);
    const editor = {session, live, stats, settings, langid, log, memento, memory, kept};
    const inline = new InlineProvider(editor);
    let inlineReg: vscode.Disposable | undefined;
    const registerInline = () => {
        inlineReg?.dispose();
        const selector = settings.current.inlineLanguages.flatMap((language) => [{language, scheme: "file"}, {language, scheme: "untitled"}]);
        inlineReg = vscode.languages.registerInlineCompletionItemProvider(selector, inline);
        status.setInline(settings.current.inlineEnabled, true);
    };
    registerInline();

    context.subscriptions.push(
        log, settings, status, stats, live, registry, panel, memory, kept, {dispose: () => inlineReg?.dispose()},
        // the status bar follows the one live stream of the running generation
        live.onDidChange((v) => { if (v) status.dispatch({type: "progress", tokens: v.tokens, tokensPerSecond: v.tokensPerSecond ?? undefined, acceptance: v.acceptanceRate ?? undefined, drafted: v.drafted}); }),
        vscode.commands.registerCommand("polyspec.translateSelection", (arg?: unknown) => translateSelection(editor, arg)),
        vscode.commands.registerCommand("polyspec.continueStory", () => continueStory(editor)),
        vscode.commands.registerCommand("polyspec.toggleInline", async () => {
            const on = !settings.current.inlineEnabled;
            await settings.update("inline.enabled", on);
            void vscode.window.setStatusBarMessage(on ? vscode.l10n.t("Polyspec inline suggestions on") : vscode.l10n.t("Polyspec inline suggestions off"), 2500);
        }),
        vscode.commands.registerCommand("polyspec.trainDrafter", (arg?: unknown) => trainDrafter({session, engines, gate, status, stats, drafters, registry, settings, langid, log, memento,
            storage: context.globalStorageUri.fsPath, workerFile: context.asAbsolutePath(path.join("dist", "worker.js"))}, arg)),
        vscode.commands.registerCommand("polyspec.selectModel", () => selectModel({session, engines, downloads, gate, settings, log})),
        vscode.commands.registerCommand("polyspec.showStatistics", () => panel.show()),
        vscode.commands.registerCommand("polyspec.buildTranslationMemory", async (arg?: unknown) => {
            const lang = typeof arg === "string" && isLanguageCode(arg) ? arg
                : await pickLanguage(memento, vscode.l10n.t("Translation memory for translations into... (type an English or native language name)"));
            return lang ? memory.buildNow(lang) : undefined;
        }),
        vscode.commands.registerCommand("polyspec.translateMissingEntries", (arg?: unknown) => translateMissingEntries({session, status, settings, memory, log, memento}, arg)),
        vscode.commands.registerCommand("polyspec.cancel", () => { if (!gate.cancelRunning() && !downloads.cancel()) void vscode.window.setStatusBarMessage(vscode.l10n.t("Polyspec: nothing to cancel"), 2000); }),
        vscode.commands.registerCommand("polyspec.showLog", () => log.show()),
        settings.onDidChange(async ({changed}) => {
            applyStorage(context, settings.current);
            router.update(routerInputs());
            if (changed("inline.languages") || changed("inline.enabled")) registerInline();
            if (changed("drafters") || changed("inline")) inline.clearCache();
            await engines.onSettingsChanged();
            stats.touch();
        }),
        registry.onDidChange(() => { router.update(routerInputs()); inline.clearCache(); }),
    );
    shutdown = async () => {
        // a generation still running is cancelled (not finished in a window nobody sees), a download stopped (its
        // partial file is never used), then the model unloaded; the subscriptions are disposed after this
        const running = gate.running?.label;
        gate.cancelRunning();
        downloads.cancel();
        const t0 = performance.now();
        await engines.dispose();
        log.info(`deactivated: ${running ? `${running} cancelled, ` : ""}model unloaded in ${(performance.now() - t0).toFixed(0)} ms`);
    };
    log.info(`activated; models: ${process.env.POLYSPEC_MODELS_DIR}; trusted workspace: ${vscode.workspace.isTrusted}`);
}

export async function deactivate(): Promise<void> {
    const run = shutdown;
    shutdown = undefined;
    await run?.();
}
