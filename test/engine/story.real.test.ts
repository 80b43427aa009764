import assert from "node:assert/strict";
import {storyPrompt} from "../../src/core/tasks";
import {LookupDrafter} from "../../src/drafters/lookup";
import {Engine} from "../../src/engine/engine";
import {requireModel} from "../helpers/models";

// Openings a writer might have when asking for more (written for this test, not from the corpora), in several
// languages and scripts: two complete sentences, the same cut mid-sentence, and the same followed by a blank line.
const OPENINGS: [string, string][] = [
    ["en", "On a small island far from the coast there lived an old lighthouse keeper. Every evening he climbed the narrow stairs."],
    ["de", "Am Rand des Dorfes stand eine alte Mühle. Niemand wusste, wem sie gehörte."],
    ["fr", "La pluie tombait depuis trois jours sur la petite ville. Marie regardait la rue déserte par la fenêtre."],
    ["ru", "Зима в том году пришла рано. Старик каждый день ходил к реке за водой."],
    ["zh", "村子后面有一座很高的山。每天早上，小明都会爬到山顶看日出。"],
    ["ja", "その町には古い図書館があった。毎晩、誰もいないはずの窓に明かりがともった。"],
    ["ar", "كان هناك رجل عجوز يعيش في قرية صغيرة. كل صباح كان يذهب إلى البحر."],
    ["ko", "할머니는 매일 아침 시장에 가셨다. 그날도 마찬가지였다."],
];
const norm = (s: string) => s.replace(/\s+/g, " ").trim();
const midSentence = (t: string) => [...t].slice(0, Math.floor([...t].length * 0.6)).join("");

describe("story continuation continues (default model, real openings)", function () {
    this.timeout(900_000);
    let engine: Engine;
    before(async function () { engine = await Engine.create({model: requireModel(this, "qwen2.5-coder-1.5b")}); });
    after(async () => { await engine?.dispose(); });

    for (const [lang, text] of OPENINGS) {
        it(`${lang}: after a sentence end, mid-sentence and after a blank line, the model writes something new`, async () => {
            for (const [ending, input] of [["sentence end", text], ["mid-sentence", midSentence(text)], ["blank line", `${text}\n\n`]]) {
                const r = await engine.generate(storyPrompt(input, lang), undefined, {maxTokens: 24, k: 0, adaptive: false});
                const out = norm(r.text);
                assert.ok(out.length > 0, `${ending}: empty continuation (finish ${r.finish})`);
                // not a mere copy of the opening: the output's start does not stand in the input
                assert.ok(!norm(input).includes(out.slice(0, 24)), `${ending}: the model only repeated the input: ${JSON.stringify(r.text)}`);
            }
        });
    }

    // held-out openings (the German and Russian story prompts' line 20) after which the code model's own choice is a
    // code fence and the end of its turn ("\n```"): a story's output never holds a fence (PromptSpec.exclude)
    for (const [lang, text] of [["de", "Die Wiederbelebung der Skelette hast du gut gemeistert. Als nächste Lektion werde ich dich lehren, Geister herbeizurufen. Bist du bereit?"],
        ["ru", "До этих пор ты хорошо проявлял себя в оживлении скелетов. Теперь же я обучу тебя управлять духами. Ты готов?"]]) {
        it(`${lang}: no code fence in a story (the model's first choice after this opening), and speculation stays exact under the rule`, async () => {
            const p = storyPrompt(text, lang);
            const bare = await engine.generate({...p, exclude: undefined}, undefined, {maxTokens: 24, k: 0, adaptive: false});
            const r = await engine.generate(p, undefined, {maxTokens: 24, k: 0, adaptive: false});
            assert.ok(!r.text.includes("``"), `a fence: ${JSON.stringify(r.text)}`);
            assert.match(r.text, /\p{L}/u, `no words: ${JSON.stringify(r.text)} (without the rule: ${JSON.stringify(bare.text)})`);
            const spec = await engine.generate(p, new LookupDrafter(), {maxTokens: 24, k: 4, adaptive: false});
            assert.deepEqual(spec.tokens, r.tokens);
        });
    }
});
