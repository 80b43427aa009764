import * as fs from "node:fs";
import * as path from "node:path";
import {PolyspecError} from "../core/errors";
import {fetchSpec, fmtBytes, requireSpec} from "../models/fetch";
import {DEFAULT_TARGET, isFetched, listModels, listRequantized, modelPath, modelsDir, MODEL_NAMES, parseVariant, requantizedPath, requantizeModel, REQUANT_TYPES} from "../models/index";
import {isRequantType, type RequantType} from "../models/requantize";
import {CATALOG_IDS, catalogChoices, findCatalogEntry} from "../models/catalog";
import {downloadCatalogEntry} from "../engine/catalog-download";
import {detectVram} from "../engine/vram";
import {parse, subcommand} from "./args";
import {fmtTime, ProgressBar} from "./progress";

const USAGE = `polyspec models fetch [NAME...|--all] [--verify] [--json] | list [--json [--catalog]] [--gpu auto|cuda|vulkan|cpu] | path [NAME]
                | requantize [NAME|FILE.gguf...] [--type q4_0] [--json]
  fetch       download the pinned model(s) (default: ${DEFAULT_TARGET}), check their sha256 and cache them;
              a model already fetched is skipped while its .sha256 stamp describes it (else it is hashed again,
              and fetched again if wrong); --verify hashes it even then; a catalog ID downloads that pair
  list        names, sizes, whether fetched, paths; requantized variants as NAME@q4_0; then the catalog for a
              GPU (instruction models with a same-tokenizer draft, downloaded from Hugging Face with
              sha256 check by 'models fetch ID'), marked by what fits the detected GPU memory (with --json:
              only with --catalog, as entries of role "catalog")
  path        print the cached file's path (exit 1 if it is not fetched); NAME@q4_0 for a requantized one
  requantize  convert a model (default: ${DEFAULT_TARGET}) to Q4_0, whose repacked AVX2 kernels decode faster
              on x86 CPUs; cached as <file>.q4_0.gguf next to it, usable as --model NAME@q4_0 (made on demand
              there too). Needs Python 3 (venv + pip, installs gguf and numpy into <cache>/tools once).
models: ${MODEL_NAMES.join(", ")}
catalog (GPU, network): ${CATALOG_IDS.join(", ")}
cache: $POLYSPEC_MODELS_DIR, else $POLYSPEC_CACHE/models, else <package>/.cache/models`;

export async function run(argv: string[]): Promise<void> {
    return subcommand(argv, "models", USAGE, {fetch: fetchCmd, list: listCmd, path: pathCmd, requantize: requantizeCmd});
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
    const all = values.all ? [...MODEL_NAMES] : positionals.length ? [...new Set(positionals)] : [DEFAULT_TARGET];
    const catalog = all.filter((n) => findCatalogEntry(n));
    const names = all.filter((n) => !findCatalogEntry(n));
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
        for (const id of catalog) {
            const bar = new ProgressBar(id, 0, "B");
            const t0 = Date.now();
            const out = await downloadCatalogEntry(id, {cancel, verify: values.verify, onProgress: (done, total, stage) => bar.update(done, total, stage)});
            const seconds = (Date.now() - t0) / 1000;
            const size = fs.statSync(out.target.path).size;
            bar.done(values.json ? "" : `${id}: ${out.target.action} ${fmtBytes(size)} in ${fmtTime(seconds)}${out.target.verified ? " (sha256 ok)" : " (no published sha256)"} -> ${out.target.path}; draft ${out.draft}`);
            results.push({name: id, path: out.target.path, size, sha256: out.entry.target.sha256 ?? "", action: out.target.action, seconds});
        }
    } finally {
        process.off("SIGINT", onSigint);
    }
    if (values.json) console.log(JSON.stringify(results, null, 2));
}

