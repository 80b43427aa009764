import * as vscode from "vscode";

/** The "Polyspec" output channel (a LogOutputChannel: levels, timestamps, "Set Log Level..."). */
export type Log = vscode.LogOutputChannel;

export function createLog(): Log {
    return vscode.window.createOutputChannel("Polyspec", {log: true});
}

export function errorMessage(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
