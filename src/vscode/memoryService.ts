import path from "node:path";
import * as vscode from "vscode";
import {CancelledError} from "../core/errors";
import {languageByCode} from "../core/languages";
import type {TranslationMemory} from "../tm/memory";
import {pairName, type LanguagePair} from "../tm/segment";
import {indexInWorker} from "../tm/worker";
import {expandBraces, FileChanges, GlobFilter, type FileEvent} from "./common/fileChanges";
import {WorkspaceMemory, type BuildReport, type IndexCall} from "./common/workspaceMemory";
import {errorMessage, type Log} from "./log";
import type {SettingsService} from "./settings";

/** Watcher events are applied this long after the last one (a checkout changes many files at once). */
const SETTLE_MS = 500;

/**
 * The workspace's translation memories in the editor (the logic: common/workspaceMemory.ts): files found with the
 * polyspec.translationMemory globs, indexed in a worker thread (dist/tm-worker.js) with a progress notification
 * on first use, followed through a file watcher; kept translations saved in the extension's workspace storage.
 */
export class MemoryService implements vscode.Disposable {
    readonly memory: WorkspaceMemory;
    private readonly changes: FileChanges;
    private watchers: vscode.Disposable[] = [];
    private timer?: NodeJS.Timeout;
    private readonly subs: vscode.Disposable[] = [];

    constructor(private readonly settings: SettingsService, private readonly log: Log, private readonly workerFile: string, private readonly storage: vscode.Uri | undefined) {
        this.memory = new WorkspaceMemory({
            list: () => this.list(),
            index: (files, pair, o) => indexInWorker({files, pair}, {workerFile: this.workerFile, signal: o.signal, onProgress: o.onProgress}),
            historyFile: (pair) => this.storage?.scheme === "file" ? path.join(this.storage.fsPath, "tm", `history-${pairName(pair)}.pstm`) : undefined,
            log,
        });
        this.changes = new FileChanges(this.filter());
        this.watch();
        this.subs.push(settings.onDidChange(({changed}) => {
            // the mode only changes how the next translation uses the memory; the files to index are unchanged
            if (!["enabled", "include", "exclude"].some((k) => changed(`translationMemory.${k}`))) return;
            this.changes.setFilter(this.filter());
            this.watch();
            this.memory.reset();
            log.info("translation memory settings changed: memories are built again on their next use");
        }), vscode.workspace.onDidChangeWorkspaceFolders(() => { this.memory.reset(); this.watch(); }));
    }

    get enabled(): boolean { return this.settings.current.tmEnabled; }

    static pair(lang: string): LanguagePair { return {src: "en", tgt: lang}; }

    private filter(): GlobFilter {
        return new GlobFilter(this.settings.current.tmInclude, this.settings.current.tmExclude);
    }

    /** The files the globs select in the workspace's (local) folders. */
    private async list(): Promise<string[]> {
        const s = this.settings.current;
        const include = GlobFilter.joined(s.tmInclude);
        if (!include || !vscode.workspace.workspaceFolders?.length) return [];
        const uris = await vscode.workspace.findFiles(include, GlobFilter.joined(s.tmExclude) ?? null);
        return uris.filter((u) => u.scheme === "file").map((u) => u.fsPath).sort();
    }

    private watch(): void {
        for (const w of this.watchers) w.dispose();
        this.watchers = [];
        if (!this.enabled) return;
        for (const glob of new Set(this.settings.current.tmInclude.flatMap(expandBraces))) { // VS Code's glob does not nest groups
            const w = vscode.workspace.createFileSystemWatcher(glob);
            const on = (kind: FileEvent) => (uri: vscode.Uri) => this.note(kind, uri);
            this.watchers.push(w, w.onDidCreate(on("created")), w.onDidChange(on("changed")), w.onDidDelete(on("deleted")));
        }
    }

    private note(kind: FileEvent, uri: vscode.Uri): void {
        if (uri.scheme !== "file") return;
        const folder = vscode.workspace.getWorkspaceFolder(uri);
        if (!folder || !this.changes.note(kind, folder.uri.fsPath, uri.fsPath)) return;
        clearTimeout(this.timer);
        this.timer = setTimeout(() => {
            const batch = this.changes.take();
            this.memory.apply(batch).catch((e) => this.log.warn(`translation memory: applying file changes failed: ${errorMessage(e)}`));
        }, SETTLE_MS);
    }

    /**
     * The memory for translating into `lang`, or undefined (turned off, or the build was cancelled or failed: the
     * translation goes on without it). The first use of a pair builds it with a cancellable progress notification.
     */
    async forTranslation(lang: string): Promise<{tm?: TranslationMemory; why?: string}> {
        if (!this.enabled) return {};
        const pair = MemoryService.pair(lang);
        try {
            if (this.memory.started(pair)) return {tm: await this.memory.get(pair)};
            let tm: TranslationMemory | undefined;
            await this.withProgress(pair, async (o) => { tm = await this.memory.get(pair, o); });
            return {tm};
        } catch (e) {
            if (e instanceof CancelledError) { this.log.info(`translation memory ${pairName(pair)}: indexing cancelled; translating without it`); return {why: vscode.l10n.t("translation memory not built (cancelled)")}; }
            this.log.warn(`translation memory ${pairName(pair)}: ${errorMessage(e)}; translating without it`);
            return {why: vscode.l10n.t("translation memory unavailable ({0})", errorMessage(e))};
        }
    }

    /** "Build Translation Memory": indexes the pair now and reports what it found. */
    async buildNow(lang: string): Promise<BuildReport | undefined> {
        const pair = MemoryService.pair(lang);
        const name = languageByCode(lang).name;
        if (!this.enabled) {
            void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the translation memory is turned off (polyspec.translationMemory.enabled)."));
            return undefined;
        }
        try {
            let report: BuildReport | undefined;
            await this.withProgress(pair, async (o) => { report = await this.memory.build(pair, o); });
            const r = report!;
            const msg = vscode.l10n.t("Polyspec: translation memory English → {0}: {1} segments ({2} kept translations) from {3} of {4} files; {5} failed, {6} skipped (see the log).",
                name, r.segments, r.history, r.files, r.listed, r.failed, r.skipped.length);
            if (r.segments === 0) void vscode.window.showWarningMessage(msg + " " + vscode.l10n.t("No translations found: check polyspec.translationMemory.include."));
            else void vscode.window.showInformationMessage(msg);
            return r;
        } catch (e) {
            if (e instanceof CancelledError) return undefined;
            this.log.error(`translation memory ${pairName(pair)}: ${errorMessage(e)}`);
            void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not build the translation memory: {0}", errorMessage(e)));
            return undefined;
        }
    }

    private withProgress(pair: LanguagePair, work: (o: IndexCall) => Promise<void>): Thenable<void> {
        const title = vscode.l10n.t("Polyspec: indexing the translation memory (English → {0})", languageByCode(pair.tgt).name);
        return vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title, cancellable: true}, async (progress, token) => {
            const abort = new AbortController();
            const sub = token.onCancellationRequested(() => abort.abort());
            let last = 0;
            try {
                await work({signal: abort.signal, onProgress: (done, total, file) => {
                    const pct = total > 0 ? (100 * done) / total : 0;
                    progress.report({increment: Math.max(0, pct - last), message: file ? path.basename(file) : undefined});
                    last = Math.max(last, pct);
                }});
            } finally {
                sub.dispose();
            }
        });
    }

    dispose(): void {
        clearTimeout(this.timer);
        for (const w of this.watchers) w.dispose();
        for (const s of this.subs) s.dispose();
    }
}
