import assert from "node:assert/strict";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import {buildCorpus, type BuildResult} from "../../../src/corpus/build";
import {normKey} from "../../../src/corpus/decontaminate";
import {corpusPaths, ensureMonolingual} from "../../../src/corpus/index";
import {readLanguageManifest, type CorpusManifest} from "../../../src/corpus/manifest";
import {checkCorpus, readJsonl} from "../../../src/corpus/verify";
import {CancelledError} from "../../../src/core/errors";
import {FIXTURE_LIMITS, FixtureFetcher, hashTree, makeFixturePackages, storySentence, tmpDir, translate} from "./fixture";

type Row = {id: string; src: string; ref: string};
type Prompt = {id: string; text: string; en: string};

async function build(pkgs: string, out: string, langs: string[], fail: string[] = []): Promise<BuildResult> {
    return buildCorpus({langs, out, fetcher: new FixtureFetcher(pkgs, new Set(fail)), limits: FIXTURE_LIMITS});
}

function lines(file: string): string[] {
    return fs.readFileSync(file, "utf8").split("\n").filter(Boolean);
}

describe("corpus: build on fixtures", function () {
    this.timeout(60000);
    let pkgs: string;
    let out: string;
    let result: BuildResult;
    before(async () => {
        pkgs = makeFixturePackages(tmpDir());
        out = tmpDir();
        result = await build(pkgs, out, ["en", "de", "fr", "ja", "ar"]);
    });

    it("writes every file of every language with a manifest", () => {
        assert.deepEqual(result.languages.map((l) => l.code), ["en", "de", "fr", "ja", "ar"]);
        assert.ok(result.languages.every((l) => l.ok));
        for (const code of ["de", "fr", "ja"]) {
            const p = corpusPaths(code, out);
            for (const f of [p.mono, p.testStory, p.testTech, p.train, p.prompts, p.manifest]) assert.ok(fs.existsSync(f), f);
        }
        const de = result.languages.find((l) => l.code === "de")!;
        assert.ok(de.testStory >= 30 && de.testTech > 10 && de.prompts >= 12 && de.train > 100 && de.mono.segments > 100, JSON.stringify(de));
        assert.ok(!fs.existsSync(corpusPaths("ar", out).testTech), "ar has no LibreOffice help");
        assert.ok(!fs.existsSync(corpusPaths("en", out).testStory), "English has no translation test set");
        assert.ok(lines(corpusPaths("en", out).prompts).length >= 12);
    });

    it("writes clean monolingual text: NFC, no markup, no duplicates, one segment a line", () => {
        const mono = lines(corpusPaths("de", out).mono);
        assert.equal(new Set(mono).size, mono.length);
        for (const l of mono) {
            assert.equal(l, l.normalize("NFC"));
            assert.ok(!/<[a-z/]|\$[a-z]|&amp;/i.test(l), l);
            assert.equal(l.trim(), l);
        }
        assert.ok(mono.includes("Wer anderen eine Grube gräbt, fällt selbst hinein."), "fortunes are in");
        assert.ok(mono.some((l) => l.startsWith("Echtzeit-Strategiespiel")), "DDTP is in");
    });

    it("keeps test sets, prompts and training split disjoint, and test sets aligned by English", () => {
        for (const code of ["de", "fr", "ja"]) {
            const p = corpusPaths(code, out);
            const story = readJsonl<Row>(p.testStory), tech = readJsonl<Row>(p.testTech), prompts = readJsonl<Prompt>(p.prompts);
            const train = readJsonl<Row>(p.train);
            const heldEn = new Set([...story, ...tech].map((r) => normKey(r.src)).concat(prompts.map((r) => normKey(r.en))));
            assert.equal(heldEn.size, story.length + tech.length + prompts.length, "no segment is both test and prompt");
            for (const r of train) assert.ok(!heldEn.has(normKey(r.src)), `${code} train holds test source ${r.src}`);
            for (const r of story) assert.equal(r.id, story.find((x) => x.src === r.src)!.id);
        }
        const deIds = readJsonl<Row>(corpusPaths("de", out).testStory).map((r) => r.id);
        const frIds = readJsonl<Row>(corpusPaths("fr", out).testStory).map((r) => r.id);
        assert.deepEqual(deIds, frIds, "same coverage -> same test segments in the same order");
        const dePrompts = readJsonl<Prompt>(corpusPaths("de", out).prompts).map((r) => r.id);
        const enPrompts = readJsonl<Prompt>(corpusPaths("en", out).prompts).map((r) => r.id);
        assert.deepEqual(dePrompts, enPrompts, "prompts are aligned across languages");
    });

    it("takes prompts only from narrative campaign lines", () => {
        for (const p of readJsonl<Prompt>(corpusPaths("de", out).prompts)) {
            assert.ok(/^(The|A|Our|Her)\b.*[.]$/.test(p.en), p.en);
            assert.equal(p.text, translate(p.en, "de"));
        }
        const all = fs.readFileSync(corpusPaths("de", out).prompts, "utf8");
        assert.ok(!all.includes("Defeat all enemy leaders"));
        assert.ok(!all.includes("$unit"));
    });

    it("gives a thinly translated language a test set from its own first segments", () => {
        const ar = readJsonl<Row>(corpusPaths("ar", out).testStory);
        assert.ok(ar.length >= 10, `ar story test: ${ar.length}`);
    });

    it("leaves no test segment or prompt, nor a near-duplicate, in any training text of any language", () => {
        assert.deepEqual(result.contamination, []);
        assert.deepEqual(checkCorpus(out), []);
    });

    it("records sources, versions, licences, sizes, counts, sha256 and skipped malformed files", () => {
        const m = readLanguageManifest(corpusPaths("de", out).manifest)!;
        for (const [kind, rec] of Object.entries(m.files)) {
            const file = path.join(out, rec.file);
            assert.equal(rec.bytes, fs.statSync(file).size, kind);
            assert.equal(rec.sha256, crypto.createHash("sha256").update(fs.readFileSync(file)).digest("hex"), kind);
            assert.equal(rec.segments, lines(file).length, kind);
        }
        assert.deepEqual(m.files.mono!.sources.map((s) => s.source), ["wesnoth", "libreoffice", "ddtp", "fortunes"]);
        assert.equal(m.skipped.malformedMo, 1);
        assert.equal(m.skipped.malformedHtml, 1);
        assert.ok(m.skipped.malformedFiles.some((f) => f.includes("wesnoth-units.mo")));
        assert.ok(m.skipped.pluralEntries >= 1);
        const pkg = m.packages.find((p) => p.name === "wesnoth-1.16-httt")!;
        assert.equal(pkg.version, "1.0-fixture");
        assert.equal(pkg.licence, "GPL-2.0-or-later");
        assert.equal(m.packages.find((p) => p.name === "libreoffice-help-de")!.licence, "MPL-2.0");
        const top = JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")) as CorpusManifest;
        assert.deepEqual(Object.keys(top.languages), ["en", "de", "fr", "ja", "ar"]);
        assert.equal(top.languages.de!.files.mono!.file, path.join("de", "mono.txt"));
    });

    it("produces byte-identical files on a second run from the cache", async () => {
        const before = hashTree(out);
        const again = await build(pkgs, out, ["en", "de", "fr", "ja", "ar"]);
        assert.deepEqual(again.languages, result.languages);
        assert.deepEqual(hashTree(out), before);
    });

    it("keeps every language's splits when a language is added", async () => {
        const small = tmpDir();
        await build(pkgs, small, ["de"]);
        const big = tmpDir();
        await build(pkgs, big, ["de", "fr", "ja", "ar", "en"]);
        const a = hashTree(path.join(small, "de")), b = hashTree(path.join(big, "de"));
        assert.deepEqual(a, b);
    });

    it("is deterministic under the seed and changes with it", async () => {
        const other = tmpDir();
        await buildCorpus({langs: ["de"], out: other, fetcher: new FixtureFetcher(pkgs), limits: FIXTURE_LIMITS, seed: "another-seed"});
        assert.notDeepEqual(readJsonl<Row>(corpusPaths("de", other).testStory).map((r) => r.id), readJsonl<Row>(corpusPaths("de", out).testStory).map((r) => r.id));
    });

    it("removes near-duplicates of held-out text from every training source", async () => {
        const story = readJsonl<Row>(corpusPaths("de", out).testStory);
        const prompt = readJsonl<Prompt>(corpusPaths("de", out).prompts)[0]!;
        const victim = story[0]!.ref;
        const shouted = victim.toUpperCase().replace(/[.,!?]/g, "") + " !!!";
        const pk2 = makeFixturePackages(tmpDir(), {
            extraFortunes: [shouted, `»${prompt.text}«`],
            extraDdtpDe: [{en: "A description that only exists here for the test.", de: victim}],
        });
        const o2 = tmpDir();
        const r = await build(pk2, o2, ["de"]);
        const mono = lines(corpusPaths("de", o2).mono).map(normKey);
        assert.ok(!mono.includes(normKey(victim)));
        assert.ok(!mono.includes(normKey(prompt.text)));
        const m = readLanguageManifest(corpusPaths("de", o2).manifest)!;
        assert.ok(m.decontaminated.mono >= 2, JSON.stringify(m.decontaminated));
        assert.ok(m.decontaminated.train >= 1, JSON.stringify(m.decontaminated));
        assert.deepEqual(r.contamination, []);
        // and the checker does see contamination when it is there
        fs.appendFileSync(corpusPaths("de", o2).mono, victim.toLowerCase() + "\n");
        const found = checkCorpus(o2);
        assert.equal(found.length, 1);
        assert.equal(found[0]!.file, path.join("de", "mono.txt"));
    });

    it("a language built later is decontaminated against the held-out texts of the languages built before", async () => {
        const o3 = tmpDir();
        await build(pkgs, o3, ["fr"]);
        const frHeld = readJsonl<Row>(corpusPaths("fr", o3).testStory)[0]!.ref;
        // the German sources carry that French test text (as help pages carry key names in every language)
        const pk3 = makeFixturePackages(tmpDir(), {extraFortunes: [frHeld]});
        const r = await build(pk3, o3, ["de"]);
        assert.deepEqual(r.contamination, [], "the build's own check over the whole folder finds nothing");
        assert.ok(!lines(corpusPaths("de", o3).mono).map(normKey).includes(normKey(frHeld)));
    });

    it("reports a package that cannot be fetched by name and still builds the other languages", async () => {
        const o3 = tmpDir();
        const logs: string[] = [];
        const r = await buildCorpus({langs: ["de", "fr"], out: o3, fetcher: new FixtureFetcher(pkgs, new Set(["libreoffice-help-fr", "fortunes-de"])), limits: FIXTURE_LIMITS, log: (l) => logs.push(l)});
        assert.deepEqual(r.missingPackages.map((m) => m.name).sort(), ["fortunes-de", "libreoffice-help-fr"]);
        assert.deepEqual(r.missingPackages.find((m) => m.name === "libreoffice-help-fr")!.languages, ["fr"]);
        assert.ok(logs.some((l) => l.includes("libreoffice-help-fr")));
        assert.ok(r.languages.every((l) => l.ok));
        const fr = r.languages.find((l) => l.code === "fr")!;
        assert.deepEqual(fr.missingPackages, ["libreoffice-help-fr"]);
        assert.ok(fr.testStory > 0 && fr.testTech === 0);
        assert.deepEqual(readLanguageManifest(corpusPaths("fr", o3).manifest)!.missingPackages.map((m) => m.name), ["libreoffice-help-fr"]);
        assert.ok(r.languages.find((l) => l.code === "de")!.testTech > 0);
    });

    it("reports a language whose every package is missing, and builds the others", async () => {
        const o4 = tmpDir();
        const r = await buildCorpus({langs: ["ar", "de"], out: o4, fetcher: new FixtureFetcher(pkgs, new Set(["wesnoth-1.16-httt", "wesnoth-1.16-data"])), limits: FIXTURE_LIMITS});
        assert.equal(r.languages.find((l) => l.code === "ar")!.ok, false);
        assert.equal(r.languages.find((l) => l.code === "de")!.ok, true);
        assert.ok(!fs.existsSync(corpusPaths("ar", o4).manifest));
    });

    it("stops with CancelledError when cancelled", async () => {
        const cancel = {cancelled: false};
        let seen = 0;
        await assert.rejects(buildCorpus({
            langs: ["de"], out: tmpDir(), fetcher: new FixtureFetcher(pkgs), limits: FIXTURE_LIMITS, cancel,
            onProgress: (p) => { seen++; if (p.phase === "held-out") cancel.cancelled = true; },
        }), CancelledError);
        assert.ok(seen > 0);
    });

    it("ensureMonolingual returns the built file and builds only what is missing", async () => {
        const p = await ensureMonolingual("de", {out});
        assert.equal(p, corpusPaths("de", out).mono);
        const before = fs.statSync(p).mtimeMs;
        await ensureMonolingual("de", {out});
        assert.equal(fs.statSync(p).mtimeMs, before);
    });

    it("the sentence generator gives distinct fixture sentences", () => {
        assert.notEqual(storySentence(0), storySentence(1));
    });
});
