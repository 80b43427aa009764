/**
 * An error the user can act on: its message is one line that says what went wrong and what to do.
 * The CLI prints it without a stack and exits non-zero; the editor shows it in a notification.
 */
export class PolyspecError extends Error {
    override name = "PolyspecError";
    constructor(message: string, readonly code = "E_POLYSPEC") {
        super(message);
    }
}

/** Thrown when a caller cancels a long operation; never shown as a failure. */
export class CancelledError extends Error {
    override name = "CancelledError";
    constructor() {
        super("cancelled");
    }
}

/** A cancellation signal shared by the CLI (Ctrl-C), the editor (CancellationToken) and workers. */
export interface Cancel {
    readonly cancelled: boolean;
}

export function throwIfCancelled(cancel: Cancel | undefined): void {
    if (cancel?.cancelled) throw new CancelledError();
}

/** A Cancel that can be fired, with listeners (the editor's jobs, the fault harnesses). */
export class CancelSource implements Cancel {
    private flag = false;
    private listeners: (() => void)[] = [];
    get cancelled(): boolean { return this.flag; }
    cancel(): void {
        if (this.flag) return;
        this.flag = true;
        for (const l of this.listeners.splice(0)) l();
    }
    onCancel(l: () => void): void {
        if (this.flag) l(); else this.listeners.push(l);
    }
}
