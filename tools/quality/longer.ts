// The loops the guard missed in recorded outputs (hand labels, tools/quality/loop-labels.json): generated again
// with a longer token limit, with the guard on (the product's path), to see whether it stops them a few tokens
// after the recording's limit ended them.
//   flock /tmp/polyspec-model.lock npx tsx tools/quality/longer.ts [--max-tokens 200]
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {findRepetition} from "../../src/core/repetition";
import {repetitionOptions, storyPrompt, translationPrompt} from "../../src/core/tasks";
import {Engine} from "../../src/engine/engine";
import {DEFAULT_TARGET} from "../../src/models/registry";
import {allRecordings, labelKey} from "./recordings";

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {"max-tokens": {type: "string"}}});
    const maxTokens = Number(v["max-tokens"] ?? 200);
    const labels: Record<string, string> = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "loop-labels.json"), "utf8")).labels;
    const missed = allRecordings().filter((r) => ["loop", "echo"].includes(labels[labelKey(r)]) && !findRepetition(r.output, r.prompt, repetitionOptions(r.task)));
    console.log(`${missed.length} labelled loops the guard did not stop within the recording's limit; again with ${maxTokens} tokens:`);
    const engine = await Engine.create({model: DEFAULT_TARGET});
    try {
        let stopped = 0;
        for (const r of missed) {
            const prompt = r.task === "story" ? storyPrompt(`${r.input}\n\n`, r.lang) : translationPrompt(r.input, r.lang);
            const g = await engine.generate(prompt, undefined, {maxTokens, k: 0, adaptive: false, repetition: repetitionOptions(r.task)});
            const same = g.tokens.slice(0, r.output.length).join() === r.output.slice(0, g.tokens.length).join();
            if (g.finish === "repetition") stopped++;
            console.log(`${labelKey(r)}: ${g.finish}${g.repetition ? ` at token ${g.repetition.at} (recorded ${r.output.length}), kept ${g.tokens.length}` : ` after ${g.tokens.length} tokens`}${same ? "" : " (the output differs from the recording: another prompt?)"}\n  ${g.text.replace(/\n/g, "⏎").slice(0, 200)}`);
        }
        console.log(`stopped ${stopped} of ${missed.length}`);
    } finally { await engine.dispose(); }
}

main().catch((e) => { console.error(e); process.exit(1); });
