import assert from "node:assert/strict";
import {EventEmitter} from "node:events";
import path from "node:path";
import {CancelledError} from "../../../src/core/errors";
import {indexFiles, indexInWorker, serveIndexing, type IndexJob, type IndexParentMessage, type IndexWorkerMessage} from "../../../src/tm/worker";
import {FIXTURES, snapshot} from "./helpers";

class FakePort extends EventEmitter {
    messages: IndexWorkerMessage[] = [];
    postMessage(m: IndexWorkerMessage): void { this.messages.push(m); }
    send(m: IndexParentMessage): void { this.emit("message", m); }
}

const pair = {src: "en", tgt: "de"};
const files = ["po/de.po", "po/broken.po", "po/fr.po", "web/i18n/en.json", "web/i18n/de.json", "web/locales/fr/common.json", "web/package.json", "xliff/app.de.xlf"]
    .map((f) => path.join(FIXTURES, f));
const job: IndexJob = {files, pair};

describe("tm: indexing worker", () => {
    it("indexFiles: translation files imported, JSON files that pair with no language file skipped with the reason", async () => {
        const before = snapshot(FIXTURES);
        const r = await indexFiles(job);
        const got = r.files.map((f) => path.relative(FIXTURES, f.source.file)).sort();
        assert.deepEqual(got, ["po/de.po", "web/i18n/de.json", "xliff/app.de.xlf"], "en.json resolves to its de.json, once");
        assert.deepEqual(r.skipped.map((s) => path.relative(FIXTURES, s.file)).sort(), ["web/locales/fr/common.json", "web/package.json"]);
        assert.ok(r.skipped.every((s) => s.why.length > 10));
        assert.equal(r.failed, 1, "broken.po");
        assert.ok(r.messages.some((m) => m.level === "warn" && m.file.endsWith("broken.po") && m.line! > 0));
        assert.ok(r.messages.some((m) => m.level === "info" && m.file.endsWith("fr.po") && /Language header/.test(m.message)));
        assert.deepEqual(snapshot(FIXTURES), before, "nothing the user has is modified");
    });

    it("serveIndexing: progress and the importers' messages, then the result; a cancel becomes the last message", async () => {
        const port = new FakePort();
        await serveIndexing(port, job);
        const last = port.messages.at(-1)!;
        assert.equal(last.type, "done");
        assert.ok(port.messages.some((m) => m.type === "progress"));
        assert.ok(port.messages.some((m) => m.type === "message" && m.message.file.endsWith("broken.po")));
        assert.equal(port.listenerCount("message"), 0);
        const c = new FakePort();
        const p = serveIndexing(c, job);
        c.send({type: "cancel"});
        await p;
        assert.deepEqual(c.messages.at(-1), {type: "error", message: "cancelled", cancelled: true, code: undefined, stack: undefined});
    });

    it("indexInWorker: the same result from a real worker thread, cancellable", async () => {
        const workerFile = path.join(__dirname, "index-worker.cjs");
        const progress: number[] = [];
        const r = await indexInWorker(job, {workerFile, onProgress: (done) => progress.push(done)});
        const local = await indexFiles(job);
        assert.deepEqual(r.files.map((f) => [f.source.file, f.segments.length]), local.files.map((f) => [f.source.file, f.segments.length]));
        assert.deepEqual(r.files.flatMap((f) => f.segments.map((s) => s.target)), local.files.flatMap((f) => f.segments.map((s) => s.target)));
        assert.ok(progress.length > 0);
        const abort = new AbortController();
        abort.abort();
        await assert.rejects(indexInWorker(job, {workerFile, signal: abort.signal}), CancelledError);
    });
});
