// Records the default model's greedy outputs on the benchmark's held-out inputs into the benchmark's own cache
// (<cache>/bench/record-<sha12>.jsonl, the same keys as `polyspec bench --record`, so the benchmark reuses them),
// without training n-gram tables or measuring a cost curve. Resumes where an interrupted run stopped.
//   flock /tmp/polyspec-model.lock npx tsx tools/quality/record.ts --langs sk,sr,he [--translations 16] [--stories 10] [--max-tokens 64]
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {loadCases, type BenchCase} from "../../src/bench/cases";
import {recordOutputs} from "../../src/bench/record";
import {signature} from "../../src/bench/signature";
import {LANGUAGES} from "../../src/core/languages";
import {cacheRoot, corpusPaths} from "../../src/corpus";
import {Engine} from "../../src/engine/engine";
import {DEFAULT_TARGET} from "../../src/models/registry";

async function main(): Promise<void> {
const {values: v} = parseArgs({options: {langs: {type: "string"}, translations: {type: "string"}, stories: {type: "string"}, "max-tokens": {type: "string"}}});
const langs = v.langs?.split(",") ?? LANGUAGES.map((l) => l.code).filter((l) => l !== "en" && fs.existsSync(corpusPaths(l).manifest));
const engine = await Engine.create({model: DEFAULT_TARGET});
try {
    const sig = signature({modelPath: engine.model.path, threads: engine.options.threads, gpu: engine.gpu});
    const file = path.join(cacheRoot(), "bench", `record-${sig.modelSha256.slice(0, 12)}.jsonl`);
    for (const lang of langs) {
        const cases: BenchCase[] = [
            ...await loadCases("translate", lang, Number(v.translations ?? 16)),
            ...await loadCases("story", lang, Number(v.stories ?? 10)),
        ];
        const t0 = Date.now();
        const rs = await recordOutputs(engine, cases, {file, maxTokens: Number(v["max-tokens"] ?? 64), onProgress: (d, t, n) => process.stderr.write(`\r${lang}: ${d}/${t} ${n}   `)});
        process.stderr.write(`\n${lang}: ${rs.length} outputs in ${((Date.now() - t0) / 1000).toFixed(0)} s -> ${file}\n`);
    }
} finally {
    await engine.dispose();
}
}

main().catch((e) => { console.error(e); process.exit(1); });
