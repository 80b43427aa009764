import * as vscode from "vscode";
import {CancelledError, CancelSource} from "../core/errors";
import {downloadCatalogEntry} from "../engine/catalog-download";
import {fetchModel, findModel, isFetched} from "../models";
import {findCatalogEntry} from "../models/catalog";
import {errorMessage, type Log} from "./log";
import type {StatusBar} from "./statusBar";

/**
 * Getting a model onto the machine: the first-use offer (download the default model, or pick another) and the
 * download of a default model (pinned, sha256-checked) or of a GPU catalog pair with a cancellable progress notification.
 */
export class ModelDownloads {
    private fetching?: CancelSource;

    constructor(private readonly status: StatusBar, private readonly log: Log) {}

    /** First use without a model: offer the default model (download) or the model picker. Resolves true if one is ready. */
    async offer(spec: string): Promise<boolean> {
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

    /** Fetches a default model with a cancellable progress notification; one download at a time. */
    async fetch(name: string): Promise<boolean> {
        if (isFetched(name)) return true;
        const m = findModel(name)!;
        return this.download(name, vscode.l10n.t("Polyspec: downloading {0} ({1} MB)", name, Math.round(m.size / 1e6)),
            (msg) => vscode.l10n.t("Polyspec could not download {0}: {1}", name, msg),
            async (cancel, onProgress) => { await fetchModel(name, {cancel, onProgress}); });
    }

    /**
     * Fetches a GPU catalog pair (target and draft, src/models/catalog.ts) the way `polyspec models fetch ID` does:
     * node-llama-cpp's downloader with resume, each file sha256-checked before it enters the cache. A pair already
     * cached is only checked against its stamp. `current` names the model in use, which a failure leaves in place.
     */
    async fetchCatalog(id: string, current: string): Promise<boolean> {
        const entry = findCatalogEntry(id)!;
        const bytes = entry.target.approxBytes + ("registry" in entry.draft ? findModel(entry.draft.registry)?.size ?? 0 : entry.draft.approxBytes);
        return this.download(id, vscode.l10n.t("Polyspec: downloading {0} and its draft model (about {1} MB)", id, Math.round(bytes / 1e6)),
            (msg) => vscode.l10n.t("Polyspec could not download {0}: {1} The model in use is still {2}.", id, msg, current),
            async (cancel, onProgress) => {
                const out = await downloadCatalogEntry(id, {cancel, onProgress});
                this.log.info(`catalog ${id}: target ${out.target.action} (${out.target.verified ? "sha256 ok" : "no published sha256"}) -> ${out.target.path}; draft ${out.draft}`);
            });
    }

    /** One download under a cancellable progress notification and the status bar; one at a time. */
    private async download(name: string, title: string, failure: (msg: string) => string,
        work: (cancel: CancelSource, onProgress: (done: number, total: number, stage: string) => void) => Promise<void>): Promise<boolean> {
        if (this.fetching) return false; // its notification shows the progress
        const cancel = this.fetching = new CancelSource();
        this.status.dispatch({type: "start", job: "fetch"});
        try {
            await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, cancellable: true, title}, async (progress, token) => {
                token.onCancellationRequested(() => cancel.cancel());
                let last = 0;
                await work(cancel, (done, total, stage) => {
                    const pct = total > 0 ? (100 * done) / total : 0;
                    this.status.dispatch({type: "progress", pct});
                    if (pct < last) last = 0; // the next stage or file (sha256 after the transfer, the draft after the target)
                    if (pct - last >= 0.5) { progress.report({increment: pct - last, message: `${stage} · ${Math.round(done / 1e6)} / ${Math.round(total / 1e6)} MB`}); last = pct; }
                });
            });
            this.log.info(`fetched ${name}`);
            return true;
        } catch (e) {
            if (e instanceof CancelledError) { this.log.info(`download of ${name} cancelled`); return false; }
            this.log.error(`fetching ${name}: ${errorMessage(e)}`);
            void vscode.window.showErrorMessage(failure(errorMessage(e)));
            return false;
        } finally {
            this.status.dispatch({type: "finish"});
            this.fetching = undefined;
        }
    }

    /** Cancels a running download; false if there is none. */
    cancel(): boolean {
        if (!this.fetching) return false;
        this.fetching.cancel();
        return true;
    }
}
