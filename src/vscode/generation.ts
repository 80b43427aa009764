import * as vscode from "vscode";
import type {LanguageIdentifier} from "../core/langid";
import {languageByCode} from "../core/languages";
import type {Drafter} from "../core/drafter";
import type {PromptSpec} from "../core/tasks";
import type {Engine} from "../engine/engine";
import {formatLoopDelay} from "./common/loopDelay";
import type {Task} from "./common/statsStore";
import type {LiveStats} from "./liveStats";
import {errorMessage, type Log} from "./log";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";
import type {StatsService} from "./statsService";
import {StreamWriter, type Target} from "./streamWriter";

/** A generation streamed into an editor: Translate Selection and Continue Story. */
export interface EditorGeneration {
    task: Exclude<Task, "inline">;
    lang: string;
    prompt: PromptSpec;
    maxTokens: number;
    stopWhen?: (text: string) => boolean;
    editor: vscode.TextEditor;
    target: Target;
    /** Turns each streamed delta into what is written (e.g. a space before the first word). */
    filter: (delta: string) => string;
    /** The final text written in place of everything streamed (same undo step). */
    finalize: (raw: string) => string;
    /** Progress notification title. */
    title: string;
    /** Short name of the job, for "Polyspec is busy (...)". */
    label: string;
    /** Why an empty result is empty, for the message the user gets (the task's own words). */
    emptyMessage: string;
    /**
     * The request as the loaded engine makes it (a translation memory's matches are tokenized with the model):
     * the prompt (instead of `prompt`), a memory drafter and profile, and a note of what was used (shown in the
     * progress notification and the status bar).
     */
    prepare?: (engine: Engine) => Promise<Prepared>;
    /** Called with the final text's range once it is written (not after a cancel or an edit that stopped it). */
    onWritten?: (range: vscode.Range, text: string) => void;
}

/** A request prepared with the loaded engine. */
export interface Prepared {
    prompt: PromptSpec;
    memory?: Drafter;
    profile?: string;
    note?: string;
}

/** How long what a generation used stays in the status bar after it ends. */
const NOTE_MS = 30_000;

/** What writing into the editor needs. */
export interface EditorDeps {
    session: EditorSession;
    live: LiveStats;
    stats: StatsService;
    settings: SettingsService;
    langid: LanguageIdentifier;
    log: Log;
}

export function busyMessage(running: string): string {
    return vscode.l10n.t("Polyspec is busy ({0}). Wait for it to finish or cancel it from the status bar.", running);
}

/** A command while another one runs is refused first of all (before it asks anything). True if refused. */
export function refuseIfBusy(session: EditorSession): boolean {
    const running = session.busyWith();
    if (running === undefined) return false;
    void vscode.window.showWarningMessage(busyMessage(running));
    return true;
}

/**
 * Runs one generation into the editor through the session: a cancellable progress notification with the live
 * numbers, one undo step, a message when the result is empty, the output language checked at the end.
 */
export async function generateIntoEditor(d: EditorDeps, g: EditorGeneration): Promise<{text: string; cancelled: boolean} | undefined> {
    const opened = await d.session.open({task: g.task, lang: g.lang, priority: "command", label: g.label, interactive: true});
    if (!opened.ok) {
        if (opened.busy !== undefined) void vscode.window.showWarningMessage(busyMessage(opened.busy));
        return undefined;
    }
    const run = opened.run;
    let broken: "edited" | "closed" | undefined;
    const writer = new StreamWriter(g.editor.document, g.target, (why) => { broken = why; run.cancel(); });
    let note: vscode.Disposable | undefined;
    try {
        const req: Prepared = g.prepare ? await g.prepare(run.engine) : {prompt: g.prompt};
        if (req.note) {
            d.log.info(`${g.task} -> ${g.lang}: ${req.note}`);
            note = vscode.window.setStatusBarMessage(`$(database) Polyspec: ${req.note}`);
        }
        const title = req.note ? `${g.title} (${req.note})` : g.title;
        const result = await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title, cancellable: true}, async (progress, token) => {
            const subs = [token.onCancellationRequested(() => run.cancel()),
                d.live.onDidChange((v) => { if (v?.tokensPerSecond != null) progress.report({message: `${v.tokens} tok · ${v.tokensPerSecond.toFixed(1)} tok/s`}); })];
            try {
                return await run.generate(req.prompt, {maxTokens: g.maxTokens, stopWhen: g.stopWhen, onText: (delta) => writer.append(g.filter(delta)), memory: req.memory, profile: req.profile});
            } finally {
                for (const s of subs) s.dispose();
            }
        });
        d.stats.setLoopDelay("generation", g.task, run.loopDelay!);
        d.log.info(formatLoopDelay(g.task, run.loopDelay!));
        const text = g.finalize(result.text);
        const range = broken ? undefined : await writer.finish(text);
        run.close();
        if (range && !result.cancelled && !broken && text.trim()) g.onWritten?.(range, text);
        if (broken === "edited") void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec stopped: the text it was writing was edited."));
        else if (broken === "closed") d.log.info(`${g.task}: the document was closed; generation stopped`);
        else if (!result.cancelled && !text.trim()) void vscode.window.showWarningMessage(g.emptyMessage);
        else if (!result.cancelled && d.settings.current.checkLanguage) await checkLanguage(d, text, g.lang);
        return {text, cancelled: result.cancelled || !!broken};
    } catch (e) {
        run.close(e);
        d.log.error(`${g.task}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec: {0}", errorMessage(e)));
        return undefined;
    } finally {
        writer.dispose();
        if (note) setTimeout(() => note!.dispose(), NOTE_MS);
    }
}

/** Warns when the output is confidently in another language than the one asked for. */
export async function checkLanguage(d: Pick<EditorDeps, "langid" | "log">, text: string, want: string): Promise<void> {
    if (!d.langid.supports(want)) return; // e.g. Galician: the identifier has no model for it
    await d.langid.ready();
    const got = d.langid.identify(text);
    if (!got || got.code === want || !got.reliable) return;
    const name = (c: string) => { try { return languageByCode(c).name; } catch { return c; } };
    d.log.warn(`output language: asked for ${want}, got ${got.code}`);
    void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the output looks like {0}, not {1}. The model may not know {1} well; try another model.", name(got.code), name(want)));
}
