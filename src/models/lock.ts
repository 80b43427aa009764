import fs from "node:fs";
import {CancelledError, type Cancel} from "../core/errors";

const LOCK_HEARTBEAT_MS = 5_000;
const LOCK_STALE_MS = 60_000;

/**
 * A lock file holding the owner's pid, so that two processes fetching or requantizing the same model take turns.
 * The owner refreshes its time stamp; a lock whose process is gone, or that has not been refreshed for a minute
 * (a reused pid), is stale and taken over. Returns the release function.
 */
export async function acquireLock(lock: string, cancel: Cancel | undefined, onWait: (pid: number) => void): Promise<() => Promise<void>> {
    const token = `${process.pid} ${Date.now()} ${Math.random()}`;
    for (;;) {
        if (cancel?.cancelled) throw new CancelledError();
        try {
            await fs.promises.writeFile(lock, token, {flag: "wx"});
            const heartbeat = setInterval(() => { const t = new Date(); fs.utimes(lock, t, t, () => {}); }, LOCK_HEARTBEAT_MS);
            heartbeat.unref();
            return async () => {
                clearInterval(heartbeat);
                // remove it only if it is still ours
                if ((await fs.promises.readFile(lock, "utf8").catch(() => "")) === token) await fs.promises.rm(lock, {force: true});
            };
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const held = await fs.promises.readFile(lock, "utf8").catch(() => "");
        const mtime = (await fs.promises.stat(lock).catch(() => undefined))?.mtimeMs ?? 0;
        const pid = Number(held.split(" ")[0]);
        if (held !== "" && !(Number.isInteger(pid) && pid > 0 && isAlive(pid) && Date.now() - mtime < LOCK_STALE_MS)) {
            await fs.promises.rm(lock, {force: true}); // stale: its process died
            continue;
        }
        onWait(pid);
        await new Promise((r) => setTimeout(r, 300));
    }
}

function isAlive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM";
    }
}
