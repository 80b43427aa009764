// The editor's translation memory without VS Code: settings, labels and match notes, the kept-translation
// bookkeeping, the file watcher's bookkeeping, and the workspace memory over real translation files indexed with the
// real importers (in-process here; the editor runs the same indexFiles in a worker thread: test/unit/tm/worker.test.ts).
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {Stats} from "../../../src/core/stats";
import {TranslationMemory} from "../../../src/tm/memory";
import {loadTm} from "../../../src/tm/store";
import {indexFiles} from "../../../src/tm/worker";
import {expandBraces, FileChanges, GlobFilter, relativeTo} from "../../../src/vscode/common/fileChanges";
import {KeptTranslations, keptText, TrackedRange, type Written} from "../../../src/vscode/common/keptTranslations";
import {describeMatches, matchPercent, runLabel, usedMemory, withoutMemory} from "../../../src/vscode/common/memoryUse";
import {DEFAULTS, readSettings, TM_EXCLUDE_DEFAULT, TM_INCLUDE_DEFAULT, type Inspected} from "../../../src/vscode/common/settingsModel";
import {StatsStore} from "../../../src/vscode/common/statsStore";
import {WorkspaceMemory, type MemoryHost} from "../../../src/vscode/common/workspaceMemory";
import {FIXTURES, tmpDir} from "../tm/helpers";

const inspector = (values: Record<string, Inspected>) => (key: string) => values[key];
const t = (m: string, ...a: (string | number)[]) => m.replace(/\{(\d+)\}/g, (_, i) => String(a[Number(i)]));

describe("editor translation memory: settings", () => {
    it("defaults: on, draft mode, the importers' formats, dependencies and build output excluded; package.json says the same", () => {
        const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, "../../../package.json"), "utf8"));
        const props = pkg.contributes.configuration.properties;
        assert.equal(DEFAULTS.tmEnabled, props["polyspec.translationMemory.enabled"].default);
        assert.equal(DEFAULTS.tmMode, props["polyspec.translationMemory.mode"].default);
        assert.deepEqual(TM_INCLUDE_DEFAULT, props["polyspec.translationMemory.include"].default);
        assert.deepEqual(TM_EXCLUDE_DEFAULT, props["polyspec.translationMemory.exclude"].default);
        assert.deepEqual(props["polyspec.translationMemory.mode"].enum, ["draft", "examples"]);
        for (const k of ["enabled", "include", "exclude", "mode"]) assert.match(props[`polyspec.translationMemory.${k}`].markdownDescription, /^%config\./);
        assert.equal(DEFAULTS.tmMode, "draft");
    });

    it("valid values are taken (globs trimmed, duplicates dropped)", () => {
        const r = readSettings(inspector({
            "translationMemory.enabled": {globalValue: false}, "translationMemory.mode": {workspaceValue: "examples"},
            "translationMemory.include": {workspaceValue: ["i18n/**/*.json", " i18n/**/*.json ", "**/*.po"]}, "translationMemory.exclude": {workspaceValue: []},
        }), true);
        assert.deepEqual(r.problems, []);
        assert.equal(r.settings.tmEnabled, false);
        assert.equal(r.settings.tmMode, "examples");
        assert.deepEqual(r.settings.tmInclude, ["i18n/**/*.json", "**/*.po"]);
        assert.deepEqual(r.settings.tmExclude, []);
    });

    it("invalid values are reported and replaced by the default: a glob that leaves the workspace, a bad mode, a non-list", () => {
        for (const [key, value, field] of [
            ["translationMemory.include", ["/etc/**/*.po"], "tmInclude"], ["translationMemory.include", ["../other/*.po"], "tmInclude"],
            ["translationMemory.include", ["~/x.po"], "tmInclude"], ["translationMemory.include", ["C:\\x\\*.po"], "tmInclude"],
            ["translationMemory.exclude", [""], "tmExclude"], ["translationMemory.exclude", "**/node_modules/**", "tmExclude"],
            ["translationMemory.mode", "prompt", "tmMode"], ["translationMemory.enabled", "yes", "tmEnabled"],
        ] as const) {
            const r = readSettings(inspector({[key]: {workspaceValue: value}}), true);
            assert.equal(r.problems.length, 1, `${key} = ${JSON.stringify(value)}`);
            assert.ok(r.problems[0].startsWith(`polyspec.${key} `), r.problems[0]);
            assert.deepEqual(r.settings[field], DEFAULTS[field]);
        }
    });

    it("untrusted workspace: its globs and mode are ignored (the user's or the defaults apply); on/off still applies", () => {
        const r = readSettings(inspector({
            "translationMemory.include": {globalValue: ["**/*.po"], workspaceValue: ["**/*"]}, "translationMemory.exclude": {workspaceValue: []},
            "translationMemory.mode": {workspaceValue: "examples"}, "translationMemory.enabled": {workspaceValue: false},
        }), false);
        assert.deepEqual(r.settings.tmInclude, ["**/*.po"]);
        assert.deepEqual(r.settings.tmExclude, TM_EXCLUDE_DEFAULT);
        assert.equal(r.settings.tmMode, "draft");
        assert.equal(r.settings.tmEnabled, false);
        assert.deepEqual(r.ignored.sort(), ["polyspec.translationMemory.exclude", "polyspec.translationMemory.include", "polyspec.translationMemory.mode"]);
    });
});

