import {CostAwarePolicy, FixedPolicy} from "../core/policy";
import {translationPrompt} from "../core/tasks";
import {divergence} from "../bench/divergence";
import {summarize, type RunRecord} from "../bench/live";
import {TABLE_HEADER, tableRows, textTable} from "../bench/table";
import type {Drafter} from "../core/drafter";
import {LookupDrafter} from "../drafters/lookup";
import {loadNgramDrafter} from "../drafters/ngram";
import {cascadeOf} from "../engine/drafters";
import {Engine} from "../engine/engine";
import {ensureNgramFile} from "../engine/ngram-files";
import {DEFAULT_TARGET} from "../models/registry";
import {parse} from "./args";
import {ProgressBar} from "./progress";
import {sigintCancel} from "./signals";

const PARAGRAPHS = [
    "The old wizard looked at the young prince and said: we must leave the city before the orcs arrive. The river is high, the bridges are broken, and our only hope lies in the mountains to the north.",
    "Select the cells that you want to copy, then choose Edit - Copy. The contents of the cells are placed on the clipboard, and you can paste them into another sheet or another document.",
    "Every evening the fishermen pulled their boats onto the sand and told stories by the fire. The children listened until the stars came out, and then they dreamed of the sea.",
];

/**
 * The README's main job on the embedded default: fetch the default model, build a German n-gram drafter from text
 * the project fetches itself, translate English paragraphs into German with and without speculation (streamed),
 * and print the speed table.
 */
export async function run(argv: string[]): Promise<void> {
    const {values: v} = parse(argv, {model: {type: "string"}, lang: {type: "string"}, help: {type: "boolean", short: "h"}}, "polyspec demo [--model M] [--lang de]");
    if (v.help) { console.log("polyspec demo [--model M] [--lang de]"); return; }
    const lang = v.lang ?? "de";
    const cancel = sigintCancel();
    const fetchBar = new ProgressBar("model", 1, "B");
    const engine = await Engine.create({model: v.model ?? DEFAULT_TARGET, onProgress: (d, t) => fetchBar.update(d, t)});
    fetchBar.done(`target: ${engine.model.path} (${engine.options.threads} threads, ${engine.gpu || "cpu"})`);
    try {
        const bar = new ProgressBar(`${lang} drafter`, 1);
        const {file, trained} = await ensureNgramFile(lang, engine.model, {cancel, onProgress: (d, t, s) => bar.update(d, t, s)});
        bar.done(trained ? `trained ${file}: ${trained.ngrams.toLocaleString("en")} n-grams from ${(trained.inputBytes / 1e6).toFixed(1)} MB in ${trained.seconds.toFixed(1)} s`
            : `n-gram drafter: ${file}`);
        const ngram = loadNgramDrafter(file, engine.model);
        const curve = await engine.costCurve();
        console.error(`cost curve: decode step ${curve.at(1).toFixed(1)} ms; batch of 2 = ${(curve.at(2) / curve.at(1)).toFixed(2)} steps, of 4 = ${(curve.at(4) / curve.at(1)).toFixed(2)}`);
        const shared = await engine.policy(8, `translate:${lang}`);
        const setups: {id: string; drafter?: Drafter; policy: () => FixedPolicy | CostAwarePolicy; show: boolean}[] = [
            {id: "none", policy: () => new FixedPolicy(0), show: true},
            {id: "lookup k=2", drafter: new LookupDrafter(), policy: () => new FixedPolicy(2), show: false},
            {id: `ngram:${lang} k=1`, drafter: ngram, policy: () => new FixedPolicy(1), show: false},
            {id: "cascade adaptive", drafter: cascadeOf({ngram}), policy: () => shared, show: true},
        ];
        await engine.generate(translationPrompt(PARAGRAPHS[0], lang), undefined, {maxTokens: 8}); // warm-up
        const records: RunRecord[] = [];
        for (const [i, text] of PARAGRAPHS.entries()) {
            console.log(`\n## ${i + 1}. ${text}`);
            let reference: number[] = [];
            for (const s of setups) {
                if (s.show) process.stdout.write(`\n[${s.id}] `);
                const r = await engine.generate(translationPrompt(text, lang), s.drafter, {maxTokens: 160, policy: s.policy(), cancel,
                    onText: s.show ? (d) => process.stdout.write(d) : undefined});
                if (s.id === "none") reference = r.tokens;
                const div = await divergence(engine, translationPrompt(text, lang), reference, r.tokens);
                records.push({task: "translate", lang, case: String(i), runner: s.id, rep: 0, mode: "greedy", stats: r.stats, tokens: r.tokens, identical: !div, divergence: div});
            }
            process.stdout.write("\n");
        }
        console.log(`\nSpeed (same model, same process; speed-up against plain decoding; greedy output identical?):\n`);
        console.log(textTable(TABLE_HEADER, tableRows(summarize(records, "none"))));
        console.log(`\nFor repeated, interleaved measurements run: npm run bench:quick`);
    } finally {
        cancel.dispose();
        await engine.dispose();
    }
}
