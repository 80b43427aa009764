import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {CancelledError} from "../core/errors";
import {Engine} from "../engine/engine";
import {DEFAULT_TARGET, findModel, isFetched, isModelUri} from "../models";
import {CATALOG} from "../models/catalog";
import type {DrafterCache} from "./drafterCache";
import {errorMessage, type Log} from "./log";
import type {ModelDownloads} from "./modelDownloads";
import type {SettingsService} from "./settings";
import type {StatusBar} from "./statusBar";

/**
 * The Engine's lifecycle: loads the configured model on first use (with a progress notification; when none is
 * available, the downloads offer one), replaces it when the model, GPU, threads or context size change (after the
 * running generation, awaited), and disposes it with the drafters built for it.
 */
/** How long deactivation waits for a cancelled generation to stop before it unloads the model. */
const SHUTDOWN_WAIT_MS = 3000;

/** Whether `engine` is idle within `ms` (at once when no generation runs). */
async function idleWithin(engine: Engine, ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    try {
        return await Promise.race([engine.whenIdle().then(() => true), new Promise<false>((r) => { timer = setTimeout(() => r(false), ms); })]);
    } finally { clearTimeout(timer); }
}

export class EngineHost implements vscode.Disposable {
    private engine?: Engine;
    private key?: string;
    private loading?: {key: string; promise: Promise<Engine>};
    /** Disposed (deactivation): a model that finishes loading after it is disposed at once. */
    private closed = false;

    constructor(private readonly settings: SettingsService, private readonly status: StatusBar, private readonly log: Log,
        private readonly downloads: ModelDownloads, private readonly drafters: DrafterCache) {
        this.status.dispatch(this.available(this.modelSpec()) ? {type: "configured", model: this.displayName()} : {type: "noModel"});
    }

    /** The configured model: polyspec.model, or the default model. */
    modelSpec(): string { return this.settings.current.model || DEFAULT_TARGET; }

    displayName(spec = this.modelSpec()): string {
        const catalog = CATALOG.find((c) => c.target.uri === spec); // polyspec.model holds a catalog pair's URI: show its id
        if (catalog) return catalog.id;
        return findModel(spec) || isModelUri(spec) ? spec : path.basename(spec);
    }

    get loaded(): Engine | undefined { return this.engine && this.key === this.currentKey() ? this.engine : undefined; }

    /** Whether `spec` can be loaded without asking the user (fetched default model, existing file, or hf: URI). */
    available(spec: string): boolean {
        if (findModel(spec)) return isFetched(spec);
        if (isModelUri(spec)) return true;
        return fs.existsSync(spec);
    }

    private currentKey(spec = this.modelSpec()): string {
        const s = this.settings.current;
        return JSON.stringify([spec, s.gpu, s.threads, s.contextSize]);
    }

    /**
     * The loaded engine, loading it first. `interactive`: when no model is available, offer to download the
     * default model or select another (first use); otherwise (inline suggestions) just report it in the status bar.
     */
    async get(interactive: boolean): Promise<Engine | undefined> {
        if (this.loaded) { this.status.dispatch({type: "loaded", model: this.displayName()}); return this.engine; }
        let spec = this.modelSpec();
        if (!this.available(spec)) {
            if (!interactive) { this.status.dispatch({type: "noModel"}); return undefined; }
            if (!(await this.downloads.offer(spec))) return undefined;
            spec = this.modelSpec();
            if (this.loaded) return this.engine;
        }
        try {
            return await this.load(spec);
        } catch (e) {
            if (e instanceof CancelledError) return undefined;
            const msg = errorMessage(e);
            this.log.error(`loading ${spec}: ${msg}`);
            if (interactive) {
                const pick = await vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not load the model: {0}", msg), vscode.l10n.t("Select Model..."));
                if (pick) await vscode.commands.executeCommand("polyspec.selectModel");
            }
            return undefined;
        }
    }

