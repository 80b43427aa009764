import * as vscode from "vscode";
import {languageByCode} from "../core/languages";
import {storyPrompt} from "../core/tasks";
import type {Deps} from "./deps";
import {routeDrafter, sampling} from "./generation";
import {errorMessage} from "./log";
import {LoopDelayProbe} from "./loopDelay";
import {storyLanguage, textBefore} from "./story";
import {SuggestionCache} from "./suggestionCache";
import {dropBrokenTail, joinContinuation, lineEnded, storyContext, trimContinuation} from "./text";

/** Text before the cursor that an inline suggestion needs (shorter gives the model too little to go on). */
const MIN_CONTEXT = 24;

/**
 * Inline story suggestions (ghost text; Tab accepts, typing dismisses): after a pause in typing (debounce), the
 * speculative engine drafts the rest of the line in the language of the surrounding text. Typing cancels the
 * request (VS Code cancels the token; the engine stops at its next step). Suggestions are cached briefly.
 * Never interrupts a command: while one runs, no suggestion is made.
 */
export class InlineProvider implements vscode.InlineCompletionItemProvider {
    private readonly cache = new SuggestionCache();

    constructor(private readonly d: Deps) {}

    async provideInlineCompletionItems(doc: vscode.TextDocument, pos: vscode.Position, _ctx: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
        const s = this.d.settings.current;
        if (!s.inlineEnabled || !s.inlineLanguages.includes(doc.languageId)) return undefined;
        if (doc.lineAt(pos.line).text.slice(pos.character).trim()) return undefined; // only at the end of a line
        const before = textBefore(doc, pos);
        const context = storyContext(before);
        if (context.length < MIN_CONTEXT) return undefined;
        const cached = this.cache.get(before);
        if (cached !== undefined) return [new vscode.InlineCompletionItem(cached, new vscode.Range(pos, pos))];
        if (this.d.gate.running?.priority === "command") return undefined;
        if (!(await sleep(s.inlineDebounceMs, token))) return undefined;
        const engine = this.d.host.loaded ?? (this.d.host.available(this.d.host.modelSpec()) ? await this.d.host.get(false) : undefined);
        if (!engine || token.isCancellationRequested) return undefined;
        const acquired = await this.d.gate.acquire("inline suggestion", "inline");
        if (!acquired.ok) return undefined;
        const job = acquired.job;
        const sub = token.onCancellationRequested(() => job.cancel.cancel());
        try {
            if (token.isCancellationRequested) return undefined;
            const lang = await storyLanguage(this.d, context);
            const {route, drafter} = await routeDrafter(this.d, engine, this.d.router.choose(lang));
            this.d.stats.useModel(this.d.host.displayName());
            this.d.status.dispatch({type: "start", job: "inline", lang, drafter: route.label});
            const probe = new LoopDelayProbe();
            const r = await engine.generate(storyPrompt(context, lang), drafter, {
                maxTokens: s.inlineMaxTokens, k: s.k, adaptive: true, sampling: sampling(s), cancel: job.cancel, stopWhen: lineEnded, profile: `story:${lang}`,
                onStats: (snap) => {
                    const live = this.d.stats.progress("inline", lang, route.label, snap);
                    this.d.status.dispatch({type: "progress", tokens: snap.tokens, tokensPerSecond: live.tokensPerSecond, acceptance: live.acceptance});
                },
            });
            const delay = probe.stop();
            this.d.stats.endLive();
            this.d.status.dispatch({type: "finish"});
            this.d.stats.record({task: "inline", lang, drafter: route.label, stats: r.stats, at: Date.now()});
            this.d.log.debug(`inline [${route.label}] ${r.stats.tokens} tok${r.cancelled ? " (cancelled)" : ""}; event-loop p99 ${delay.p99} ms`);
            if (r.cancelled || token.isCancellationRequested) return undefined;
            const text = joinContinuation(before, trimContinuation(dropBrokenTail(r.text), "line"), languageByCode(lang).noSpaces);
            if (!text.trim()) return undefined;
            this.cache.set(before, text);
            return [new vscode.InlineCompletionItem(text, new vscode.Range(pos, pos))];
        } catch (e) {
            this.d.stats.endLive();
            this.d.status.dispatch({type: "finish"});
            this.d.log.warn(`inline suggestion: ${errorMessage(e)}`);
            return undefined;
        } finally {
            sub.dispose();
            job.done();
        }
    }

    clearCache(): void { this.cache.clear(); }
}

/** Waits `ms`; false if the token was cancelled meanwhile. */
function sleep(ms: number, token: vscode.CancellationToken): Promise<boolean> {
    if (token.isCancellationRequested) return Promise.resolve(false);
    return new Promise((resolve) => {
        const t = setTimeout(() => { sub.dispose(); resolve(!token.isCancellationRequested); }, ms);
        const sub = token.onCancellationRequested(() => { clearTimeout(t); sub.dispose(); resolve(false); });
    });
}
