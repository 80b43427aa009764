import assert from "node:assert/strict";
import fs from "node:fs";
import {buildCorpus} from "../../src/corpus/build";
import {corpusPaths} from "../../src/corpus/index";
import {checkCorpus, readJsonl} from "../../src/corpus/verify";
import {tmpDir} from "../unit/corpus/fixture";

/**
 * Builds one real language end to end from Debian packages (apt-get download, or the downloads cache).
 * About half a minute with a warm downloads cache, a few minutes on a fresh machine (about 300 MB of packages):
 * well inside CI's budget, so it runs with the engine tests.
 */
describe("corpus: real build of one language", function () {
    this.timeout(20 * 60 * 1000);
    it("builds German from the real packages, clean and complete", async () => {
        const out = tmpDir();
        const r = await buildCorpus({langs: ["de"], out});
        assert.deepEqual(r.missingPackages, []);
        const de = r.languages[0]!;
        assert.ok(de.mono.segments > 50000, `mono ${de.mono.segments}`);
        assert.ok(de.testStory >= 150 && de.testTech >= 150 && de.prompts >= 50, JSON.stringify(de));
        assert.ok(de.train > 10000);
        assert.deepEqual(r.contamination, []);
        assert.deepEqual(checkCorpus(out), []);
        const p = corpusPaths("de", out);
        const story = readJsonl<{src: string; ref: string}>(p.testStory);
        assert.ok(story.every((x) => x.src && x.ref && x.src !== x.ref));
        const mono = fs.readFileSync(p.mono, "utf8");
        assert.ok(/[äöüß]/.test(mono));
        assert.ok(!/<[a-z]+[ >]/.test(mono));
    });
});
