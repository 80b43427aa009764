import * as vscode from "vscode";
import {Region, type Change} from "./common/region";

/**
 * Streams generated text into a document, leaving ONE undo step.
 *
 * While streaming, each chunk is applied with TextEditor.edit without undo stops (one edit in flight at a time;
 * chunks that arrive meanwhile are coalesced). The editor normally merges these into one undo element, but not
 * always (on a loaded machine VS Code was seen to cut them into several). So `finish` collapses them: it puts the
 * original text back (still inside the streaming element) and then writes the final text as one edit with undo
 * stops on both sides. One Undo therefore always restores exactly the text from before the command, and Redo
 * brings the final text back. Where the text is lives in a Region that follows the user's edits elsewhere in the document; an edit
 * inside it stops the stream (`onBroken`). When the document's editor is not visible, chunks are buffered and the
 * final text is applied with a WorkspaceEdit. A closed document is never touched again.
 */
export type Target = {kind: "replace"; range: vscode.Range} | {kind: "insert"; position: vscode.Position};

export class StreamWriter implements vscode.Disposable {
    private readonly region: Region;
    private written = "";
    private pending = "";
    private wroteAny = false;
    private pump?: Promise<void>;
    private closed = false;
    private readonly subs: vscode.Disposable[] = [];
    private waiters: {change: Change; resolve: () => void}[] = [];
    private readonly replacing: boolean;
    /** The text the region held before streaming (the selection being replaced, or "" for an insertion). */
    private readonly original: string;

    constructor(private readonly doc: vscode.TextDocument, target: Target, private readonly onBroken: (why: "edited" | "closed") => void) {
        if (target.kind === "replace") {
            const start = doc.offsetAt(target.range.start);
            this.region = new Region(start, doc.offsetAt(target.range.end) - start);
            this.replacing = true;
            this.original = doc.getText(target.range);
        } else {
            this.region = new Region(doc.offsetAt(target.position), 0);
            this.replacing = false;
            this.original = "";
        }
        this.subs.push(
            vscode.workspace.onDidChangeTextDocument((e) => {
                if (e.document !== this.doc || e.contentChanges.length === 0) return;
                const changes = e.contentChanges.map((c): Change => ({offset: c.rangeOffset, removed: c.rangeLength, inserted: c.text.length, text: c.text}));
                const before = this.region.state;
                this.region.applyAll(changes);
                for (const c of changes) {
                    const i = this.waiters.findIndex((w) => w.change.offset === c.offset && w.change.inserted === c.inserted && w.change.removed === c.removed);
                    if (i >= 0) this.waiters.splice(i, 1)[0].resolve();
                }
                if (before === "ok" && this.region.state === "broken") this.onBroken("edited");
            }),
            vscode.workspace.onDidCloseTextDocument((d) => {
                if (d !== this.doc) return;
                this.closed = true;
                this.onBroken("closed");
            }),
        );
    }

    get ok(): boolean { return !this.closed && this.region.state === "ok"; }

    /** The streamed text's current range (valid while `ok`). */
    get range(): vscode.Range {
        return new vscode.Range(this.doc.positionAt(this.region.start), this.doc.positionAt(this.region.end));
    }

    append(delta: string): void {
        if (!delta || !this.ok) return;
        this.pending += delta;
        this.pump ??= this.drain().finally(() => { this.pump = undefined; if (this.pending && this.ok) this.append(""); });
    }

    private async drain(): Promise<void> {
        let failures = 0;
        while (this.pending && this.ok) {
            const editor = this.visibleEditor();
            if (!editor) return; // buffered: written when the editor is visible again, or by finish()
            const chunk = this.pending;
            this.pending = "";
            if (await this.apply(editor, chunk, {before: !this.wroteAny, after: false})) { failures = 0; continue; }
            // not applied (the user typed meanwhile: the document version moved on): retry at the updated position
            this.pending = chunk + this.pending;
            if (!this.visibleEditor() || ++failures > 50) return;
            await sleep(20);
        }
    }

    /**
     * Writes the rest and replaces the streamed text by `finalText` (the post-processed whole output) in the same
     * undo step. Returns the final range, or undefined if the document could not be written any more.
     */
    async finish(finalText: string): Promise<vscode.Range | undefined> {
        await this.pump;
        if (!this.ok) return undefined;
        this.pending = "";
        if (!this.wroteAny && finalText === "") return undefined; // nothing was generated: leave the selection alone
        if (finalText === "") finalText = this.original; // only whitespace came: put the original back
        for (let attempt = 0; attempt < 20 && this.ok; attempt++) {
            const editor = this.visibleEditor();
            if (editor) {
                // 1. back to the original text, inside the streaming undo element; 2. the final text, one undo step
                if (this.wroteAny && this.written !== this.original && !(await this.apply(editor, this.original, {before: false, after: false, replaceAll: true}))) { await sleep(20); continue; }
                if (await this.apply(editor, finalText, {before: true, after: true, replaceAll: true})) return this.range;
                await sleep(20);
                continue;
            }
            // not visible: the same two steps as workspace edits
            if (this.wroteAny && this.written !== this.original && !(await this.workspaceReplace(this.original))) continue;
            if (await this.workspaceReplace(finalText)) return this.range;
        }
        return undefined;
    }

    private async workspaceReplace(text: string): Promise<boolean> {
        const we = new vscode.WorkspaceEdit();
        const change: Change = {offset: this.region.start, removed: this.region.length, inserted: text.length, text};
        this.region.expect(change);
        we.replace(this.doc.uri, this.range, text);
        if (await vscode.workspace.applyEdit(we)) { this.written = text; this.wroteAny = true; return true; }
        this.region.retract(change);
        return false;
    }

    /** One edit: append `text` at the region's end, or replace the region (first edit of "replace", or final). */
    private async apply(editor: vscode.TextEditor, text: string, o: {before: boolean; after: boolean; replaceAll?: boolean}): Promise<boolean> {
        const whole = o.replaceAll || (this.replacing && !this.wroteAny);
        const change: Change = whole
            ? {offset: this.region.start, removed: this.region.length, inserted: text.length, text}
            : {offset: this.region.end, removed: 0, inserted: text.length, text};
        const range = whole ? this.range : new vscode.Range(this.doc.positionAt(this.region.end), this.doc.positionAt(this.region.end));
        this.region.expect(change);
        const seen = new Promise<void>((resolve) => this.waiters.push({change, resolve}));
        let ok = false;
        try {
            ok = await editor.edit((b) => b.replace(range, text), {undoStopBefore: o.before, undoStopAfter: o.after});
        } catch {
            ok = false; // the editor was closed meanwhile
        }
        if (!ok) {
            this.region.retract(change);
            this.waiters = this.waiters.filter((w) => w.change !== change);
            return false;
        }
        // the document change event normally arrives before edit() resolves; never compute the next position without it
        const identical = whole && this.wroteAny && text === this.written; // may produce no change event at all
        if (!identical && (text.length > 0 || change.removed > 0)) await Promise.race([seen, sleep(1000)]);
        this.waiters = this.waiters.filter((w) => w.change !== change);
        this.written = whole ? text : this.written + text;
        this.wroteAny = true;
        return true;
    }

    private visibleEditor(): vscode.TextEditor | undefined {
        if (this.closed) return undefined;
        return vscode.window.visibleTextEditors.find((e) => e.document === this.doc);
    }

    dispose(): void { for (const s of this.subs) s.dispose(); }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
