import * as vscode from "vscode";
import {languageByCode, isLanguageCode} from "../core/languages";
import {KeptTranslations, type Written} from "./common/keptTranslations";
import {errorMessage, type Log} from "./log";
import {MemoryService} from "./memoryService";

/**
 * Follows the translations Polyspec wrote (common/keptTranslations.ts) and adds the ones the user kept to the
 * workspace memory as history: decided when their document is saved or closed, or when the next translation starts.
 */
export class KeptService implements vscode.Disposable {
    private readonly kept = new KeptTranslations();
    private readonly subs: vscode.Disposable[];

    constructor(private readonly memory: MemoryService, private readonly log: Log) {
        this.subs = [
            vscode.workspace.onDidChangeTextDocument((e) => {
                const doc = e.document.uri.toString();
                if (!this.kept.has(doc) || e.contentChanges.length === 0) return;
                this.kept.changed(doc, e.contentChanges.map((c) => ({offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text.length, text: c.text})));
            }),
            vscode.workspace.onDidSaveTextDocument((d) => this.decide(d)),
            vscode.workspace.onDidCloseTextDocument((d) => this.decide(d)),
        ];
    }

    /** A finished translation, written at `range` of `doc`. */
    track(doc: vscode.TextDocument, range: vscode.Range, source: string, target: string, lang: string): void {
        if (!this.memory.enabled || !isLanguageCode(lang)) return;
        const w: Written = {source, target, lang, start: doc.offsetAt(range.start), end: doc.offsetAt(range.end), noSpaces: languageByCode(lang).noSpaces};
        this.kept.track(doc.uri.toString(), w);
    }

    /** Decides every tracked translation now (the next translation starts). */
    decideAll(): void {
        for (const uri of this.kept.documents) {
            const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
            if (doc) this.decide(doc); else this.kept.forget(uri);
        }
    }

    private decide(doc: vscode.TextDocument): void {
        const uri = doc.uri.toString();
        if (!this.kept.has(uri)) return;
        for (const k of this.kept.decide(uri, doc.getText())) {
            this.memory.memory.addHistory(MemoryService.pair(k.lang), k.source, k.target)
                .then(() => this.log.info(`translation memory en-${k.lang}: kept translation added (${k.source.length} -> ${k.target.length} characters)`))
                .catch((e) => this.log.warn(`translation memory en-${k.lang}: could not save a kept translation: ${errorMessage(e)}`));
        }
    }

    dispose(): void { for (const s of this.subs) s.dispose(); }
}
