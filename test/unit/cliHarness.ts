import assert from "node:assert/strict";
import {PolyspecError} from "../../src/core/errors";

/**
 * Helpers for the CLI subcommand tests: `usageErrors(run)` gives a checker that a command line is refused with a
 * one-line PolyspecError of the given code whose message matches; `capture` collects what a command prints
 * (stdout lines, stderr lines; progress bars on stderr are swallowed).
 */
export function usageErrors(run: (argv: string[]) => Promise<unknown>): (argv: string[], re: RegExp, code?: string) => Promise<void> {
    return async (argv, re, code = "E_USAGE") => {
        await assert.rejects(run(argv), (e: unknown) => {
            assert.ok(e instanceof PolyspecError, String(e));
            assert.match(e.message, re);
            assert.ok(!e.message.includes("\n"), `one line: ${e.message}`);
            assert.equal(e.code, code);
            return true;
        });
    };
}

export async function capture(f: () => Promise<unknown>): Promise<{out: string; err: string}> {
    const out: string[] = [], err: string[] = [];
    const [log, error, write] = [console.log, console.error, process.stderr.write];
    console.log = (...a: unknown[]) => { out.push(a.join(" ")); };
    console.error = (...a: unknown[]) => { err.push(a.join(" ")); };
    process.stderr.write = (() => true) as typeof process.stderr.write;
    try {
        await f();
    } finally {
        [console.log, console.error, process.stderr.write] = [log, error, write];
    }
    return {out: out.join("\n"), err: err.join("\n")};
}
