import assert from "node:assert/strict";
import {JobGate} from "../../../src/vscode/common/jobs";

describe("job gate", () => {
    it("refuses a second command while one runs, naming the running one", async () => {
        const g = new JobGate();
        const a = await g.acquire("translating", "command");
        assert.ok(a.ok);
        const b = await g.acquire("continuing story", "command");
        assert.deepEqual(b, {ok: false, running: "translating"});
        if (a.ok) a.job.done();
        assert.ok((await g.acquire("continuing story", "command")).ok);
    });

    it("a command cancels a running inline suggestion and starts once it stopped", async () => {
        const g = new JobGate();
        const inline = await g.acquire("inline", "inline");
        assert.ok(inline.ok);
        let stoppedFirst = false;
        inline.job.cancel.onCancel(() => setTimeout(() => { stoppedFirst = true; inline.job.done(); }, 10));
        const cmd = await g.acquire("translating", "command");
        assert.ok(cmd.ok);
        assert.equal(inline.job.cancel.cancelled, true);
        assert.equal(stoppedFirst, true);
        assert.equal(g.running?.label, "translating");
    });

    it("an inline suggestion never interrupts a command", async () => {
        const g = new JobGate();
        const cmd = await g.acquire("translating", "command");
        assert.deepEqual(await g.acquire("inline", "inline"), {ok: false, running: "translating"});
        assert.ok(cmd.ok && !cmd.job.cancel.cancelled);
    });

    it("a newer inline suggestion replaces an older one", async () => {
        const g = new JobGate();
        const first = await g.acquire("inline 1", "inline");
        assert.ok(first.ok);
        first.job.cancel.onCancel(() => first.job.done());
        const second = await g.acquire("inline 2", "inline");
        assert.ok(second.ok);
        assert.equal(g.running?.label, "inline 2");
    });

    it("while a command waits for an inline job to stop, other requests are refused", async () => {
        const g = new JobGate();
        const inline = await g.acquire("inline", "inline");
        assert.ok(inline.ok);
        const pending = g.acquire("translating", "command");
        assert.deepEqual(await g.acquire("story", "command"), {ok: false, running: "translating"});
        assert.deepEqual(await g.acquire("inline 2", "inline"), {ok: false, running: "translating"});
        inline.job.done();
        assert.ok((await pending).ok);
    });

    it("cancelRunning cancels the current job; done() is idempotent and reported", async () => {
        const g = new JobGate();
        const seen: (string | undefined)[] = [];
        g.onChange((j) => seen.push(j?.label));
        assert.equal(g.cancelRunning(), false);
        const a = await g.acquire("training", "command");
        assert.ok(a.ok);
        assert.equal(g.cancelRunning(), true);
        assert.equal(a.job.cancel.cancelled, true);
        a.job.done();
        a.job.done();
        assert.deepEqual(seen, ["training", undefined]);
    });
});
