import {PolyspecError} from "../core/errors";
import {fetchSpec, fmtBytes, requireSpec} from "../models/fetch";
import {DEFAULT_TARGET, isFetched, listModels, modelPath, MODEL_NAMES} from "../models/index";
import {parse} from "./args";
import {fmtTime, ProgressBar} from "./progress";

const USAGE = `polyspec models fetch [NAME...|--all] [--verify] [--json] | list [--json] | path [NAME]
  fetch   download the pinned model(s) (default: ${DEFAULT_TARGET}), check their sha256 and cache them;
          a model already fetched is skipped (--verify re-checks its sha256, cheaply if unchanged since)
  list    names, sizes, whether fetched, paths
  path    print the cached file's path (exit 1 if it is not fetched)
models: ${MODEL_NAMES.join(", ")}
cache: $POLYSPEC_MODELS_DIR, else $POLYSPEC_CACHE/models, else <package>/.cache/models`;

export async function run(argv: string[]): Promise<void> {
    const [sub, ...rest] = argv;
    switch (sub) {
        case "fetch": return fetchCmd(rest);
        case "list": return listCmd(rest);
        case "path": return pathCmd(rest);
        case "--help": case "-h": case "help":
            console.log(`usage: ${USAGE}`);
            return;
        default:
            throw new PolyspecError(`${sub ? `unknown models command "${sub}"` : "missing models command"}\nusage: ${USAGE}`, "E_USAGE");
    }
}

function checkNames(names: string[]): void {
    for (const n of names) requireSpec(n); // one-line E_USAGE error listing the valid names
}

async function fetchCmd(argv: string[]): Promise<void> {
    const {values, positionals} = parse(argv, {
        all: {type: "boolean"}, verify: {type: "boolean"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"},
    }, USAGE);
    if (values.help) { console.log(`usage: ${USAGE}`); return; }
    if (values.all && positionals.length) throw new PolyspecError("give model names or --all, not both", "E_USAGE");
    const names = values.all ? [...MODEL_NAMES] : positionals.length ? [...new Set(positionals)] : [DEFAULT_TARGET];
    checkNames(names);

    const cancel = {cancelled: false};
    const onSigint = () => {
        if (cancel.cancelled) process.exit(130);
        cancel.cancelled = true;
    };
    process.on("SIGINT", onSigint);
    const results: {name: string; path: string; size: number; sha256: string; action: string; seconds: number}[] = [];
    try {
        for (const name of names) {
            const spec = requireSpec(name);
            const bar = new ProgressBar(`${name}`, spec.size, "B");
            const t0 = Date.now();
            const out = await fetchSpec(spec, {
                verify: values.verify,
                cancel,
                onProgress: (done, total, stage) => bar.update(done, total, stage),
            });
            const seconds = (Date.now() - t0) / 1000;
            bar.done(values.json ? "" : `${name}: ${out.action} ${fmtBytes(spec.size)} in ${fmtTime(seconds)}${values.verify || out.action !== "cached" ? " (sha256 ok)" : ""} -> ${out.path}`);
            results.push({name, path: out.path, size: spec.size, sha256: spec.sha256, action: out.action, seconds});
        }
    } finally {
        process.off("SIGINT", onSigint);
    }
    if (values.json) console.log(JSON.stringify(results, null, 2));
}

async function listCmd(argv: string[]): Promise<void> {
    const {values, positionals} = parse(argv, {json: {type: "boolean"}}, USAGE);
    if (positionals.length) throw new PolyspecError(`models list takes no arguments, got "${positionals[0]}"`, "E_USAGE");
    const models = listModels();
    if (values.json) {
        console.log(JSON.stringify(models, null, 2));
        return;
    }
    const w = Math.max(...models.map((m) => m.name.length));
    console.log(`${"name".padEnd(w)}  role    ${"size".padStart(9)}  fetched  path`);
    for (const m of models) {
        console.log(`${m.name.padEnd(w)}  ${m.role.padEnd(6)}  ${fmtBytes(m.size).padStart(9)}  ${(m.fetched ? "yes" : "no").padEnd(7)}  ${m.path}`);
    }
}

async function pathCmd(argv: string[]): Promise<void> {
    const {positionals} = parse(argv, {}, USAGE);
    if (positionals.length > 1) throw new PolyspecError("models path takes one model name", "E_USAGE");
    const name = positionals[0] ?? DEFAULT_TARGET;
    checkNames([name]);
    if (!isFetched(name)) throw new PolyspecError(`model ${name} is not fetched: run 'polyspec models fetch ${name}' (it would be at ${modelPath(name)})`);
    console.log(modelPath(name));
}
