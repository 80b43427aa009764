// What brings a translation back into the language asked for (issue 18, point 4), measured with the default model
// on held-out segments no benchmark uses (the test split's usable segments from the 32nd on):
//   plain    the product's prompt (for a language written in two scripts it names the script: "Serbian (Cyrillic)")
//   old      sr/zh only: the prompt before scripts were named ("Serbian")
//   insist   the instruction also names the language in itself and asks for nothing but it
//   example  a sentence pair in the language from the corpus training pairs, as an earlier exchange
//   both     the example and the insisting instruction
//   retry    derived, no generation of its own: plain, and where the output check finds another language (or script),
//            the example prompt's output for the same segment (what the editor does on a wrong-language result)
// Outputs are cached (<cache>/bench/language-<sha12>.jsonl), so a run resumes where the last stopped.
//   flock /tmp/polyspec-model.lock npx tsx tools/quality/language.ts --langs sk,sr,he [--n 5] [--max-tokens 40] [--variants plain,insist,example]
//   npx tsx tools/quality/language.ts --langs sk,sr,he --report      (no generation: the table from the cache)
import fs from "node:fs";
import path from "node:path";
import {parseArgs} from "node:util";
import {signature} from "../../src/bench/signature";
import {createLanguageIdentifier, outputVerdict} from "../../src/core/langid";
import {languageByCode} from "../../src/core/languages";
import {chrF} from "../../src/core/stats";
import {translationPrompt, type PromptSpec} from "../../src/core/tasks";
import {cacheRoot, corpusPaths, readJsonl} from "../../src/corpus";
import {examplePair} from "../../src/corpus/examples";
import {Engine} from "../../src/engine/engine";
import {DEFAULT_TARGET} from "../../src/models/registry";
import {defaultModelPath} from "./model";

interface Row { lang: string; variant: string; id: string; src: string; ref: string; text: string; tokens: number }

/** The example pair for a language (src/corpus/examples.ts), or an error when its corpus is not built. */
function examplePairOf(lang: string): {source: string; translation: string} {
    const e = examplePair(lang);
    if (!e) throw new Error(`${lang}: no training pair (build its corpus)`);
    return e;
}

function prompt(variant: string, src: string, lang: string): PromptSpec | undefined {
    const l = languageByCode(lang);
    switch (variant) {
        case "plain": return translationPrompt(src, lang);
        case "insist": return translationPrompt(src, lang, {insist: true});
        case "example": return translationPrompt(src, lang, {example: examplePairOf(lang)});
        case "both": return translationPrompt(src, lang, {example: examplePairOf(lang), insist: true});
        case "old": return l.scriptTag ? {messages: [{role: "system", content: "You are a careful literary translator and writer."},
            {role: "user", content: `Translate the following text into ${l.name.replace(/ \(.*\)$/, "")}. Reply with the translation only.\n\n${src}`}]} : undefined;
        default: throw new Error(`unknown variant ${variant}`);
    }
}

async function main(): Promise<void> {
    const {values: v} = parseArgs({options: {langs: {type: "string"}, n: {type: "string"}, "max-tokens": {type: "string"}, variants: {type: "string"}, report: {type: "boolean"}, offset: {type: "string"}}});
    const langs = (v.langs ?? "sk,sr,he").split(",");
    const n = Number(v.n ?? 5), offset = Number(v.offset ?? 32), maxTokens = Number(v["max-tokens"] ?? 40);
    const variants = (v.variants ?? "plain,old,insist,example").split(",");
    const sha = signature({modelPath: defaultModelPath(), threads: 1, gpu: false}).modelSha256.slice(0, 12);
    const file = path.join(cacheRoot(), "bench", `language-${sha}.jsonl`);
    const have = new Map<string, Row>();
    if (fs.existsSync(file)) for (const l of fs.readFileSync(file, "utf8").split("\n")) if (l.trim()) { const r = JSON.parse(l) as Row; have.set(`${r.lang}|${r.variant}|${r.id}|${maxTokens}`, r); }
    const segments = (lang: string) => readJsonl<{id: string; src: string; ref: string}>(corpusPaths(lang).testStory).filter((r) => r.src.split(/\s+/).length >= 8).slice(offset, offset + n);
    if (!v.report) {
        const engine = await Engine.create({model: DEFAULT_TARGET});
        try {
            for (const variant of variants) for (const lang of langs) for (const s of segments(lang)) {
                const k = `${lang}|${variant}|${s.id}|${maxTokens}`;
                const p = prompt(variant, s.src, lang);
                if (have.has(k) || !p) continue;
                const g = await engine.generate(p, undefined, {maxTokens, k: 0, adaptive: false});
                const row: Row = {lang, variant, id: s.id, src: s.src, ref: s.ref, text: g.text, tokens: g.tokens.length};
                fs.appendFileSync(file, JSON.stringify({...row, maxTokens}) + "\n");
                have.set(k, row);
                process.stderr.write(`${k}: ${g.text.slice(0, 80).replace(/\n/g, " ")}\n`);
            }
        } finally { await engine.dispose(); }
    }
    const id = createLanguageIdentifier();
    await id.ready();
    const verdict = (r: Row) => outputVerdict(r.lang, id.identify(r.text)).kind;
    console.log(`maxTokens ${maxTokens}, segments ${offset}..${offset + n - 1} of each test split (>= 8 words)`);
    console.log("lang  variant   in language+script   script wrong   other language   unknown   chrF (vs. reference, first maxTokens tokens)");
    for (const lang of langs) {
        const rows = (variant: string) => segments(lang).map((s) => have.get(`${lang}|${variant}|${s.id}|${maxTokens}`)).filter((r): r is Row => !!r);
        const show = (variant: string, rs: Row[]) => {
            if (!rs.length) return;
            const kinds = rs.map(verdict);
            const c = (k: string) => kinds.filter((x) => x === k).length;
            const known = rs.length - c("unknown");
            console.log(`${lang.padEnd(6)}${variant.padEnd(10)}${`${c("ok")}/${known}`.padEnd(21)}${String(c("script")).padEnd(15)}${String(c("language")).padEnd(17)}${String(c("unknown")).padEnd(10)}${chrF(rs.map((r) => r.text), rs.map((r) => r.ref)).toFixed(1)}`);
        };
        for (const variant of variants) show(variant, rows(variant));
        // retry: plain where the check passes (or cannot tell), else that variant's output for the same segment
        const plain = rows("plain");
        for (const variant of variants.filter((x) => x !== "plain" && x !== "old")) {
            const other = new Map(rows(variant).map((r) => [r.id, r]));
            if (!plain.length || !plain.every((r) => other.has(r.id))) continue;
            const retried = plain.map((r) => ["script", "language"].includes(verdict(r)) ? other.get(r.id)! : r);
            show(`retry:${variant}`.slice(0, 9), retried);
        }
        if (plain.length) console.log(`${"".padEnd(16)}(plain needs a retry on ${plain.filter((r) => ["script", "language"].includes(verdict(r))).length} of ${plain.length})`);
    }
}

main().catch((e) => { console.error(e); process.exit(1); });
