import assert from "node:assert/strict";
import {parse} from "@formatjs/icu-messageformat-parser";
import {icuPlan} from "../../../src/localize/icu";
import {categoryOf, parsePluralForms, pluralCategories, sampleNumber} from "../../../src/localize/plural";
import {restore} from "../../../src/localize/job";

describe("localize: plural forms and ICU messages", () => {
    it("evaluates gettext Plural-Forms expressions safely", () => {
        const ru = parsePluralForms("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");
        assert.equal(ru.nplurals, 3);
        assert.deepEqual([1, 2, 5, 11, 21, 22, 25, 111].map(ru.plural), [0, 1, 2, 2, 0, 1, 2, 2]);
        const fr = parsePluralForms("nplurals=2; plural=(n > 1);");
        assert.deepEqual([0, 1, 2].map(fr.plural), [0, 0, 1]);
        const ar = parsePluralForms("nplurals=6; plural=n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : n%100>=11 ? 4 : 5;");
        assert.deepEqual([0, 1, 2, 3, 11, 100].map(ar.plural), [0, 1, 2, 3, 4, 5]);
        assert.equal(parsePluralForms("nplurals=1; plural=0;").plural(7), 0);
        assert.throws(() => parsePluralForms("nplurals=2; plural=process.exit(1);"), /cannot be read/);
        assert.throws(() => parsePluralForms("plural=n != 1;"), /no nplurals/);
    });

    it("picks sample numbers of a form, avoiding numbers already in the text", () => {
        const ru = parsePluralForms("nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);");
        assert.equal(sampleNumber((n) => ru.plural(n) === 1), 2);
        assert.equal(sampleNumber((n) => ru.plural(n) === 1, new Set(["2"])), 3);
        assert.equal(sampleNumber((n) => ru.plural(n) === 0 && n !== 1), 21);
        assert.deepEqual(pluralCategories("ru"), ["one", "few", "many", "other"]);
        assert.deepEqual(pluralCategories("ja"), ["other"]);
        assert.equal(categoryOf("en", "ordinal")(2), "two");
    });

    it("flattens an ICU plural into whole sentences, one per target category, and assembles a valid message", () => {
        const msg = "You have {count, plural, =0 {no files} one {# file} other {# files}} in {folder}.";
        const plan = icuPlan(msg, "ru")!;
        assert.deepEqual(plan.texts.map((t) => t.source), ["You have no files in {folder}.", "You have 1 file in {folder}.", "You have 2 files in {folder}.", "You have 5 files in {folder}.", "You have # files in {folder}."]);
        const ru: Record<string, string> = {"You have no files in {folder}.": "В {folder} нет файлов.", "You have 1 file in {folder}.": "В {folder} 1 файл.", "You have 2 files in {folder}.": "В {folder} 2 файла.", "You have 5 files in {folder}.": "В {folder} 5 файлов.", "You have # files in {folder}.": "В {folder} # файла."};
        const out = plan.assemble(plan.texts.map((t) => restore(ru[t.source], {id: "", unitId: "", source: t.source, ...(t.restore ? {restore: t.restore} : {})})));
        assert.equal(out, "{count, plural, =0 {В {folder} нет файлов.} one {В {folder} # файл.} few {В {folder} # файла.} many {В {folder} # файлов.} other {В {folder} # файла.}}");
        parse(out);
        assert.equal(plan.check(out), undefined);
        assert.match(plan.check("{count, plural, one {# Datei}")!, /does not parse/);
        assert.match(plan.check("{count, plural, one {# Datei in {ordner}} other {# Dateien}}")!, /lost \{folder\}, added \{ordner\}/);
    });

    it("handles select, nested select in plural, selectordinal; leaves other texts alone", () => {
        const sel = icuPlan("{gender, select, female {She} male {He} other {They}} replied.", "de")!;
        assert.deepEqual(sel.texts.map((t) => t.source), ["She replied.", "He replied.", "They replied."]);
        assert.equal(sel.assemble(["Sie antwortete.", "Er antwortete.", "Sie antworteten."]), "{gender, select, female {Sie antwortete.} male {Er antwortete.} other {Sie antworteten.}}");
        const nested = icuPlan("{n, plural, one {{g, select, female {her # cat} other {their # cat}}} other {{g, select, female {her # cats} other {their # cats}}}}", "de")!;
        assert.deepEqual(nested.texts.map((t) => t.source), ["her 1 cat", "their 1 cat", "her 2 cats", "their 2 cats"]);
        const ord = icuPlan("{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}} place", "en")!;
        assert.deepEqual(ord.texts.map((t) => t.source), ["1st place", "2nd place", "3rd place", "5th place"]);
        assert.equal(icuPlan("Hello {name}", "de"), undefined);
        assert.equal(icuPlan("Hello {{name}}, {count, plural, one {x}", "de"), undefined, "not valid ICU: plain text");
    });
});
