import assert from "node:assert/strict";
import {Region} from "../../../src/vscode/common/region";

describe("streamed region", () => {
    it("grows with our own appends and follows foreign edits before it", () => {
        const r = new Region(10);
        const c1 = {offset: 10, removed: 0, inserted: 5, text: "Hallo"};
        r.expect(c1);
        r.apply(c1);
        assert.deepEqual([r.start, r.length], [10, 5]);
        r.apply({offset: 2, removed: 0, inserted: 3}); // typed before
        assert.deepEqual([r.start, r.length, r.state], [13, 5, "ok"]);
        r.apply({offset: 0, removed: 4, inserted: 0}); // deleted before
        assert.deepEqual([r.start, r.end], [9, 14]);
        r.apply({offset: 20, removed: 2, inserted: 7}); // after
        assert.deepEqual([r.start, r.end, r.state], [9, 14, "ok"]);
    });

    it("a foreign edit inside the region, or typing at its end, breaks it", () => {
        const r = new Region(0, 0);
        const c = {offset: 0, removed: 0, inserted: 4, text: "Hola"};
        r.expect(c);
        r.apply(c);
        r.apply({offset: 2, removed: 1, inserted: 0});
        assert.equal(r.state, "broken");
        const q = new Region(0, 0);
        const d = {offset: 0, removed: 0, inserted: 4, text: "Hola"};
        q.expect(d);
        q.apply(d);
        q.apply({offset: 4, removed: 0, inserted: 1, text: "x"});
        assert.equal(q.state, "broken");
    });

    it("replace mode: the first write replaces the selection, the final write the whole region", () => {
        const r = new Region(5, 11); // "Hello world" selected at 5..16
        const first = {offset: 5, removed: 11, inserted: 3, text: "Hal"};
        r.expect(first);
        r.apply(first);
        assert.deepEqual([r.start, r.length], [5, 3]);
        const more = {offset: 8, removed: 0, inserted: 6, text: "lo Wel"};
        r.expect(more);
        r.apply(more);
        const fin = {offset: 5, removed: 9, inserted: 10, text: "Hallo Welt"};
        r.expect(fin);
        r.apply(fin);
        assert.deepEqual([r.start, r.length, r.state], [5, 10, "ok"]);
    });

    it("an edit inside the selection before anything was written breaks the region", () => {
        const r = new Region(5, 11);
        r.apply({offset: 7, removed: 1, inserted: 0});
        assert.equal(r.state, "broken");
    });

    it("several changes of one event are applied from the last to the first", () => {
        const r = new Region(10, 5);
        r.applyAll([{offset: 0, removed: 0, inserted: 2}, {offset: 30, removed: 0, inserted: 2}]);
        assert.deepEqual([r.start, r.length, r.state], [12, 5, "ok"]);
    });

    it("a retracted announcement is not mistaken for our edit", () => {
        const r = new Region(0, 3);
        const c = {offset: 3, removed: 0, inserted: 2, text: "ab"};
        r.expect(c);
        r.retract(c);
        r.apply({offset: 3, removed: 0, inserted: 2, text: "ab"});
        assert.equal(r.state, "broken");
    });
});
