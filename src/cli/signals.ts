import type {Cancel} from "../core/errors";

/** Ctrl-C cancels the running operation (it stops cleanly at the next step); a second Ctrl-C exits at once. */
export function sigintCancel(): Cancel & {dispose(): void} {
    const state = {cancelled: false, dispose: () => process.off("SIGINT", onSig)};
    function onSig() {
        if (state.cancelled) process.exit(130);
        state.cancelled = true;
    }
    process.on("SIGINT", onSig);
    return state;
}
