import assert from "node:assert/strict";
import {createHash} from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import type {AddressInfo} from "node:net";
import os from "node:os";
import path from "node:path";
import {CancelledError, PolyspecError} from "../../src/core/errors";
import {downloadCatalogFile, httpUrl} from "../../src/engine/catalog-download";
import type {CatalogFile} from "../../src/models/catalog";
import {findModel} from "../../src/models/registry";
import {requireModel} from "../helpers/models";

/**
 * A local model server on 127.0.0.1 (no hub is reachable here): serves one real GGUF file with byte ranges, as Hugging
 * Face's CDN does, slowly enough that a transfer can be interrupted; counts what it sends.
 */
class ModelServer {
    mode: "ok" | "error500" | "error404" | "corrupt" = "ok";
    sent = 0;
    requests: string[] = [];
    private readonly server: http.Server;
    constructor(readonly data: Buffer, readonly bytesPerMs = 50_000) {
        this.server = http.createServer((req, res) => this.handle(req, res));
    }
    async start(): Promise<string> {
        await new Promise<void>((r) => this.server.listen(0, "127.0.0.1", r));
        return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    }
    async stop(): Promise<void> {
        this.server.closeAllConnections();
        await new Promise((r) => this.server.close(r));
    }
    private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
        this.requests.push(`${req.method} ${req.headers.range ?? "all"}`);
        if (this.mode === "error500") { res.writeHead(500, "Internal Server Error", {"content-type": "text/plain"}); res.end("boom"); return; }
        if (this.mode === "error404") { res.writeHead(404, "Not Found", {"content-type": "text/plain"}); res.end("no such file"); return; }
        const body = this.mode === "corrupt" ? Buffer.from(this.data).fill(7, 1_000_000, 1_000_100) : this.data;
        const m = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? "");
        const start = m ? Number(m[1]) : 0, end = m && m[2] ? Math.min(Number(m[2]), body.length - 1) : body.length - 1;
        res.writeHead(m ? 206 : 200, {"accept-ranges": "bytes", "content-length": end - start + 1, "content-type": "application/octet-stream",
            ...(m ? {"content-range": `bytes ${start}-${end}/${body.length}`} : {})});
        if (req.method === "HEAD") { res.end(); return; }
        let pos = start;
        const pump = () => {
            if (res.destroyed) return;
            if (pos > end) { res.end(); return; }
            const n = Math.min(this.bytesPerMs * 10, end + 1 - pos);
            res.write(body.subarray(pos, pos + n));
            this.sent += n;
            pos += n;
            setTimeout(pump, 10);
        };
        pump();
    }
}

