import {parseArgs, type ParseArgsConfig} from "node:util";
import {PolyspecError} from "../core/errors";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** util.parseArgs with strict checking, turning its errors into one-line user errors. */
export function parse<O extends Options>(argv: string[], options: O, usage: string) {
    try {
        return parseArgs({args: argv, options, allowPositionals: true, strict: true});
    } catch (e) {
        throw new PolyspecError(`${(e as Error).message.split("\n")[0]}\nusage: ${usage}`, "E_USAGE");
    }
}

export function intFlag(value: string | undefined, name: string, def: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
    if (value === undefined) return def;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new PolyspecError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`, "E_USAGE");
    return n;
}

export function numFlag(value: string | undefined, name: string, def: number, min = 0, max = Number.MAX_VALUE): number {
    if (value === undefined) return def;
    const n = Number(value);
    if (!Number.isFinite(n) || n < min || n > max) throw new PolyspecError(`--${name} must be a number from ${min} to ${max}, got "${value}"`, "E_USAGE");
    return n;
}

/**
 * A command with subcommands (`polyspec models fetch ...`): runs the one named first, prints the usage for
 * --help, and refuses a missing or unknown one with the usage (exit 2).
 */
export async function subcommand(argv: string[], command: string, usage: string, subs: Record<string, (rest: string[]) => Promise<void>>): Promise<void> {
    const [sub, ...rest] = argv;
    if (sub === "--help" || sub === "-h" || sub === "help") { console.log(`usage: ${usage}`); return; }
    const run = sub !== undefined && Object.hasOwn(subs, sub) ? subs[sub] : undefined;
    const names = Object.keys(subs);
    const choices = names.length > 1 ? `${names.slice(0, -1).join(", ")} or ${names.at(-1)}` : names[0];
    if (!run) throw new PolyspecError(`${sub ? `unknown ${command} command "${sub}"` : `missing ${command} command`}: use ${choices} (see 'polyspec ${command} --help')`, "E_USAGE");
    return run(rest);
}
