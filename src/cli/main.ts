import {CancelledError, PolyspecError} from "../core/errors";

/** Each command module exports run(argv): a thin layer that parses flags, calls the library and prints. */
type Command = (argv: string[]) => Promise<void>;
const commands: Record<string, () => Promise<Command>> = {
    models: async () => (await import("./models")).run,
    ngram: async () => (await import("./ngram")).run,
    tm: async () => (await import("./tm")).run,
    localize: async () => (await import("./localize")).run,
    generate: async () => (await import("./generate")).run,
    corpus: async () => (await import("./corpus")).run,
    demo: async () => (await import("./demo")).run,
    bench: async () => (await import("./bench")).run,
    report: async () => (await import("./report")).run,
};

const USAGE = `usage: polyspec <command> [options]
commands:
  models fetch [NAME|--all] | list | path NAME     default models (pinned, sha256-checked)
  models requantize NAME [--type q4_0]              requantized variant (NAME@q4_0 works wherever a model is asked for)
  corpus build [--langs de,fr,...] [--out DIR]      multilingual corpora and held-out sets
  ngram train|info|merge                            corpus n-gram drafters
  tm build|import|info|query --lang X               translation memory (corpus pairs, .po, XLIFF, TMX, i18n JSON)
  localize FILE --lang X [--source F] [--dry-run]   fill a translation file's missing entries (.po, XLIFF, i18n JSON)
  generate --model M --drafter D [--k N] ...        (speculative) generation, streamed
  bench [--quick|--record|--simulate|--live] ...    the drafter comparison (record, simulate, live)
  report RESULTS.jsonl [--out DIR]                  Markdown + SVG + HTML report from bench results
  demo                                              the README's main job on the default model
run 'polyspec <command> --help' for its options`;

async function main(argv: string[]): Promise<number> {
    const [name, ...rest] = argv;
    if (!name || name === "--help" || name === "-h") {
        console.log(USAGE);
        return name ? 0 : 2;
    }
    const load = commands[name];
    if (!load) throw new PolyspecError(`unknown command "${name}"\n${USAGE}`, "E_USAGE");
    await (await load())(rest);
    return 0;
}

main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e) => {
        if (e instanceof CancelledError) { console.error("polyspec: cancelled"); process.exitCode = 130; return; }
        if (e instanceof PolyspecError) { console.error(`polyspec: ${e.message}`); process.exitCode = e.code === "E_USAGE" ? 2 : 1; return; }
        console.error(e);
        process.exitCode = 1;
    },
);
