import assert from "node:assert/strict";
import type {PromptSpec} from "../../../src/core/tasks";
import {translationPrompt} from "../../../src/core/tasks";
import {CascadeDrafter} from "../../../src/drafters/cascade";
import type {Drafter} from "../../../src/core/drafter";
import type {GenerateOptions, GenerateResult} from "../../../src/engine/engine";
import {TranslationMemory} from "../../../src/tm/memory";
import {engineTranslator, type TranslatorEngine} from "../../../src/localize/translate";
import type {TranslateEntry} from "../../../src/localize/job";

/** An engine that records its requests and answers from a table (no model: the prompt and drafter wiring is what is tested). */
function fakeEngine(answer: (p: PromptSpec) => string) {
    const calls: {prompt: PromptSpec; drafter?: Drafter; o: GenerateOptions}[] = [];
    const engine: TranslatorEngine = {
        model: {tokenize: (t: string) => t.split(/\s+/).map((_, i) => i)},
        generate: async (prompt, drafter, o = {}) => {
            calls.push({prompt, drafter, o});
            const text = answer(prompt);
            return {text, tokens: [], promptTokens: 10, reusedPromptTokens: 0, cancelled: !!o.cancel?.cancelled, finish: "stop", drafter: drafter?.name ?? "none",
                stats: {steps: 4, drafted: 6, accepted: 3, tokens: 7, draftMs: 0, verifyMs: 0, decodeMs: drafter ? 50 : 100, ttftMs: 1, proposedAt: [], acceptedAt: [], stepsByDrafts: [], verifyMsByDrafts: []}} satisfies GenerateResult;
        },
    };
    return {engine, calls};
}

const entry = (source: string, attempt: 1 | 2 = 1, keep: string[] = []): TranslateEntry => ({item: {id: "u#0", unitId: "u", source}, unit: {id: "u", key: "k", line: 1, reason: "missing", source, items: [], render: (t) => t[0]}, attempt, keep});

describe("localize: the engine translator", () => {
    const tm = new TranslationMemory({src: "en", tgt: "de"});
    tm.add([{source: "Open the settings page.", target: "Öffnen Sie die Einstellungsseite.", origin: {kind: "file", file: "de.json", line: 2}}]);

    it("puts close matches in the prompt as examples and drafts from them ahead of the lookup", async () => {
        const {engine, calls} = fakeEngine(() => "Öffnen Sie die Profilseite.");
        const r = await engineTranslator(engine, {lang: "de"})(entry("Open the profile page."), tm);
        assert.equal(r.text, "Öffnen Sie die Profilseite.");
        const c = calls[0];
        assert.match(JSON.stringify(c.prompt), /Example 1 \(75% similar\).*Öffnen Sie die Einstellungsseite\./);
        assert.ok(c.drafter instanceof CascadeDrafter);
        assert.deepEqual((c.drafter as CascadeDrafter).drafters.map((d) => d.name), ["tm", "lookup"]);
        assert.equal(c.o.profile, "localize:de");
        assert.deepEqual(r.matches, [{score: 0.75, origin: "file", inPrompt: true}]);
        assert.deepEqual({tokens: r.stats!.tokens, decodeMs: r.stats!.decodeMs, plain: r.stats!.plain}, {tokens: 7, decodeMs: 50, plain: undefined});
    });

    it("takes the job's own earlier outputs as draft sources only, not as examples", async () => {
        const mem = new TranslationMemory({src: "en", tgt: "de"});
        mem.addHistory("Open the profile page now.", "Öffne jetzt die Profilseite.");
        const {engine, calls} = fakeEngine(() => "x");
        const r = await engineTranslator(engine, {lang: "de"})(entry("Open the profile page."), mem);
        assert.deepEqual(calls[0].prompt, translationPrompt("Open the profile page.", "de"));
        assert.equal((calls[0].drafter as CascadeDrafter).drafters[0].describe(), "translation memory (1 match, match 2..16 tokens)");
        assert.deepEqual(r.matches, [{score: 0.8, origin: "history"}]);
    });

    it("keeps the plain prompt in lossless mode and without a close match", async () => {
        const {engine, calls} = fakeEngine(() => "x");
        await engineTranslator(engine, {lang: "de", mode: "lossless"})(entry("Open the profile page."), tm);
        await engineTranslator(engine, {lang: "de"})(entry("Something else entirely"), tm);
        assert.deepEqual(calls[0].prompt, translationPrompt("Open the profile page.", "de"));
        assert.deepEqual(calls[1].prompt, translationPrompt("Something else entirely", "de"));
    });

    it("names the placeholders on the retry, and measures plain decoding of the same prompt when asked, alternating the order", async () => {
        const {engine, calls} = fakeEngine(() => "Hallo {name}");
        const t = engineTranslator(engine, {lang: "de", measurePlain: true});
        const r1 = await t(entry("Hello {name}", 2, ["{name}"]), tm);
        assert.match(JSON.stringify(calls[0].prompt), /placeholders and markup that the program fills in: \\"\{name\}\\"/);
        assert.deepEqual(calls.map((c) => c.drafter ? "spec" : "plain"), ["spec", "plain"]);
        assert.deepEqual(calls[0].prompt, calls[1].prompt);
        assert.deepEqual(r1.stats!.plain && {tokens: r1.stats!.plain.tokens, decodeMs: r1.stats!.plain.decodeMs, identical: r1.stats!.plain.identical}, {tokens: 7, decodeMs: 100, identical: true});
        await t(entry("Bye {name}"), tm);
        assert.deepEqual(calls.slice(2).map((c) => c.drafter ? "spec" : "plain"), ["plain", "spec"]);
        assert.equal(calls[1].o.k, 0);
    });

    it("passes cancellation through and reports it", async () => {
        const {engine} = fakeEngine(() => "Teil");
        const r = await engineTranslator(engine, {lang: "de", cancel: {cancelled: true}})(entry("Part"), tm);
        assert.equal(r.cancelled, true);
    });
});
