/**
 * Measures the translation prompt with translation-memory examples on the real default model (greedy, plain
 * decoding through Engine.generate: the prompt decides the output, not the drafter).
 *
 *   faithfulness: 12 held-out English story segments and their human German translations are the memory; two words
 *                 of each source are changed (a name, a number), and the changed text is translated with each prompt
 *                 variant; a change "reaches the output" when the new name / number appears in it.
 *   chrf:         16 held-out German segments (8 of test-story, 8 of test-tech: every 7th that has one) whose best fuzzy match among the German training
 *                 pairs has sim >= 0.6, translated with the plain prompt and with the TM prompt; chrF against the
 *                 references (src/core/stats.ts).
 * Variants: plain (translationPrompt), naive (the examples without the differences, as the issue's first spike),
 * tm-diff (tmTranslationPrompt without placeable adaptation: examples with their differences spelled out),
 * tm (tmTranslationPrompt as shipped: differences spelled out and the examples' names / numbers adapted), draft (the plain prompt with the TM drafter,
 * fixed k = 8: its output must equal plain's; tokens per step and acceptance show how much the drafter would save),
 * tm-turns (the examples as earlier chat turns, then the differences and the request), draft-history (the same, drafting from the model's own plain translation of the original source: the revision case).
 *
 *   flock /tmp/polyspec-model.lock npx tsx tools/tm/measure-prompt.ts --what faithfulness [--variants plain,naive,tm] [--out F.json]
 *   flock /tmp/polyspec-model.lock npx tsx tools/tm/measure-prompt.ts --what chrf [--variants plain,tm] [--n 16] [--out F.json]
 */
import {REVISIONS} from "../../src/bench/tmStage";
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {acceptanceRate, chrF, tokensPerStep} from "../../src/core/stats";
import {translationPrompt, type PromptSpec} from "../../src/core/tasks";
import {Engine} from "../../src/engine/engine";
import {cacheRoot} from "../../src/models/cache";
import {DEFAULT_TARGET} from "../../src/models/registry";
import {TranslationMemory, type TmMatch} from "../../src/tm/memory";
import {readCorpusPairs} from "../../src/tm/corpus";
import {tmTranslationPrompt} from "../../src/tm/prompt";
import {tmDrafterFor} from "../../src/tm/draft";

