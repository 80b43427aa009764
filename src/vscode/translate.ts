import * as vscode from "vscode";
import {languageByCode, isLanguageCode} from "../core/languages";
import {translationPrompt, type LanguageHints} from "../core/tasks";
import {retryHints} from "../core/wrongLanguage";
import type {Engine} from "../engine/engine";
import {translationRequest} from "../tm/use";
import {describeMatches} from "./common/memoryUse";
import {generateIntoEditor, refuseIfBusy, type EditorDeps, type EditorGeneration, type Prepared} from "./generation";
import {dropBrokenTail, languagePickItems, pushRecent, translationBudget} from "./common/text";
import type {KeptService} from "./keptService";
import type {MemoryService} from "./memoryService";

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

/** What Translate Selection needs beyond writing into the editor: the workspace memory and the kept translations. */
export type TranslateDeps = EditorDeps & {memento: vscode.Memento; memory: MemoryService; kept: KeptService};

/**
 * "Translate Selection...": the selection, translated into the picked language, streamed in place or below it.
 * With the translation memory on (the default), the workspace memory of English -> that language is searched
 * (built on first use, while the model loads): its matches drive the TM drafter ("draft" mode: the output stays
 * exactly plain decoding's) or go into the prompt ("examples" mode); the notification and the status bar say what
 * was used. The translation, if the user keeps it, joins the memory (keptService.ts).
 */
export async function translateSelection(d: TranslateDeps, arg?: unknown): Promise<void> {
    if (refuseIfBusy(d.session)) return;
    d.kept.decideAll(); // the next translation starts: the earlier ones were kept or not
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
    const source = selected.trim();
    const memory = d.memory.forTranslation(lang); // starts indexing on first use, while the model loads
    // the memory's matches drive the drafter (draft mode) or go into the prompt (examples mode); a retry after
    // output in another language keeps the memory's drafter under the retry's instruction (src/core/wrongLanguage.ts)
    const prepare = (hints: LanguageHints) => async (engine: Engine): Promise<Prepared> => {
        const m = await memory;
        const retrying = !!(hints.insist || hints.example);
        if (!m.tm) return {prompt: translationPrompt(source, lang, hints), note: m.why};
        const r = translationRequest(source, lang, engine.model, {memory: m.tm, mode: retrying ? "draft" : s.tmMode});
        const note = describeMatches(r.matches, vscode.l10n.t) + (r.matches.length && r.mode === "examples" ? ` · ${vscode.l10n.t("examples in the prompt")}` : "");
        return {prompt: retrying ? translationPrompt(source, lang, hints) : r.prompt, memory: r.drafter, profile: r.profile, note};
    };
    const below = s.insertMode === "below";
    const target = below
        ? {kind: "insert" as const, position: editor.document.lineAt(sel.end.line).range.end}
        : {kind: "replace" as const, range: new vscode.Range(editor.document.positionAt(editor.document.offsetAt(sel.start) + lead.length), editor.document.positionAt(editor.document.offsetAt(sel.end) - trail.length))};
    const sep = below ? (editor.document.lineAt(sel.end.line).text.length > 0 ? "\n\n" : "\n") : "";
    const generation = (hints: LanguageHints, title: string): EditorGeneration => {
        let started = false;
        return {
            task: "translate", lang, prompt: translationPrompt(source, lang, hints), prepare: prepare(hints),
            onWritten: (range, text) => d.kept.track(editor.document, range, source, text.trim(), lang),
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
