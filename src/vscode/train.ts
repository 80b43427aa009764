import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {CancelledError} from "../core/errors";
import {languageByCode, isLanguageCode} from "../core/languages";
import {ngramFileName, trainInWorker} from "../drafters/ngram";
import type {LanguageIdentifier} from "../core/langid";
import type {JobGate} from "./common/jobs";
import {formatLoopDelay, LoopDelayProbe} from "./common/loopDelay";
import type {DrafterCache} from "./drafterCache";
import type {DrafterRegistry} from "./drafterRegistry";
import type {EngineHost} from "./engineHost";
import {busyMessage, refuseIfBusy} from "./generation";
import {errorMessage, type Log} from "./log";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";
import type {StatsService} from "./statsService";
import type {StatusBar} from "./statusBar";
import {pickLanguage} from "./translate";

/** What training a drafter needs. */
export interface TrainDeps {
    session: EditorSession;
    engines: EngineHost;
    gate: JobGate;
    status: StatusBar;
    stats: StatsService;
    drafters: DrafterCache;
    registry: DrafterRegistry;
    settings: SettingsService;
    langid: LanguageIdentifier;
    log: Log;
    memento: vscode.Memento;
    /** The extension's global storage folder (default drafter folder) and its bundled worker script. */
    storage: string;
    workerFile: string;
}

/** Arguments when run programmatically (tests, keybindings): files or folders, and the language code. */
interface TrainArgs {
    inputs?: (string | vscode.Uri)[];
    lang?: string;
}

/** The folder trained drafters are written to: polyspec.drafterFolder, or the extension's global storage. */
export function drafterFolder(d: Pick<TrainDeps, "settings" | "storage">): string {
    return d.settings.current.drafterFolder || path.join(d.storage, "drafters");
}

/** Reads the start of the first text file among the inputs (for guessing the language). */
function sample(inputs: string[]): string {
    for (const p of inputs) {
        try {
            const st = fs.statSync(p);
            const file = st.isDirectory() ? fs.readdirSync(p).map((f) => path.join(p, f)).find((f) => fs.statSync(f).isFile()) : p;
            if (!file) continue;
            const fd = fs.openSync(file, "r");
            try {
                const buf = Buffer.alloc(4096);
                const n = fs.readSync(fd, buf, 0, buf.length, 0);
                return buf.subarray(0, n).toString("utf8");
            } finally { fs.closeSync(fd); }
        } catch { /* next */ }
    }
    return "";
}

/**
 * "Train Drafter from Files...": pick text files or folders and a language; an n-gram drafter is trained with the
 * model's tokenizer in a worker thread (progress notification with cancel) and registered for that language.
 */
export async function trainDrafter(d: TrainDeps, arg?: unknown): Promise<boolean> {
    if (refuseIfBusy(d.session)) return false;
    const a = (arg ?? {}) as TrainArgs;
    let inputs = (a.inputs ?? []).map((x) => (typeof x === "string" ? x : x.fsPath));
    if (inputs.length === 0) {
        const picked = await vscode.window.showOpenDialog({canSelectFiles: true, canSelectFolders: true, canSelectMany: true,
            openLabel: vscode.l10n.t("Train"), title: vscode.l10n.t("Polyspec: text files or folders to train a drafter on")});
        if (!picked?.length) return false;
        inputs = picked.map((u) => u.fsPath);
    }
    await d.langid.ready();
    const guess = d.langid.identify(sample(inputs))?.code;
    const lang = a.lang && isLanguageCode(a.lang) ? a.lang : await pickLanguage(d.memento, vscode.l10n.t("Language of these texts"), guess);
    if (!lang) return false;
    const engine = await d.engines.get(true);
    if (!engine) return false;
    const acquired = await d.gate.acquire(vscode.l10n.t("training a drafter"), "command");
    if (!acquired.ok) { void vscode.window.showWarningMessage(busyMessage(acquired.running)); return false; }
    const job = acquired.job;
    const name = languageByCode(lang).name;
    const out = path.join(drafterFolder(d), ngramFileName(lang, engine.model.fingerprint));
    d.status.dispatch({type: "start", job: "train", lang});
    const probe = new LoopDelayProbe();
    const abort = new AbortController();
    job.cancel.onCancel(() => abort.abort());
    try {
        await fs.promises.mkdir(path.dirname(out), {recursive: true});
        const r = await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, cancellable: true,
            title: vscode.l10n.t("Polyspec: training a {0} drafter", name)}, async (progress, token) => {
            const sub = token.onCancellationRequested(() => job.cancel.cancel());
            let last = 0;
            try {
                return await trainInWorker({inputs, model: engine.model.path, lang, out}, {
                    workerFile: d.workerFile, signal: abort.signal,
                    onProgress: (done, total, stage) => {
                        const pct = total > 0 ? Math.min(100, (100 * done) / total) : 0;
                        d.status.dispatch({type: "progress", pct});
                        if (pct - last >= 1 || stage !== "read") { progress.report({increment: Math.max(0, pct - last), message: stage}); last = pct; }
                    },
                });
            } finally { sub.dispose(); }
        });
        const delay = probe.stop();
        d.stats.setLoopDelay("training", `train ${lang}`, delay);
        d.log.info(`trained ${r.file}: ${r.ngrams} n-grams, ${r.bytes} bytes, ${r.trainingTokens} tokens in ${r.seconds.toFixed(1)} s; ${formatLoopDelay("training", delay)}`);
        await d.drafters.forget(r.file);
        await d.registry.register(lang, r.file);
        d.status.dispatch({type: "finish"});
        void vscode.window.showInformationMessage(vscode.l10n.t("Polyspec: trained a {0} drafter ({1} n-grams from {2} tokens in {3} s). It is now used for {0}.",
            name, r.ngrams.toLocaleString(), r.trainingTokens.toLocaleString(), r.seconds.toFixed(1)));
        return true;
    } catch (e) {
        const delay = probe.stop();
        d.status.dispatch({type: "finish"});
        if (e instanceof CancelledError) { d.log.info(`training ${lang} cancelled; ${formatLoopDelay("training", delay)}`); return false; }
        d.log.error(`training ${lang}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec could not train the drafter: {0}", errorMessage(e)));
        return false;
    } finally {
        job.done();
    }
}
