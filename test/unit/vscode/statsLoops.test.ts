import assert from "node:assert/strict";
import {loopShare, Stats} from "../../../src/core/stats";
import {StatsStore} from "../../../src/vscode/common/statsStore";

const snap = (tokens: number) => {
    const s = new Stats();
    for (let i = 0; i < tokens; i++) s.recordStep({proposed: 0, accepted: 0, emitted: 1, draftMs: 0, verifyMs: 10});
    s.decodeMs = 10 * tokens;
    return s.snapshot();
};

describe("statistics: the loop share of the user's own runs", () => {
    it("counts the runs the loop guard stopped, per language and drafter, with their evidence", () => {
        const st = new StatsStore("m");
        st.record({task: "story", lang: "de", drafter: "cascade", stats: snap(40), at: 1, looped: true});
        st.record({task: "story", lang: "de", drafter: "cascade", stats: snap(40), at: 2});
        st.record({task: "story", lang: "de", drafter: "cascade", stats: snap(40), at: 3, looped: false});
        st.record({task: "translate", lang: "sr-Latn", drafter: "none", stats: snap(20), at: 4});
        const rows = st.rows();
        const de = rows.find((r) => r.lang === "de")!;
        assert.equal(de.loops, 1);
        assert.equal(de.runs, 3);
        assert.equal(de.loopShare, loopShare(1, 3));
        const sr = rows.find((r) => r.lang === "sr-Latn")!;
        assert.equal(sr.loopShare, 0);
        assert.equal(sr.langLabel, "Serbian (Latin) · Srpski, latinica");
        // persisted and read back; a store saved before the guard reads as no loops
        const back = StatsStore.fromJSON(JSON.parse(JSON.stringify(st.toJSON())));
        assert.equal(back.rows().find((r) => r.lang === "de")!.loops, 1);
        const old = JSON.parse(JSON.stringify(st.toJSON()));
        for (const b of old.buckets) delete b.loops;
        assert.equal(StatsStore.fromJSON(old).rows().find((r) => r.lang === "de")!.loops, 0);
        assert.ok(Number.isNaN(loopShare(0, 0)));
    });
});
