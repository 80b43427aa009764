import fs from "node:fs";
import {PolyspecError} from "../core/errors";
import {LANGUAGES, languageByCode, languageLabel} from "../core/languages";
import {buildCorpus, type BuildProgress} from "../corpus/build";
import {readLanguageManifest} from "../corpus/manifest";
import {defaultCorpusDir, FILE_KINDS, kindPath, languagePaths, type FileKind} from "../corpus/paths";
import {parse} from "./args";
import {fmtTime, ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const USAGE = `polyspec corpus build [--langs de,fr,...] [--out DIR] [--json]
       polyspec corpus list [--out DIR] [--json]
       polyspec corpus path LANG [--kind ${FILE_KINDS.join("|")}] [--out DIR]
Builds Polyspec's multilingual corpora and held-out sets from Debian packages (see docs/corpora.md).
Output: <cache>/corpus (cache: $POLYSPEC_CACHE or <package>/.cache); downloads: <cache>/downloads.`;

export async function run(argv: string[]): Promise<void> {
    const {values, positionals} = parse(argv, {
        langs: {type: "string"},
        out: {type: "string"},
        kind: {type: "string"},
        json: {type: "boolean"},
        help: {type: "boolean", short: "h"},
    }, USAGE);
    const [sub, ...rest] = positionals;
    if (values.help || !sub) {
        console.log(USAGE);
        if (!values.help) process.exitCode = 2;
        return;
    }
    const out = values.out ?? defaultCorpusDir();
    switch (sub) {
        case "build": return build(values.langs, out, !!values.json);
        case "list": return list(out, !!values.json);
        case "path": {
            if (rest.length !== 1) throw new PolyspecError(`corpus path takes one language\nusage: ${USAGE}`, "E_USAGE");
            const kind = (values.kind ?? "mono") as FileKind;
            if (!FILE_KINDS.includes(kind)) throw new PolyspecError(`--kind must be one of ${FILE_KINDS.join(", ")}, got "${values.kind}"`, "E_USAGE");
            const lang = languageByCode(rest[0]!);
            const lp = languagePaths(out, lang.code);
            const p = kindPath(lp, kind);
            if (!fs.existsSync(p)) {
                if (fs.existsSync(lp.manifest)) throw new PolyspecError(`${lang.name} has no ${kind} file: the sources have no such text in it (see the notes in ${lp.manifest})`);
                throw new PolyspecError(`${p} is not built; run 'polyspec corpus build --langs ${lang.code}'`);
            }
            console.log(p);
            return;
        }
        default:
            throw new PolyspecError(`unknown corpus command "${sub}"\nusage: ${USAGE}`, "E_USAGE");
    }
}

async function build(langsFlag: string | undefined, out: string, json: boolean): Promise<void> {
    const langs = langsFlag ? langsFlag.split(",").map((s) => s.trim()).filter(Boolean).map((c) => languageByCode(c).code) : undefined;
    const cancel = sigintCancel();
    const bar = new ProgressBar("corpus", 1, " steps");
    try {
        const r = await buildCorpus({
            langs, out, cancel,
            onProgress: (p: BuildProgress) => bar.update(p.done, p.total, p.note),
            log: (line) => { bar.done(); process.stderr.write(`polyspec: ${line}\n`); },
        });
        bar.done(`corpus built in ${fmtTime(r.seconds)} into ${r.out}`);
        if (json) {
            console.log(JSON.stringify(r, null, 2));
        } else {
            console.log(table(["lang", "mono segs", "mono MB", "story test", "tech test", "train pairs", "prompts"], r.languages.map((l) => [
                l.code, String(l.mono.segments), (l.mono.bytes / 1e6).toFixed(1), String(l.testStory), String(l.testTech), String(l.train), String(l.prompts),
            ])));
            for (const l of r.languages) for (const n of l.notes) console.log(`  ${l.code}: ${n}`);
        }
        for (const m of r.missingPackages) process.stderr.write(`polyspec: package ${m.name} could not be fetched (${m.error}); affected: ${m.languages.join(", ")}\n`);
        if (r.contamination.length) {
            process.stderr.write(`polyspec: ${r.contamination.length} training lines equal a held-out text, e.g. ${r.contamination[0]!.file}:${r.contamination[0]!.line}\n`);
            process.exitCode = 1;
        }
        if (r.languages.some((l) => !l.ok)) process.exitCode = 1;
    } finally {
        cancel.dispose();
    }
}

function list(out: string, json: boolean): void {
    const rows = LANGUAGES.map((l) => {
        const m = readLanguageManifest(languagePaths(out, l.code).manifest);
        return {code: l.code, name: languageLabel(l), script: l.script, built: !!m, files: m?.files ?? {}};
    });
    if (json) {
        console.log(JSON.stringify({out, languages: rows}, null, 2));
        return;
    }
    console.log(`corpus folder: ${out}`);
    console.log(table(["lang", "name", "script", "built", "mono segs", "story test", "tech test", "prompts"], rows.map((r) => [
        r.code, r.name, r.script, r.built ? "yes" : "no", String(r.files.mono?.segments ?? "-"), String(r.files["test-story"]?.segments ?? "-"),
        String(r.files["test-tech"]?.segments ?? "-"), String(r.files.prompts?.segments ?? "-"),
    ])));
}

function table(head: string[], rows: string[][]): string {
    const w = head.map((h, i) => Math.max([...h].length, ...rows.map((r) => [...r[i]!].length)));
    const line = (r: string[]) => r.map((c, i) => c + " ".repeat(w[i]! - [...c].length)).join("  ").trimEnd();
    return [line(head), ...rows.map(line)].join("\n");
}
