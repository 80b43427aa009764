import fs from "node:fs";
import * as vscode from "vscode";

/**
 * The n-gram drafters trained in the editor, per language (kept in globalState: they belong to the user, not to
 * a workspace). A registered file that has disappeared is dropped when read.
 */
const KEY = "polyspec.trainedDrafters";

export class DrafterRegistry {
    private readonly emitter = new vscode.EventEmitter<void>();
    readonly onDidChange = this.emitter.event;

    constructor(private readonly state: vscode.Memento) {}

    all(): Record<string, string> {
        const raw = this.state.get<Record<string, string>>(KEY, {});
        const out: Record<string, string> = {};
        for (const [lang, file] of Object.entries(raw)) if (typeof file === "string" && fs.existsSync(file)) out[lang] = file;
        return out;
    }

    async register(lang: string, file: string): Promise<void> {
        await this.state.update(KEY, {...this.state.get<Record<string, string>>(KEY, {}), [lang]: file});
        this.emitter.fire();
    }

    dispose(): void { this.emitter.dispose(); }
}
