import * as vscode from "vscode";
import {languageByCode, isLanguageCode} from "../core/languages";
import {translationPrompt, type LanguageHints} from "../core/tasks";
import {retryHints} from "../core/wrongLanguage";
import {generateIntoEditor, refuseIfBusy, type EditorDeps, type EditorGeneration} from "./generation";
import {dropBrokenTail, languagePickItems, pushRecent, translationBudget} from "./common/text";

const RECENT = "polyspec.recentLanguages";

/** Quick pick of target languages: recently used first, searchable by English and native name. */
export async function pickLanguage(memento: vscode.Memento, placeHolder: string, preselect?: string): Promise<string | undefined> {
    const recent = memento.get<string[]>(RECENT, []).filter(isLanguageCode);
    type Item = vscode.QuickPickItem & {code?: string};
    const list = languagePickItems(recent, vscode.l10n.t("recently used"));
    const items: Item[] = [];
    if (recent.length) items.push({label: vscode.l10n.t("recently used"), kind: vscode.QuickPickItemKind.Separator});
    list.forEach((l, i) => {
        if (i === recent.length && recent.length) items.push({label: vscode.l10n.t("all languages"), kind: vscode.QuickPickItemKind.Separator});
        items.push({label: l.label, description: l.description.replace(/ · .*$/, "") || undefined, code: l.code, picked: l.code === preselect});
    });
    const pick = await vscode.window.showQuickPick(items, {placeHolder, matchOnDescription: true, ignoreFocusOut: false});
    return pick?.code;
}

export async function rememberLanguage(memento: vscode.Memento, code: string): Promise<void> {
    await memento.update(RECENT, pushRecent(memento.get<string[]>(RECENT, []), code));
}

/** "Translate Selection...": the selection, translated into the picked language, streamed in place or below it. */
export async function translateSelection(d: EditorDeps & {memento: vscode.Memento}, arg?: unknown): Promise<void> {
    if (refuseIfBusy(d.session)) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: open a document and select the text to translate.")); return; }
    const sel = editor.selection;
    const selected = editor.document.getText(sel);
    if (!selected.trim()) { void vscode.window.showWarningMessage(vscode.l10n.t("Polyspec: select the text to translate first.")); return; }
    const argLang = typeof arg === "string" ? arg : (arg as {lang?: unknown} | undefined)?.lang;
    const lang = typeof argLang === "string" && isLanguageCode(argLang) ? argLang : await pickLanguage(d.memento, vscode.l10n.t("Translate into... (type an English or native language name)"));
    if (!lang) return;
    await rememberLanguage(d.memento, lang);
    const s = d.settings.current;
    if (s.checkLanguage) await d.langid.ready(); // loads once (~0.3 s), before the generation rather than after it
    const name = languageByCode(lang).name;
    // keep the selection's surrounding whitespace (a selected paragraph keeps its line break)
    const lead = /^\s*/.exec(selected)![0];
    const trail = /\s*$/.exec(selected)![0];
    const below = s.insertMode === "below";
    const target = below
        ? {kind: "insert" as const, position: editor.document.lineAt(sel.end.line).range.end}
        : {kind: "replace" as const, range: new vscode.Range(editor.document.positionAt(editor.document.offsetAt(sel.start) + lead.length), editor.document.positionAt(editor.document.offsetAt(sel.end) - trail.length))};
    const sep = below ? (editor.document.lineAt(sel.end.line).text.length > 0 ? "\n\n" : "\n") : "";
    const generation = (hints: LanguageHints, title: string): EditorGeneration => {
        let started = false;
        return {
            task: "translate", lang, prompt: translationPrompt(selected.trim(), lang, hints),
            maxTokens: translationBudget(Math.ceil(selected.length / 3), s.translationMaxTokens),
            editor, target,
            filter: (delta) => {
                if (started) return delta;
                const t = delta.replace(/^\s+/, "");
                if (!t) return "";
                started = true;
                return sep + t;
            },
            finalize: (raw) => (dropBrokenTail(raw).trim() ? sep + dropBrokenTail(raw).trim() : ""),
            title,
            label: `${vscode.l10n.t("translating")} → ${name}`,
            emptyMessage: vscode.l10n.t("Polyspec: the model returned no translation into {0}. Try again, a shorter selection, or another model.", name),
        };
    };
    // output in another language or script: translated again once, into what was written, with the instruction
    // naming the language in itself (src/core/wrongLanguage.ts)
    const retry = (v: Parameters<typeof retryHints>[0]) => {
        const hints = retryHints(v);
        if (!hints) return undefined;
        const how = vscode.l10n.t("an instruction to write {0} only", name);
        return {generation: generation(hints, vscode.l10n.t("Polyspec: translating into {0} again, with {1}", name, how)), how};
    };
    await generateIntoEditor(d, {...generation({}, vscode.l10n.t("Polyspec: translating into {0}", name)), retry});
}
