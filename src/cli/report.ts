import fs from "node:fs";
import path from "node:path";
import {PolyspecError} from "../core/errors";
import {readResults, writeReport} from "../bench/report";
import {parse} from "./args";

const USAGE = "polyspec report RESULTS.jsonl [RESULTS2.jsonl ...] [--out DIR] [--name REPORT] [--title T] [--intro FILE.md]";

/** Markdown with tables and SVG charts, and a standalone HTML page, from benchmark result records. */
export async function run(argv: string[]): Promise<void> {
    const {values: v, positionals} = parse(argv, {out: {type: "string"}, name: {type: "string"}, title: {type: "string"}, intro: {type: "string"}, help: {type: "boolean", short: "h"}}, USAGE);
    if (v.help) { console.log(USAGE); return; }
    if (positionals.length === 0) throw new PolyspecError(`give a results file\nusage: ${USAGE}`, "E_USAGE");
    const records = positionals.flatMap((f) => {
        try { return readResults(f); } catch (e) { throw e instanceof PolyspecError ? e : new PolyspecError(`cannot read results ${f}: ${(e as Error).message}`); }
    });
    const out = v.out ?? path.join(path.dirname(positionals[0]), "report");
    const intro = v.intro ? fs.readFileSync(v.intro, "utf8").trim() : "";
    const r = writeReport(records, out, v.title ?? "Polyspec benchmark", v.name ?? "REPORT", intro);
    console.log(`${r.markdown}\n${r.html}`);
}