describe("editor translation memory: labels and notes", () => {
    it("a run with the memory's drafter is labelled +tm; the label without it is the route's", () => {
        assert.equal(runLabel("cascade", true), "cascade+tm");
        assert.equal(runLabel("none", true), "none+tm");
        assert.equal(runLabel("cascade", false), "cascade");
        assert.equal(runLabel("cascade+tm", true), "cascade+tm");
        assert.ok(usedMemory("cascade+ngram+tm") && !usedMemory("cascade+ngram"));
        assert.equal(withoutMemory("cascade+ngram+tm"), "cascade+ngram");
        assert.equal(withoutMemory("lookup"), "lookup");
    });

    it("what a translation used: matches with their similarity, or that there was none", () => {
        assert.equal(describeMatches([{score: 0.834}, {score: 0.71}], t), "2 TM matches: 83%, 71%");
        assert.equal(describeMatches([{score: 0.9}], t), "1 TM match: 90%");
        assert.equal(describeMatches([], t), "no TM match");
        assert.equal(matchPercent(0.999), 99, "never 100% unless the sources are equal");
        assert.equal(matchPercent(1), 100);
    });

    it("statistics: +tm rows of their own, each with the same drafter's acceptance without the memory", () => {
        const snap = (drafted: number, accepted: number, tokens = 40) => {
            const s = new Stats();
            s.recordStep({proposed: drafted, accepted, emitted: tokens, draftMs: 1, verifyMs: 10});
            s.decodeMs = 100;
            return s.snapshot();
        };
        const store = new StatsStore("m");
        store.record({task: "translate", lang: "de", drafter: "cascade", stats: snap(10, 4), at: 1});
        store.record({task: "translate", lang: "de", drafter: "cascade+tm", stats: snap(20, 15), at: 2});
        store.record({task: "translate", lang: "de", drafter: "cascade+tm", stats: snap(20, 5), at: 3});
        store.record({task: "translate", lang: "fr", drafter: "none+tm", stats: snap(8, 8), at: 4});
        const rows = store.rows();
        const plain = rows.find((r) => r.drafter === "cascade")!, tm = rows.find((r) => r.drafter === "cascade+tm")!;
        assert.equal(plain.usedMemory, false);
        assert.equal(plain.withoutMemory, null);
        assert.equal(tm.usedMemory, true);
        assert.equal(tm.runs, 2);
        assert.equal(tm.acceptanceRate, 0.5);
        assert.deepEqual(tm.withoutMemory, {runs: 1, acceptanceRate: 0.4, drafted: 10});
        assert.equal(rows.find((r) => r.drafter === "none+tm")!.withoutMemory, null, "no plain fr runs yet");
    });
});

