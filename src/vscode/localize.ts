import fs from "node:fs";
import path from "node:path";
import * as vscode from "vscode";
import {PolyspecError} from "../core/errors";
import {languageByCode} from "../core/languages";
import {
    engineTranslator, findPair, formatOfFile, knownTranslations, LocalizeInputError, openDocument, readReview, reviewChanges, reviewPath, runLocalizeJob,
    updateReview, type JobEvent, type JobResult, type LocalizeDocument, type LocalizePair, type MemoryView, type Translate,
} from "../localize";
import {languageOfFile, newTargetText, progressMessage, summaryMessage} from "./common/localizeCommand";
import {busyMessage, refuseIfBusy} from "./generation";
import {errorMessage, type Log} from "./log";
import type {MemoryService} from "./memoryService";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";
import type {StatusBar} from "./statusBar";
import {pickLanguage, rememberLanguage} from "./translate";

/** What Translate Missing Entries needs. */
export interface LocalizeDeps {
    session: EditorSession;
    status: StatusBar;
    settings: SettingsService;
    memory: MemoryService;
    log: Log;
    memento: vscode.Memento;
}

/** What the command did (for tests and keybindings that run it programmatically). */
export interface LocalizeOutcome {
    target: string;
    applied: boolean;
    summary?: JobResult["summary"];
    review?: string;
}

/** The text of a file as the editor holds it (unsaved edits included), else on disk (UTF-8), else undefined (no file). */
function currentText(file: string): string | undefined {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === "file" && d.uri.fsPath === file);
    if (open) return open.getText();
    let bytes: Buffer;
    try {
        bytes = fs.readFileSync(file);
    } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new PolyspecError(vscode.l10n.t("cannot read {0}: {1}", file, errorMessage(e)), "E_IO");
    }
    try {
        return new TextDecoder("utf-8", {fatal: true}).decode(bytes);
    } catch {
        throw new PolyspecError(vscode.l10n.t("{0} is not UTF-8 text: Polyspec reads and writes UTF-8 translation files (convert it first).", file), "E_SYNTAX");
    }
}

/** The file the command works on: a URI argument (explorer context menu), else the active editor's file. */
function fileOf(arg: unknown): string | undefined {
    const uri = arg instanceof vscode.Uri ? arg : typeof arg === "string" ? vscode.Uri.file(arg) : vscode.window.activeTextEditor?.document.uri;
    return uri?.scheme === "file" ? uri.fsPath : undefined;
}

/** The pair by convention; for a JSON file whose source cannot be found, the user picks the source file. */
async function pairOf(file: string, lang: string, d: LocalizeDeps): Promise<LocalizePair | undefined> {
    try {
        return findPair(file, {lang});
    } catch (e) {
        if (!(e instanceof PolyspecError) || e.code !== "E_USAGE" || formatOfFile(file) !== "json") throw e;
        d.log.info(`localize: ${e.message}`);
        const choose = vscode.l10n.t("Choose Source File...");
        const pick = await vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: {0}", e.message), choose);
        if (pick !== choose) return undefined;
        const picked = await vscode.window.showOpenDialog({canSelectMany: false, defaultUri: vscode.Uri.file(path.dirname(file)), filters: {JSON: ["json"]},
            openLabel: vscode.l10n.t("Translate from This File"), title: vscode.l10n.t("Polyspec: the file to translate {0} from", path.basename(file))});
        if (!picked?.length) return undefined;
        return findPair(file, {lang, source: picked[0].fsPath});
    }
}

/** A malformed target or source: refused, with the place of the error one click away. */
async function showInputError(e: LocalizeInputError): Promise<void> {
    const goTo = vscode.l10n.t("Go to");
    const pick = await vscode.window.showErrorMessage(vscode.l10n.t("Polyspec cannot fill this file, nothing was changed: {0}", e.message), goTo);
    if (pick !== goTo) return;
    const pos = new vscode.Position(Math.max(0, e.line - 1), Math.max(0, e.column - 1));
    await vscode.window.showTextDocument(vscode.Uri.file(e.file), {selection: new vscode.Range(pos, pos)});
}

/**
 * "Translate Missing Entries": fills the missing or empty entries of a translation file (.po, i18n JSON, XLIFF) with
 * the local model, in one job through the editor session (docs/localize.md): the pair and the language by
 * convention (else a quick pick / a file picker), the file's own translations and the workspace translation memory
 * as memory, a cancellable progress notification per entry, ONE WorkspaceEdit (one undo step), the review list
 * beside the file, and a summary. A target edited during the job is not changed: the work waits in the review list
 * and the next run takes it without the model.
 */
