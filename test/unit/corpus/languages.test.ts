import assert from "node:assert/strict";
import {LANGUAGES, languageByCode, languageLabel} from "../../../src/core/languages";
import {PolyspecError} from "../../../src/core/errors";

describe("corpus: language table", () => {
    it("covers the required languages and at least six non-Latin scripts", () => {
        for (const c of ["de", "fr", "es", "it", "pt", "ru", "zh", "ja", "ko", "tr", "pl", "cs", "vi", "id", "uk", "ar", "hi"]) assert.ok(languageByCode(c), c);
        const scripts = new Set(LANGUAGES.map((l) => l.script).filter((s) => s !== "Latin"));
        assert.ok(scripts.size >= 6, [...scripts].join(","));
        assert.equal(new Set(LANGUAGES.map((l) => l.code)).size, LANGUAGES.length);
        for (const l of LANGUAGES) {
            assert.match(l.code, /^[a-z]{2}(-(Latn|Hant))?$/);
            assert.ok(l.name && l.native);
            if (l.code !== "en") assert.ok(Object.keys(l.sources).length > 0, l.code);
        }
    });

    it("rejects an unknown code with the list of valid ones", () => {
        assert.throws(() => languageByCode("xx"), (e: unknown) => e instanceof PolyspecError && /valid codes: en, de, fr/.test(e.message));
        assert.equal(languageByCode(" DE ").code, "de");
        assert.equal(languageLabel(languageByCode("ja")), "Japanese (日本語)");
        assert.equal(languageLabel(languageByCode("en")), "English");
    });
});