const {values: a} = parseArgs({options: {what: {type: "string"}, variants: {type: "string"}, out: {type: "string"}, n: {type: "string"}, model: {type: "string"}}});
const what = a.what ?? "faithfulness";
const corpus = path.join(cacheRoot(), "corpus", "de");
const jsonl = (f: string) => fs.readFileSync(path.join(corpus, f), "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as {id: string; src: string; ref: string});

/** Held-out story segments with two checkable edits each: [from, to] replaced once; `checks` must reach the output. */
const EDITS: {id: string; edits: [string, string][]}[] = [
    ...REVISIONS, // the benchmark's revision scenario, then more of the same kind
    {id: "story-ae9b242939ca", edits: [["Dacyn", "Merevan"], ["a long time", "29 years"]]},
    {id: "story-97b7a8d38ad1", edits: [["Parandra", "Zorvath"], ["to no-one", "to 48 people"]]},
    {id: "story-f90f56b26dce", edits: [["Delfador", "Tharion"], ["for a time", "for 37 days"]]},
    {id: "story-f4c13142a58c", edits: [["Delfador", "Merevan"], ["there was one yet", "there were 62 yet"]]},
];
/** The checkable word of an edit: the new name, or the number in it. */
const check = (to: string) => /\d+/.exec(to)?.[0] ?? to;

function naivePrompt(text: string, matches: TmMatch[]): PromptSpec {
    const plain = translationPrompt(text, "de") as {messages: {role: "system" | "user" | "assistant"; content: string}[]};
    if (!matches.length) return plain;
    const ex = matches.slice(0, 2).map((m) => `English: ${m.segment.source}\nGerman: ${m.segment.target}`).join("\n\n");
    return {messages: [plain.messages[0], {role: "user", content: `Earlier translations of similar texts:\n\n${ex}\n\n${plain.messages[1].content}`}]};
}

function prompt(variant: string, text: string, matches: TmMatch[]): PromptSpec {
    if (variant === "plain") return translationPrompt(text, "de");
    if (variant === "naive") return naivePrompt(text, matches.filter((m) => m.score >= 0.6));
    if (variant === "tm") return tmTranslationPrompt(text, "de", matches).prompt;
    if (variant === "tm-turns") return tmTranslationPrompt(text, "de", matches, {layout: "turns"}).prompt;
    if (variant === "tm-diff") return tmTranslationPrompt(text, "de", matches, {adaptPlaceables: false}).prompt;
    throw new Error(`unknown variant ${variant}`);
}

async function main(): Promise<void> {
    const engine = await Engine.create({model: a.model ?? DEFAULT_TARGET, gpu: "cpu"});
    const gen = async (p: PromptSpec) => (await engine.generate(p, undefined, {maxTokens: 200, k: 0, adaptive: false})).text.trim();
    const report: Record<string, unknown> = {model: a.model ?? DEFAULT_TARGET, what};
    try {
        if (what === "faithfulness") {
            const variants = (a.variants ?? "plain,naive,tm-diff,tm,draft").split(",");
            const byId = new Map(jsonl("test-story.jsonl").map((r) => [r.id, r]));
            const tm = new TranslationMemory({src: "en", tgt: "de"});
            const items = EDITS.map((e) => {
                const r = byId.get(e.id);
                if (!r) throw new Error(`${e.id} is not in ${corpus}/test-story.jsonl`);
                let changed = r.src;
                for (const [from, to] of e.edits) {
                    if (!changed.includes(from)) throw new Error(`${e.id}: "${from}" not found`);
                    changed = changed.replace(from, to);
                }
                tm.add([{source: r.src, target: r.ref, origin: {kind: "history"}}]);
                return {...e, src: r.src, ref: r.ref, changed};
            });
            const kept: Record<string, number> = Object.fromEntries(variants.map((v) => [v, 0]));
            const draftStats: {tokensPerStep: number; acceptance: number; equalsPlain: boolean}[] = [];
            const rows = [];
            for (const it of items) {
                const matches = tm.search(it.changed, {k: 2, minScore: 0.5});
                const row: Record<string, unknown> = {id: it.id, changed: it.changed, score: matches[0]?.score};
                for (const v of variants) { // interleaved: every variant on each item before the next item
                    let out: string;
                    if (v === "draft" || v === "draft-history") {
                        // draft-history: the memory is Polyspec's own plain translation of the original source (the
                        // revision scenario: the user changes a text translated before), not the human translation
                        let draftFrom = matches;
                        if (v === "draft-history") {
                            const own = await gen(translationPrompt(it.src, "de"));
                            draftFrom = [{segment: {source: it.src, target: own, srcLang: "en", tgtLang: "de", origin: {kind: "history"}, time: 0}, score: matches[0]?.score ?? 0, id: -1}];
                        }
                        const r = await engine.generate(translationPrompt(it.changed, "de"), tmDrafterFor(draftFrom, engine.model), {maxTokens: 200, k: 8, adaptive: false});
                        out = r.text.trim();
                        draftStats.push({tokensPerStep: tokensPerStep(r.stats), acceptance: acceptanceRate(r.stats), equalsPlain: out === (row.plain as {out: string} | undefined)?.out});
                        row.draftStats = draftStats.at(-1);
                    } else out = await gen(prompt(v, it.changed, matches));
                    const hits = it.edits.map(([, to]) => out.includes(check(to)));
                    kept[v] += hits.filter(Boolean).length;
                    row[v] = {out, kept: hits};
                    console.error(`${it.id} ${v}: ${hits.map((h) => h ? "kept" : "LOST").join(", ")}: ${out.slice(0, 140).replace(/\n/g, " ")}`);
                }
                rows.push(row);
            }
            report.kept = kept;
            report.changes = 2 * items.length;
            report.rows = rows;
            console.log(`changes reaching the output, of ${2 * items.length}: ${variants.map((v) => `${v} ${kept[v]}`).join(", ")}`);
            if (draftStats.length) {
                report.draft = draftStats;
                const mean = (f: (x: typeof draftStats[number]) => number) => draftStats.reduce((x, d) => x + f(d), 0) / draftStats.length;
                console.log(`TM drafter on the plain prompt (k = 8 fixed; ${variants.filter((v) => v.startsWith("draft")).join(", ")}): ${draftStats.filter((d) => d.equalsPlain).length}/${draftStats.length} outputs equal plain decoding's; tokens per step ${mean((d) => d.tokensPerStep).toFixed(2)}, acceptance ${mean((d) => d.acceptance).toFixed(2)} (means over items)`);
            }
        } else if (what === "chrf") {
            const n = Number(a.n ?? 16);
            const tm = new TranslationMemory({src: "en", tgt: "de"});
            tm.add((await readCorpusPairs("de")).segments);
            const picked: {src: string; ref: string; matches: TmMatch[]}[] = [];
            for (const file of ["test-story.jsonl", "test-tech.jsonl"]) { // half from each domain
                const held = jsonl(file);
                const want = picked.length + Math.ceil((n - picked.length) / (file === "test-story.jsonl" ? 2 : 1));
                for (let i = 0; i < held.length && picked.length < want; i += 7) { // every 7th segment
                    const matches = tm.search(held[i].src, {k: 2, minScore: 0.6});
                    if (matches.length && held[i].src.split(/\s+/).length >= 4) picked.push({...held[i], matches});
                }
            }
            const variants = (a.variants ?? "plain,tm").split(",");
            const outs: Record<string, string[]> = Object.fromEntries(variants.map((v) => [v, []]));
            for (const p of picked) {
                for (const v of variants) outs[v].push(await gen(prompt(v, p.src, p.matches)));
                console.error(`${p.matches[0].score.toFixed(2)} ${variants.map((v) => `${v} ${chrF([outs[v].at(-1)!], [p.ref]).toFixed(1)}`).join(" ")}: ${p.src.slice(0, 80)}`);
            }
            const refs = picked.map((p) => p.ref);
            report.segments = picked.length;
            report.chrF = Object.fromEntries(variants.map((v) => [v, chrF(outs[v], refs)]));
            report.rows = picked.map((p, i) => ({src: p.src, ref: p.ref, score: p.matches[0].score, ...Object.fromEntries(variants.map((v) => [v, outs[v][i]]))}));
            console.log(`chrF over ${picked.length} held-out segments with a match >= 0.6: ${variants.map((v) => `${v} ${(report.chrF as Record<string, number>)[v].toFixed(1)}`).join(", ")}`);
        } else throw new Error(`--what must be faithfulness or chrf`);
    } finally {
        await engine.dispose();
    }
    if (a.out) fs.writeFileSync(a.out, JSON.stringify(report, null, 2));
}

main().catch((e) => { console.error(e); process.exit(1); });
