import assert from "node:assert/strict";
import {createLanguageIdentifier, outputVerdict} from "../../../src/core/langid";
import {canonicalLanguageCode, isLanguageCode, LANGUAGES, languageByCode, scriptVariants} from "../../../src/core/languages";
import {scriptOf} from "../../../src/core/scripts";
import {outputScriptRate} from "../../../src/core/stats";
import {storyPrompt, translationPrompt} from "../../../src/core/tasks";
import {retryHints, verdictName} from "../../../src/core/wrongLanguage";
import {validateDrafters} from "../../../src/vscode/common/settingsModel";

// Wesnoth's own translations of one line in each script (zh_CN / zh_TW, sr / sr@latin)
const SR_CYRL = "Не знам ко сте, али не можете даље низ овај пут! Још мало, и натрчали бисте на хорду оркова.";
const SR_LATN = "Ne znam ko ste, ali ne možete dalje niz ovaj put! Još malo, i natrčali biste na hordu orkova veću od bilo koje vojske koju sam ikada video!";
const HANS = "驾驭幽魂，特别是强大的那些，就连有经验的死灵法师都有可能碰壁。";
const HANT = "駕馭幽魂，特別是強大的那些，就連有經驗的死靈法師都有可能碰壁。";

describe("languages written in more than one script", () => {
    it("has an entry per script; the bare codes keep the script they always had", () => {
        assert.equal(languageByCode("sr").scriptTag, "Cyrl");
        assert.equal(languageByCode("sr").script, "Cyrillic");
        assert.equal(languageByCode("zh").scriptTag, "Hans");
        assert.equal(languageByCode("sr-Latn").script, "Latin");
        assert.equal(languageByCode("zh-Hant").scriptTag, "Hant");
        assert.deepEqual(scriptVariants("sr").map((l) => l.code), ["sr", "sr-Latn"]);
        assert.deepEqual(scriptVariants("de").map((l) => l.code), ["de"]);
        for (const l of LANGUAGES) assert.equal(scriptVariants(l.base).length > 1, !!l.scriptTag, l.code);
        // each script keeps its own sources: Wesnoth sr@latin and zh_TW, Debian's Serbian (Cyrillic) descriptions only for sr
        assert.equal(languageByCode("sr-Latn").sources.wesnoth, "sr@latin");
        assert.equal(languageByCode("sr-Latn").sources.ddtp, undefined);
        assert.equal(languageByCode("zh-Hant").sources.wesnoth, "zh_TW");
    });
    it("reads a code in any spelling; keys stay canonical", () => {
        for (const [typed, code] of [["sr-latn", "sr-Latn"], ["SR_Latn", "sr-Latn"], ["sr-Cyrl", "sr"], ["zh-Hans", "zh"], ["zh-TW", "zh-Hant"], ["zh_hant", "zh-Hant"], ["de", "de"]])
            assert.equal(languageByCode(typed).code, code, typed);
        assert.equal(canonicalLanguageCode("xx-Latn"), undefined);
        assert.equal(isLanguageCode("sr-Latn"), true);
        assert.equal(isLanguageCode("sr-latn"), false, "only canonical codes are keys");
        const problems: string[] = [];
        assert.deepEqual(validateDrafters({"sr-latn": "lookup", "zh-TW": "cascade", "sr-Cyrl": "none", "xx": "lookup"}, problems), {"sr-Latn": "lookup", "zh-Hant": "cascade", "sr": "none"});
        assert.equal(problems.length, 1);
    });
    it("tells the scripts apart", () => {
        assert.equal(scriptOf(SR_CYRL, "sr")?.tag, "Cyrl");
        assert.equal(scriptOf(SR_LATN, "sr")?.tag, "Latn");
        assert.equal(scriptOf(HANS, "zh")?.tag, "Hans");
        assert.equal(scriptOf(HANT, "zh")?.tag, "Hant");
        assert.equal(scriptOf("你好，大家好", "zh"), undefined, "characters shared by both scripts tell nothing");
        assert.equal(scriptOf("Hallo", "de"), undefined, "one script only");
        assert.equal(outputScriptRate(["Latn", "Latn", undefined, "Cyrl"], "Latn"), 2 / 3);
    });
    it("the prompt names the script", () => {
        const user = (p: ReturnType<typeof translationPrompt>) => ("messages" in p ? p.messages.filter((m) => m.role === "user").at(-1)!.content : "");
        assert.match(user(translationPrompt("Hello.", "sr")), /into Serbian \(Cyrillic\)\./);
        assert.match(user(translationPrompt("Hello.", "sr-Latn")), /into Serbian \(Latin\)\./);
        assert.match(user(translationPrompt("Hello.", "zh-Hant")), /into Chinese \(Traditional\)\./);
        assert.match(user(translationPrompt("Hello.", "de")), /into German\. Reply/, "other languages unchanged");
        const s = storyPrompt("Bio jednom jedan kralj.", "sr-Latn");
        assert.ok("messages" in s && /Serbian \(Latin\)/.test(s.messages[1].content));
        // the wrong-language hints: the language in itself, and an example pair as an earlier exchange
        assert.match(user(translationPrompt("Hello.", "sk", {insist: true})), /into Slovak \(Slovenčina\)\. Write in Slovak only/);
        const ex = translationPrompt("Hello.", "sk", {example: {source: "Good morning.", translation: "Dobré ráno."}});
        assert.ok("messages" in ex);
        assert.deepEqual(ex.messages.map((m) => m.role), ["system", "user", "assistant", "user"]);
        assert.equal(ex.messages[2].content, "Dobré ráno.");
    });
});