describe("editor translation memory: kept translations", () => {
    const w = (o: Partial<Written> = {}): Written => ({source: "Open the file.", target: "Öffne die Datei.", lang: "de", start: 6, end: 22, ...o});
    const doc = "Text: Öffne die Datei. More.";

    it("a translation still in place is kept; undone, deleted or replaced it is not", () => {
        assert.equal(keptText(w(), "Öffne die Datei."), "Öffne die Datei.");
        assert.equal(keptText(w(), " Öffne die Datei.\n"), "Öffne die Datei.");
        assert.equal(keptText(w(), "Öffne die Datei!"), "Öffne die Datei!", "a correction is kept with the correction");
        assert.equal(keptText(w(), "Open the file."), undefined, "undone: the source is back");
        assert.equal(keptText(w(), ""), undefined, "deleted");
        assert.equal(keptText(w(), "Something else entirely, written by hand."), undefined, "replaced");
    });

    it("the range follows edits before it, grows with edits inside it, ignores edits after it", () => {
        const r = new TrackedRange(6, 22);
        r.apply({offset: 0, removed: 0, inserted: 3}); // typed before it
        assert.deepEqual([r.start, r.end], [9, 25]);
        r.apply({offset: 30, removed: 2, inserted: 0}); // after it
        assert.deepEqual([r.start, r.end], [9, 25]);
        r.apply({offset: 25, removed: 0, inserted: 4}); // typing right after it: not part of it
        assert.deepEqual([r.start, r.end], [9, 25]);
        r.apply({offset: 14, removed: 3, inserted: 7}); // a correction inside it
        assert.deepEqual([r.start, r.end], [9, 29]);
        r.apply({offset: 9, removed: 20, inserted: 14}); // undo: the source replaces it
        assert.deepEqual([r.start, r.end], [9, 23]);
        const m = new TrackedRange(10, 20);
        m.applyAll([{offset: 2, removed: 0, inserted: 5}, {offset: 12, removed: 1, inserted: 3}]); // one event, two changes
        assert.deepEqual([m.start, m.end], [15, 27]);
    });

    it("decides per document, once: kept after a correction, not kept after an undo", () => {
        const k = new KeptTranslations();
        k.track("a", w());
        k.track("b", w());
        assert.deepEqual(k.documents.sort(), ["a", "b"]);
        // a: the user corrects "Datei" to "Akte" (typing over it)
        const corrected = doc.slice(0, 16) + "Akte" + doc.slice(21);
        k.changed("a", [{offset: 16, removed: 5, inserted: 4, text: "Akte"}]);
        assert.deepEqual(k.decide("a", corrected), [{source: "Open the file.", target: "Öffne die Akte.", lang: "de"}]);
        assert.deepEqual(k.decide("a", corrected), [], "decided once");
        // b: undone
        const undone = "Text: Open the file. More.";
        k.changed("b", [{offset: 6, removed: 16, inserted: 14, text: "Open the file."}]);
        assert.deepEqual(k.decide("b", undone), []);
        assert.equal(k.has("b"), false);
    });
});

