import assert from "node:assert/strict";
import {spawnSync} from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import {NEAR_TIE} from "../../src/bench/divergence";
import {requireModel} from "../helpers/models";

/**
 * The GPU code path, exercised without a GPU: node-llama-cpp's prebuilt Vulkan backend on Mesa's software Vulkan
 * device (llvmpipe), which llama.cpp uses only when GGML_VK_VISIBLE_DEVICES names it. What this proves: model
 * loading with every layer offloaded, our batched verification and KV-cache rollback through the Vulkan backend,
 * greedy exactness of speculation on that backend, the cost curve measured there and used by the cost-aware policy,
 * and `--gpu vulkan` / the polyspec.gpu setting reaching the engine. Not GPU speed: llvmpipe runs ~1 s a token.
 *
 * The driver is installed the way the project installs other system packages (tools/vulkan/setup.sh: apt-get, with
 * sudo when not root). Where it cannot be installed the tests skip and print why.
 */
const root = path.resolve(__dirname, "../..");
const SETUP = path.join(root, "tools/vulkan/setup.sh");

describe("Vulkan backend on Mesa's software device (llvmpipe)", function () {
    this.timeout(900_000);
    let model: string;
    let cache: string;
    let facts: Record<string, any>;
    const env = () => ({...process.env, GGML_VK_VISIBLE_DEVICES: "0", POLYSPEC_CACHE: cache, POLYSPEC_MODELS_DIR: path.dirname(model)});

    before(function () {
        model = requireModel(this, "smollm2-135m");
        const setup = spawnSync("bash", [SETUP], {encoding: "utf8"});
        const said = `${setup.stdout}${setup.stderr}`.trim();
        const check = setup.status === 0 ? spawnSync("bash", [SETUP, "--check"]).status : undefined;
        if (setup.status !== 0 || check !== 0) {
            const why = setup.status !== 0 ? said || `tools/vulkan/setup.sh exited ${setup.status}`
                : `${said}, but its files are not found (tools/vulkan/setup.sh --check exited ${check}: no lvp_icd json or no libvulkan.so.1)`;
            console.log(`      SKIPPED: Mesa's Vulkan driver is not available here: ${why}`);
            this.skip();
        }
        if (said) console.log(`      ${said}`);
        cache = fs.mkdtempSync(path.join(os.tmpdir(), "polyspec-vulkan-"));
    });
    after(() => { if (cache) fs.rmSync(cache, {recursive: true, force: true}); });

    it("loads with gpu \"vulkan\" (the polyspec.gpu setting) on llvmpipe with every layer offloaded; speculation stays greedy-exact; the cost curve is measured there and drives the policy", () => {
        const r = spawnSync(process.execPath, ["--import", "tsx", path.join(__dirname, "vulkan/worker.ts"), model], {encoding: "utf8", cwd: root, env: env(), timeout: 840_000});
        assert.equal(r.status, 0, `the Vulkan worker failed (exit ${r.status}, signal ${r.signal}): ${r.stderr.slice(-2000)}`);
        facts = JSON.parse(r.stdout.trim().split("\n").pop()!);
        assert.equal(facts.setting, "vulkan");
        assert.equal(facts.gpu, "vulkan");
        assert.ok(facts.devices.some((d: string) => /llvmpipe/i.test(d)), `devices: ${facts.devices}`);
        assert.equal(facts.gpuLayers, facts.totalLayers, "every layer offloaded");
        assert.ok(facts.totalLayers >= 30, `SmolLM2-135M has 30 blocks + output: ${facts.totalLayers}`);
        assert.ok(facts.plain.tokens.length > 0, "plain decoding produced tokens");

        // greedy: speculation on this backend gives the plain tokens of this backend, or parts at a near-tie
        for (const [name, run] of [["lookup, fixed k = 3", facts.fixed], ["lookup, cost-aware policy", facts.adaptive]] as const) {
            if (run.divergence) assert.ok(run.divergence.gap < NEAR_TIE, `${name} diverged at ${run.divergence.at} with gap ${run.divergence.gap}: not a near-tie`);
            else assert.deepEqual(run.tokens, facts.plain.tokens, name);
        }
        assert.ok(facts.fixed.drafted > 0 && facts.fixed.accepted > 0, `lookup drafted and had drafts accepted at fixed k: ${JSON.stringify(facts.fixed)}`);

        // the cost curve: measured (nothing was cached in the fresh POLYSPEC_CACHE), 1..16, and the policy's own
        assert.deepEqual(facts.curve.sizes, [1, 16]);
        assert.ok(facts.curve.ms[1] > 0 && facts.curve.ms[16] > facts.curve.ms[1], `curve ${JSON.stringify(facts.curve.ms)}`);
        assert.ok(facts.curve.measureMs > 100, "measured in this run, not read from a cache");
        assert.equal(facts.curve.usedByPolicy, true);
        assert.match(facts.adaptive.policy, /^cost-aware/);
        const ratio = (n: number) => (facts.curve.ms[n] / facts.curve.ms[1]).toFixed(2);
        console.log(`      llvmpipe: ${facts.devices.join(", ")}; ${facts.gpuLayers}/${facts.totalLayers} layers; load ${(facts.loadMs / 1000).toFixed(1)} s; ` +
            `step ${facts.curve.ms[1].toFixed(0)} ms, batch 2/4/8/16 = ${ratio(2)}/${ratio(4)}/${ratio(8)}/${ratio(16)} steps (measured in ${(facts.curve.measureMs / 1000).toFixed(0)} s); ` +
            `fixed k=3: ${facts.fixed.accepted}/${facts.fixed.drafted} accepted, cost-aware: ${facts.adaptive.accepted}/${facts.adaptive.drafted}; ` +
            `divergences: ${[facts.fixed, facts.adaptive].filter((x) => x.divergence).length} (near-ties)`);
    });

    it("`polyspec generate --gpu vulkan` runs the cost-aware path on the device and prints JSON", function () {
        if (!fs.existsSync(path.join(root, "dist/cli.js"))) throw new Error("run npm run build first");
        // the curve the first test measured is in this cache (same model, threads, gpu): the CLI decides on it
        const r = spawnSync(process.execPath, [path.join(root, "bin/polyspec.js"), "generate", "--gpu", "vulkan", "--model", model, "--drafter", "lookup", "--max-tokens", "12", "--json",
            "The bells rang: ding dong, ding dong, ding dong, ding dong,"], {encoding: "utf8", cwd: root, env: env(), timeout: 600_000});
        assert.equal(r.status, 0, `exit ${r.status}, signal ${r.signal}: ${r.stderr.slice(-2000)}`);
        const out = JSON.parse(r.stdout);
        assert.ok(out.text.length > 0 && out.stats.tokens > 0, r.stdout);
        assert.equal(out.drafter, "lookup");
    });
});
