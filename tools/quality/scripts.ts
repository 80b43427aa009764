// Checks that each corpus keeps the script of its source (issue 18): for every language written in more than one
// script, the share of held-out references, story prompts and training segments in each script
// (src/core/scripts.ts), over the corpus folder given (default <cache>/corpus).
//   npx tsx tools/quality/scripts.ts [--out DIR]
import fs from "node:fs";
import {parseArgs} from "node:util";
import {LANGUAGES} from "../../src/core/languages";
import {scriptOf} from "../../src/core/scripts";
import {corpusPaths, defaultCorpusDir, readJsonl} from "../../src/corpus";

const {values: v} = parseArgs({options: {out: {type: "string"}}});
const out = v.out ?? defaultCorpusDir();
for (const l of LANGUAGES.filter((x) => x.scriptTag)) {
    const p = corpusPaths(l.code, out);
    if (!fs.existsSync(p.manifest)) { console.log(`${l.code}: not built in ${out}`); continue; }
    const sets: [string, string[]][] = [
        ["test-story refs", readJsonl<{ref: string}>(p.testStory).map((r) => r.ref)],
        ["prompts", fs.existsSync(p.prompts) ? readJsonl<{text: string}>(p.prompts).map((r) => r.text) : []],
        ["train refs", readJsonl<{ref: string}>(p.train).map((r) => r.ref)],
    ];
    for (const [what, texts] of sets) {
        const c = new Map<string, number>();
        for (const t of texts) { const s = scriptOf(t, l.base)?.tag ?? "none"; c.set(s, (c.get(s) ?? 0) + 1); }
        console.log(`${l.code.padEnd(8)} ${what.padEnd(16)} ${texts.length} segments: ${[...c].map(([k, n]) => `${k} ${n}`).join(", ")} (want ${l.scriptTag})`);
    }
}
