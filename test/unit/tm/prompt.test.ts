import assert from "node:assert/strict";
import {translationPrompt} from "../../../src/core/tasks";
import {TranslationMemory} from "../../../src/tm/memory";
import {adaptPlaceables, describeChanges, tmTranslationPrompt} from "../../../src/tm/prompt";

function memory(): TranslationMemory {
    const tm = new TranslationMemory({src: "en", tgt: "de"});
    tm.add([
        {source: "Bob bought 5 apples at the market.", target: "Bob kaufte 5 Äpfel auf dem Markt.", origin: {kind: "history"}},
        {source: "Bob bought 5 pears at the market.", target: "Bob kaufte 5 Birnen auf dem Markt.", origin: {kind: "corpus"}},
        {source: "Bob sold 5 apples.", target: "Bob verkaufte 5 Äpfel.", origin: {kind: "corpus"}},
        {source: "The weather is nice today.", target: "Das Wetter ist heute schön.", origin: {kind: "corpus"}},
    ]);
    return tm;
}

describe("tm prompt", () => {
    it("without a usable match the prompt is byte-identical to today's translation prompt", () => {
        for (const [text, lang] of [["A completely different sentence about dragons.", "de"], ["Hello\n\nworld ", "ja"], ["", "fr"]] as const) {
            const tm = new TranslationMemory({src: "en", tgt: lang});
            const r = tmTranslationPrompt(text, lang, tm.search(text || "x"));
            assert.equal(JSON.stringify(r.prompt), JSON.stringify(translationPrompt(text, lang)));
            assert.deepEqual(r.used, []);
        }
        const tm = memory();
        const text = "Alice sold 9 oranges.";
        const matches = tm.search(text, {minScore: 0.2});
        assert.ok(matches.length > 0 && matches.every((m) => m.score < 0.6));
        assert.equal(JSON.stringify(tmTranslationPrompt(text, "de", matches).prompt), JSON.stringify(translationPrompt(text, "de")));
    });

    it("with matches: the same system message first, <= 2 examples with their differences, then today's instruction and text", () => {
        const text = "Alice bought 5 apples at the market.";
        const r = tmTranslationPrompt(text, "de", memory().search(text));
        const plain = translationPrompt(text, "de") as {messages: {role: string; content: string}[]};
        assert.ok("messages" in r.prompt);
        const [system, user] = r.prompt.messages;
        assert.equal(r.prompt.messages.length, 2);
        assert.deepEqual(system, plain.messages[0]);
        assert.ok(user.content.endsWith(`\n\nTranslate the following text into German. Reply with the translation only. Keep the new text's "Alice" in the translation.\n\n${text}`),
            "ends with today's request, naming the new name");
        assert.equal(r.used.length, 2);
        assert.match(user.content, /Example 1 \(86% similar\)\nEnglish: Bob bought 5 apples at the market\.\nGerman, with the new text's names: Alice kaufte 5 Äpfel auf dem Markt\.\nThe new text differs from this example: "Bob" is now "Alice"\./);
        assert.match(user.content, /Example 2 \(71% similar\)\nEnglish: Bob bought 5 pears at the market\.\nGerman, with the new text's names: Alice kaufte 5 Birnen auf dem Markt\.\nThe new text differs from this example: "Bob" is now "Alice"; "pears" is now "apples"\./);
        assert.doesNotMatch(user.content, /Example 3/);
        const unadapted = tmTranslationPrompt(text, "de", memory().search(text), {adaptPlaceables: false}).prompt as {messages: {content: string}[]};
        assert.match(unadapted.messages[1].content, /\nGerman: Bob kaufte 5 Äpfel auf dem Markt\.\n/);
        // a change without new placeables leaves today's request as it is
        const fruit = "Bob bought 5 pears at the market.";
        const r2 = tmTranslationPrompt(fruit, "de", memory().search(fruit)).prompt as {messages: {content: string}[]};
        assert.ok(r2.messages[1].content.endsWith(`\n\n${plain.messages[1].content.replace(text, fruit)}`));
        assert.match(r2.messages[1].content, /The new text differs from this example: "apples" is now "pears"\./);
    });

    it("adapts only placeables (numbers, names, placeholders) found verbatim as whole words in the translation", () => {
        const changes = (pairs: [string, string][]) => pairs.map(([was, now]) => ({was, now}));
        assert.deepEqual(adaptPlaceables("Bob kaufte 5 Äpfel, 15 Birnen und {item}.", changes([["Bob", "Alice"], ["5", "7"], ["{item}", "{thing}"]])),
            {target: "Alice kaufte 7 Äpfel, 15 Birnen und {thing}.", what: "names, numbers and placeholders"});
        assert.equal(adaptPlaceables("Öffnen Sie die Datei", changes([["file", "folder"]])), undefined, "not a placeable");
        assert.equal(adaptPlaceables("Vier Tage später", changes([["4", "62"]])), undefined, "the old form is not in the translation");
        assert.equal(adaptPlaceables("Bobby kam", changes([["Bob", "Alice"]])), undefined, "whole words only");
        assert.equal(adaptPlaceables("Bob kam", changes([["Bob", "Alice Smith"]])), undefined, "one word into one word");
        assert.equal(adaptPlaceables("Bob sah Bob", changes([["Bob", "Alice"]]), "Alice saw Bob"), undefined, "still in the new text: which one changed is unknown");
        assert.equal(adaptPlaceables("Bob sah Tom", changes([["Bob", "Alice"]]), "Alice saw Tom")!.target, "Alice sah Tom");
    });

    it("describes additions, omissions and long lists of differences", () => {
        assert.equal(describeChanges([]), "The new text has the same words as this example.");
        assert.equal(describeChanges([{was: "", now: "big"}, {was: "old", now: ""}]), "The new text differs from this example: it adds \"big\"; it leaves out \"old\".");
        assert.equal(describeChanges([{was: "", now: "37", before: "your", after: "allies"}, {was: "very", now: "", after: "old"}]),
            "The new text differs from this example: \"your allies\" is now \"your 37 allies\"; \"very old\" is now \"old\".");
        assert.match(describeChanges(Array.from({length: 10}, (_, i) => ({was: `a${i}`, now: `b${i}`})), 3), /"a2" is now "b2"; and 7 more difference\(s\)\.$/);
    });
});