    /** Loads `spec` (replacing the current engine once it has loaded); throws a PolyspecError if it cannot. */
    async load(spec: string): Promise<Engine> {
        const key = this.currentKey(spec);
        if (this.engine && this.key === key) return this.engine;
        if (this.loading?.key === key) return this.loading.promise;
        const promise = this.create(spec, key).finally(() => { if (this.loading?.key === key) this.loading = undefined; });
        this.loading = {key, promise};
        return promise;
    }

    private async create(spec: string, key: string): Promise<Engine> {
        const s = this.settings.current;
        const name = this.displayName(spec);
        this.status.dispatch({type: "load", model: name});
        const t0 = performance.now();
        try {
            const engine = await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title: vscode.l10n.t("Polyspec: loading model {0}", name)}, async (progress) => {
                let last = 0;
                const e = await Engine.create({model: spec, gpu: s.gpu, threads: s.threads || undefined, contextSize: s.contextSize,
                    onProgress: (done, total, stage) => {
                        const pct = total > 0 ? (100 * done) / total : 0;
                        this.status.dispatch({type: "loadProgress", pct, stage});
                        if (pct - last >= 1) { progress.report({increment: pct - last, message: stage}); last = pct; }
                    }});
                progress.report({message: vscode.l10n.t("measuring this machine's verification cost")});
                await e.costCurve();
                return e;
            });
            this.log.info(`loaded ${spec} (${engine.model.path}) in ${((performance.now() - t0) / 1000).toFixed(1)} s; gpu: ${engine.gpu || "none"}, threads: ${engine.options.threads}`);
            await this.replace(engine, key);
            this.status.dispatch({type: "loaded", model: name});
            return engine;
        } catch (e) {
            this.status.dispatch({type: "loadFailed", message: errorMessage(e)});
            throw e;
        }
    }

    /** Makes `engine` current; the previous one is disposed, with its drafters, once its generation has ended. */
    private async replace(engine: Engine, key: string): Promise<void> {
        if (this.closed) { await engine.dispose(); throw new CancelledError(); }
        const old = this.engine;
        const disposeDrafters = this.drafters.detach();
        this.engine = engine;
        this.key = key;
        await this.retire(old, disposeDrafters);
    }

    /**
     * Disposes `old` and its drafters once its generation has ended; with `waitMs`, not waiting longer than that
     * (then it is disposed under the generation, which the caller has cancelled: deactivation).
     */
    private async retire(old: Engine | undefined, disposeDrafters: () => Promise<void>, waitMs?: number): Promise<void> {
        if (waitMs === undefined) await old?.whenIdle();
        else if (old && !(await idleWithin(old, waitMs))) this.log.warn(`the running generation did not stop within ${waitMs} ms; unloading the model anyway`);
        await disposeDrafters();
        await old?.dispose().catch((e) => this.log.warn(`disposing the previous model: ${errorMessage(e)}`));
    }

    /** Settings changed: a different model or runtime option unloads the engine (it reloads on next use). */
    async onSettingsChanged(): Promise<void> {
        if (this.engine && this.key !== this.currentKey()) {
            const old = this.engine;
            this.engine = undefined;
            this.key = undefined;
            this.log.info(`model settings changed: ${this.modelSpec()} loads on next use`);
            await this.retire(old, this.drafters.detach());
        }
        if (!this.engine) {
            this.status.dispatch({type: "noModel"});
            if (this.available(this.modelSpec())) this.status.dispatch({type: "configured", model: this.displayName()});
        }
    }

    /**
     * Unloads the model (the window is closing: deactivate). A generation still running, which the caller has
     * cancelled, ends within a step: the context is freed after it, but not waited on for more than SHUTDOWN_WAIT_MS
     * (VS Code gives deactivation 5 s before the extension host exits). A model still loading is disposed once it
     * has loaded, not made current.
     */
    async dispose(): Promise<void> {
        this.closed = true;
        const old = this.engine;
        this.engine = undefined;
        this.key = undefined;
        await this.retire(old, this.drafters.detach(), SHUTDOWN_WAIT_MS);
    }
}