describe("output check with scripts (eld + script)", () => {
    const id = createLanguageIdentifier();
    before(() => id.ready());
    it("names the script of a Serbian or Chinese text and accepts the right one", () => {
        assert.deepEqual(id.identify(SR_CYRL), {code: "sr", reliable: id.identify(SR_CYRL)!.reliable, script: "Cyrl"});
        assert.equal(id.identify(SR_LATN)?.code, "sr-Latn", "eld calls Serbian Latin Croatian: reported as Serbian in Latin script");
        assert.equal(id.identify(HANS)?.code, "zh");
        assert.equal(id.identify(HANT)?.code, "zh-Hant");
        assert.equal(id.supports("sr-Latn"), true);
        assert.equal(id.supports("zh-Hant"), true);
        assert.deepEqual(outputVerdict("sr", id.identify(SR_CYRL)), {kind: "ok"});
        assert.deepEqual(outputVerdict("sr-Latn", id.identify(SR_LATN)), {kind: "ok"});
        assert.deepEqual(outputVerdict("sr", id.identify(SR_LATN)), {kind: "script", want: "Cyrl", got: "Latn"});
        assert.deepEqual(outputVerdict("zh-Hant", id.identify(HANS)), {kind: "script", want: "Hant", got: "Hans"});
    });
    it("finds Slovak that drifted into Czech, and says nothing about what it cannot tell", () => {
        const czech = "Věříte, že vám to pomůže? Rytíři nosí meče a cvičí taktiku, která vyžaduje mnohem více trpělivosti než útok.";
        assert.deepEqual(outputVerdict("sk", id.identify(czech)), {kind: "language", got: "cs"});
        assert.deepEqual(outputVerdict("sk", id.identify("ok 123")), {kind: "unknown"});
        assert.deepEqual(outputVerdict("sk", undefined), {kind: "unknown"});
        assert.deepEqual(outputVerdict("sk", {code: "cs", reliable: false}), {kind: "unknown"}, "an unreliable guess is no verdict");
    });
});

describe("wrong language: what a translation in another language or script gets", () => {
    it("is translated again, insisting on the language; an output in the language (or one the check cannot tell) is not", () => {
        assert.deepEqual(retryHints({kind: "language", got: "cs"}), {insist: true});
        assert.deepEqual(retryHints({kind: "script", want: "Cyrl", got: "Latn"}), {insist: true});
        assert.equal(retryHints({kind: "ok"}), undefined);
        assert.equal(retryHints({kind: "unknown"}), undefined);
        assert.equal(verdictName({kind: "language", got: "cs"}), "Czech");
        assert.equal(verdictName({kind: "script", want: "Cyrl", got: "Latn"}), "Latin script");
    });
});