describe("catalog download (node-llama-cpp's downloader against a local server)", function () {
    this.timeout(300_000);
    let data: Buffer, server: ModelServer, base: string, dir: string;
    const spec = findModel("smollm2-135m")!;
    const file = (over: Partial<CatalogFile> = {}): CatalogFile => ({uri: `${base}/SmolLM2-135M-Instruct.Q4_1.gguf`, file: "catalog-test.gguf", approxBytes: spec.size, sha256: spec.sha256, ...over});

    before(async function () {
        data = fs.readFileSync(requireModel(this, "smollm2-135m"));
        server = new ModelServer(data);
        base = await server.start();
    });
    after(async () => { await server?.stop(); });
    beforeEach(async () => {
        dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "polyspec-catalog-"));
        server.mode = "ok"; server.sent = 0; server.requests = [];
    });
    afterEach(async () => { await fs.promises.rm(dir, {recursive: true, force: true}); });

    it("downloads with progress, checks the published sha256 and caches; the next call needs no network", async () => {
        let last = 0, total = 0;
        const out = await downloadCatalogFile(file(), {dir, onProgress: (d, t, stage) => { if (stage === "download") { last = d; total = t; } }});
        assert.deepEqual([out.action, out.verified, out.path], ["downloaded", true, path.join(dir, "catalog-test.gguf")]);
        assert.equal(total, data.length);
        assert.equal(last, data.length);
        assert.equal(createHash("sha256").update(fs.readFileSync(out.path)).digest("hex"), spec.sha256);
        assert.deepEqual(fs.readdirSync(path.join(dir, ".catalog-partial")), [], "nothing left in the staging folder");
        const requests = server.requests.length;
        const again = await downloadCatalogFile(file(), {dir});
        assert.deepEqual([again.action, again.verified], ["cached", true]);
        assert.equal(server.requests.length, requests, "a cached file with a current stamp is not fetched again");
    });

    it("resumes an interrupted transfer where it stopped instead of starting over", async () => {
        const cancel = {cancelled: false};
        await assert.rejects(downloadCatalogFile(file(), {dir, cancel, onProgress: (d, _t, stage) => { if (stage === "download" && d > data.length * 0.5) cancel.cancelled = true; }}),
            CancelledError);
        assert.ok(!fs.existsSync(path.join(dir, "catalog-test.gguf")), "an incomplete file never enters the cache");
        const partial = fs.readdirSync(path.join(dir, ".catalog-partial"));
        assert.deepEqual(partial, ["catalog-test.gguf.ipull"], "the partial download is kept for the next run");
        const firstRound = server.sent;
        server.sent = 0;
        server.requests = [];
        const out = await downloadCatalogFile(file(), {dir});
        assert.equal(out.action, "downloaded");
        assert.equal(createHash("sha256").update(fs.readFileSync(out.path)).digest("hex"), spec.sha256);
        assert.ok(server.requests.some((r) => /^GET bytes=[1-9]\d*-/.test(r)), `a range request starting after 0: ${server.requests.join(", ")}`);
        // the bytes the resumed run asked for (its byte ranges; the preflight's first byte and the downloader's size
        // probe, a GET it drops after the headers, aside)
        const asked = server.requests.map((r) => /^GET bytes=(\d+)-(\d+)$/.exec(r)).filter((m) => m && Number(m[2]) > 0)
            .reduce((sum, m) => sum + Number(m![2]) - Number(m![1]) + 1, 0);
        assert.ok(asked > 0 && asked < data.length * 0.75, `the resumed run asked for ${asked} of ${data.length} bytes: ${server.requests.join(", ")}`);
        console.log(`      interrupted after ${(firstRound / 1e6).toFixed(1)} MB sent; the resumed run asked for ${(asked / 1e6).toFixed(1)} of ${(data.length / 1e6).toFixed(1)} MB`);
    });

    it("refuses a file whose sha256 is not the published one and leaves nothing in the cache", async () => {
        server.mode = "corrupt";
        await assert.rejects(downloadCatalogFile(file(), {dir}), (e: Error) =>
            e instanceof PolyspecError && /has sha256 [0-9a-f]{64}, not the published [0-9a-f]{64}: the download was deleted and nothing was cached/.test(e.message));
        assert.deepEqual(fs.readdirSync(dir).filter((f) => f !== ".catalog-partial" && !f.endsWith(".lock")), []);
        assert.deepEqual(fs.readdirSync(path.join(dir, ".catalog-partial")), []);
        // a cached file that no longer has its hash (corrupted on disk) is fetched again, not trusted
        server.mode = "ok";
        const good = await downloadCatalogFile(file(), {dir});
        fs.writeFileSync(good.path, Buffer.concat([data.subarray(0, 100), Buffer.from("x"), data.subarray(101)]));
        const again = await downloadCatalogFile(file(), {dir});
        assert.equal(again.action, "downloaded");
        assert.equal(createHash("sha256").update(fs.readFileSync(again.path)).digest("hex"), spec.sha256);
    });

    it("reports a server error at once with its HTTP status, and a missing file as such", async () => {
        server.mode = "error500";
        const t0 = performance.now();
        await assert.rejects(downloadCatalogFile(file(), {dir}), (e: Error) => e instanceof PolyspecError && /answered HTTP 500 Internal Server Error \(a server error: try again later\)/.test(e.message) && e.message.includes(base));
        assert.ok(performance.now() - t0 < 20_000, "no minutes of silent retries");
        server.mode = "error404";
        await assert.rejects(downloadCatalogFile(file(), {dir}), /HTTP 404 Not Found \(the file was moved or renamed upstream/);
        assert.ok(!fs.existsSync(path.join(dir, "catalog-test.gguf")));
        await server.stop();
        await assert.rejects(downloadCatalogFile(file(), {dir}), /cannot reach http:\/\/127\.0\.0\.1:\d+\/.* Check the network; without one, the pinned default models work offline/);
        server = new ModelServer(data);
        base = await server.start();
    });

    it("maps the catalog's hf: URIs to Hugging Face resolve URLs", () => {
        assert.equal(httpUrl("hf:ggml-org/gemma-3-1b-it-GGUF/gemma-3-1b-it-Q4_K_M.gguf"), "https://huggingface.co/ggml-org/gemma-3-1b-it-GGUF/resolve/main/gemma-3-1b-it-Q4_K_M.gguf");
        assert.equal(httpUrl("hf:u/r/sub/f.gguf#dev"), "https://huggingface.co/u/r/resolve/dev/sub/f.gguf");
        assert.throws(() => httpUrl("hf:u/r:Q4_K_M"), /not hf:user\/repo\/file.gguf/);
    });
});
