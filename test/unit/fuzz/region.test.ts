import assert from "node:assert/strict";
import fc from "fast-check";
import {Region, type Change} from "../../../src/vscode/common/region";

const SEED = 1405;

/**
 * The streamed region under random user edits and cancellations (issue 14 point 3, unit level): a simulated
 * document, the writer's appends at the region's end (announced, then applied, as src/vscode/streamWriter.ts does),
 * the user's edits anywhere (one or two changes per event, reported against the document before the event, as VS
 * Code reports them), and a cancel at any moment. While the region holds, it is exactly the text we wrote and the
 * rest of the document is exactly the user's; an edit that touches it breaks it (the writer stops), and only such an
 * edit does.
 */
type Action =
    | {kind: "append"; text: string}
    | {kind: "user"; edits: {at: number; removed: number; text: string}[]}
    | {kind: "cancel"};

const text = fc.string({unit: fc.constantFrom("a", "b", " ", "\n", "é", "語"), minLength: 0, maxLength: 4});
const action: fc.Arbitrary<Action> = fc.oneof(
    {weight: 4, arbitrary: fc.record({kind: fc.constant("append" as const), text: text.filter((t) => t.length > 0)})},
    {weight: 3, arbitrary: fc.record({kind: fc.constant("user" as const), edits: fc.array(fc.record({at: fc.double({min: 0, max: 1, noNaN: true}), removed: fc.nat(3), text}), {minLength: 1, maxLength: 2})})},
    {weight: 1, arbitrary: fc.constant({kind: "cancel" as const})},
);

describe("fuzz: the streamed region under random user edits and cancellation", () => {
    it("holds exactly our text and leaves the user's alone, or breaks exactly when an edit touches it", () => {
        fc.assert(fc.property(fc.string({minLength: 0, maxLength: 12}), fc.double({min: 0, max: 1, noNaN: true}), fc.array(action, {maxLength: 30}), (initial, where, actions) => {
            let doc = initial;
            const r = new Region(Math.floor(where * doc.length));
            let ours = "";      // what we wrote, in order
            let user = initial; // the document without our text: the user's edits only
            let cancelled = false;
            for (const a of actions) {
                if (a.kind === "cancel") { cancelled = true; continue; }
                if (a.kind === "append") {
                    if (cancelled || r.state !== "ok") continue; // the writer stops at a cancel or a broken region
                    const c: Change = {offset: r.end, removed: 0, inserted: a.text.length, text: a.text};
                    r.expect(c);
                    doc = doc.slice(0, c.offset) + a.text + doc.slice(c.offset);
                    r.apply(c);
                    ours += a.text;
                } else {
                    // one event: non-overlapping changes against the document before it, sorted by position
                    const changes: Change[] = [];
                    let from = 0;
                    for (const e of a.edits) {
                        const offset = from + Math.floor(e.at * (doc.length - from));
                        const removed = Math.min(e.removed, doc.length - offset);
                        if (changes.length && offset <= changes[changes.length - 1].offset + changes[changes.length - 1].removed) continue;
                        changes.push({offset, removed, inserted: e.text.length, text: e.text});
                        from = offset + removed + 1;
                        if (from > doc.length) break;
                    }
                    const wasOk = r.state === "ok";
                    const [start, end] = [r.start, r.end];
                    const touches = changes.some((c) => !(c.offset + c.removed <= start || c.offset > end));
                    for (const c of [...changes].reverse()) doc = doc.slice(0, c.offset) + c.text + doc.slice(c.offset + c.removed);
                    r.applyAll(changes);
                    if (wasOk) {
                        assert.equal(r.state === "broken", touches, `broken exactly when an edit touches [${start}, ${end}]`);
                        // the user's document: the same edits, outside our text
                        if (!touches) for (const c of [...changes].reverse()) {
                            const at = c.offset <= start ? c.offset : c.offset - (end - start);
                            user = user.slice(0, at) + c.text + user.slice(at + c.removed);
                        }
                    }
                }
                if (r.state === "ok") {
                    assert.equal(doc.slice(r.start, r.end), ours, "the region is exactly what we wrote");
                    assert.equal(doc.slice(0, r.start) + doc.slice(r.end), user, "everything else is exactly the user's");
                }
            }
        }), {numRuns: 3000, seed: SEED});
    });
});
