import * as vscode from "vscode";
import {languageByCode} from "../core/languages";
import {summary} from "../core/stats";
import type {Sampling} from "../core/target";
import type {PromptSpec} from "../core/tasks";
import type {Drafter} from "../core/drafter";
import type {Engine} from "../engine/engine";
import type {Deps} from "./deps";
import {errorMessage} from "./log";
import {formatLoopDelay, LoopDelayProbe} from "./loopDelay";
import type {Route} from "./router";
import type {Settings} from "./settingsModel";
import type {Task} from "./statsStore";
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
}

export function sampling(s: Settings): Sampling | undefined {
    return s.temperature > 0 ? {temperature: s.temperature, topK: 40, topP: 0.95, seed: Math.floor(Math.random() * 2 ** 31)} : undefined;
}

/** The drafter for `route`; a drafter that cannot be built is reported and replaced by context lookup. */
export async function routeDrafter(d: Deps, engine: Engine, route: Route): Promise<{route: Route; drafter: Drafter | undefined}> {
    try {
        return {route, drafter: await d.host.drafter(engine, route)};
    } catch (e) {
        const msg = errorMessage(e);
        d.log.warn(`drafter ${route.spec} for ${route.lang} unusable: ${msg}; using context lookup`);
        void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: drafter {0} cannot be used ({1}); using context lookup instead.", route.spec, msg));
        const fallback: Route = {lang: route.lang, spec: "lookup", label: "lookup", reason: "default"};
        return {route: fallback, drafter: await d.host.drafter(engine, fallback)};
    }
}

export function busyMessage(running: string): string {
    return vscode.l10n.t("Polyspec is busy ({0}). Wait for it to finish or cancel it from the status bar.", running);
}

/** A command while another one runs is refused first of all (before it asks anything). True if refused. */
export function refuseIfBusy(d: Deps): boolean {
    const running = d.gate.running;
    if (!running || running.priority !== "command") return false;
    void vscode.window.showWarningMessage(busyMessage(running.label));
    return true;
}

/**
 * Runs one generation into the editor: one job at a time, a cancellable progress notification, live numbers in
 * the status bar and the statistics panel, one undo step, the output language checked at the end.
 */
export async function generateIntoEditor(d: Deps, g: EditorGeneration): Promise<{text: string; cancelled: boolean} | undefined> {
    const engine = await d.host.get(true);
    if (!engine) return undefined;
    const acquired = await d.gate.acquire(g.label, "command");
    if (!acquired.ok) { void vscode.window.showWarningMessage(busyMessage(acquired.running)); return undefined; }
    const job = acquired.job;
    const s = d.settings.current;
    let writer: StreamWriter | undefined;
    try {
        const {route, drafter} = await routeDrafter(d, engine, d.router.choose(g.lang));
        d.log.info(`${g.task} -> ${g.lang}: drafter ${route.label} (${route.reason})`);
        d.stats.useModel(d.host.displayName());
        d.status.dispatch({type: "start", job: g.task, lang: g.lang, drafter: route.label});
        d.stats.startLive(g.task, g.lang, route.label);
        let broken: "edited" | "closed" | undefined;
        writer = new StreamWriter(g.editor.document, g.target, (why) => { broken = why; job.cancel.cancel(); });
        const w = writer;
        const probe = new LoopDelayProbe();
        let lastLive = 0;
        const result = await vscode.window.withProgress({location: vscode.ProgressLocation.Notification, title: g.title, cancellable: true}, async (progress, token) => {
            const sub = token.onCancellationRequested(() => job.cancel.cancel());
            try {
                return await engine.generate(g.prompt, drafter, {
                    maxTokens: g.maxTokens, k: s.k, adaptive: true, sampling: sampling(s), cancel: job.cancel, stopWhen: g.stopWhen, profile: `${g.task}:${g.lang}`,
                    onText: (delta) => w.append(g.filter(delta)),
                    onStats: (snap) => {
                        const now = performance.now();
                        if (now - lastLive < 150) return; // a few updates a second are enough for eyes
                        lastLive = now;
                        const live = d.stats.progress(g.task, g.lang, route.label, snap);
                        d.status.dispatch({type: "progress", tokens: snap.tokens, tokensPerSecond: live.tokensPerSecond, acceptance: live.acceptance});
                        progress.report({message: `${snap.tokens} tok · ${live.tokensPerSecond.toFixed(1)} tok/s`});
                    },
                });
            } finally {
                sub.dispose();
            }
        });
        const delay = probe.stop();
        d.stats.setLoopDelay("generation", g.task, delay);
        d.log.info(`${g.task} [${route.label}] ${summary(result.stats)}${result.cancelled ? " (cancelled)" : ""}; ${formatLoopDelay(g.task, delay)}`);
        const text = g.finalize(result.text);
        if (!broken) await writer.finish(text);
        d.stats.record({task: g.task, lang: g.lang, drafter: route.label, stats: result.stats, at: Date.now()});
        d.stats.endLive();
        d.status.dispatch({type: "finish"});
        if (broken === "edited") void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec stopped: the text it was writing was edited."));
        else if (broken === "closed") d.log.info(`${g.task}: the document was closed; generation stopped`);
        else if (!result.cancelled && s.checkLanguage) await checkLanguage(d, text, g.lang);
        return {text, cancelled: result.cancelled || !!broken};
    } catch (e) {
        d.stats.endLive();
        d.status.dispatch({type: "fail", message: errorMessage(e)});
        d.log.error(`${g.task}: ${errorMessage(e)}`);
        void vscode.window.showErrorMessage(vscode.l10n.t("Polyspec: {0}", errorMessage(e)));
        return undefined;
    } finally {
        writer?.dispose();
        job.done();
    }
}

/** Warns when the output is confidently in another language than the one asked for. */
export async function checkLanguage(d: Deps, text: string, want: string): Promise<void> {
    if (!d.langid.supports(want)) return; // e.g. Galician: the identifier has no model for it
    await d.langid.ready();
    const got = d.langid.identify(text);
    if (!got || got.code === want || !got.reliable) return;
    const name = (c: string) => { try { return languageByCode(c).name; } catch { return c; } };
    d.log.warn(`output language: asked for ${want}, got ${got.code}`);
    void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: the output looks like {0}, not {1}. The model may not know {1} well; try another model.", name(got.code), name(want)));
}