describe("editor translation memory: file changes", () => {
    const filter = new GlobFilter(TM_INCLUDE_DEFAULT, TM_EXCLUDE_DEFAULT);

    it("the default globs select translation files and i18n JSON, not dependencies, build output or other JSON", () => {
        for (const p of ["po/de.po", "src/locales/de/common.json", "web/i18n/en.json", "app/en.json", "app/de_DE.json", "l10n/app.de.xlf", "tm/memory.tmx", ".hidden/x.po"]) assert.ok(filter.matches(p), p);
        for (const p of ["node_modules/x/de.po", "a/node_modules/locales/de.json", "dist/locales/de.json", "build/x.tmx", ".git/x.po", "package.json", "tsconfig.json", "src/data.json", "../x.po"]) assert.ok(!filter.matches(p), p);
    });

    it("relativeTo: inside the folder only", () => {
        assert.equal(relativeTo("/ws", "/ws/po/de.po"), "po/de.po");
        assert.equal(relativeTo("/ws/", "/ws/po/de.po"), "po/de.po");
        assert.equal(relativeTo("/ws", "/wsx/de.po"), undefined);
        assert.deepEqual(expandBraces("a/{b,c}/*.{x,y}"), ["a/b/*.x", "a/b/*.y", "a/c/*.x", "a/c/*.y"]);
        assert.deepEqual(expandBraces("**/{x,{y,z}}/**").sort(), ["**/x/**", "**/y/**", "**/z/**"]);
        const joined = GlobFilter.joined(TM_EXCLUDE_DEFAULT)!;
        assert.ok(!/\{[^}]*\{/.test(joined), `VS Code's findFiles does not nest groups: ${joined}`);
        assert.equal(joined, "{**/node_modules/**,**/.git/**,**/dist/**,**/out/**,**/build/**,**/.vscode-test/**}");
        assert.equal(GlobFilter.joined(["a", "b"]), "{a,b}");
        assert.equal(GlobFilter.joined(["a"]), "a");
        assert.equal(GlobFilter.joined([]), undefined);
    });

    it("events coalesce per file into imports and removals; files the globs do not select are ignored", () => {
        const f = new FileChanges(filter);
        assert.equal(f.note("changed", "/ws", "/ws/po/de.po"), true);
        f.note("changed", "/ws", "/ws/po/de.po");
        f.note("created", "/ws", "/ws/po/fr.po");
        f.note("deleted", "/ws", "/ws/po/fr.po"); // created and deleted again: dropped
        f.note("deleted", "/ws", "/ws/locales/de.json");
        f.note("created", "/ws", "/ws/locales/de.json"); // deleted and created again: imported
        f.note("deleted", "/ws", "/ws/x.tmx");
        assert.equal(f.note("changed", "/ws", "/ws/node_modules/a/de.po"), false);
        assert.equal(f.note("changed", "/ws", "/elsewhere/de.po"), false);
        assert.deepEqual(f.take(), {imports: ["/ws/locales/de.json", "/ws/po/de.po"], removes: ["/ws/po/fr.po", "/ws/x.tmx"]});
        assert.deepEqual(f.take(), {imports: [], removes: []}, "a new batch");
    });
});

describe("editor translation memory: the workspace memory", () => {
    let ws: string, storage: string;
    const pair = {src: "en", tgt: "de"};
    const logs: string[] = [];
    let indexCalls = 0;
    const host = (o: Partial<MemoryHost> = {}): MemoryHost => ({
        list: async () => listFiles(ws).filter((p) => new GlobFilter(TM_INCLUDE_DEFAULT, TM_EXCLUDE_DEFAULT).matches(path.relative(ws, p))),
        index: (files, p, c) => { indexCalls++; return indexFiles({files, pair: p}, {onProgress: c.onProgress}); },
        historyFile: (p) => path.join(storage, `history-${p.src}-${p.tgt}.pstm`),
        log: {info: (m) => logs.push(m), warn: (m) => logs.push(`WARN ${m}`)},
        ...o,
    });

    beforeEach(() => {
        ws = tmpDir();
        storage = tmpDir();
        fs.cpSync(FIXTURES, ws, {recursive: true});
        fs.mkdirSync(path.join(ws, "node_modules/dep/po"), {recursive: true});
        fs.copyFileSync(path.join(ws, "po/de.po"), path.join(ws, "node_modules/dep/po/de.po"));
        logs.length = 0;
        indexCalls = 0;
    });

    it("builds the pair's memory from the workspace's files (not excluded ones) and reports what it found", async () => {
        const m = new WorkspaceMemory(host());
        assert.equal(m.current(pair), undefined);
        const r = await m.build(pair);
        const tm = m.current(pair)!;
        assert.ok(tm.size > 10, `${tm.size} segments`);
        assert.equal(r.segments, tm.size);
        const files = [...tm.summary().files.keys()].map((f) => path.relative(ws, f)).sort();
        assert.ok(files.includes("po/de.po") && files.includes("web/i18n/de.json"), files.join(", "));
        assert.ok(!files.some((f) => f.startsWith("node_modules")), "excluded");
        assert.ok(!files.some((f) => f.includes("fr")), "other languages are not in the en-de memory");
        assert.ok(r.failed >= 1 && logs.some((l) => /WARN .*broken\.po:\d+/.test(l)), "a malformed file is logged with its line");
        assert.ok(r.skipped.some((s) => s.file.endsWith(path.join("locales", "fr", "common.json"))), `a French JSON file is skipped with its reason: ${JSON.stringify(r.skipped)}`);
        assert.ok(logs.some((l) => /translation memory en-de: \d+ segments/.test(l)));
        const hit = tm.search("The page <b>{path}</b> could not be found.", {k: 1, minScore: 0.5});
        assert.ok(hit.length === 1, "a match from the i18n JSON files");
        assert.equal(await m.get(pair), tm, "built once");
        assert.equal(indexCalls, 1);
    });

    it("a search never sees a half-built memory: the old one serves until the new one is swapped in whole", async () => {
        let release!: () => void;
        const gate = new Promise<void>((r) => { release = r; });
        const m = new WorkspaceMemory(host());
        await m.build(pair);
        const old = m.current(pair)!;
        const slow = new WorkspaceMemory(host({index: async (files, p) => { await gate; return indexFiles({files, pair: p}); }}));
        const building = slow.get(pair);
        await new Promise((r) => setTimeout(r, 20));
        assert.equal(slow.current(pair), undefined, "nothing to search while the first build runs");
        const rebuilding = m.build(pair);
        assert.equal(m.current(pair), old, "the previous memory serves meanwhile");
        release();
        await Promise.all([building, rebuilding]);
        assert.equal(slow.current(pair)!.size, old.size);
        assert.notEqual(m.current(pair), old);
        assert.equal(m.current(pair)!.size, old.size);
    });

    it("a cancelled build leaves no memory and is tried again on the next use", async () => {
        const abort = new AbortController();
        abort.abort();
        const m = new WorkspaceMemory(host());
        await assert.rejects(m.get(pair, {signal: abort.signal}), /cancelled/);
        assert.equal(m.current(pair), undefined);
        assert.equal(m.started(pair), false);
        assert.ok((await m.get(pair)).size > 0);
    });

    it("follows file changes: a changed file is indexed again, a deleted one removed, an unpaired JSON file dropped", async () => {
        const m = new WorkspaceMemory(host());
        await m.build(pair);
        const tm = m.current(pair)!;
        const de = path.join(ws, "web/i18n/de.json"), en = path.join(ws, "web/i18n/en.json"), po = path.join(ws, "po/de.po");
        const fromFile = (f: string) => [...tm.all()].filter((s) => s.origin.kind === "file" && s.origin.file === f);
        assert.ok(fromFile(de).length > 0 && fromFile(po).length > 0);
        // de.json changes
        const j = JSON.parse(fs.readFileSync(de, "utf8"));
        const before = fromFile(de).length;
        assert.ok(fromFile(de).some((s) => s.target === "Die Seite <b>{path}</b> wurde nicht gefunden."));
        j.errors.offline = "Keine Verbindung. Bitte prüfen Sie Ihr Netzwerk."; // was untranslated
        j.errors.notFound = "Seite <b>{path}</b> nicht gefunden.";
        fs.writeFileSync(de, JSON.stringify(j));
        await m.apply({imports: [de], removes: []});
        assert.ok(fromFile(de).some((s) => s.target === "Keine Verbindung. Bitte prüfen Sie Ihr Netzwerk."));
        assert.ok(fromFile(de).some((s) => s.target === "Seite <b>{path}</b> nicht gefunden."));
        assert.ok(!fromFile(de).some((s) => s.target === "Die Seite <b>{path}</b> wurde nicht gefunden."), "the old translation is gone");
        assert.equal(fromFile(de).length, before + 1);
        // de.po deleted
        fs.rmSync(po);
        await m.apply({imports: [], removes: [po]});
        assert.equal(fromFile(po).length, 0);
        assert.equal(tm.files.has(po), false);
        // en.json deleted: de.json has nothing to align its keys with any more
        fs.rmSync(en);
        await m.apply({imports: [], removes: [en]});
        assert.equal(fromFile(de).length, 0);
        assert.equal(m.current(pair), tm, "changed in place, step by step");
    });

    it("kept translations are saved as the pair's history and come back in the next session's memory", async () => {
        const m = new WorkspaceMemory(host());
        await m.addHistory(pair, "The lighthouse keeper climbed the stairs.", "Der Leuchtturmwärter stieg die Treppe hinauf.");
        const file = path.join(storage, "history-en-de.pstm");
        const saved = loadTm(file, pair);
        assert.deepEqual([...saved.all()].map((s) => [s.origin.kind, s.target]), [["history", "Der Leuchtturmwärter stieg die Treppe hinauf."]]);
        await m.build(pair);
        assert.equal(m.report(pair)!.history, 1);
        await m.addHistory(pair, "Open the file.", "Öffne die Datei.");
        assert.equal(m.current(pair)!.search("Open the file.", {k: 1})[0].segment.origin.kind, "history", "searchable at once");
        const next = new WorkspaceMemory(host());
        const tm = await next.get(pair);
        assert.equal(tm.search("The lighthouse keeper climbed the stairs", {k: 1, minScore: 0.9}).length, 1);
        assert.equal(next.report(pair)!.history, 2);
    });

    it("an unreadable history file is moved aside and the memory built without it; nothing else is touched", async () => {
        fs.writeFileSync(path.join(storage, "history-en-de.pstm"), "not a memory");
        const m = new WorkspaceMemory(host());
        const tm = await m.get(pair);
        assert.ok(tm.size > 0);
        assert.ok(logs.some((l) => /WARN kept translations .* unreadable/.test(l)), logs.join("\n"));
        assert.ok(fs.readdirSync(storage).some((f) => f.includes(".corrupt-")));
    });

    it("reset (new globs): the memory is built again on its next use", async () => {
        const m = new WorkspaceMemory(host());
        await m.get(pair);
        m.reset();
        assert.equal(m.current(pair), undefined);
        await m.get(pair);
        assert.equal(indexCalls, 2);
        assert.ok(new TranslationMemory(pair).size === 0);
    });
});

function listFiles(dir: string): string[] {
    return fs.readdirSync(dir, {withFileTypes: true, recursive: true}).filter((e) => e.isFile()).map((e) => path.join(e.parentPath ?? (e as unknown as {path: string}).path, e.name)).sort();
}
