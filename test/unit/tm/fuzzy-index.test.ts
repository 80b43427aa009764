import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import {FuzzyIndex} from "../../../src/tm/fuzzy-index";
import {cacheRoot} from "../../../src/models/cache";
import {similarity} from "../../../src/tm/similarity";
import {mulberry32} from "../../../src/core/rng";

describe("tm fuzzy index", () => {
    it("finds the docstring example", () => {
        const ix = new FuzzyIndex();
        ix.add("open the file");
        ix.add("close the file");
        ix.add("the cat");
        const r = ix.search("open a file", {k: 3, minScore: 0.6});
        assert.deepEqual(r.map((h) => h.id), [0]);
        assert.ok(Math.abs(r[0].score - 2 / 3) < 1e-12);
        assert.deepEqual(ix.search("open a file", {k: 3, minScore: 0.3}).map((h) => h.id), [0, 1]);
    });

    it("orders by score, then the later added; honours k, minScore and removal", () => {
        const ix = new FuzzyIndex();
        const a = ix.add("the quick brown fox jumps");
        const b = ix.add("the quick brown fox jumps");
        const c = ix.add("the quick brown dog jumps");
        assert.deepEqual(ix.search("the quick brown fox jumps", {k: 5}).map((h) => h.id), [b, a, c]);
        assert.deepEqual(ix.search("the quick brown fox jumps", {k: 1}).map((h) => h.id), [b]);
        ix.remove(b);
        assert.deepEqual(ix.search("the quick brown fox jumps", {k: 5, minScore: 0.9}).map((h) => h.id), [a]);
        assert.equal(ix.live, 2);
        assert.deepEqual(ix.search("", {k: 5}), []);
        assert.deepEqual(ix.search("zebra", {k: 5}), []);
        assert.throws(() => ix.search("x", {minScore: 0}), /minScore/);
    });

    it("equals brute force on random texts with repeated words (exact for every score >= minScore)", () => {
        const r = mulberry32(7);
        const rng = () => r.next();
        const words = ["the", "a", "of", "file", "open", "save", "close", "the", "the", "menu", "window", "x", "y"];
        const text = () => Array.from({length: 1 + Math.floor(rng() * 9)}, () => words[Math.floor(rng() * words.length)]).join(" ");
        const ix = new FuzzyIndex();
        const docs = Array.from({length: 800}, text);
        docs.forEach((d) => ix.add(d));
        for (let q = 0; q < 200; q++) {
            const query = text();
            for (const minScore of [0.5, 0.6, 0.8]) {
                const got = ix.search(query, {k: 4, minScore});
                const want = ix.searchBruteForce(query, {k: 4, minScore});
                assert.deepEqual(got.map((h) => h.score.toFixed(9)), want.map((h) => h.score.toFixed(9)), `query "${query}" at ${minScore}`);
                for (const h of got) assert.ok(Math.abs(h.score - similarity(query, docs[h.id])) < 1e-9);
            }
        }
    });

    it("equals brute force on the German corpus's training pairs with held-out queries", function () {
        const dir = path.join(cacheRoot(), "corpus", "de");
        const train = path.join(dir, "train.jsonl"), test = path.join(dir, "test-story.jsonl");
        if (!fs.existsSync(train) || !fs.existsSync(test)) {
            console.log(`      (skipped: no corpus at ${dir}; build it with 'polyspec corpus build --langs de')`);
            this.skip();
        }
        this.timeout(120_000);
        const read = (f: string) => fs.readFileSync(f, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l).src as string);
        const ix = new FuzzyIndex();
        for (const s of read(train).slice(0, 20000)) ix.add(s);
        const queries = read(test).filter((_, i) => i % 7 === 0).slice(0, 60);
        let withMatch = 0;
        for (const q of queries) {
            const got = ix.search(q, {k: 3, minScore: 0.5});
            const want = ix.searchBruteForce(q, {k: 3, minScore: 0.5});
            assert.deepEqual(got.map((h) => h.score.toFixed(9)), want.map((h) => h.score.toFixed(9)), q);
            if (want.length) withMatch++;
        }
        assert.ok(withMatch > 0, "some held-out segments have a fuzzy match");
    });
});
