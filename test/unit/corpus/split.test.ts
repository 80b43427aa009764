import assert from "node:assert/strict";
import {firstByHash, hasher, segmentId, sortByHash, unitHash} from "../../../src/corpus/split";

describe("corpus: seeded splits", () => {
    it("hashes to [0,1), deterministically, per seed and purpose, over the normalized text", () => {
        const u = unitHash("s", "story-test", "The night was cold.");
        assert.ok(u >= 0 && u < 1);
        assert.equal(unitHash("s", "story-test", "The night was cold."), u);
        assert.equal(unitHash("s", "story-test", "the night, was cold"), u, "near-duplicates share a fate");
        assert.notEqual(unitHash("t", "story-test", "The night was cold."), u);
        assert.notEqual(unitHash("s", "prompt", "The night was cold."), u);
    });

    it("selects the first N by hash regardless of input order or other items", () => {
        const items = Array.from({length: 200}, (_, i) => `sentence number ${i}`);
        const u = hasher("seed", "test");
        const a = firstByHash(items, (s) => s, u, 20);
        const b = firstByHash([...items].reverse(), (s) => s, u, 20);
        assert.deepEqual(a, b);
        // adding items can only push later items out, never reorder or replace earlier picks with worse ones
        const more = [...items, ...Array.from({length: 50}, (_, i) => `another ${i}`)];
        const c = firstByHash(more, (s) => s, u, 20);
        for (const x of c) if (!a.includes(x)) assert.ok(x.startsWith("another"));
        assert.deepEqual(sortByHash([...a].reverse(), (s) => s, u), a);
    });

    it("gives segment ids from the normalized English", () => {
        assert.equal(segmentId("story", "Hello, world!"), segmentId("story", "hello world"));
        assert.match(segmentId("tech", "x"), /^tech-[0-9a-f]{12}$/);
    });
});