export async function translateMissingEntries(d: LocalizeDeps, arg?: unknown): Promise<LocalizeOutcome | undefined> {
    if (refuseIfBusy(d.session)) return undefined;
    const file = fileOf(arg);
    if (!file) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: open a translation file (.po, .json, .xlf) to fill its missing entries.")); return undefined; }
    if (!formatOfFile(file)) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: {0} is not a translation file Polyspec can fill (.po, .json, .xlf, .xliff).", path.basename(file))); return undefined; }
    try {
        const guessed = languageOfFile(file, currentText(file) ?? "");
        const lang = guessed ?? await pickLanguage(d.memento, vscode.l10n.t("Translate the missing entries into... (type an English or native language name)"));
        if (!lang) return undefined;
        if (!guessed) await rememberLanguage(d.memento, lang);
        const pair = await pairOf(file, lang, d);
        if (!pair) return undefined;
        return await run(d, pair, lang);
    } catch (e) {
        if (e instanceof LocalizeInputError) { await showInputError(e); return undefined; }
        d.log.error(`localize ${file}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec: {0}", errorMessage(e)));
        return undefined;
    }
}

async function run(d: LocalizeDeps, pair: LocalizePair, lang: string): Promise<LocalizeOutcome | undefined> {
    const s = d.settings.current;
    const name = languageByCode(lang).name;
    const base = path.basename(pair.target);
    const sourceText = pair.source ? currentText(pair.source) : undefined;
    if (pair.source && sourceText === undefined) throw new PolyspecError(vscode.l10n.t("{0}: no such file", pair.source), "E_USAGE");
    const targetText = currentText(pair.target);
    const original = targetText ?? newTargetText(sourceText ?? "");
    // a malformed file is refused here, before the model loads (LocalizeInputError)
    const doc = openDocument({target: {file: pair.target, text: original}, ...(pair.source ? {source: {file: pair.source, text: sourceText!}} : {}),
        lang: pair.lang, srcLang: pair.srcLang, includeFuzzy: s.localizeIncludeFuzzy});
    for (const n of doc.notes) d.log.info(`localize ${base}: ${n}`);
    if (!doc.units.length) {
        void vscode.window.showInformationMessage(vscode.l10n.t("Polyspec: nothing to translate in {0}: it has no missing or empty entries.", base)
            + (pair.format !== "json" && !s.localizeIncludeFuzzy ? " " + vscode.l10n.t("Entries marked for review are kept (polyspec.localize.includeFuzzy retranslates them).") : ""));
        return {target: pair.target, applied: false};
    }
    const known = knownTranslations(readReview(pair.target));
    // the workspace memory builds (first use) while the model loads
    const workspace = s.tmEnabled ? d.memory.forTranslation(lang) : Promise.resolve({} as {tm?: MemoryView; why?: string});
    const opened = await d.session.open({task: "translate", lang, priority: "command", label: vscode.l10n.t("translating missing entries"), interactive: true});
    if (!opened.ok) {
        if (opened.busy !== undefined) void vscode.window.showWarningMessage(busyMessage(opened.busy));
        return undefined;
    }
    const session = opened.run;
    let job: JobResult;
    try {
        const ws = await workspace;
        if (ws.why) d.log.info(`localize ${base}: ${ws.why}`);
        const cancel = session.job.cancel;
        const translator = engineTranslator(session.engine, {lang: pair.lang, srcLang: pair.srcLang, mode: s.localizeMode, k: s.k, cancel});
        // the status bar's live readout: the job's tokens and speed so far
        let tokens = 0, decodeMs = 0;
        const translate: Translate = async (entry, memory) => {
            const r = await translator(entry, memory);
            tokens += r.stats?.tokens ?? 0;
            decodeMs += r.stats?.decodeMs ?? 0;
            d.status.dispatch({type: "progress", tokens, tokensPerSecond: decodeMs > 0 ? tokens / (decodeMs / 1000) : undefined, drafter: "localize"});
            return r;
        };
        d.log.info(`localize ${pair.target} -> ${pair.lang}: ${doc.units.length} entries (${doc.units.reduce((n, u) => n + u.items.length, 0)} texts); source ${pair.source ?? "(in the file)"}; mode ${s.localizeMode}; workspace memory ${ws.tm ? "on" : "off"}; ${known.size} pending translations`);
        job = await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, cancellable: true,
            title: vscode.l10n.t("Polyspec: translating the missing entries of {0} into {1}", base, name)}, async (progress, token) => {
            const sub = token.onCancellationRequested(() => session.cancel());
            const onEvent = (e: JobEvent) => {
                if (e.type === "start") progress.report({message: progressMessage(0, e.items, "")});
                if (e.type === "item") {
                    progress.report({increment: 100 / e.total, message: progressMessage(e.done, e.total, e.unit.key)});
                    d.log.info(`localize ${base}: ${e.done}/${e.total} ${e.unit.key}: ${e.status}${e.problems?.length ? ` (${e.problems.join("; ")})` : ""}`);
                }
            };
            try {
                return await runLocalizeJob(doc, {translate, memory: ws.tm, order: "similar", cancel, known, onEvent});
            } finally {
                sub.dispose();
            }
        });
        session.close();
    } catch (e) {
        session.close(e);
        throw e;
    }
    return finish(d, doc, pair, job, targetText !== undefined);
}

/** Applies the finished entries as one edit (unless the target changed meanwhile), updates the review list, reports. */
async function finish(d: LocalizeDeps, doc: LocalizeDocument, pair: LocalizePair, job: JobResult, existed: boolean): Promise<LocalizeOutcome> {
    const base = path.basename(pair.target);
    const uri = vscode.Uri.file(pair.target);
    const keep = (why: string): LocalizeOutcome => {
        const c = reviewChanges(doc, job, false);
        const review = updateReview(pair.target, pair.lang, c.entries, c.handled, c.holds);
        d.log.warn(`localize ${base}: not applied (${why}); ${job.done.size} translations kept in ${review ?? "(none)"}`);
        void vscode.window.showWarningMessage(job.done.size
            ? vscode.l10n.t("Polyspec: {0} changed while its entries were being translated, so it was not changed. The {1} translations are kept in the review list and are used without the model when you run the command again.", base, job.done.size)
            : vscode.l10n.t("Polyspec: {0} changed while its entries were being translated, so it was not changed.", base));
        return {target: pair.target, applied: false, summary: job.summary, review};
    };
    let applied = false;
    if (job.done.size) {
        const result = doc.apply(job.done);
        try {
            doc.validate(result.text);
        } catch (e) {
            d.log.error(`localize ${base}: the filled file would not parse again: ${errorMessage(e)}`);
            return keep(errorMessage(e));
        }
        const edit = new vscode.WorkspaceEdit();
        const open = vscode.workspace.textDocuments.some((x) => x.uri.scheme === "file" && x.uri.fsPath === pair.target);
        if (!existed) {
            if (currentText(pair.target) !== undefined) return keep("created meanwhile");
            edit.createFile(uri, {ignoreIfExists: false});
            edit.insert(uri, new vscode.Position(0, 0), result.text);
        } else {
            if (!open && !fs.existsSync(pair.target)) return keep("deleted");
            const document = await vscode.workspace.openTextDocument(uri);
            if (document.getText() !== doc.original) return keep("edited");
            for (const e of result.edits) edit.replace(uri, new vscode.Range(document.positionAt(e.offset), document.positionAt(e.offset + e.length)), e.text);
        }
        applied = await vscode.workspace.applyEdit(edit);
        if (!applied) return keep("the edit was refused");
        await vscode.window.showTextDocument(uri, {preview: false});
    }
    const c = reviewChanges(doc, job, applied);
    const review = updateReview(pair.target, pair.lang, c.entries, c.handled, c.holds);
    for (const f of job.flagged) d.log.warn(`localize ${base}:${f.unit.line}: "${f.unit.key}" not written: ${f.problems.join("; ")}`);
    const s = job.summary;
    const message = summaryMessage(s, pair.target, applied, vscode.l10n.t);
    d.log.info(`localize ${base}: ${message}`);
    if (job.flagged.length && review) {
        const open = vscode.l10n.t("Open Review List");
        void vscode.window.showWarningMessage(message, open).then(async (pick) => {
            if (pick === open) await vscode.window.showTextDocument(vscode.Uri.file(reviewPath(pair.target)), {preview: false});
        });
    } else if (!applied && !s.cancelled) void vscode.window.showWarningMessage(message);
    else void vscode.window.showInformationMessage(message);
    return {target: pair.target, applied, summary: s, review};
}
