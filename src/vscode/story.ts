import * as vscode from "vscode";
import {languageByCode, isLanguageCode} from "../core/languages";
import {storyPrompt, storyRetry, type PromptSpec} from "../core/tasks";
import type {LanguageIdentifier} from "../core/langid";
import {generateIntoEditor, refuseIfBusy, type EditorDeps, type EditorGeneration} from "./generation";
import {dropBrokenTail, joinContinuation, paragraphEnded, storyContext, trimContinuation} from "./common/text";

const LAST = "polyspec.lastStoryLanguage";
const CONTEXT_LINES = 80;

/** The language of story text: identified from the text, else the last story language, else English. */
export async function storyLanguage(d: {langid: LanguageIdentifier; memento: vscode.Memento}, text: string): Promise<string> {
    await d.langid.ready();
    const id = d.langid.identify(text);
    const last = d.memento.get<string>(LAST);
    const lang = id?.code ?? (last && isLanguageCode(last) ? last : "en");
    void d.memento.update(LAST, lang);
    return lang;
}

/** The text before `pos` that a continuation is written from. */
export function textBefore(doc: vscode.TextDocument, pos: vscode.Position): string {
    return doc.getText(new vscode.Range(new vscode.Position(Math.max(0, pos.line - CONTEXT_LINES), 0), pos));
}

/** "Continue Story": drafts the next paragraph at the cursor, in the language of the text around it. */
export async function continueStory(d: EditorDeps & {memento: vscode.Memento}): Promise<void> {
    if (refuseIfBusy(d.session)) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: open a story to continue.")); return; }
    const pos = editor.selection.active;
    const before = textBefore(editor.document, pos);
    const context = storyContext(before);
    if (context.length < 3) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: write the beginning of the story first; it continues from the text before the cursor.")); return; }
    const lang = await storyLanguage(d, context);
    const noSpaces = languageByCode(lang).noSpaces;
    const generation = (prompt: PromptSpec): EditorGeneration => {
        let started = false;
        return {
            task: "story", lang, prompt, maxTokens: d.settings.current.storyMaxTokens, stopWhen: paragraphEnded,
            editor, target: {kind: "insert", position: pos},
            filter: (delta) => {
                if (started) return delta;
                const t = delta.replace(/^\s+/, "");
                if (!t) return "";
                started = true;
                return joinContinuation(before, t, noSpaces);
            },
            finalize: (raw) => joinContinuation(before, trimContinuation(dropBrokenTail(raw), "paragraph"), noSpaces),
            title: vscode.l10n.t("Polyspec: continuing the story ({0})", languageByCode(lang).name),
            label: vscode.l10n.t("continuing story"),
            emptyMessage: vscode.l10n.t("Polyspec: the model wrote nothing new after this text (it only repeated it). Add a sentence or a blank line and try again, or try another model."),
        };
    };
    // an output that began to write the text out again: once more with the text's other ending (core/tasks.ts)
    const onEcho = (r: Parameters<typeof storyRetry>[2]) => {
        const again = storyRetry(context, lang, r);
        return again && {generation: generation(again.prompt),
            how: again.blankLine ? vscode.l10n.t("a blank line after the text") : vscode.l10n.t("the text without its blank line")};
    };
    await generateIntoEditor(d, {...generation(storyPrompt(context, lang)), onEcho});
}
