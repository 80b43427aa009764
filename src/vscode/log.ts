import * as vscode from "vscode";

/** What Polyspec logs through: the "Polyspec" output channel's levels (see createLog). */
export interface Log extends vscode.Disposable {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string | Error): void;
    show(): void;
}

/**
 * The "Polyspec" output channel (a LogOutputChannel: levels, timestamps, "Set Log Level..."). Logging never throws:
 * while a window closes, VS Code closes the extension host's channel to the window before it deactivates the
 * extensions, and the output channel's methods then throw ("Channel has been closed"). What is logged from then on
 * (a generation that ends, deactivation) goes to the extension host's stderr, which VS Code keeps in its own log
 * (a remote window: the server's remoteagent.log).
 */
export function createLog(): Log {
    const channel = vscode.window.createOutputChannel("Polyspec", {log: true});
    const level = (name: "debug" | "info" | "warn" | "error") => (message: string | Error) => {
        try {
            channel[name](message as string);
        } catch {
            try { process.stderr.write(`Polyspec [${name}] ${message instanceof Error ? message.stack ?? message.message : message}\n`); } catch { /* nowhere left */ }
        }
    };
    return {
        debug: level("debug"), info: level("info"), warn: level("warn"), error: level("error"),
        show: () => { try { channel.show(); } catch { /* the window is gone */ } },
        dispose: () => { try { channel.dispose(); } catch { /* the window is gone */ } },
    };
}

export function errorMessage(e: unknown): string {
    return e instanceof Error ? e.message : String(e);
}
