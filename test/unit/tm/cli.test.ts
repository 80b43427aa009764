import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {run} from "../../../src/cli/tm";
import {capture, usageErrors} from "../cliHarness";
import {loadTm} from "../../../src/tm/store";
import {FIXTURES, tmpDir} from "./helpers";

const usageError = usageErrors(run);

describe("tm CLI", () => {
    let dir: string, saved: string | undefined;
    before(() => {
        dir = tmpDir();
        saved = process.env.POLYSPEC_CACHE;
        process.env.POLYSPEC_CACHE = dir;
        // a tiny corpus in the layout of 'polyspec corpus build'
        fs.mkdirSync(path.join(dir, "corpus", "de"), {recursive: true});
        fs.writeFileSync(path.join(dir, "corpus", "de", "train.jsonl"), [
            JSON.stringify({id: "story-1", src: "The castle fell at dawn.", ref: "Die Burg fiel im Morgengrauen.", domain: "story"}),
            "{not json",
            JSON.stringify({id: "tech-1", src: "Open the file", ref: "Öffnen Sie die Datei", domain: "tech"}),
        ].join("\n") + "\n");
    });
    after(() => { if (saved === undefined) delete process.env.POLYSPEC_CACHE; else process.env.POLYSPEC_CACHE = saved; });

    it("refuses invalid commands, flags and arguments with one-line usage errors", async () => {
        await usageError([], /^missing tm command: use build, import, info or query/);
        await usageError(["frob"], /^unknown tm command "frob"/);
        await usageError(["build"], /^tm build needs --lang X/);
        await usageError(["build", "--lang", "de", "--bogus"], /^Unknown option '--bogus'.*\(see 'polyspec tm --help'\)$/);
        await usageError(["build", "--lang", "de", "x.po"], /^tm build takes no files \(it reads the corpus\): use 'polyspec tm import x\.po --lang X'/);
        await usageError(["build", "--lang", "not a lang"], /^--lang must be a language code such as de/);
        await usageError(["build", "--lang", "de", "--src", "fr"], /^the corpus has English -> X pairs for the built-in languages only, not fr -> de$/);
        await usageError(["build", "--lang", "en"], /^--src and --lang are the same language \(en\)$/);
        await usageError(["build", "--lang", "de", "--file", dir], /^--file must be a file path/);
        await usageError(["import", "--lang", "de"], /^tm import needs files or folders/);
        await usageError(["import", "x.po"], /^tm import needs --lang X/);
        await usageError(["query", "--lang", "de"], /^tm query needs a TEXT/);
        await usageError(["query", "hello", "--lang", "de", "--k", "0"], /^--k must be an integer from 1 to 100, got "0"$/);
        await usageError(["query", "hello", "--lang", "de", "--min-score", "2"], /^--min-score must be a number from 0.01 to 1, got "2"$/);
        await usageError(["info", "stray"], /^tm info takes no positional argument/);
        await usageError(["query", "hello", "--lang", "fr"], /^no translation memory for English -> French \(en-fr\) at .*en-fr\.pstm: build one with 'polyspec tm build --lang fr'/, "E_TM_MISSING");
        const help = await capture(() => run(["--help"]));
        assert.match(help.out, /^usage: polyspec tm build --lang X/);
        assert.match((await capture(() => run(["query", "--help"]))).out, /polyspec tm query TEXT --lang X/);
    });

    it("build, import, query and info on the default memory of the pair", async () => {
        const b = JSON.parse((await capture(() => run(["build", "--lang", "de", "--json"]))).out);
        assert.equal(b.file, path.join(dir, "tm", "en-de.pstm"));
        assert.equal(b.segments, 2);
        assert.equal(b.skippedLines, 1);
        const i = await capture(() => run(["import", FIXTURES, "--lang", "de-DE"]));
        assert.match(i.out, /imported 30 segments from 6 file\(s\); 4 file\(s\) skipped \(see above\)/);
        assert.match(i.err, /broken\.po:10: skipped: Invalid key name/);
        assert.equal(loadTm(b.file).size, 32);
        // importing again replaces the files' segments instead of doubling them
        await capture(() => run(["import", FIXTURES, "--lang", "de", "--json"]));
        assert.equal(loadTm(b.file).size, 32);
        const rebuilt = JSON.parse((await capture(() => run(["build", "--lang", "de", "--json"]))).out);
        assert.equal(rebuilt.replaced, 2);
        assert.equal(rebuilt.segments, 32, "build replaces the corpus segments and keeps the imported ones");

        const q = await capture(() => run(["query", "Open the files", "--lang", "de", "--k", "2"]));
        assert.match(q.out, /^ 67%  Open the file\n      Öffnen Sie die Datei\n      \(corpus tech-1\)\n 67%  Open the file\n      Datei öffnen\n      \(.*po\/de\.po:21\)$/);
        const j = JSON.parse((await capture(() => run(["query", "Open the files", "--lang", "de", "--json", "--k", "1"]))).out);
        assert.equal(j.matches.length, 1);
        assert.equal(j.matches[0].srcLang, "en");
        assert.match((await capture(() => run(["query", "Dragons breathe fire", "--lang", "de"]))).out, /^no match with a score >= 0.5 among 32 segments/);

        const info = await capture(() => run(["info", "--lang", "de"]));
        assert.match(info.out, /en-de\.pstm: Polyspec translation memory, format version 1, checksum ok\n  English -> German \(en-de\): 32 segments \(2 corpus, 30 from files, 0 history\)/);
        assert.match(info.out, /loaded in \d+ ms/);
        assert.match((await capture(() => run(["info"]))).out, /en-de\.pstm: English -> German \(en-de\), 32 segments/);
    });

    it("a corrupt memory is moved aside and started anew by build; query names the problem", async () => {
        const file = path.join(dir, "tm", "en-de.pstm");
        const buf = fs.readFileSync(file);
        buf[buf.length - 3] ^= 1;
        fs.writeFileSync(file, buf);
        await usageError(["query", "Open the file", "--lang", "de"], /en-de\.pstm is corrupt \(checksum mismatch\): rebuild it/, "E_TM_FILE");
        const r = await capture(() => run(["build", "--lang", "de", "--json"]));
        assert.match(r.err, /is corrupt \(checksum mismatch\)[^]*moved it to .*corrupt-.*and started a new memory/);
        assert.equal(JSON.parse(r.out).state, "rebuilt");
        assert.equal(loadTm(file).size, 2);
        assert.ok(fs.readdirSync(path.join(dir, "tm")).some((f) => f.includes(".corrupt-")));
        // a file of another pair named with --file is refused, not rebuilt
        await usageError(["import", FIXTURES, "--lang", "fr", "--file", file], /en-de\.pstm is a translation memory for en -> de, not en -> fr/, "E_TM_PAIR");
    });
});
