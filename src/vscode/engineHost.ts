import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {CancelledError} from "../core/errors";
import {CancelSource} from "./jobs";
import type {Drafter} from "../core/drafter";
import {createDrafter} from "../engine/drafters";
import {Engine} from "../engine/engine";
import {DEFAULT_TARGET, fetchModel, findModel, isFetched} from "../models";
import {isModelUri} from "../models";
import {errorMessage, type Log} from "./log";
import type {Route} from "./router";
import type {SettingsService} from "./settings";
import type {StatusBar} from "./statusBar";

/**
 * Owns the Engine: loads the configured model on first use (with a progress notification), offers a model when
 * none is available (first use), fetches default models with progress and cancel, reloads when the model, GPU,
 * threads or context size change, and keeps the drafters built for the loaded model.
 */
export class EngineHost implements vscode.Disposable {
    private engine?: Engine;
    private key?: string;
    private loading?: {key: string; promise: Promise<Engine>};
    private drafters = new Map<string, Promise<Drafter | undefined>>();
    private fetching?: CancelSource;

    constructor(private readonly settings: SettingsService, private readonly status: StatusBar, private readonly log: Log) {
        this.status.dispatch(this.available(this.modelSpec()) ? {type: "configured", model: this.displayName()} : {type: "noModel"});
    }

    /** The configured model: polyspec.model, or the default model. */
    modelSpec(): string { return this.settings.current.model || DEFAULT_TARGET; }

    displayName(spec = this.modelSpec()): string {
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
            if (!(await this.offerModel(spec))) return undefined;
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
        const s = this.settings.current;
        const name = this.displayName(spec);
        const promise = (async () => {
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
            } finally {
                if (this.loading?.key === key) this.loading = undefined;
            }
        })();
        this.loading = {key, promise};
        return promise;
    }

    private async replace(engine: Engine, key: string): Promise<void> {
        const old = this.engine;
        const oldDrafters = this.drafters;
        this.drafters = new Map();
        this.engine = engine;
        this.key = key;
        if (old && old !== engine) while (old.busy) await new Promise((r) => setTimeout(r, 200)); // a job still runs on it
        await disposeAll(oldDrafters);
        if (old && old !== engine) await old.dispose().catch((e) => this.log.warn(`disposing the previous model: ${errorMessage(e)}`));
    }

    /** First use without a model: offer the default model (download) or the model picker. Resolves true if one is ready. */
    private async offerModel(spec: string): Promise<boolean> {
        const m = findModel(spec);
        if (!m) {
            const pick = await vscode.window.showErrorMessage(vscode.l10n.t("Polyspec: model file not found: {0}", spec), vscode.l10n.t("Select Model..."));
            return pick ? !!(await vscode.commands.executeCommand<boolean>("polyspec.selectModel")) : false;
        }
        const download = vscode.l10n.t("Download");
        const select = vscode.l10n.t("Select Model...");
        const pick = await vscode.window.showInformationMessage(
            vscode.l10n.t("Polyspec needs a local model. Download the default model {0} ({1} MB), or select another one?", m.name, Math.round(m.size / 1e6)),
            download, select);
        if (pick === download) return this.fetch(m.name);
        if (pick === select) return !!(await vscode.commands.executeCommand<boolean>("polyspec.selectModel"));
        return false;
    }

    /** Fetches a default model (pinned, sha256-checked) with a cancellable progress notification. */
    async fetch(name: string): Promise<boolean> {
        if (isFetched(name)) return true;
        const m = findModel(name)!;
        if (this.fetching) return false; // one download at a time (its notification shows the progress)
        const cancel = this.fetching = new CancelSource();
        this.status.dispatch({type: "start", job: "fetch"});
        try {
            await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, cancellable: true,
                title: vscode.l10n.t("Polyspec: downloading {0} ({1} MB)", name, Math.round(m.size / 1e6))}, async (progress, token) => {
                token.onCancellationRequested(() => cancel.cancel());
                let last = 0;
                await fetchModel(name, {cancel, onProgress: (done, total, stage) => {
                    const pct = total > 0 ? (100 * done) / total : 0;
                    this.status.dispatch({type: "progress", pct});
                    if (pct - last >= 0.5) { progress.report({increment: pct - last, message: `${stage} · ${Math.round(done / 1e6)} / ${Math.round(total / 1e6)} MB`}); last = pct; }
                }});
            });
            this.log.info(`fetched ${name}`);
            this.status.dispatch({type: "finish"});
            return true;
        } catch (e) {
            this.status.dispatch({type: "finish"});
            if (e instanceof CancelledError) { this.log.info(`download of ${name} cancelled`); return false; }
            this.log.error(`fetching ${name}: ${errorMessage(e)}`);
            void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not download {0}: {1}", name, errorMessage(e)));
            return false;
        } finally {
            this.fetching = undefined;
        }
    }

    /** Cancels a running model download; false if there is none. */
    cancelFetch(): boolean {
        if (!this.fetching) return false;
        this.fetching.cancel();
        return true;
    }

    /** The drafter for a route, built once per loaded model (n-gram tables and draft models are reused). */
    drafter(engine: Engine, route: Route): Promise<Drafter | undefined> {
        const key = `${route.spec}\u0000${route.ngram ?? ""}`;
        let d = this.drafters.get(key);
        if (!d) {
            d = createDrafter(route.spec, engine.model, {ngram: route.ngram});
            this.drafters.set(key, d);
            d.catch(() => this.drafters.delete(key));
        }
        return d;
    }

    /** Forget the drafters that use `file` (a retrained n-gram table), or all of them. */
    async forgetDrafters(file?: string): Promise<void> {
        const gone = new Map([...this.drafters].filter(([key]) => !file || key.includes(file)));
        for (const key of gone.keys()) this.drafters.delete(key);
        await disposeAll(gone);
    }

    private async disposeDrafters(): Promise<void> { await this.forgetDrafters(); }

    /** Settings changed: a different model or runtime option unloads the engine (it reloads on next use). */
    async onSettingsChanged(busy: boolean): Promise<void> {
        if (!this.engine || this.key === this.currentKey()) {
            if (!this.engine) {
                this.status.dispatch({type: "noModel"});
                if (this.available(this.modelSpec())) this.status.dispatch({type: "configured", model: this.displayName()});
            }
            return;
        }
        if (busy) return; // unloaded after the running job, on the next get()
        const old = this.engine;
        this.engine = undefined;
        this.key = undefined;
        await this.disposeDrafters();
        await old.dispose().catch(() => undefined);
        this.status.dispatch({type: "noModel"});
        if (this.available(this.modelSpec())) this.status.dispatch({type: "configured", model: this.displayName()});
        this.log.info(`model settings changed: ${this.modelSpec()} loads on next use`);
    }

    async dispose(): Promise<void> {
        await this.disposeDrafters();
        await this.engine?.dispose().catch(() => undefined);
        this.engine = undefined;
    }
}

async function disposeAll(drafters: Map<string, Promise<Drafter | undefined>>): Promise<void> {
    for (const d of drafters.values()) await (await d.catch(() => undefined))?.dispose?.();
}