async function listCmd(argv: string[]): Promise<void> {
    const {values, positionals} = parse(argv, {json: {type: "boolean"}, catalog: {type: "boolean"}, gpu: {type: "string"}}, USAGE);
    if (positionals.length) throw new PolyspecError(`models list takes no arguments, got "${positionals[0]}"`, "E_USAGE");
    if (values.gpu && !["auto", "cpu", "cuda", "vulkan"].includes(values.gpu)) throw new PolyspecError("--gpu must be auto, cpu, cuda or vulkan", "E_USAGE");
    const models = listModels();
    const variants = listRequantized();
    const withCatalog = !values.json || values.catalog;
    const vram = withCatalog ? await detectVram(values.gpu as never).catch((e: Error) => { console.error(`(no GPU information: ${e.message.split("\n")[0]})`); return undefined; }) : undefined;
    const catalog = !withCatalog ? [] : catalogChoices(vram).map((c) => {
        const file = path.join(modelsDir(), c.entry.target.file);
        return {name: c.entry.id, description: c.entry.description, role: "catalog", size: c.entry.target.approxBytes, sha256: c.entry.target.sha256 ?? null,
            license: c.entry.license, fetched: fs.existsSync(file), path: file, uri: c.entry.target.uri,
            draft: "registry" in c.entry.draft ? c.entry.draft.registry : c.entry.draft.file, fits: c.fits, recommended: c.recommended, reason: c.reason};
    });
    if (values.json) {
        console.log(JSON.stringify([...models, ...variants.map((v) => {
            const base = models.find((m) => m.name === v.base)!;
            return {name: v.name, description: `${base.description}, requantized to ${v.type.toUpperCase()}`, role: base.role, size: v.size,
                sha256: v.sha256 ?? null, license: base.license, fetched: true, path: v.path, base: v.base, format: v.type};
        }), ...catalog], null, 2));
        return;
    }
    const rows = [...models.map((m) => ({name: m.name, role: m.role, size: m.size, fetched: m.fetched, path: m.path})),
        ...variants.map((v) => ({name: v.name, role: models.find((m) => m.name === v.base)!.role, size: v.size, fetched: true, path: v.path}))];
    const w = Math.max(...rows.map((m) => m.name.length));
    console.log(`${"name".padEnd(w)}  role    ${"size".padStart(9)}  fetched  path`);
    for (const m of rows) {
        console.log(`${m.name.padEnd(w)}  ${m.role.padEnd(6)}  ${fmtBytes(m.size).padStart(9)}  ${(m.fetched ? "yes" : "no").padEnd(7)}  ${m.path}`);
    }
    console.log(`\ncatalog for a GPU (${vram?.gpu ? `${vram.gpu}, ${fmtBytes(vram.freeBytes)} free` : "no GPU detected"}): 'polyspec models fetch ID' downloads the target and its draft, sha256-checked`);
    const cw = Math.max(...catalog.map((c) => c.name.length));
    for (const c of catalog) {
        console.log(`${c.recommended ? "*" : c.fits ? "+" : " "} ${c.name.padEnd(cw)}  ~${fmtBytes(c.size).padStart(8)}  draft ${c.draft.padEnd(22)}  ${c.fetched ? "fetched  " : ""}${c.reason}`);
    }
    console.log("  (* recommended for this GPU, + fits; the pinned models above stay the offline default)");
}

async function requantizeCmd(argv: string[]): Promise<void> {
    const {values, positionals} = parse(argv, {
        type: {type: "string"}, json: {type: "boolean"}, help: {type: "boolean", short: "h"},
    }, USAGE);
    if (values.help) { console.log(`usage: ${USAGE}`); return; }
    const type = (values.type ?? "q4_0").toLowerCase();
    if (!isRequantType(type)) throw new PolyspecError(`unknown --type "${values.type}" (supported: ${REQUANT_TYPES.join(", ")})`, "E_USAGE");
    const specs = positionals.length ? [...new Set(positionals)] : [DEFAULT_TARGET];

    const cancel = {cancelled: false};
    const onSigint = () => {
        if (cancel.cancelled) process.exit(130);
        cancel.cancelled = true;
    };
    process.on("SIGINT", onSigint);
    const results: {model: string; type: RequantType; path: string; size: number; sha256: string | null; seconds: number}[] = [];
    try {
        for (const spec of specs) {
            const bar = new ProgressBar(`${spec}@${type}`, 0);
            const t0 = Date.now();
            const out = await requantizeModel(spec, {
                type, cancel,
                onProgress: (done, total, stage) => bar.update(done, total, stage),
            });
            const seconds = (Date.now() - t0) / 1000;
            const size = fs.statSync(out).size;
            const sha256 = readSha(out);
            bar.done(values.json ? "" : `${spec}@${type}: ${fmtBytes(size)} in ${fmtTime(seconds)} -> ${out}`);
            results.push({model: spec, type, path: out, size, sha256, seconds});
        }
    } finally {
        process.off("SIGINT", onSigint);
    }
    if (values.json) console.log(JSON.stringify(results, null, 2));
}

function readSha(file: string): string | null {
    try {
        return (JSON.parse(fs.readFileSync(file + ".sha256", "utf8")) as {sha256?: string}).sha256 ?? null;
    } catch {
        return null;
    }
}

async function pathCmd(argv: string[]): Promise<void> {
    const {positionals} = parse(argv, {}, USAGE);
    if (positionals.length > 1) throw new PolyspecError("models path takes one model name", "E_USAGE");
    const spec = positionals[0] ?? DEFAULT_TARGET;
    const variant = parseVariant(spec);
    const name = variant ? variant.base : spec;
    checkNames([name]);
    if (variant) {
        if (!isRequantType(variant.type)) throw new PolyspecError(`unknown model format "@${variant.type}" (supported: ${REQUANT_TYPES.map((t) => "@" + t).join(", ")})`, "E_USAGE");
        const file = requantizedPath(modelPath(name), variant.type);
        if (!fs.existsSync(file)) throw new PolyspecError(`model ${spec} is not made yet: run 'polyspec models requantize ${name} --type ${variant.type}' (it would be at ${file})`);
        console.log(file);
        return;
    }
    if (!isFetched(name)) throw new PolyspecError(`model ${name} is not fetched: run 'polyspec models fetch ${name}' (it would be at ${modelPath(name)})`);
    console.log(modelPath(name));
}
