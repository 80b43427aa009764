import * as vscode from "vscode";
import {outputVerdict, type LanguageIdentifier, type OutputVerdict} from "../core/langid";
import {verdictName} from "../core/wrongLanguage";
import {languageByCode, SCRIPT_NAMES} from "../core/languages";
import type {Drafter} from "../core/drafter";
import type {PromptSpec} from "../core/tasks";
import type {Engine, GenerateResult} from "../engine/engine";
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
     * When the output check finds another language or script: the generation to run instead, into what was written
     * (src/core/wrongLanguage.ts), and how to say what was changed ("an example sentence pair in Slovak"); once.
     */
    retry?: (v: OutputVerdict) => {generation: EditorGeneration; how: string} | undefined;
    /**
     * When the loop guard ended the output as an echo of the input before it wrote anything of its own: the
     * generation to run instead, into the same place, and how to say what was changed (src/core/tasks.ts
     * storyRetry); once.
     */
    onEcho?: (r: Pick<GenerateResult, "finish" | "text" | "repetition">) => {generation: EditorGeneration; how: string} | undefined;
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
export async function generateIntoEditor(d: EditorDeps, g: EditorGeneration, quiet = false): Promise<{text: string; cancelled: boolean; verdict?: OutputVerdict} | undefined> {
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
        // the output check: quiet when a retry may follow (it says what happened itself)
        const check = async () => d.settings.current.checkLanguage ? checkLanguage(d, text, g.lang, true) : undefined;
        let verdict: OutputVerdict | undefined;
        if (broken === "edited") void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec stopped: the text it was writing was edited."));
        else if (broken === "closed") d.log.info(`${g.task}: the document was closed; generation stopped`);
        else if (result.finish === "repetition") {
            const again = range && g.onEcho?.(result);
            if (again) return await echoRetry(d, g, again, range!);
            void vscode.window.showWarningMessage(repetitionMessage(!!text.trim()));
            if (text.trim()) verdict = await check();
        } else if (!result.cancelled && !text.trim()) void vscode.window.showWarningMessage(g.emptyMessage);
        else if (!result.cancelled) verdict = await check();
        const again = range && verdict && g.retry?.(verdict);
        if (again && verdict) return await retryInto(d, g, again, range!, verdict);
        // a written result the user may keep (a retry above tracks its own)
        if (range && !result.cancelled && !broken && text.trim()) g.onWritten?.(range, text);
        if (verdict && !quiet) warnLanguage(d, verdict, g.lang);
        return {text, cancelled: result.cancelled || !!broken, verdict};
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

/**
 * The output was in another language (or script): the generation runs again into what was written, and the user is
 * told what happened and how it came out.
 */
async function retryInto(d: EditorDeps, g: EditorGeneration, again: {generation: EditorGeneration; how: string}, range: vscode.Range, first: OutputVerdict) {
    const want = languageByCode(g.lang).name, got = verdictName(first);
    d.log.warn(`${g.task}: output in ${got}, not ${want}: generating again with ${again.how}`);
    const r = await generateIntoEditor(d, {...again.generation, target: {kind: "replace", range}, retry: undefined}, true);
    if (!r || r.cancelled) return r;
    if (r.verdict?.kind === "ok" || r.verdict?.kind === "unknown") {
        void vscode.window.showInformationMessage(vscode.l10n.t("Polyspec: the output came out in {0}, not {1}, so it was generated again with {2}; it is in {1} now.", got, want, again.how));
    } else {
        void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the output came out in {0}, not {1}, also when generated again with {2}. The model may not know {1} well; try another model.", r.verdict ? verdictName(r.verdict) : got, want, again.how));
    }
    return r;
}

/** The output began as an echo of the input: the generation runs again, into what was written, and the user is told. */
async function echoRetry(d: EditorDeps, g: EditorGeneration, again: {generation: EditorGeneration; how: string}, range: vscode.Range) {
    d.log.warn(`${g.task}: the model began to write the input out again: generating again with ${again.how}`);
    const r = await generateIntoEditor(d, {...again.generation, target: {kind: "replace", range}, retry: g.retry, onEcho: undefined});
    if (r && !r.cancelled && r.text.trim()) void vscode.window.showInformationMessage(vscode.l10n.t("Polyspec: the model began to write the text out again, so it was asked once more, with {0}.", again.how));
    return r;
}

/** What the user is told when the loop guard ended a generation (the document holds the text before the loop). */
export function repetitionMessage(kept: boolean): string {
    return kept ? vscode.l10n.t("Polyspec stopped: the model started repeating itself. The text before the repetition is kept.")
        : vscode.l10n.t("Polyspec stopped: the model started repeating itself (or the text it was given) at once, so nothing was written. Try again with a longer or different text.");
}

/**
 * Warns when the output is confidently in another language than the one asked for, or in the other script of a
 * language written in two (Serbian in Latin when Cyrillic was asked for).
 */
export async function checkLanguage(d: Pick<EditorDeps, "langid" | "log">, text: string, want: string, quiet = false): Promise<OutputVerdict> {
    if (!d.langid.supports(want)) return {kind: "unknown"}; // e.g. Galician: the identifier has no model for it
    await d.langid.ready();
    const v = outputVerdict(want, d.langid.identify(text));
    if (!quiet) warnLanguage(d, v, want);
    return v;
}

/** The output check's warning (nothing when the output is in the language asked for, or the check cannot tell). */
function warnLanguage(d: Pick<EditorDeps, "log">, v: OutputVerdict, want: string): void {
    const name = (c: string) => { try { return languageByCode(c).name; } catch { return c; } };
    if (v.kind === "script") {
        d.log.warn(`output script: asked for ${want} (${v.want}), got ${v.got}`);
        void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the output is written in {0} script, not {1} as asked ({2}).", SCRIPT_NAMES[v.got], SCRIPT_NAMES[v.want], name(want)));
    } else if (v.kind === "language") {
        d.log.warn(`output language: asked for ${want}, got ${v.got}`);
        void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the output looks like {0}, not {1}. The model may not know {1} well; try another model.", name(v.got), name(want)));
    }
}
