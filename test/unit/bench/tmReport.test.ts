import assert from "node:assert/strict";
import {bandOf, type TmCaseResult, type TmRevisionResult, type TmRun} from "../../../src/bench/tmResults";
import {PreviousRequests} from "../../../src/bench/tmStage";
import {translationPrompt, type PromptSpec} from "../../../src/core/tasks";
import {tmSection} from "../../../src/bench/tmReport";

const run = (text: string, tokens: number, decodeMs: number, totalMs: number, identified?: string): TmRun =>
    ({text, tokens, decodeMs, totalMs, promptTokens: 40, accepted: 0, drafted: 0, identified});

describe("bench: translation-memory report", () => {
    it("bands, chrF and speed-ups per mode against the plain run of the same segments", () => {
        assert.deepEqual([undefined, 0.49, 0.5, 0.69, 0.7, 0.95].map(bandOf), ["none", "none", "0.5-0.7", "0.5-0.7", "0.7-0.9", ">=0.9"]);
        const c = (id: string, score: number | undefined, plain: TmRun, examples?: TmRun): TmCaseResult => ({kind: "tm", lang: "de", id, domain: "story", band: bandOf(score), score,
            reference: "Der alte Zauberer sah den Prinzen an.", plain, examples, draftReplay: {steps: 10, drafted: 8, accepted: 6, decodeMs: 100, plainDecodeMs: 200}});
        const cases = [
            // examples: a better translation in half the decode time and 80% of the end-to-end time
            c("a", 0.95, run("Der Zauberer sah.", 10, 400, 1000, "de"), run("Der alte Zauberer sah den Prinzen an.", 10, 200, 800, "de")),
            c("b", undefined, run("Der alte Zauberer sah den Prinzen an.", 10, 400, 1000, "de")),
        ];
        const rev: TmRevisionResult = {kind: "tm-revision", lang: "de", id: "r", checks: ["Zorvath", "37"], runs: {
            plain: {...run("Zorvath 37", 10, 400, 1000), kept: 2}, draft: {...run("Zorvath 37", 10, 200, 500), kept: 2}, examples: {...run("Zorvath 36", 10, 100, 400), kept: 1}}};
        const {md, charts} = tmSection([...cases, rev]);
        const text = md.join("\n");
        assert.match(text, /\| >=0\.9 \| 1 \| [\d.]+ \| 100\.0 \| 100% \/ 100% \| 2\.00x \/ 1\.25x \| 2\.00x \| - \|/, "band row: chrF, language, decode 2x and end-to-end 1.25x, replayed draft 2x");
        assert.match(text, /\| none \| 1 \| 100\.0 \| - \|/);
        assert.match(text, /\| de \| 1 \| 2 of 2 \| 2 of 2 \| 1 of 2 \| 2\.00x \| 2\.50x \|/, "revision: changes kept per mode, end-to-end speed-ups");
        assert.ok(charts.some((x) => x.name === "tm-chrf"));
    });
});

describe("TM benchmark: the request before each timed one (PreviousRequests)", () => {
    it("is the same condition's request for the previous text, never another condition's prompt for this text", () => {
        const before = new PreviousRequests("de");
        const a1 = translationPrompt("First text.", "de"), b1: PromptSpec = {messages: [{role: "user", content: "examples for the first text"}]};
        const first = before.next("plain", a1);
        assert.ok("messages" in first && first.messages.at(-1)!.content.includes("harbour"), "an unrelated plain request before the first text");
        assert.notDeepEqual(before.next("examples", b1), b1);
        const a2 = translationPrompt("Second text.", "de");
        assert.deepEqual(before.next("plain", a2), a1);
        assert.deepEqual(before.next("examples", {messages: []}), b1);
        assert.deepEqual(before.next("plain", a1), a2);
    });
});
