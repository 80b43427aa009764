import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {po} from "gettext-parser";
import {run} from "../../../src/cli/localize";
import {PolyspecError} from "../../../src/core/errors";
import {LocalizeInputError} from "../../../src/localize/document";
import {localizeFile, LocalizeConflictError} from "../../../src/localize/files";
import type {Translate} from "../../../src/localize/job";
import {findPair} from "../../../src/localize/pair";
import {readReview, reviewPath} from "../../../src/localize/review";
import {copyFixtures, tmpDir} from "./helpers";

function counting(f: (s: string) => string = (s) => `[de] ${s}`) {
    const asked: string[] = [];
    const translate: Translate = async (e) => { asked.push(e.item.source); return {text: f(e.item.source)}; };
    return {translate, asked};
}

describe("localize: files on disk", () => {
    it("fills a JSON pair, lists the machine-made values in the review file, and drops the ones a person edited", async () => {
        const dir = copyFixtures("json");
        const pair = findPair(path.join(dir, "de.json"), {lang: "de"});
        assert.equal(pair.source, path.join(dir, "en.json"));
        const {translate, asked} = counting();
        const r = await localizeFile({pair, translate});
        assert.equal(r.written, true);
        assert.equal(r.writtenUnits, 9);
        const out = JSON.parse(fs.readFileSync(pair.target, "utf8"));
        assert.equal(out.menu.open, "[de] Open…");
        assert.equal(out.settings.title, "Einstellungen");
        const review = readReview(pair.target)!;
        assert.equal(r.review, reviewPath(pair.target));
        assert.equal(review.entries.length, 9);
        assert.ok(review.entries.every((e) => e.status === "machine"));
        assert.deepEqual(review.entries.find((e) => e.key === "menu.open"), {...review.entries.find((e) => e.key === "menu.open")!, source: "Open…", translation: "[de] Open…"});
        // nothing left to do
        const again = counting();
        const r2 = await localizeFile({pair, translate: again.translate});
        assert.equal(again.asked.length, 0);
        assert.equal(r2.written, false);
        assert.equal(readReview(pair.target)!.entries.length, 9, "still to be reviewed");
        // a person fixes one value: its entry leaves the list on the next run
        fs.writeFileSync(pair.target, fs.readFileSync(pair.target, "utf8").replace("[de] Open…", "Öffnen…"));
        await localizeFile({pair, translate: again.translate});
        assert.deepEqual(readReview(pair.target)!.entries.map((e) => e.key).includes("menu.open"), false);
        assert.ok(asked.length >= 9);
    });

    it("refuses a target with a syntax error before translating anything, and changes nothing", async () => {
        const dir = copyFixtures("json");
        const target = path.join(dir, "de.json");
        fs.writeFileSync(target, `{\n  "app": {\n    "title": "X"\n  \n  "menu": {}\n}\n`);
        const before = fs.readFileSync(target);
        const {translate, asked} = counting();
        await assert.rejects(localizeFile({pair: findPair(target, {lang: "de"}), translate}), (e: unknown) => {
            assert.ok(e instanceof LocalizeInputError, String(e));
            assert.equal(e.file, target);
            assert.equal(e.line, 5);
            assert.match(e.message, /de\.json:5:3: not valid JSON: a comma is missing/);
            return true;
        });
        assert.equal(asked.length, 0);
        assert.deepEqual(fs.readFileSync(target), before);
        assert.ok(!fs.existsSync(reviewPath(target)));
        fs.writeFileSync(target, Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xe4, 0x22, 0x7d])); // {"a":"ä"} in Latin-1
        await assert.rejects(localizeFile({pair: findPair(target, {lang: "de"}), translate}), /is not UTF-8 text/);
    });

    it("does not overwrite a target changed on disk during the job: the translations wait in the review file and are used next time", async () => {
        const dir = copyFixtures("po");
        const target = path.join(dir, "de.po");
        const pair = findPair(target, {lang: "de"});
        const {translate, asked} = counting();
        const edited = fs.readFileSync(target, "utf8").replace(`msgstr "Speichern"`, `msgstr "Sichern"`);
        await assert.rejects(localizeFile({pair, translate, beforeWrite: () => fs.writeFileSync(target, edited)}), (e: unknown) => {
            assert.ok(e instanceof LocalizeConflictError, String(e));
            assert.equal(e.code, "E_CHANGED");
            assert.match(e.message, /de\.po changed on disk while Polyspec was translating it, so it was not overwritten; the 6 translations are kept in .*de\.po\.polyspec-review\.json/);
            return true;
        });
        assert.equal(fs.readFileSync(target, "utf8"), edited, "the person's change is there, nothing else");
        const pending = readReview(target)!.entries;
        assert.equal(pending.length, 6);
        assert.ok(pending.every((e) => e.status === "pending" && e.items?.length));
        const n = asked.length;
        // the next run takes them without the model, writes, and empties the list
        const r = await localizeFile({pair, translate});
        assert.equal(asked.length, n, "no model request");
        assert.equal(r.summary.reused, 7);
        assert.equal(r.written, true);
        const t = po.parse(fs.readFileSync(target, "utf8")).translations;
        assert.equal(t["menu"]["Save"].msgstr[0], "Sichern");
        assert.deepEqual(t[""]["%d file selected"].msgstr, ["[de] %d file selected", "[de] %d files selected"]);
        assert.equal(r.review, undefined);
        assert.ok(!fs.existsSync(reviewPath(target)), "an empty list is removed");
    });

    it("writes what a cancelled job finished (the file parses), and nothing in a dry run", async () => {
        const dir = copyFixtures("po");
        const target = path.join(dir, "de.po");
        const cancel = {cancelled: false};
        let n = 0;
        const translate: Translate = async (e) => {
            if (++n === 3) cancel.cancelled = true;
            return n >= 3 ? {text: "", cancelled: true} : {text: `[de] ${e.item.source}`};
        };
        const r = await localizeFile({pair: findPair(target, {lang: "de"}), translate, cancel, order: "file"});
        assert.equal(r.summary.cancelled, true);
        assert.equal(r.summary.translated, 2);
        const t = po.parse(fs.readFileSync(target, "utf8")).translations[""];
        assert.equal(t["Could not open the file %s: %s"].msgstr[0], "[de] Could not open the file %s: %s");
        assert.equal(t["Line one\nLine two"].msgstr[0], "");
        const before = fs.readFileSync(target);
        const dry = await localizeFile({pair: findPair(target, {lang: "de"}), translate: counting().translate, dryRun: true});
        assert.equal(dry.dryRun, true);
        assert.ok(dry.writtenUnits > 0 && dry.text !== before.toString());
        assert.deepEqual(fs.readFileSync(target), before);
        assert.ok(!fs.existsSync(reviewPath(target)));
    });

    it("creates a JSON target that does not exist yet, in the source's layout", async () => {
        const dir = copyFixtures("json");
        const pair = findPair(path.join(dir, "locales", "en", "common.json"), {lang: "fr"});
        assert.deepEqual([pair.target, pair.create], [path.join(dir, "locales", "fr", "common.json"), true]);
        fs.mkdirSync(path.dirname(pair.target));
        await localizeFile({pair, translate: counting((s) => `[fr] ${s}`).translate});
        const text = fs.readFileSync(pair.target, "utf8");
        assert.ok(text.startsWith(`{\n    "nav": {\n        "home": "[fr] Home",`), text);
        assert.ok(text.endsWith("}\n"));
    });

    it("finds pairs by convention and refuses what it cannot pair", () => {
        const dir = copyFixtures("");
        assert.deepEqual(findPair(path.join(dir, "json", "en.json"), {lang: "de"}), {format: "json", target: path.join(dir, "json", "de.json"), source: path.join(dir, "json", "en.json"), lang: "de", srcLang: "en", create: false});
        assert.equal(findPair(path.join(dir, "json", "locales", "de", "common.json"), {lang: "de"}).source, path.join(dir, "json", "locales", "en", "common.json"));
        assert.deepEqual(findPair(path.join(dir, "xliff", "messages.de.xlf"), {lang: "de"}).source, undefined);
        assert.equal(findPair(path.join(dir, "po", "sample.pot"), {lang: "de"}).target, path.join(dir, "po", "de.po"));
        fs.copyFileSync(path.join(dir, "po", "de.po"), path.join(dir, "po", "sample-it.po"));
        assert.equal(findPair(path.join(dir, "po", "sample.pot"), {lang: "it"}).target, path.join(dir, "po", "sample-it.po"));
        assert.equal(findPair(path.join(dir, "po", "fr.po"), {lang: "fr", source: path.join(dir, "po", "sample.pot")}).source, path.join(dir, "po", "sample.pot"));
        const usage = (f: () => unknown, re: RegExp) => assert.throws(f, (e: unknown) => e instanceof PolyspecError && e.code === "E_USAGE" && re.test(e.message));
        usage(() => findPair(path.join(dir, "json", "de.json"), {lang: "fr"}), /named for the language "de"/);
        usage(() => findPair(path.join(dir, "po", "sample.pot"), {lang: "ja"}), /no ja \.po file .*msginit -l ja/);
        usage(() => findPair(path.join(dir, "xliff", "messages.de.xlf"), {lang: "de", source: path.join(dir, "json", "en.json")}), /holds its source itself/);
        usage(() => findPair(path.join(dir, "po", "fr.po"), {lang: "fr", source: path.join(dir, "json", "en.json")}), /template \(\.pot\)/);
        usage(() => findPair(path.join(dir, "notes.txt"), {lang: "de"}), /not a translation file/);
        fs.writeFileSync(path.join(dir, "strings.json"), "{}");
        usage(() => findPair(path.join(dir, "strings.json"), {lang: "de"}), /cannot tell the language/);
    });

    it("CLI: usage errors exit 2 (E_USAGE) in one line; a malformed target is refused before any model is loaded", async () => {
        const usage = async (argv: string[], re: RegExp) => assert.rejects(run(argv), (e: unknown) => {
            assert.ok(e instanceof PolyspecError, String(e));
            assert.equal(e.code, "E_USAGE", e.message);
            assert.match(e.message, re);
            return true;
        });
        const dir = copyFixtures("json");
        await usage([], /localize needs a FILE/);
        await usage([path.join(dir, "de.json")], /needs --lang X/);
        await usage([path.join(dir, "de.json"), "--lang", "xx-"], /--lang must be a language code/);
        await usage([path.join(dir, "de.json"), "--lang", "de", "--mode", "fast"], /--mode must be examples or lossless/);
        await usage([path.join(dir, "de.json"), "--lang", "de", "--order", "random"], /--order must be similar or file/);
        await usage([path.join(dir, "de.json"), "--lang", "de", "--bogus"], /Unknown option '--bogus'/);
        await usage([path.join(dir, "a.json"), path.join(dir, "b.json"), "--lang", "de"], /one FILE at a time/);
        fs.writeFileSync(path.join(dir, "de.json"), "{\n  \"a\": \n}\n");
        const t0 = performance.now();
        await assert.rejects(run([path.join(dir, "de.json"), "--lang", "de", "--tm", "none"]), (e: unknown) => e instanceof LocalizeInputError && /de\.json:3:1: not valid JSON/.test(e.message));
        assert.ok(performance.now() - t0 < 2000, "no model was loaded");
    });

    it("refuses a review file that is not one", async () => {
        const dir = tmpDir();
        fs.writeFileSync(path.join(dir, "en.json"), `{"a": "a"}`);
        fs.writeFileSync(path.join(dir, "de.json"), `{}`);
        fs.writeFileSync(reviewPath(path.join(dir, "de.json")), `{"something": "else"}`);
        await assert.rejects(localizeFile({pair: findPair(path.join(dir, "de.json"), {lang: "de"}), translate: counting().translate}), /is not a Polyspec review list/);
    });
});
