import assert from "node:assert/strict";
import {EventEmitter} from "node:events";
import fs from "node:fs";
import path from "node:path";
import {CancelledError, PolyspecError} from "../../../src/core/errors";
import {NgramTable, trainInWorker, type TrainJob, type WorkerMessage} from "../../../src/drafters/ngram";
import {serveTraining, type ParentMessage} from "../../../src/drafters/ngram/worker";
import {CharTokenizer, pseudoText, tmpDir} from "./helpers";

class FakePort extends EventEmitter {
    messages: WorkerMessage[] = [];
    postMessage(m: WorkerMessage): void { this.messages.push(m); }
    send(m: ParentMessage): void { this.emit("message", m); }
}

describe("ngram: training worker", () => {
    let dir: string, corpus: string;
    before(() => {
        dir = tmpDir();
        corpus = path.join(dir, "corpus.txt");
        fs.writeFileSync(corpus, pseudoText(9, 60000));
    });
    const job = (o: Partial<TrainJob> = {}): TrainJob => ({inputs: [corpus], model: "chars-v1", lang: "en", out: path.join(dir, "w.ngram"), ...o});

    it("serveTraining reports progress, then the result", async () => {
        const port = new FakePort();
        await serveTraining(port, job(), async (m) => new CharTokenizer(m));
        const last = port.messages[port.messages.length - 1];
        assert.equal(last.type, "done");
        assert.ok(port.messages.filter((m) => m.type === "progress").length >= 2);
        assert.equal(port.listenerCount("message"), 0);
        if (last.type === "done") assert.equal(NgramTable.load(last.result.file).header.lang, "en");
    });

    it("serveTraining turns a cancel message and failures into error messages", async () => {
        const port = new FakePort();
        const p = serveTraining(port, job({out: path.join(dir, "c.ngram")}), async (m) => new CharTokenizer(m));
        port.send({type: "cancel"});
        await p;
        assert.deepEqual(port.messages.at(-1), {type: "error", message: "cancelled", cancelled: true, code: undefined, stack: undefined});
        assert.equal(fs.existsSync(path.join(dir, "c.ngram")), false);
        const port2 = new FakePort();
        await serveTraining(port2, job({inputs: [path.join(dir, "nope.txt")]}), async (m) => new CharTokenizer(m));
        const e = port2.messages.at(-1);
        assert.ok(e?.type === "error" && e.code === "E_CORPUS" && /corpus file not found/.test(e.message));
    });

    describe("trainInWorker (a real worker thread)", function () {
        this.timeout(60000);
        const workerFile = path.join(__dirname, "char-worker.cjs");
        const execArgv: string[] = [];

        it("trains off-thread with progress", async () => {
            const seen: string[] = [];
            const r = await trainInWorker(job({out: path.join(dir, "t.ngram")}), {workerFile, execArgv, onProgress: (_d, _t, stage) => seen.push(stage)});
            assert.ok(seen.includes("read") && seen.includes("write"));
            assert.equal(r.file, path.join(dir, "t.ngram"));
            assert.equal(NgramTable.load(r.file).header.fingerprint, new CharTokenizer("chars-v1").fingerprint);
        });

        it("rejects with the worker's PolyspecError, or CancelledError after abort", async () => {
            await assert.rejects(trainInWorker(job({inputs: [path.join(dir, "nope.txt")]}), {workerFile, execArgv}),
                (e: unknown) => e instanceof PolyspecError && e.code === "E_CORPUS" && /corpus file not found/.test(e.message));
            const ac = new AbortController();
            const out = path.join(dir, "aborted.ngram");
            const p = trainInWorker(job({out}), {workerFile, execArgv, signal: ac.signal, onProgress: () => ac.abort()});
            await assert.rejects(p, CancelledError);
            assert.equal(fs.existsSync(out), false);
            await assert.rejects(trainInWorker(job({model: "missing"}), {workerFile, execArgv}), /no such model/);
        });
    });
});
