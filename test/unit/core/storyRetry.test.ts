import assert from "node:assert/strict";
import {STORY_OWN_LETTERS, storyPrompt, storyRetry} from "../../../src/core/tasks";

const last = (p: ReturnType<typeof storyPrompt>) => ("messages" in p ? p.messages[p.messages.length - 1].content : p.text);

describe("storyRetry: one more attempt when a story began as an echo of its opening", () => {
    const opening = "The old mill stood at the edge of the village. Nobody knew who owned it.";
    const echo = (text: string) => ({finish: "repetition", text, repetition: {echo: true}});

    it("an echo that kept nothing of its own: the other ending (blank line added, or taken away); the rule and language stay", () => {
        const a = storyRetry(opening, "de", echo(""))!;
        assert.equal(a.blankLine, true);
        assert.equal(last(a.prompt), `${opening}\n\n`);
        assert.equal(a.prompt.exclude, "fence");
        assert.match(JSON.stringify(a.prompt), /German/);
        const b = storyRetry(`${opening}\n\n`, "de", echo("Der"))!;
        assert.equal(b.blankLine, false);
        assert.equal(last(b.prompt), opening);
    });

    it("no second attempt for a continuation of its own, a loop of its own, a stop, or an echo after enough own text", () => {
        assert.equal(storyRetry(opening, "en", {finish: "stop", text: "It was old."}), undefined);
        assert.equal(storyRetry(opening, "en", {finish: "repetition", text: "", repetition: {echo: false}}), undefined);
        assert.equal(storyRetry(opening, "en", echo("x".repeat(STORY_OWN_LETTERS))), undefined);
        assert.ok(storyRetry(opening, "en", echo("x".repeat(STORY_OWN_LETTERS - 1))));
        // letters, not characters: punctuation and spaces do not count; CJK characters do
        assert.ok(storyRetry(opening, "en", echo("... , ! ?   ".repeat(3))));
        assert.equal(storyRetry("村子后面有一座很高的山。", "zh", echo("每天早上小明都会爬到山顶看")), undefined);
    });
});
