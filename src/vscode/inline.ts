import * as vscode from "vscode";
import type {LanguageIdentifier} from "../core/langid";
import {languageByCode} from "../core/languages";
import {storyPrompt} from "../core/tasks";
import {SuggestionCache} from "./common/suggestionCache";
import {dropBrokenTail, joinContinuation, lineEnded, storyContext, trimContinuation} from "./common/text";
import {errorMessage, type Log} from "./log";
import type {EditorSession} from "./session";
import type {SettingsService} from "./settings";
import {storyLanguage, textBefore} from "./story";

/** Text before the cursor that an inline suggestion needs (shorter gives the model too little to go on). */
const MIN_CONTEXT = 24;

/**
 * Inline story suggestions (ghost text; Tab accepts, typing dismisses): after a pause in typing (debounce), the
 * speculative engine drafts the rest of the line in the language of the surrounding text, through the same
 * session as the commands. Typing cancels the request (VS Code cancels the token; the engine stops at its next
 * step). Suggestions are cached briefly. Never interrupts a command: while one runs, no suggestion is made.
 */
export class InlineProvider implements vscode.InlineCompletionItemProvider {
    private readonly cache = new SuggestionCache();

    constructor(private readonly d: {session: EditorSession; settings: SettingsService; langid: LanguageIdentifier; memento: vscode.Memento; log: Log}) {}

    async provideInlineCompletionItems(doc: vscode.TextDocument, pos: vscode.Position, _ctx: vscode.InlineCompletionContext, token: vscode.CancellationToken): Promise<vscode.InlineCompletionItem[] | undefined> {
        const s = this.d.settings.current;
        if (!s.inlineEnabled || !s.inlineLanguages.includes(doc.languageId)) return undefined;
        if (doc.lineAt(pos.line).text.slice(pos.character).trim()) return undefined; // only at the end of a line
        const before = textBefore(doc, pos);
        const context = storyContext(before);
        if (context.trim().length < MIN_CONTEXT) return undefined;
        const cached = this.cache.get(before);
        if (cached !== undefined) return [new vscode.InlineCompletionItem(cached, new vscode.Range(pos, pos))];
        if (this.d.session.busyWith() !== undefined) return undefined;
        if (!(await sleep(s.inlineDebounceMs, token))) return undefined;
        const lang = await storyLanguage(this.d, context);
        if (token.isCancellationRequested) return undefined;
        const opened = await this.d.session.open({task: "inline", lang, priority: "inline", label: "inline suggestion", interactive: false});
        if (!opened.ok) return undefined;
        const run = opened.run;
        const sub = token.onCancellationRequested(() => run.cancel());
        try {
            if (token.isCancellationRequested) { run.close(); return undefined; }
            const r = await run.generate(storyPrompt(context, lang), {maxTokens: s.inlineMaxTokens, stopWhen: lineEnded});
            run.close();
            if (r.cancelled || token.isCancellationRequested) return undefined;
            // a suggestion that ran into a loop (or wrote out the text before the cursor again) is not offered at all
            if (r.finish === "repetition") { this.d.log.debug(`inline: suggestion dropped, the model started repeating itself`); return undefined; }
            const text = joinContinuation(before, trimContinuation(dropBrokenTail(r.text), "line"), languageByCode(lang).noSpaces);
            if (!text.trim()) { this.d.log.debug(`inline: nothing new after the text (${r.finish})`); return undefined; }
            this.cache.set(before, text);
            return [new vscode.InlineCompletionItem(text, new vscode.Range(pos, pos))];
        } catch (e) {
            run.close(e);
            this.d.log.warn(`inline suggestion: ${errorMessage(e)}`);
            return undefined;
        } finally {
            sub.dispose();
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
