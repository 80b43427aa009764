import {CancelSource} from "../../core/errors";

/**
 * One job at a time on the engine (it runs one generation at a time). Pure: no vscode.
 *  - A command (translate, story, train, select model) while another command runs is refused: the caller shows
 *    "Polyspec is busy: ..." with the running job's name.
 *  - A command while an inline suggestion runs cancels the suggestion, waits for it to stop, and starts.
 *  - An inline suggestion while anything runs: a newer suggestion replaces an older one (cancel, wait, start);
 *    a suggestion never interrupts a command (it is refused).
 */
export type Priority = "command" | "inline";

export interface Job {
    readonly label: string;
    readonly priority: Priority;
    readonly cancel: CancelSource;
    /** Ends the job; the next one may start. Idempotent. */
    done(): void;
}

export type Acquired = {ok: true; job: Job} | {ok: false; running: string};

export class JobGate {
    private current?: {job: Job; finished: Promise<void>};
    /** A start that is waiting for an inline job to stop (commands only: at most one). */
    private pending?: string;
    private listeners: ((running: Job | undefined) => void)[] = [];

    get running(): Job | undefined { return this.current?.job; }

    onChange(l: (running: Job | undefined) => void): void { this.listeners.push(l); }

    async acquire(label: string, priority: Priority): Promise<Acquired> {
        const cur = this.current;
        if (cur && cur.job.priority === "command") return {ok: false, running: cur.job.label};
        if (this.pending !== undefined) return {ok: false, running: this.pending};
        if (cur) {
            cur.job.cancel.cancel();
            if (priority === "inline") return cur.finished.then(() => this.acquire(label, priority));
            this.pending = label;
            try { await cur.finished; } finally { this.pending = undefined; }
            return this.acquire(label, priority);
        }
        return {ok: true, job: this.start(label, priority)};
    }

    /** Cancels the running job (status bar / progress notification cancel). */
    cancelRunning(): boolean {
        if (!this.current) return false;
        this.current.job.cancel.cancel();
        return true;
    }

    private start(label: string, priority: Priority): Job {
        let resolve!: () => void;
        const finished = new Promise<void>((r) => { resolve = r; });
        let ended = false;
        const job: Job = {
            label, priority, cancel: new CancelSource(),
            done: () => {
                if (ended) return;
                ended = true;
                if (this.current?.job === job) this.current = undefined;
                this.emit();
                resolve();
            },
        };
        this.current = {job, finished};
        this.emit();
        return job;
    }

    private emit(): void { for (const l of this.listeners) l(this.current?.job); }
}
