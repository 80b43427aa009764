// Learns the acceptance priors the cost-aware policy starts from (src/core/priors.json): records the default
// model's greedy outputs on held-out inputs that the benchmark never uses (translation segments from the 64th on,
// story prompts from the 40th on), replays each language's cascade (context lookup, then the monolingual n-gram
// table) over them verifying every draft, and counts per task and drafter kind what the target accepted.
//   npx tsx tools/learn-priors.ts [--langs de,zh,...] [--translations 6] [--stories 3]
// Recordings are cached (.cache/bench/priors-record-<sha>.jsonl); a second run only replays.
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {loadCases, type BenchCase} from "../src/bench/cases";
import {BenchDrafters} from "../src/bench/drafters";
import {learnPriors} from "../src/bench/priors";
import {recordOutputs} from "../src/bench/record";
import {signature} from "../src/bench/signature";
import {LANGUAGES} from "../src/core/languages";
import {cacheRoot, corpusPaths} from "../src/corpus";
import {cascadeOf} from "../src/engine/drafters";
import {Engine} from "../src/engine/engine";
import {packageRoot} from "../src/models/cache";
import {DEFAULT_TARGET} from "../src/models/registry";

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {langs: {type: "string"}, translations: {type: "string"}, stories: {type: "string"}, out: {type: "string"}}});
    const langs = v.langs?.split(",") ?? LANGUAGES.map((l) => l.code).filter((l) => l !== "en" && fs.existsSync(corpusPaths(l).manifest));
    const engine = await Engine.create({model: DEFAULT_TARGET});
    try {
        const sig = signature({modelPath: engine.model.path, threads: engine.options.threads, gpu: engine.gpu});
        const cases: BenchCase[] = [];
        for (const lang of langs) {
            cases.push(...await loadCases("translate", lang, Number(v.translations ?? 6), 64).catch(() => []));
            cases.push(...await loadCases("story", lang, Number(v.stories ?? 3), 40).catch(() => []));
        }
        const file = path.join(cacheRoot(), "bench", `priors-record-${sig.modelSha256.slice(0, 12)}.jsonl`);
        const recordings = await recordOutputs(engine, cases, {file, maxTokens: 64, onProgress: (d, t, n) => process.stderr.write(`\rrecord ${d}/${t} ${n}   `)});
        process.stderr.write("\n");
        const tables = new BenchDrafters(engine.model);
        for (const lang of langs) await tables.mono(lang);
        const priors = await learnPriors(recordings, (lang) => cascadeOf({ngram: tables.drafter(tables.file(`mono|${lang}`))}));
        const round = (x: number) => Math.round(x * 100) / 100;
        const compact = JSON.parse(JSON.stringify(priors, (_k, x) => typeof x === "number" ? round(x) : x));
        const out = v.out ?? path.join(packageRoot(), "src/core/priors.json");
        fs.writeFileSync(out, JSON.stringify({about: "Acceptance priors of the cost-aware policy (tools/learn-priors.ts): per task and drafter kind, per bin, drafts that reached it (seen) and accepted (hit); hits/confidences: accepted tokens over summed stated confidence.",
            model: sig.model, modelSha256: sig.modelSha256, recordings: recordings.length, languages: langs, priors: compact}, null, 1) + "\n");
        for (const [task, kinds] of Object.entries(priors)) for (const [kind, p] of Object.entries(kinds)) {
            const seen = p.seen.reduce((a, b) => a + b, 0), hit = p.hit.reduce((a, b) => a + b, 0);
            console.log(`${task} ${kind}: ${hit.toFixed(0)}/${seen.toFixed(0)} drafts accepted (${(100 * hit / seen).toFixed(0)}%), calibration ${(p.hits / p.confidences).toFixed(2)}`);
        }
        console.log(`wrote ${out} from ${recordings.length} recordings of ${langs.length} languages`);
    } finally {
        await engine.dispose();
    }
}

void main().catch((e) => { console.error(e); process.exitCode = 1; });
