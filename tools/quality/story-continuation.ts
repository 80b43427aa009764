// Story continuation at first contact (issue 11): the held-out story prompts of every built language (prompts.jsonl
// lines --from .. --from+N), each after a sentence end, cut mid-sentence, and followed by a blank line, through the
// product's story path (storyPrompt with its excluded tokens, the loop guard, storyRetry once), greedy, default
// model. Prints a JSON line per input, then the counts: empty, fragments (< 12 letters), code fences, retried,
// outputs that begin by restating the input, loop-guard endings.
//   flock /tmp/polyspec-model.lock npx tsx tools/quality/story-continuation.ts [--n 2] [--from 20] [--max-tokens 40]
import fs from "node:fs";
import {parseArgs} from "node:util";
import {corpusPaths} from "../../src/corpus";
import {LANGUAGES} from "../../src/core/languages";
import {repetitionOptions, storyPrompt, storyRetry, type PromptSpec} from "../../src/core/tasks";
import {Engine} from "../../src/engine/engine";
import {DEFAULT_TARGET} from "../../src/models/registry";

const {values: v} = parseArgs({options: {n: {type: "string"}, from: {type: "string"}, "max-tokens": {type: "string"}}});
const N = Number(v.n ?? 2), FROM = Number(v.from ?? 20), MAX = Number(v["max-tokens"] ?? 40);
const norm = (s: string) => s.replace(/\s+/g, " ").trim();

(async () => {
    const e = await Engine.create({model: DEFAULT_TARGET});
    const rows: {empty: boolean; fragment: boolean; fence: boolean; retried: boolean; restates: boolean; guard: boolean}[] = [];
    for (const L of LANGUAGES) {
        const f = corpusPaths(L.code).prompts;
        if (!fs.existsSync(f)) continue;
        const prompts = fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((x) => JSON.parse(x) as {text: string}).slice(FROM, FROM + N);
        for (const [idx, {text: t}] of prompts.entries()) {
            const words = t.split(" ");
            const cut = L.noSpaces ? [...t].slice(0, Math.floor([...t].length * 0.6)).join("") : words.slice(0, Math.max(3, Math.floor(words.length * 0.6))).join(" ");
            for (const [ending, input] of [["sentence end", t], ["mid-sentence", cut], ["blank line", `${t}\n\n`]] as const) {
                const gen = (p: PromptSpec) => e.generate(p, undefined, {maxTokens: MAX, k: 0, adaptive: false, repetition: repetitionOptions("story")});
                let g = await gen(storyPrompt(input, L.code));
                const again = storyRetry(input, L.code, g);
                if (again) g = await gen(again.prompt);
                const o = norm(g.text);
                const letters = g.text.match(/\p{L}/gu)?.length ?? 0;
                const r = {empty: o.length === 0, fragment: letters < 12, fence: g.text.includes("``"), retried: !!again,
                    restates: o.length > 0 && norm(input).includes(o.slice(0, Math.min(o.length, 24))), guard: g.finish === "repetition"};
                rows.push(r);
                console.log(JSON.stringify({lang: L.code, line: FROM + idx, ending, ...r, finish: g.finish, letters, text: g.text.slice(0, 120)}));
            }
        }
    }
    await e.dispose();
    const count = (k: keyof typeof rows[number]) => rows.filter((r) => r[k]).length;
    console.error(`${rows.length} continuations: ${count("empty")} empty, ${count("fragment")} with fewer than 12 letters, ${count("fence")} with a code fence, ` +
        `${count("retried")} retried (storyRetry), ${count("restates")} begin by restating the input, ${count("guard")} ended by the loop guard`);
})().catch((err) => { console.error(err); process.exit(1); });
